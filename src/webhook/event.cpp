#include "webhook/event.h"

#include <algorithm>

#include "util/text.h"

namespace bounceback::webhook {

const Classification* find_classification(std::span<const Classification> table, std::string_view type,
                                          std::string_view subtype) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const Classification& line) {
    return util::iequals(line.type, type) && (line.subtype.empty() || util::iequals(line.subtype, subtype));
  });
  return it == table.end() ? nullptr : &*it;
}

bool skipped(const Classification* line, std::string_view type, Events& events) {
  if (line != nullptr && line->kind != Kind::kNone) return false;
  events.skipped.emplace_back(type.empty() ? "(no type)" : type);
  return true;
}

void classify_as(const Classification& line, std::string_view type, std::string_view subtype, Event& event) {
  event.kind = line.kind;
  event.hint = line.hint;
  event.provider_type = std::string(type);
  event.provider_subtype = std::string(subtype);
  if (event.action.empty() && line.kind == Kind::kBounce) event.action = "failed";
  if (event.action.empty() && line.kind == Kind::kDelay) event.action = "delayed";
  if (event.action.empty() && line.kind == Kind::kDelivered) event.action = "delivered";
}

std::string server_words(std::string_view diagnostic) {
  constexpr size_t kLongestType = 16;  // "smtp", "X-Postfix", "X-Unix"
  const size_t semicolon = diagnostic.find(';');
  const std::string_view type = diagnostic.substr(0, semicolon);
  const bool typed = semicolon != std::string_view::npos && !type.empty() && type.size() <= kLongestType &&
                     std::all_of(type.begin(), type.end(), [](char c) { return util::is_alpha(c) || c == '-'; });
  return util::collapse_space(typed ? diagnostic.substr(semicolon + 1) : diagnostic);
}

}  // namespace bounceback::webhook
