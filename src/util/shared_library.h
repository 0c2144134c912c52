// Libraries loaded the first time a feature needs them rather than linked (libpq, libmicrohttpd,
// SQLite, ICU): each linked library costs every run of bounceback its share of start-up, and most
// runs never open a store or a server or meet a charset that needs ICU. Linked, ICU and SQLite
// (with the shared C++ runtime ICU brings) made decoding one small message take 3.1 ms instead
// of 2.0. Their headers still come from the -dev packages at build time.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "bounceback/result.h"

namespace bounceback::util {

struct SharedLibrary {
  void* handle = nullptr;  // open for the rest of the process
  std::string error;       // when handle is null: "<feature>: cannot load <soname> (<why>); install it, ..."
};

// Opens `soname` (RTLD_NOW | RTLD_LOCAL); `feature` and `package` name what needs it and the
// Debian package that provides it in the error.
SharedLibrary open_shared_library(const char* soname, std::string_view feature, std::string_view package);

// The address of `name` in an opened library, as F; nullptr when it has no such symbol.
void* find_symbol(const SharedLibrary& library, const char* name);

template <typename F>
F find_function(const SharedLibrary& library, const char* name) {
  return reinterpret_cast<F>(find_symbol(library, name));
}

// "<feature>: <soname> has no <function>: too old a version".
std::string missing_function_error(std::string_view feature, const char* soname, const char* function);

// A library's functions, loaded when constructed: what the loaders of libpq, libmicrohttpd, SQLite
// and ICU share, each holding one in a function-local static (loaded once, thread-safe).
// `Functions` is a struct of function pointers; `find_all(library, functions)` sets each (with
// BB_FIND_FUNCTION) and returns the name of the first one missing, or nullptr.
template <typename Functions>
class LazyLibrary {
 public:
  template <typename FindAll>
  LazyLibrary(const char* soname, std::string_view feature, std::string_view package, FindAll find_all) {
    const SharedLibrary library = open_shared_library(soname, feature, package);
    if (library.handle == nullptr) {
      error_ = library.error;
      return;
    }
    if (const char* missing = find_all(library, functions_)) error_ = missing_function_error(feature, soname, missing);
  }

  // The functions, or a kIoError saying what to install.
  Result<const Functions*> load() const {
    if (!error_.empty()) return Error{ErrorCode::kIoError, error_};
    return &functions_;
  }
  // nullptr when they could not be loaded (error() says why).
  const Functions* get() const { return error_.empty() ? &functions_ : nullptr; }
  // REQUIRES: load() succeeded (a connection or server exists only then).
  const Functions& loaded() const {
    if (!error_.empty()) std::abort();
    return functions_;
  }
  const std::string& error() const { return error_; }

 private:
  Functions functions_;
  std::string error_;  // empty when the library and every function were found
};

// For a struct of function pointers named as an X-macro lists the functions:
//   BB_FUNCTION_POINTER declares each member, e.g. `decltype(&::PQexec) PQexec = nullptr;`;
//   BB_FIND_FUNCTION(name), inside a LazyLibrary's find_all (whose parameters are `library` and
//   `functions`, with a `const char* missing` of its own), sets `functions.name` and, when it is
//   absent, points `missing` at its name.
// Names are expanded before they are looked up: ICU's headers rename ucnv_open to ucnv_open_72.
#define BB_SYMBOL_NAME_TEXT(name) #name
#define BB_SYMBOL_NAME(name) BB_SYMBOL_NAME_TEXT(name)
// NOLINTNEXTLINE(bugprone-macro-parentheses): the argument is a name, declared here
#define BB_FUNCTION_POINTER(name) decltype(&::name) name = nullptr;
#define BB_FIND_FUNCTION(name)                                                                          \
  functions.name = ::bounceback::util::find_function<decltype(&::name)>(library, BB_SYMBOL_NAME(name)); \
  if (functions.name == nullptr && missing == nullptr) missing = BB_SYMBOL_NAME(name);

}  // namespace bounceback::util
