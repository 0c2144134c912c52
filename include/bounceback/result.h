// Errors as values: the library never throws across its public API for
// expected failures such as malformed input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace bounceback {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is malformed (an unknown code, empty text)
  kNotFound,         // a lookup found nothing
  kTooLarge,         // an input exceeds a configured limit
  kIoError,          // a file or stream could not be read
};

struct Error {
  ErrorCode code;
  std::string message;  // names the input and what is wrong
};

// Either a value or an Error. Deliberately small: no exceptions, no monadic chains.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T* operator->() const { return &std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace bounceback
