#include "server/params.h"

#include <charconv>

#include "util/text.h"

namespace bounceback::server {
namespace {

bool listed(std::string_view name, std::string_view allowed) {
  while (!allowed.empty()) {
    const size_t space = allowed.find(' ');
    if (allowed.substr(0, space) == name) return true;
    if (space == std::string_view::npos) break;
    allowed.remove_prefix(space + 1);
  }
  return false;
}

Error bad_parameter(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

}  // namespace

std::optional<std::string> unknown_parameter(const Request& request, std::string_view allowed) {
  for (const auto& [name, value] : request.query) {
    if (listed(name, allowed)) continue;
    std::string message = "unknown query parameter '" + std::string(name) + "'";
    message += allowed.empty() ? std::string(": this endpoint takes none") : "; this endpoint takes: " + std::string(allowed);
    return message;
  }
  return std::nullopt;
}

Result<int64_t> integer_parameter(const Request& request, std::string_view name, int64_t min, int64_t max,
                                  int64_t fallback) {
  const std::string_view* text = find_query(request, name);
  if (text == nullptr) return fallback;
  int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, value);
  if (text->empty() || error != std::errc() || stop != end || value < min || value > max)
    return bad_parameter(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", not '" + std::string(*text) + "'");
  return value;
}

Result<bool> flag_parameter(const Request& request, std::string_view name) {
  const std::string_view* text = find_query(request, name);
  if (text == nullptr) return false;
  for (std::string_view yes : {"", "1", "true", "yes"})
    if (util::iequals(*text, yes)) return true;
  for (std::string_view no : {"0", "false", "no"})
    if (util::iequals(*text, no)) return false;
  return bad_parameter(std::string(name) + " must be 1 or 0, not '" + std::string(*text) + "'");
}

std::optional<std::string> text_parameter(const Request& request, std::string_view name) {
  const std::string_view* text = find_query(request, name);
  if (text == nullptr || text->empty()) return std::nullopt;
  return std::string(*text);
}

}  // namespace bounceback::server
