// `bounceback logs`: delivery failures from MTA logs (Postfix, Exim, Sendmail, OpenSMTPD).
#pragma once

#include <string>
#include <vector>

namespace bounceback::cli {

struct LogsCommand {
  std::vector<std::string> paths;  // log files, plain or gzip-compressed, or "-" for stdin
  std::string format = "text";     // text, jsonl, json, csv
  bool include_delivered = false;
  bool summary = false;  // counts instead of records: text, or JSON with --format json
  bool color = false;
};

// Exit code 0, or 1 when an input could not be read (the others are still read).
int run_logs(const LogsCommand& command);

}  // namespace bounceback::cli
