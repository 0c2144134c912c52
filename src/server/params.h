// Reading query parameters strictly: an unknown name or a malformed value is a 400 that says what
// is wrong, so a typo such as `?limt=5` never silently returns the default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bounceback/result.h"
#include "server/http.h"

namespace bounceback::server {

// An error naming the first parameter of `request` that is not in `allowed` (space-separated).
std::optional<std::string> unknown_parameter(const Request& request, std::string_view allowed);

// The whole number in parameter `name` within [min, max]; `fallback` when absent.
Result<int64_t> integer_parameter(const Request& request, std::string_view name, int64_t min, int64_t max,
                                  int64_t fallback);

// A yes/no parameter: "1", "true", "yes" or empty (`?store`) are true; "0", "false", "no" false.
Result<bool> flag_parameter(const Request& request, std::string_view name);

// The text of parameter `name`; nullopt when absent or empty.
std::optional<std::string> text_parameter(const Request& request, std::string_view name);

}  // namespace bounceback::server
