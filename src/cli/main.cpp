// The bounceback command line: parses arguments with CLI11 and hands over to the verbs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "bounceback/version.h"
#include "cli/commands.h"

namespace {

using namespace bounceback::cli;

bool color_wanted(int fd) { return std::getenv("NO_COLOR") == nullptr && isatty(fd) != 0; }

const char* kDescription =
    "bounceback decodes email delivery failures: bounce messages, SMTP reply codes and enhanced\n"
    "status codes become structured records and plain-language explanations.\n\n"
    "Examples:\n"
    "  bounceback decode ~/Maildir/.Bounces        one record per failed recipient\n"
    "  bounceback decode --format jsonl bounces.mbox > records.jsonl\n"
    "  bounceback explain '550 5.1.1 User unknown'  what a reply means and what to do\n"
    "  bounceback code 5.7.1                        the reference for one code\n\n"
    "Exit codes: 0 ok, 1 an input could not be read or decoded, 2 usage error.";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "bounceback"};
  app.set_version_flag("--version", std::string("bounceback ") + bounceback::kVersion);
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);

  OutputOptions output;
  const std::string format_help = "Output format: text (for people) or json";

  // decode
  DecodeCommand decode;
  CLI::App* decode_cmd = app.add_subcommand(
      "decode",
      "Decode bounce messages into one record per failed recipient. PATH is a message file, an\n"
      "mbox, a folder (searched recursively), a Maildir, or - for standard input. A summary of\n"
      "every message read goes to standard error.");
  decode_cmd->add_option("path", decode.paths, "Files, folders, Maildirs, mboxes, or - for stdin")->required();
  decode_cmd->add_option("-f,--format", decode.format, "Output format (default: text on a terminal, else jsonl)")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  decode_cmd->add_option("-j,--threads", decode.threads, "Decoding threads (default: all cores)")
      ->check(CLI::Range(0u, 1024u));
  decode_cmd->add_flag("--include-non-reports", decode.include_non_reports,
                       "Also write a record of kind \"none\" for each message that is not a report");
  decode_cmd->add_option("--max-message-size", decode.max_message_size,
                         "Refuse messages larger than this many bytes (default: 67108864)")
      ->check(CLI::PositiveNumber);
  decode_cmd->add_option("--max-mime-depth", decode.max_mime_depth,
                         "Treat MIME parts nested deeper than this as opaque (default: 32)")
      ->check(CLI::Range(1, 10000));
  decode_cmd->add_option("--max-parts", decode.max_parts, "Ignore MIME parts past this count (default: 10000)")
      ->check(CLI::PositiveNumber);
  decode_cmd->add_option("--max-header-size", decode.max_header_size,
                         "Cut header blocks larger than this many bytes (default: 1048576)")
      ->check(CLI::PositiveNumber);
  bool no_progress = false;
  decode_cmd->add_flag("--no-progress", no_progress, "Never show the progress line on a terminal");

  // explain
  std::vector<std::string> explain_words;
  CLI::App* explain_cmd = app.add_subcommand(
      "explain",
      "Explain whatever you were given: a code (550, 5.1.1), an SMTP reply, a diagnostic line, or a\n"
      "whole bounce message. Use - to read it from standard input.");
  explain_cmd->add_option("text", explain_words, "The text to explain, or - for stdin")->required();
  explain_cmd->add_option("-f,--format", output.format, format_help)->check(CLI::IsMember({"text", "json"}));

  // code
  std::vector<std::string> codes;
  CLI::App* code_cmd = app.add_subcommand(
      "code", "Look up SMTP reply codes (550) and enhanced status codes (5.1.1, X.7.1, #5.7.1).");
  code_cmd->add_option("code", codes, "One or more codes")->required();
  code_cmd->add_option("-f,--format", output.format, format_help)->check(CLI::IsMember({"text", "json"}));

  // codes
  std::optional<int> class_digit;
  std::optional<int> subject_digit;
  CLI::App* codes_cmd = app.add_subcommand("codes", "List every known reply code and status code.");
  codes_cmd->add_option("--class", class_digit, "Only this class (first digit: 2, 3, 4 or 5)")->check(CLI::Range(2, 5));
  codes_cmd->add_option("--subject", subject_digit, "Only this subject (second digit: 0 to 7)")->check(CLI::Range(0, 7));
  codes_cmd->add_option("-f,--format", output.format, format_help)->check(CLI::IsMember({"text", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  output.color = output.format == "text" && color_wanted(STDOUT_FILENO);
  if (*decode_cmd) {
    if (decode_cmd->count("--format") == 0) decode.format = isatty(STDOUT_FILENO) ? "text" : "jsonl";
    decode.color = decode.format == "text" && color_wanted(STDOUT_FILENO);
    decode.progress = !no_progress && isatty(STDERR_FILENO) != 0;
    return run_decode(decode);
  }
  if (*explain_cmd) return run_explain(explain_words, output);
  if (*code_cmd) return run_code(codes, output);
  return run_codes(class_digit, subject_digit, output);
}
