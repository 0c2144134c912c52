#include "util/date.h"

#include <array>
#include <cstdint>

#include "util/text.h"

namespace bounceback::util {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

struct NamedZone {
  std::string_view name;
  int minutes;
};
// RFC 5322 section 4.3 obsolete zones, and the common ones MTAs still print.
constexpr std::array<NamedZone, 14> kZones = {{{"ut", 0},       {"utc", 0},      {"gmt", 0},
                                               {"z", 0},        {"est", -300},   {"edt", -240},
                                               {"cst", -360},   {"cdt", -300},   {"mst", -420},
                                               {"mdt", -360},   {"pst", -480},   {"pdt", -420},
                                               {"jst", 540},    {"cet", 60}}};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y = yoe + era * 400 + (m <= 2);
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  void skip_blanks() {
    while (pos_ < text_.size() && (is_space(text_[pos_]) || text_[pos_] == ',')) ++pos_;
  }
  std::string_view word() {
    skip_blanks();
    const size_t start = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != ',' && text_[pos_] != ':') ++pos_;
    return text_.substr(start, pos_ - start);
  }
  bool number(int64_t& out, size_t max_digits) {
    skip_blanks();
    size_t digits = 0;
    out = 0;
    while (pos_ < text_.size() && is_digit(text_[pos_]) && digits < max_digits) {
      out = out * 10 + (text_[pos_] - '0');
      ++pos_;
      ++digits;
    }
    return digits > 0;
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view rest() { return text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// The first three letters, lower-cased, as one number: each month is then one comparison.
constexpr uint32_t abbreviation_key(std::string_view word) {
  return static_cast<uint32_t>(static_cast<unsigned char>(ascii_lower(word[0]))) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(ascii_lower(word[1]))) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(ascii_lower(word[2])));
}

// The months' keys, made once rather than at each comparison.
constexpr auto kMonthKeys = [] {
  std::array<uint32_t, kMonths.size()> keys{};
  auto key = keys.begin();
  for (std::string_view month : kMonths) *key++ = abbreviation_key(month);
  return keys;
}();

std::optional<int> month_number(std::string_view word) {
  if (word.size() < 3) return std::nullopt;
  const uint32_t key = abbreviation_key(word);
  for (size_t i = 0; i < kMonthKeys.size(); ++i) {
    if (key == kMonthKeys[i]) return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

std::optional<int> zone_minutes(std::string_view zone) {
  zone = trim(zone);
  if (zone.empty()) return 0;
  if ((zone[0] == '+' || zone[0] == '-') && zone.size() >= 5 && is_digit(zone[1]) && is_digit(zone[2]) &&
      is_digit(zone[3]) && is_digit(zone[4])) {
    const int minutes = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 60 + (zone[3] - '0') * 10 + (zone[4] - '0');
    return zone[0] == '-' ? -minutes : minutes;
  }
  size_t end = 0;
  while (end < zone.size() && is_alpha(zone[end])) ++end;
  for (const NamedZone& z : kZones) {
    if (iequals(zone.substr(0, end), z.name)) return z.minutes;
  }
  return 0;  // RFC 5322: an unknown zone is treated as UTC ("-0000" semantics)
}

// Writes a value of 0 to 99 as two digits: months, days and the fields of the time.
char* put_two_digits(char* out, int64_t value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out + 2;
}

// Writes a value that is never negative here (a year), zero-padded to `width` digits (printf's
// "%0*lld"), and returns the end of what it wrote. A year of four digits, as nearly all are, is
// written as two pairs of digits.
char* put_padded(char* out, int64_t value, int width) {
  if (width == 4 && value < 10000) return put_two_digits(put_two_digits(out, value / 100), value % 100);
  int digits = 1;
  for (int64_t rest = value / 10; rest > 0; rest /= 10) ++digits;
  if (digits < width) digits = width;
  char* end = out + digits;
  for (char* p = end; p != out; value /= 10) *--p = static_cast<char>('0' + value % 10);
  return end;
}

}  // namespace

std::optional<std::string> rfc5322_to_rfc3339(std::string_view date) {
  Scanner s(trim(date));
  int64_t day = 0;
  if (!s.number(day, 2)) {
    s.word();  // day name
    if (!s.number(day, 2)) return std::nullopt;
  }
  const auto month = month_number(s.word());
  int64_t year = 0, hour = 0, minute = 0, second = 0;
  if (!month || !s.number(year, 4)) return std::nullopt;
  if (year < 50) year += 2000;
  else if (year < 1000) year += 1900;
  if (!s.number(hour, 2) || !s.consume(':') || !s.number(minute, 2)) return std::nullopt;
  if (s.consume(':')) s.number(second, 2);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const auto zone = zone_minutes(s.rest());
  const int64_t seconds = days_from_civil(year, *month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - int64_t{*zone} * 60;
  int64_t days = seconds / 86400;
  int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  int64_t y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  // "2014-07-01T14:45:01Z"; a year may take five digits once the zone is applied.
  char out[32];
  char* end = put_padded(out, y, 4);
  *end++ = '-';
  end = put_two_digits(end, m);
  *end++ = '-';
  end = put_two_digits(end, d);
  *end++ = 'T';
  end = put_two_digits(end, in_day / 3600);
  *end++ = ':';
  end = put_two_digits(end, in_day % 3600 / 60);
  *end++ = ':';
  end = put_two_digits(end, in_day % 60);
  *end++ = 'Z';
  return std::string(out, end);
}

}  // namespace bounceback::util
