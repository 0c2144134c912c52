// Which allocator serves malloc in this process, for `bounceback --version`.
#pragma once

#include <string>

namespace bounceback::cli {

// "mimalloc 2.0.9" when the build links mimalloc and it really serves malloc (a change in link
// order could silently hand malloc back to the C library), else "the C library's malloc".
std::string allocator_in_use();

}  // namespace bounceback::cli
