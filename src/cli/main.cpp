// The bounceback command line: parses arguments with CLI11 and hands over to the verbs.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "bounceback/version.h"
#include "cli/allocator.h"
#include "cli/commands.h"
#include "cli/logs_command.h"
#include "cli/serve_command.h"
#include "cli/store_commands.h"

namespace {

using namespace bounceback::cli;

bool color_wanted(int fd) { return std::getenv("NO_COLOR") == nullptr && isatty(fd) != 0; }

const char* kDescription =
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

}  // namespace

static int run_command_line(int argc, char** argv) {
  CLI::App app{kDescription, "bounceback"};
  app.set_version_flag("--version", [] {
    return std::string("bounceback ") + bounceback::kVersion + "\nmalloc: " + allocator_in_use();
  });
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
                         "Treat MIME parts nested deeper than this as opaque (default: 32, at most 1000)")
      ->check(CLI::Range(1, 1000));
  decode_cmd->add_option("--max-parts", decode.max_parts, "Ignore MIME parts past this count (default: 10000)")
      ->check(CLI::PositiveNumber);
  decode_cmd->add_option("--max-header-size", decode.max_header_size,
                         "Cut header blocks larger than this many bytes (default: 1048576)")
      ->check(CLI::PositiveNumber);
  bool no_progress = false;
  decode_cmd->add_flag("--no-progress", no_progress, "Never show the progress line on a terminal");
  decode_cmd->add_option("--store", decode.store,
                         "Also store every record and update the suppression list: sqlite:PATH or a path");

  // logs
  LogsCommand logs;
  CLI::App* logs_cmd = app.add_subcommand(
      "logs",
      "Delivery failures and delays from MTA logs (Postfix, Exim, Sendmail, OpenSMTPD), as the same\n"
      "records decode gives. FILE may be gzip-compressed; - reads standard input. Counts of lines\n"
      "read, records, unrecognised and malformed lines go to standard error.");
  logs_cmd->add_option("file", logs.paths, "Log files, or - for stdin")->required();
  logs_cmd->add_option("-f,--format", logs.format, "Output format (default: text on a terminal, else jsonl)")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  logs_cmd->add_flag("--include-delivered", logs.include_delivered, "Also write a record for each delivery");
  logs_cmd->add_flag("--summary", logs.summary,
                     "Counts per reason, recipient domain and remote host, and the most frequent diagnostics,\n"
                     "instead of records (text, or JSON with --format json)");

  SuppressionsCommand suppressions;
  CLI::App* suppressions_cmd = app.add_subcommand(
      "suppressions", "The suppression list: addresses not to mail again, kept by decode --store and ingest.");
  suppressions_cmd->require_subcommand(1);
  // --db may come before or after the verb: "suppressions list --db ..." falls through to here.
  suppressions_cmd->add_option("--db", suppressions.db, "The store: sqlite:PATH (default: sqlite:./bounceback.db)");
  CLI::App* list_cmd = suppressions_cmd->add_subcommand("list", "List the suppressed addresses.");
  list_cmd->fallthrough();
  list_cmd->add_option("--domain", suppressions.domain, "Only addresses at this domain");
  list_cmd->add_option("--recipient", suppressions.recipient, "Only this address");
  list_cmd->add_option("-f,--format", suppressions.format, "Output format: text (default), json or csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  std::string export_format = "csv";
  CLI::App* export_cmd = suppressions_cmd->add_subcommand("export", "Export the whole list, for a sending tool.");
  export_cmd->fallthrough();
  export_cmd->add_option("-f,--format", export_format, "Output format: csv (default) or json")
      ->check(CLI::IsMember({"json", "csv"}));
  std::string lift_address;
  CLI::App* lift_cmd = suppressions_cmd->add_subcommand(
      "lift", "Remove an address from the list (exit code 1 when it was not on it).");
  lift_cmd->fallthrough();
  lift_cmd->add_option("address", lift_address, "The address to mail again")->required();

  // ingest
  IngestCommand ingest;
  CLI::App* ingest_cmd = app.add_subcommand(
      "ingest",
      "Decode and store ONE message read on standard input: the command for an MTA pipe transport\n"
      "(Postfix pipe, Exim pipe). Exit codes follow sysexits: 0 stored (also a duplicate or a\n"
      "message that is not a report), 75 store unavailable (the MTA retries), 65 a message that can\n"
      "never be processed (empty, too large), 64 usage. `serve --lmtp` is the same over LMTP.");
  ingest_cmd->add_option("--db", ingest.db, "The store: sqlite:PATH (default: sqlite:./bounceback.db)");
  ingest_cmd->add_option("--max-message-size", ingest.max_message_size,
                         "Refuse messages larger than this many bytes (default: 67108864)")
      ->check(CLI::PositiveNumber);

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

  // serve
  ServeCommand serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Serve the HTTP API (/v1/decode, /v1/explain, /v1/codes, /v1/suppressions, /v1/events,\n"
      "/healthz, /metrics) and the web page, and with --lmtp an LMTP listener for an MTA, until\n"
      "SIGINT or SIGTERM.");
  serve_cmd->add_option("--listen", serve.listen, "Address and port to listen on (default: 127.0.0.1:8025; port 0: any)");
  CLI::Option* db_option =
      serve_cmd->add_option("--db", serve.db, "The store: sqlite:PATH or postgresql://... (default: sqlite:./bounceback.db)");
  serve_cmd->add_flag("--no-store", serve.no_store, "Keep nothing: no events, no suppressions")->excludes(db_option);
  serve_cmd->add_option("--token", serve.token, "Bearer token that storing and lifting requests must present")
      ->envname("BOUNCEBACK_TOKEN");
  serve_cmd->add_option("--max-body", serve.max_body, "Refuse request bodies larger than this many bytes (default: 26214400)")
      ->check(CLI::PositiveNumber);
  serve_cmd->add_option("--threads", serve.threads, "Worker threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  serve_cmd->add_option("--max-connections", serve.max_connections, "Connections served at once (default: 1024)")
      ->check(CLI::Range(1u, 1000000u));
  serve_cmd->add_option("--timeout", serve.timeout_seconds, "Close idle connections after this many seconds (default: 30)")
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option(
      "--lmtp", serve.lmtp,
      "Also accept bounces from an MTA over LMTP (RFC 2033) on this address and port, e.g.\n"
      "127.0.0.1:2424; each recipient is answered 250 only once the message is stored, else 451");
  serve_cmd->add_flag("--no-http", serve.no_http, "Serve LMTP only, no HTTP API");
  serve_cmd->add_option("--lmtp-max-sessions", serve.lmtp_max_sessions,
                        "LMTP sessions served at once; more are told 421, try later (default: 16)")
      ->check(CLI::Range(1u, 10000u));
  serve_cmd->add_option("--lmtp-timeout", serve.lmtp_timeout_seconds,
                        "Close an LMTP session silent for this many seconds (default: 300, RFC 5321)")
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--lmtp-max-message-size", serve.lmtp_max_message_size,
                        "Refuse LMTP messages larger than this many bytes with 552 (default: 67108864)")
      ->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code != 0 && *ingest_cmd) return kIngestUsage;
    return code == 0 ? kExitOk : kExitUsage;
  }

  output.color = output.format == "text" && color_wanted(STDOUT_FILENO);
  if (*decode_cmd) {
    if (decode_cmd->count("--format") == 0) decode.format = isatty(STDOUT_FILENO) ? "text" : "jsonl";
    decode.color = decode.format == "text" && color_wanted(STDOUT_FILENO);
    decode.progress = !no_progress && isatty(STDERR_FILENO) != 0;
    return run_decode(decode);
  }
  if (*logs_cmd) {
    if (logs_cmd->count("--format") == 0) logs.format = (logs.summary || isatty(STDOUT_FILENO)) ? "text" : "jsonl";
    logs.color = logs.format == "text" && color_wanted(STDOUT_FILENO);
    return run_logs(logs);
  }
  if (*explain_cmd) return run_explain(explain_words, output);
  if (*code_cmd) return run_code(codes, output);
  if (*ingest_cmd) return run_ingest(ingest);
  if (*lift_cmd) return run_suppressions_lift(suppressions.db, lift_address);
  if (*export_cmd) suppressions.format = export_format;
  if (*suppressions_cmd) return run_suppressions_list(suppressions);
  if (*serve_cmd) return run_serve(serve);
  return run_codes(class_digit, subject_digit, output);
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
