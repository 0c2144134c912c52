// The verbs of the bounceback command. main.cpp parses the command line (CLI11 lives only there)
// and calls these; each returns the process exit code: 0 ok, 1 input problem, 2 usage.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace bounceback::cli {

enum ExitCode { kExitOk = 0, kExitInput = 1, kExitUsage = 2 };

struct OutputOptions {
  std::string format = "text";  // text or json
  bool color = false;
};

int run_code(const std::vector<std::string>& codes, const OutputOptions& output);
int run_codes(std::optional<int> class_digit, std::optional<int> subject_digit, const OutputOptions& output);
int run_explain(const std::vector<std::string>& words, const OutputOptions& output);

struct DecodeCommand {
  std::vector<std::string> paths;
  std::string format = "text";  // text, jsonl, json, csv
  unsigned threads = 0;         // 0: all cores
  bool include_non_reports = false;
  bool color = false;
  bool progress = false;
  size_t max_message_size = 0;  // 0: the library default
  int max_mime_depth = 0;
  size_t max_parts = 0;
  size_t max_header_size = 0;
  std::string store;  // a store URL: also keep the records there (--store); empty: keep nothing
};
int run_decode(const DecodeCommand& command);

// Reads all of standard input; nullopt when it cannot be read.
std::optional<std::string> read_stdin();

}  // namespace bounceback::cli
