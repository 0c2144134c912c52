// Reading the members of one JSON object for the provider readers: strings unescaped, numbers as
// text or int, nested objects by path. Absent or mistyped members read as empty.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace bounceback::webhook {

// The raw member `key` of `object`, or of the object reached through `path` first:
// member(event, {"mail", "commonHeaders"}, "subject").
std::string_view member(std::string_view object, std::string_view key);
std::string_view member(std::string_view object, std::initializer_list<std::string_view> path,
                        std::string_view key);

// A member's value as text: strings unescaped, numbers and literals as written ("550", "true");
// empty for null, objects, arrays and absent members.
std::string text(std::string_view raw);
// A member's integer value, from a number or a string of digits ("550"); nullopt otherwise.
std::optional<int> integer(std::string_view raw);

// "2026-03-02T10:15:03.412Z", "2026-03-02T11:15:03+01:00", "2026-03-02 10:15:03" (taken as UTC)
// or Unix seconds ("1772446503", "1772446503.41") to "2026-03-02T10:15:03Z"; empty otherwise.
std::string rfc3339_utc(std::string_view value);

}  // namespace bounceback::webhook
