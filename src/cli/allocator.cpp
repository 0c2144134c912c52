#include "cli/allocator.h"

#include <cstdlib>

#if BOUNCEBACK_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace bounceback::cli {

std::string allocator_in_use() {
#if BOUNCEBACK_WITH_MIMALLOC
  void* probe = std::calloc(1, 16);  // calloc: GCC warns of a read of uninitialised bytes otherwise
  const bool served_by_mimalloc = mi_is_in_heap_region(probe);
  std::free(probe);
  if (served_by_mimalloc) {
    const int version = mi_version();  // 209 for 2.0.9
    return "mimalloc " + std::to_string(version / 100) + "." + std::to_string(version / 10 % 10) + "." +
           std::to_string(version % 10);
  }
#endif
  return "the C library's malloc";
}

}  // namespace bounceback::cli
