// The store's clock: RFC 3339 UTC text ("2026-03-10T09:12:44Z") for people, Unix seconds for the
// suppression window arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bounceback::store {

int64_t now_seconds();
// "2026-03-10T09:12:44Z", also with fractional seconds or a numeric offset; nullopt otherwise.
std::optional<int64_t> parse_rfc3339(std::string_view text);
std::string format_rfc3339(int64_t seconds);
// parse_rfc3339(), or a plain date "2026-11-25" meaning its start, 00:00:00Z.
std::optional<int64_t> parse_time_or_date(std::string_view text);

}  // namespace bounceback::store
