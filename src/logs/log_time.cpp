// Log timestamps: two written forms, one conversion.
#include "logs/log_time.h"

#include <array>
#include <cstdio>

#include "util/text.h"

namespace bounceback::logs {
namespace {

// Reads exactly `digits` digits; false (and `text` unchanged) otherwise.
bool read_number(std::string_view& text, size_t digits, int& value) {
  if (text.size() < digits) return false;
  int n = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (!util::is_digit(text[i])) return false;
    n = n * 10 + (text[i] - '0');
  }
  value = n;
  text.remove_prefix(digits);
  return true;
}

// Reads one or two digits ("9" or "09", syslog pads days with a space instead).
bool read_small_number(std::string_view& text, int& value) {
  return read_number(text, 2, value) || read_number(text, 1, value);
}

bool skip(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
}

bool read_clock(std::string_view& text, LogTime& time) {
  return read_number(text, 2, time.hour) && skip(text, ':') && read_number(text, 2, time.minute) &&
         skip(text, ':') && read_number(text, 2, time.second);
}

bool plausible(const LogTime& time) {
  return time.month >= 1 && time.month <= 12 && time.day >= 1 && time.day <= 31 && time.hour <= 23 &&
         time.minute <= 59 && time.second <= 60;
}

// "Z", "+01:00", "+0100", or nothing.
void read_zone(std::string_view& text, LogTime& time) {
  if (skip(text, 'Z')) {
    time.utc_offset_minutes = 0;
    return;
  }
  std::string_view rest = text;
  if (rest.empty() || (rest.front() != '+' && rest.front() != '-')) return;
  const int sign = rest.front() == '-' ? -1 : 1;
  rest.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  if (!read_number(rest, 2, hours)) return;
  skip(rest, ':');
  if (!read_number(rest, 2, minutes)) return;
  time.utc_offset_minutes = sign * (hours * 60 + minutes);
  text = rest;
}

int month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (util::iequals(name, kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

std::optional<LogTime> parse_syslog_time(std::string_view& text) {
  std::string_view rest = text;
  LogTime time;
  if (rest.size() < 3) return std::nullopt;
  time.month = month_number(rest.substr(0, 3));
  rest.remove_prefix(3);
  skip_spaces(rest);
  if (!read_small_number(rest, time.day)) return std::nullopt;
  skip_spaces(rest);
  if (!read_clock(rest, time) || !plausible(time)) return std::nullopt;
  text = rest;
  return time;
}

std::optional<LogTime> parse_iso_time(std::string_view& text) {
  std::string_view rest = text;
  LogTime time;
  if (!read_number(rest, 4, time.year) || !skip(rest, '-') || !read_number(rest, 2, time.month) ||
      !skip(rest, '-') || !read_number(rest, 2, time.day)) {
    return std::nullopt;
  }
  if (!skip(rest, 'T') && !skip(rest, ' ')) return std::nullopt;
  if (!read_clock(rest, time) || !plausible(time)) return std::nullopt;
  if (skip(rest, '.') || skip(rest, ',')) {
    while (!rest.empty() && util::is_digit(rest.front())) rest.remove_prefix(1);
  }
  read_zone(rest, time);
  if (!time.utc_offset_minutes) {
    // Exim with log_timezone: "2026-03-10 09:12:44 +0100 1w2x3y-..."
    std::string_view spaced = rest;
    if (skip(spaced, ' ')) {
      read_zone(spaced, time);
      if (time.utc_offset_minutes) rest = spaced;
    }
  }
  text = rest;
  return time;
}

std::optional<std::string> to_rfc3339(const LogTime& time, std::time_t reference) {
  std::tm fields{};
  fields.tm_year = time.year - 1900;
  if (time.year == 0) {
    std::tm ref{};
    if (localtime_r(&reference, &ref) == nullptr) return std::nullopt;
    fields.tm_year = time.month > ref.tm_mon + 1 ? ref.tm_year - 1 : ref.tm_year;
  }
  fields.tm_mon = time.month - 1;
  fields.tm_mday = time.day;
  fields.tm_hour = time.hour;
  fields.tm_min = time.minute;
  fields.tm_sec = time.second;
  std::time_t utc = 0;
  if (time.utc_offset_minutes) {
    utc = timegm(&fields) - std::time_t{*time.utc_offset_minutes} * 60;
  } else {
    fields.tm_isdst = -1;
    utc = mktime(&fields);
  }
  std::tm out{};
  if (utc == -1 || gmtime_r(&utc, &out) == nullptr) return std::nullopt;
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", out.tm_year + 1900, out.tm_mon + 1,
                out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec);
  return std::string(text);
}

}  // namespace bounceback::logs
