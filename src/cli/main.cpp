// The bounceback command line: parses arguments with CLI11 and hands over to the verbs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bounceback/version.h"
#include "cli/allocator.h"
#include "cli/commands.h"
#include "cli/logs_command.h"
#include "cli/serve_command.h"
#include "cli/store_commands.h"

namespace {

using namespace bounceback::cli;

bool color_wanted(int fd) { return std::getenv("NO_COLOR") == nullptr && isatty(fd) != 0; }

constexpr const char* kDescription =
    "bounceback decodes email delivery failures: bounce messages, SMTP reply codes and enhanced\n"
    "status codes become structured records and plain-language explanations.\n\n"
    "Examples:\n"
    "  bounceback decode ~/Maildir/.Bounces        one record per failed recipient\n"
    "  bounceback decode --format jsonl bounces.mbox > records.jsonl\n"
    "  bounceback logs --summary mail.log          what failed in an MTA log, by reason and host\n"
    "  bounceback explain '550 5.1.1 User unknown'  what a reply means and what to do\n"
    "  bounceback code 5.7.1                        the reference for one code\n"
    "  bounceback decode --store bounces.db ~/Maildir/.Bounces && bounceback suppressions list --db bounces.db\n\n"
    "Exit codes: 0 ok, 1 an input could not be read or decoded, 2 usage error (ingest: sysexits).";

// Which verbs the command line is set up with. CLI11 takes longer to set up every verb and its
// options than decoding a small message takes, and a verb can only be chosen by its exact name:
// a run is parsed first with only the verbs named among its arguments.
class VerbFilter {
 public:
  static VerbFilter all() { return VerbFilter({}, true); }
  static VerbFilter named_in(int argc, char** argv) {
    return VerbFilter(std::vector<std::string_view>(argv + 1, argv + std::max(argc, 1)), false);
  }

  bool operator()(std::string_view verb) const {
    return all_ || std::find(arguments_.begin(), arguments_.end(), verb) != arguments_.end();
  }

 private:
  VerbFilter(std::vector<std::string_view> arguments, bool all) : arguments_(std::move(arguments)), all_(all) {}

  std::vector<std::string_view> arguments_;
  bool all_;
};

constexpr const char* kFormatHelp = "Output format: text (for people) or json";

void add_decode_options(CLI::App& cmd, DecodeCommand& decode, bool& no_progress) {
  cmd.add_option("path", decode.paths, "Files, folders, Maildirs, mboxes, or - for stdin")->required();
  cmd.add_option("-f,--format", decode.format, "Output format (default: text on a terminal, else jsonl)")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  cmd.add_option("-j,--threads", decode.threads, "Decoding threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  cmd.add_flag("--include-non-reports", decode.include_non_reports,
               "Also write a record of kind \"none\" for each message that is not a report");
  cmd.add_option("--max-message-size", decode.max_message_size,
                 "Refuse messages larger than this many bytes (default: 67108864)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--max-mime-depth", decode.max_mime_depth,
                 "Treat MIME parts nested deeper than this as opaque (default: 32, at most 1000)")
      ->check(CLI::Range(1, 1000));
  cmd.add_option("--max-parts", decode.max_parts, "Ignore MIME parts past this count (default: 10000)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--max-header-size", decode.max_header_size,
                 "Cut header blocks larger than this many bytes (default: 1048576)")
      ->check(CLI::PositiveNumber);
  cmd.add_flag("--no-progress", no_progress, "Never show the progress line on a terminal");
  cmd.add_option("--store", decode.store,
                 "Also store every record and update the suppression list: sqlite:PATH or a path");
}

void add_logs_options(CLI::App& cmd, LogsCommand& logs) {
  cmd.add_option("file", logs.paths, "Log files, or - for stdin")->required();
  cmd.add_option("-f,--format", logs.format, "Output format (default: text on a terminal, else jsonl)")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  cmd.add_flag("--include-delivered", logs.include_delivered, "Also write a record for each delivery");
  cmd.add_flag("--summary", logs.summary,
               "Counts per reason, recipient domain and remote host, and the most frequent diagnostics,\n"
               "instead of records (text, or JSON with --format json)");
}

// The verbs under `suppressions`, set up only when it is named.
struct SuppressionsVerbs {
  CLI::App* export_cmd = nullptr;
  CLI::App* lift_cmd = nullptr;
};

SuppressionsVerbs add_suppressions_verbs(CLI::App& cmd, SuppressionsCommand& suppressions, std::string& export_format,
                                         std::string& lift_address) {
  cmd.require_subcommand(1);
  // --db may come before or after the verb: "suppressions list --db ..." falls through to here.
  cmd.add_option("--db", suppressions.db, "The store: sqlite:PATH (default: sqlite:./bounceback.db)");
  CLI::App* list_cmd = cmd.add_subcommand("list", "List the suppressed addresses.");
  list_cmd->fallthrough();
  list_cmd->add_option("--domain", suppressions.domain, "Only addresses at this domain");
  list_cmd->add_option("--recipient", suppressions.recipient, "Only this address");
  list_cmd->add_option("-f,--format", suppressions.format, "Output format: text (default), json or csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  SuppressionsVerbs verbs;
  verbs.export_cmd = cmd.add_subcommand("export", "Export the whole list, for a sending tool.");
  verbs.export_cmd->fallthrough();
  verbs.export_cmd->add_option("-f,--format", export_format, "Output format: csv (default) or json")
      ->check(CLI::IsMember({"json", "csv"}));
  verbs.lift_cmd = cmd.add_subcommand("lift", "Remove an address from the list (exit code 1 when it was not on it).");
  verbs.lift_cmd->fallthrough();
  verbs.lift_cmd->add_option("address", lift_address, "The address to mail again")->required();
  return verbs;
}

void add_ingest_options(CLI::App& cmd, IngestCommand& ingest) {
  cmd.add_option("--db", ingest.db, "The store: sqlite:PATH (default: sqlite:./bounceback.db)");
  cmd.add_option("--max-message-size", ingest.max_message_size,
                 "Refuse messages larger than this many bytes (default: 67108864)")
      ->check(CLI::PositiveNumber);
}

void add_explain_options(CLI::App& cmd, std::vector<std::string>& explain_words, OutputOptions& output) {
  cmd.add_option("text", explain_words, "The text to explain, or - for stdin")->required();
  cmd.add_option("-f,--format", output.format, kFormatHelp)->check(CLI::IsMember({"text", "json"}));
}

void add_code_options(CLI::App& cmd, std::vector<std::string>& codes, OutputOptions& output) {
  cmd.add_option("code", codes, "One or more codes")->required();
  cmd.add_option("-f,--format", output.format, kFormatHelp)->check(CLI::IsMember({"text", "json"}));
}

void add_codes_options(CLI::App& cmd, std::optional<int>& class_digit, std::optional<int>& subject_digit,
                       OutputOptions& output) {
  cmd.add_option("--class", class_digit, "Only this class (first digit: 2, 3, 4 or 5)")->check(CLI::Range(2, 5));
  cmd.add_option("--subject", subject_digit, "Only this subject (second digit: 0 to 7)")->check(CLI::Range(0, 7));
  cmd.add_option("-f,--format", output.format, kFormatHelp)->check(CLI::IsMember({"text", "json"}));
}

void add_serve_options(CLI::App& cmd, ServeCommand& serve) {
  cmd.add_option("--listen", serve.listen, "Address and port to listen on (default: 127.0.0.1:8025; port 0: any)");
  CLI::Option* db_option =
      cmd.add_option("--db", serve.db, "The store: sqlite:PATH or postgresql://... (default: sqlite:./bounceback.db)");
  cmd.add_flag("--no-store", serve.no_store, "Keep nothing: no events, no suppressions")->excludes(db_option);
  cmd.add_option("--token", serve.token,
                 "Bearer token that requests over the store (storing, reading events and suppressions, "
                 "lifting) must present")
      ->envname("BOUNCEBACK_TOKEN");
  cmd.add_option("--max-body", serve.max_body, "Refuse request bodies larger than this many bytes (default: 26214400)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--threads", serve.threads, "Worker threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  cmd.add_option("--max-connections", serve.max_connections, "Connections served at once (default: 1024)")
      ->check(CLI::Range(1u, 1000000u));
  cmd.add_option("--timeout", serve.timeout_seconds, "Close idle connections after this many seconds (default: 30)")
      ->check(CLI::Range(1u, 86400u));
  cmd.add_option("--lmtp", serve.lmtp,
                 "Also accept bounces from an MTA over LMTP (RFC 2033) on this address and port, e.g.\n"
                 "127.0.0.1:2424; each recipient is answered 250 only once the message is stored, else 451");
  cmd.add_flag("--no-http", serve.no_http, "Serve LMTP only, no HTTP API");
  cmd.add_option("--lmtp-max-sessions", serve.lmtp_max_sessions,
                 "LMTP sessions served at once; more are told 421, try later (default: 16)")
      ->check(CLI::Range(1u, 10000u));
  cmd.add_option("--lmtp-timeout", serve.lmtp_timeout_seconds,
                 "Close an LMTP session silent for this many seconds (default: 300, RFC 5321)")
      ->check(CLI::Range(1u, 86400u));
  cmd.add_option("--lmtp-max-message-size", serve.lmtp_max_message_size,
                 "Refuse LMTP messages larger than this many bytes with 552 (default: 67108864)")
      ->check(CLI::PositiveNumber);
}

// The command line set up with some verbs, and what its parse chose.
class CommandLine {
 public:
  explicit CommandLine(const VerbFilter& wanted) {
    app_.set_version_flag("--version", [] {
      return std::string("bounceback ") + bounceback::kVersion + "\nmalloc: " + allocator_in_use();
    });
    app_.require_subcommand(1);
    app_.failure_message(CLI::FailureMessage::help);
    if (wanted("decode")) add_decode();
    if (wanted("logs")) add_logs();
    if (wanted("suppressions")) add_suppressions();
    if (wanted("ingest")) add_ingest();
    if (wanted("explain")) add_explain();
    if (wanted("code")) add_code();
    if (wanted("codes")) add_codes();
    if (wanted("serve")) add_serve();
  }
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // nullopt when a verb is chosen; otherwise the exit code, once help, the version or the error
  // is printed.
  std::optional<int> parse(int argc, char** argv) {
    try {
      app_.parse(argc, argv);
      return std::nullopt;
    } catch (const CLI::ParseError& e) {
      const int code = app_.exit(e);
      if (code != 0 && chosen(ingest_cmd_)) return kIngestUsage;
      return code == 0 ? kExitOk : kExitUsage;
    }
  }

  // Whether the arguments choose a verb, printing nothing either way.
  bool parses_quietly(int argc, char** argv) {
    try {
      app_.parse(argc, argv);
      return true;
    } catch (const CLI::ParseError&) {
      return false;
    }
  }

  int run() {
    output_.color = output_.format == "text" && color_wanted(STDOUT_FILENO);
    if (chosen(decode_cmd_)) {
      if (decode_cmd_->count("--format") == 0) decode_.format = isatty(STDOUT_FILENO) ? "text" : "jsonl";
      decode_.color = decode_.format == "text" && color_wanted(STDOUT_FILENO);
      decode_.progress = !no_progress_ && isatty(STDERR_FILENO) != 0;
      return run_decode(decode_);
    }
    if (chosen(logs_cmd_)) {
      if (logs_cmd_->count("--format") == 0) logs_.format = (logs_.summary || isatty(STDOUT_FILENO)) ? "text" : "jsonl";
      logs_.color = logs_.format == "text" && color_wanted(STDOUT_FILENO);
      return run_logs(logs_);
    }
    if (chosen(explain_cmd_)) return run_explain(explain_words_, output_);
    if (chosen(code_cmd_)) return run_code(codes_, output_);
    if (chosen(ingest_cmd_)) return run_ingest(ingest_);
    if (chosen(lift_cmd_)) return run_suppressions_lift(suppressions_.db, lift_address_);
    if (chosen(export_cmd_)) suppressions_.format = export_format_;
    if (chosen(suppressions_cmd_)) return run_suppressions_list(suppressions_);
    if (chosen(serve_cmd_)) return run_serve(serve_);
    return run_codes(class_digit_, subject_digit_, output_);
  }

 private:
  static bool chosen(const CLI::App* verb) { return verb != nullptr && verb->parsed(); }

  void add_decode() {
    decode_cmd_ = app_.add_subcommand(
        "decode",
        "Decode bounce messages into one record per failed recipient. PATH is a message file, an\n"
        "mbox, a folder (searched recursively), a Maildir, or - for standard input. A summary of\n"
        "every message read goes to standard error.");
    add_decode_options(*decode_cmd_, decode_, no_progress_);
  }

  void add_logs() {
    logs_cmd_ = app_.add_subcommand(
        "logs",
        "Delivery failures and delays from MTA logs (Postfix, Exim, Sendmail, OpenSMTPD), as the same\n"
        "records decode gives. FILE may be gzip-compressed; - reads standard input. Counts of lines\n"
        "read, records, skipped, unrecognised and malformed lines go to standard error.");
    add_logs_options(*logs_cmd_, logs_);
  }

  void add_suppressions() {
    suppressions_cmd_ = app_.add_subcommand(
        "suppressions", "The suppression list: addresses not to mail again, kept by decode --store and ingest.");
    const SuppressionsVerbs verbs =
        add_suppressions_verbs(*suppressions_cmd_, suppressions_, export_format_, lift_address_);
    export_cmd_ = verbs.export_cmd;
    lift_cmd_ = verbs.lift_cmd;
  }

  void add_ingest() {
    ingest_cmd_ = app_.add_subcommand(
        "ingest",
        "Decode and store ONE message read on standard input: the command for an MTA pipe transport\n"
        "(Postfix pipe, Exim pipe). Exit codes follow sysexits: 0 stored (also a duplicate or a\n"
        "message that is not a report), 75 store unavailable (the MTA retries), 65 a message that can\n"
        "never be processed (empty, too large), 64 usage. `serve --lmtp` is the same over LMTP.");
    add_ingest_options(*ingest_cmd_, ingest_);
  }

  void add_explain() {
    explain_cmd_ = app_.add_subcommand(
        "explain",
        "Explain whatever you were given: a code (550, 5.1.1), an SMTP reply, a diagnostic line, or a\n"
        "whole bounce message. Use - to read it from standard input.");
    add_explain_options(*explain_cmd_, explain_words_, output_);
  }

  void add_code() {
    code_cmd_ = app_.add_subcommand(
        "code", "Look up SMTP reply codes (550) and enhanced status codes (5.1.1, X.7.1, #5.7.1).");
    add_code_options(*code_cmd_, codes_, output_);
  }

  void add_codes() {
    codes_cmd_ = app_.add_subcommand("codes", "List every known reply code and status code.");
    add_codes_options(*codes_cmd_, class_digit_, subject_digit_, output_);
  }

  void add_serve() {
    serve_cmd_ = app_.add_subcommand(
        "serve",
        "Serve the HTTP API (/v1/decode, /v1/explain, /v1/codes, /v1/suppressions, /v1/events,\n"
        "/healthz, /metrics) and the web page, and with --lmtp an LMTP listener for an MTA, until\n"
        "SIGINT or SIGTERM.");
    add_serve_options(*serve_cmd_, serve_);
  }

  CLI::App app_{kDescription, "bounceback"};
  OutputOptions output_;
  DecodeCommand decode_;
  bool no_progress_ = false;
  LogsCommand logs_;
  SuppressionsCommand suppressions_;
  std::string export_format_ = "csv";
  std::string lift_address_;
  IngestCommand ingest_;
  std::vector<std::string> explain_words_;
  std::vector<std::string> codes_;
  std::optional<int> class_digit_;
  std::optional<int> subject_digit_;
  ServeCommand serve_;
  // The verbs set up; nullptr for those left out.
  CLI::App* decode_cmd_ = nullptr;
  CLI::App* logs_cmd_ = nullptr;
  CLI::App* suppressions_cmd_ = nullptr;
  CLI::App* export_cmd_ = nullptr;
  CLI::App* lift_cmd_ = nullptr;
  CLI::App* ingest_cmd_ = nullptr;
  CLI::App* explain_cmd_ = nullptr;
  CLI::App* code_cmd_ = nullptr;
  CLI::App* codes_cmd_ = nullptr;
  CLI::App* serve_cmd_ = nullptr;
};

}  // namespace

// Help, the version and errors list every verb, so a run that does not simply choose a named
// verb is parsed again with them all, which prints exactly what it always printed.
static int run_command_line(int argc, char** argv) {
  {
    CommandLine named_verbs(VerbFilter::named_in(argc, argv));
    if (named_verbs.parses_quietly(argc, argv)) return named_verbs.run();
  }
  CommandLine every_verb(VerbFilter::all());
  if (const std::optional<int> code = every_verb.parse(argc, argv)) return *code;
  return every_verb.run();
}

// Whatever escapes the verbs (out of memory, a bug) ends in a message and EX_SOFTWARE, not in
// std::terminate's abort and core dump.
int main(int argc, char** argv) {
  constexpr int kExitSoftware = 70;
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bounceback: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "bounceback: internal error\n");
  }
  return kExitSoftware;
}
