#include "webhook/json_fields.h"

#include <charconv>
#include <cstdint>

#include "formats/json_scan.h"
#include "util/text.h"

namespace bounceback::webhook {
namespace {

namespace json = formats::json;

// Parses the unsigned decimal at text[at, at + width); nullopt unless all are digits.
std::optional<int64_t> digits_at(std::string_view text, size_t at, size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int64_t value = 0;
  const char* first = text.data() + at;
  const auto [end, error] = std::from_chars(first, first + width, value);
  if (error != std::errc{} || end != first + width) return std::nullopt;
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string two_digits(int64_t value) {
  return {static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
}

// Seconds since the epoch to "YYYY-MM-DDTHH:MM:SSZ" (civil_from_days, the inverse of the above).
std::string format_utc(int64_t seconds) {
  constexpr int64_t kDay = 86400;
  int64_t days = seconds / kDay;
  int64_t rest = seconds % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return {};
  std::string out = std::to_string(year);
  out.insert(0, 4 - out.size(), '0');
  out += '-' + two_digits(month) + '-' + two_digits(day) + 'T' + two_digits(rest / 3600) + ':' +
         two_digits(rest / 60 % 60) + ':' + two_digits(rest % 60) + 'Z';
  return out;
}

// The zone after the seconds (and any fraction): "Z", "+01:00", "-0400" or nothing (UTC);
// nullopt when something else follows.
std::optional<int64_t> zone_offset_seconds(std::string_view zone) {
  size_t fraction = 0;
  if (!zone.empty() && zone.front() == '.') {
    fraction = 1;
    while (fraction < zone.size() && util::is_digit(zone[fraction])) ++fraction;
  }
  zone.remove_prefix(fraction);
  if (zone.empty() || zone == "Z" || zone == "z") return 0;
  if (zone.front() != '+' && zone.front() != '-') return std::nullopt;
  const int64_t sign = zone.front() == '-' ? -1 : 1;
  const std::optional<int64_t> hours = digits_at(zone, 1, 2);
  const size_t minutes_at = zone.size() > 3 && zone[3] == ':' ? 4 : 3;
  const std::optional<int64_t> minutes = digits_at(zone, minutes_at, 2);
  if (!hours || !minutes || zone.size() != minutes_at + 2) return std::nullopt;
  return sign * (*hours * 3600 + *minutes * 60);
}

std::string iso_to_rfc3339(std::string_view value) {
  const auto year = digits_at(value, 0, 4), month = digits_at(value, 5, 2), day = digits_at(value, 8, 2);
  const auto hour = digits_at(value, 11, 2), minute = digits_at(value, 14, 2), second = digits_at(value, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || value[4] != '-' || value[7] != '-' ||
      (value[10] != 'T' && value[10] != ' ') || value[13] != ':' || value[16] != ':' || *month < 1 ||
      *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return {};
  }
  const std::optional<int64_t> offset = zone_offset_seconds(value.substr(19));
  if (!offset) return {};
  const int64_t local = days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
  return format_utc(local - *offset);
}

std::string unix_to_rfc3339(std::string_view value) {
  const std::string_view whole = value.substr(0, value.find('.'));
  constexpr size_t kLongestSeconds = 11;  // beyond year 5000
  if (whole.empty() || whole.size() > kLongestSeconds) return {};
  const std::optional<int64_t> seconds = digits_at(whole, 0, whole.size());
  return seconds ? format_utc(*seconds) : std::string{};
}

}  // namespace

std::string_view member(std::string_view object, std::string_view key) { return json::member_of(object, key); }

std::string_view member(std::string_view object, std::initializer_list<std::string_view> path,
                        std::string_view key) {
  for (std::string_view step : path) object = json::member_of(object, step);
  return json::member_of(object, key);
}

std::string text(std::string_view raw) {
  if (raw.empty() || raw == "null" || raw.front() == '{' || raw.front() == '[') return {};
  if (raw.front() == '"') return json::as_string(raw).value_or(std::string{});
  return std::string(raw);
}

std::optional<int> integer(std::string_view raw) {
  const std::string value = text(raw);
  int out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return out;
}

std::string rfc3339_utc(std::string_view value) {
  value = util::trim(value);
  if (value.size() >= 19 && value[4] == '-') return iso_to_rfc3339(value);
  return unix_to_rfc3339(value);
}

}  // namespace bounceback::webhook
