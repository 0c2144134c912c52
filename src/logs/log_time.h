// Log timestamps to RFC 3339 UTC.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace bounceback::logs {

// A date as a log line writes it. Syslog's "Mar 10 09:12:44" has no year and no zone; Exim's
// "2026-03-10 09:12:44" has no zone unless log_timezone is set.
struct LogTime {
  int year = 0;  // 0: not written
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::optional<int> utc_offset_minutes;  // absent: the local time of the machine that logged
};

// Reads "Mar 10 09:12:44" (syslog) at the start of `text`; advances `text` past it.
std::optional<LogTime> parse_syslog_time(std::string_view& text);
// Reads "2026-03-10 09:12:44", "2026-03-10T09:12:44.123+01:00", "2026-03-10 09:12:44 +0100"
// (ISO 8601 / RFC 3339 / Exim) at the start of `text`; advances `text` past it.
std::optional<LogTime> parse_iso_time(std::string_view& text);

// RFC 3339 UTC. A missing year is the year of `reference` (the log file's modification time),
// or the year before for a month later than the reference's: a log rotated in January still holds
// December's lines. A missing zone is the local zone of this process (TZ), as syslog wrote it.
std::optional<std::string> to_rfc3339(const LogTime& time, std::time_t reference);

}  // namespace bounceback::logs
