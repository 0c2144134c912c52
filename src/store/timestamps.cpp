#include "store/timestamps.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "util/text.h"

namespace bounceback::store {
namespace {

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// The number of `width` digits at `offset`, nullopt when they are not all digits.
std::optional<int64_t> digits_at(std::string_view text, size_t offset, size_t width) {
  if (offset + width > text.size()) return std::nullopt;
  int64_t value = 0;
  const char* begin = text.data() + offset;
  const auto [end, ec] = std::from_chars(begin, begin + width, value);
  if (ec != std::errc() || end != begin + width) return std::nullopt;
  return value;
}

bool char_at(std::string_view text, size_t offset, char expected) {
  return offset < text.size() && text[offset] == expected;
}

// The offset after the seconds: "Z", "+09:00" or "-05:00", in seconds east of UTC.
std::optional<int64_t> zone_offset(std::string_view zone) {
  if (zone == "Z" || zone == "z") return 0;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  const auto hours = digits_at(zone, 1, 2);
  const auto minutes = digits_at(zone, 4, 2);
  if (!hours || !minutes) return std::nullopt;
  const int64_t offset = *hours * 3600 + *minutes * 60;
  return zone[0] == '+' ? offset : -offset;
}

// Appends `value` with leading zeros up to `width` digits.
void append_padded(int64_t value, size_t width, std::string& out) {
  const std::string digits = std::to_string(value);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out.append(digits);
}

}  // namespace

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  const auto year = digits_at(text, 0, 4);
  const auto month = digits_at(text, 5, 2);
  const auto day = digits_at(text, 8, 2);
  const auto hour = digits_at(text, 11, 2);
  const auto minute = digits_at(text, 14, 2);
  const auto second = digits_at(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (!char_at(text, 4, '-') || !char_at(text, 7, '-') || !char_at(text, 13, ':') || !char_at(text, 16, ':')) {
    return std::nullopt;
  }
  if (!char_at(text, 10, 'T') && !char_at(text, 10, 't') && !char_at(text, 10, ' ')) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  size_t zone_start = 19;
  if (char_at(text, zone_start, '.')) {
    ++zone_start;
    while (zone_start < text.size() && util::is_digit(text[zone_start])) ++zone_start;
  }
  const auto offset = zone_offset(text.substr(std::min(zone_start, text.size())));
  if (!offset) return std::nullopt;
  return days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second - *offset;
}

std::optional<int64_t> parse_time_or_date(std::string_view text) {
  constexpr std::string_view kDate = "YYYY-MM-DD";
  if (text.size() != kDate.size()) return parse_rfc3339(text);
  const auto year = digits_at(text, 0, 4);
  const auto month = digits_at(text, 5, 2);
  const auto day = digits_at(text, 8, 2);
  if (!year || !month || !day || !char_at(text, 4, '-') || !char_at(text, 7, '-')) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  return days_from_civil(*year, *month, *day) * 86400;
}

std::string format_rfc3339(int64_t seconds) {
  const std::chrono::sys_seconds time{std::chrono::seconds(seconds)};
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  std::string text;
  append_padded(static_cast<int>(date.year()), 4, text);
  text.push_back('-');
  append_padded(static_cast<unsigned>(date.month()), 2, text);
  text.push_back('-');
  append_padded(static_cast<unsigned>(date.day()), 2, text);
  text.push_back('T');
  append_padded(clock.hours().count(), 2, text);
  text.push_back(':');
  append_padded(clock.minutes().count(), 2, text);
  text.push_back(':');
  append_padded(clock.seconds().count(), 2, text);
  text.push_back('Z');
  return text;
}

}  // namespace bounceback::store
