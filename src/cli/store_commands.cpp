#include "cli/store_commands.h"

#include <cstdio>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "bounceback/decoder.h"
#include "bounceback/output.h"
#include "cli/commands.h"
#include "io/utf8.h"
#include "pipeline/ingest.h"
#include "store/store.h"

namespace bounceback::cli {
namespace {

using store::Store;
using store::Suppression;

constexpr int kPageSize = 1000;

void print_error(std::string_view verb, std::string_view message) {
  std::fprintf(stderr, "bounceback %.*s: %.*s\n", static_cast<int>(verb.size()), verb.data(),
               static_cast<int>(message.size()), message.data());
}

std::shared_ptr<Store> open_or_report(const std::string& url, std::string_view verb) {
  Result<std::unique_ptr<Store>> store = store::open_store(url);
  if (!store) {
    print_error(verb, store.error().message);
    return nullptr;
  }
  return std::move(store).value();
}

// `decode --store` stores this many messages per transaction: a commit costs a sync to disk
// (SQLite) or a round trip and a WAL flush (PostgreSQL), which a batch pays once.
constexpr size_t kMessagesPerTransaction = 256;

class BatchedWrites {
 public:
  BatchedWrites(std::shared_ptr<Store> store, StoreTally& tally) : store_(std::move(store)), tally_(tally) {}

  std::optional<std::string> keep(const std::string& key, const std::vector<Record>& records) {
    pending_.push_back(store::MessageRecords{key, records});
    return pending_.size() < kMessagesPerTransaction ? std::nullopt : flush();
  }

  std::optional<std::string> flush() {
    if (pending_.empty()) return std::nullopt;
    const Result<std::vector<store::StoreResult>> stored = store_->store_messages(pending_);
    pending_.clear();
    if (!stored) return "cannot store the records: " + stored.error().message;
    for (const store::StoreResult& result : *stored) {
      tally_.events_stored += result.events_stored;
      tally_.events_stored_before += result.events_stored_before;
    }
    return std::nullopt;
  }

 private:
  std::shared_ptr<Store> store_;
  StoreTally& tally_;
  std::vector<store::MessageRecords> pending_;
};

// ---- the suppression list in three formats ----

// RFC 4180: quoted only when needed, quotes doubled.
void append_csv_field(std::string_view field, std::string& out) {
  std::string valid;
  io::append_valid_utf8(field, valid);
  if (valid.find_first_of(",\"\r\n") == std::string::npos) {
    out.append(valid);
    return;
  }
  out.push_back('"');
  for (const char c : valid) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_header(std::string& out) {
  out.append("recipient,domain,reason,first_bounce,last_bounce,bounce_count,soft_count,hard_count,complaint_count\n");
}

void append_csv(const Suppression& s, std::string& out) {
  for (const std::string* text : {&s.recipient, &s.domain, &s.reason, &s.first_bounce, &s.last_bounce}) {
    append_csv_field(*text, out);
    out.push_back(',');
  }
  out.append(std::to_string(s.bounce_count)).push_back(',');
  out.append(std::to_string(s.soft_count)).push_back(',');
  out.append(std::to_string(s.hard_count)).push_back(',');
  out.append(std::to_string(s.complaint_count)).push_back('\n');
}

void append_json(const Suppression& s, std::string& out) {
  const std::pair<std::string_view, const std::string*> texts[] = {
      {"recipient", &s.recipient},       {"domain", &s.domain},          {"reason", &s.reason},
      {"first_bounce", &s.first_bounce}, {"last_bounce", &s.last_bounce}};
  const std::pair<std::string_view, int64_t> counts[] = {{"bounce_count", s.bounce_count},
                                                         {"soft_count", s.soft_count},
                                                         {"hard_count", s.hard_count},
                                                         {"complaint_count", s.complaint_count}};
  out.push_back('{');
  for (const auto& [name, text] : texts) {
    out.push_back('"');
    out.append(name).append("\":");
    append_json_string(*text, out);
    out.push_back(',');
  }
  for (const auto& [name, count] : counts) {
    out.push_back('"');
    out.append(name).append("\":").append(std::to_string(count)).push_back(',');
  }
  out.back() = '}';
}

std::string counted(int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "jane@example.com  userunknown  1 hard bounce, 2 soft bounces  since 2026-03-10T09:12:44Z"
void append_text(const Suppression& s, std::string& out) {
  std::vector<std::string> counts;
  if (s.hard_count > 0) counts.push_back(counted(s.hard_count, "hard bounce", "hard bounces"));
  if (s.soft_count > 0) counts.push_back(counted(s.soft_count, "soft bounce", "soft bounces"));
  if (s.complaint_count > 0) counts.push_back(counted(s.complaint_count, "complaint", "complaints"));
  io::append_valid_utf8(s.recipient, out);
  out.append("  ").append(s.reason).append("  ");
  for (size_t i = 0; i < counts.size(); ++i) out.append(i > 0 ? ", " : "").append(counts[i]);
  out.append("  since ").append(s.first_bounce);
  if (s.last_bounce != s.first_bounce) out.append(", last ").append(s.last_bounce);
  out.push_back('\n');
}

// Writes the list as it is read, one page at a time, so that a long list needs no memory.
class SuppressionWriter {
 public:
  explicit SuppressionWriter(std::string_view format) : format_(format) {}

  void begin(std::string& out) const {
    if (format_ == "csv") append_csv_header(out);
    if (format_ == "json") out.push_back('[');
  }

  void add(const Suppression& s, std::string& out) {
    if (format_ == "csv") {
      append_csv(s, out);
    } else if (format_ == "text") {
      append_text(s, out);
    } else {
      out.append(written_++ == 0 ? "\n" : ",\n");
      append_json(s, out);
    }
  }

  void end(std::string& out) const {
    if (format_ == "json") out.append(written_ > 0 ? "\n]\n" : "]\n");
  }

 private:
  std::string_view format_;
  size_t written_ = 0;
};

bool write_out(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

// ---- ingest ----

// Standard input up to `limit` bytes; `too_large` when there is more.
struct StdinMessage {
  std::string bytes;
  bool too_large = false;
  bool read_error = false;
};

StdinMessage read_stdin_up_to(size_t limit) {
  StdinMessage message;
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    if (message.bytes.size() + n > limit) {
      message.too_large = true;
      return message;
    }
    message.bytes.append(buffer, n);
  }
  message.read_error = std::ferror(stdin) != 0;
  return message;
}

}  // namespace

int run_suppressions_list(const SuppressionsCommand& command) {
  const std::shared_ptr<Store> store = open_or_report(command.db, "suppressions");
  if (!store) return kExitInput;
  store::SuppressionQuery query;
  query.domain = command.domain;
  query.recipient = command.recipient;
  query.limit = kPageSize;
  SuppressionWriter writer(command.format);
  std::string out;
  writer.begin(out);
  size_t listed = 0;
  for (;;) {
    const Result<std::vector<Suppression>> page = store->suppressions(query);
    if (!page) {
      print_error("suppressions", page.error().message);
      return kExitInput;
    }
    for (const Suppression& s : *page) writer.add(s, out);
    listed += page->size();
    if (!write_out(out)) {
      print_error("suppressions", "cannot write the output");
      return kExitInput;
    }
    out.clear();
    if (page->size() < static_cast<size_t>(kPageSize)) break;
    query.offset += kPageSize;
  }
  writer.end(out);
  if (!write_out(out) || std::fflush(stdout) != 0) {
    print_error("suppressions", "cannot write the output");
    return kExitInput;
  }
  std::fprintf(stderr, "%zu suppressed %s.\n", listed, listed == 1 ? "address" : "addresses");
  return kExitOk;
}

int run_suppressions_lift(const std::string& db, const std::string& given) {
  const std::shared_ptr<Store> store = open_or_report(db, "suppressions lift");
  if (!store) return kExitInput;
  const std::string address = store::address_key(given);
  const Result<bool> lifted = store->lift(address);
  if (!lifted) {
    print_error("suppressions lift", lifted.error().message);
    return kExitInput;
  }
  if (!*lifted) {
    print_error("suppressions lift", address + " is not on the suppression list");
    return kExitInput;
  }
  std::fprintf(stderr, "Lifted the suppression of %s.\n", address.c_str());
  return kExitOk;
}

int run_ingest(const IngestCommand& command) {
  DecodeOptions options;
  if (command.max_message_size) options.limits.max_message_bytes = command.max_message_size;
  const StdinMessage message = read_stdin_up_to(options.limits.max_message_bytes);
  if (message.too_large) {
    print_error("ingest", "the message is larger than --max-message-size (" +
                              std::to_string(options.limits.max_message_bytes) + " bytes): not stored");
    return kIngestDataError;
  }
  if (message.read_error) {
    print_error("ingest", "cannot read standard input");
    return kIngestTempFail;
  }
  std::unique_ptr<Store> store;
  const pipeline::StoreOpener open = [&]() -> Result<Store*> {
    Result<std::unique_ptr<Store>> opened = store::open_store(command.db);
    if (!opened) return opened.error();
    store = std::move(opened).value();
    return store.get();
  };
  const pipeline::IngestOutcome outcome = pipeline::ingest_message(Decoder(options), message.bytes, "-", open);
  switch (outcome.status) {
    case pipeline::IngestStatus::kStored:
      return kIngestOk;
    case pipeline::IngestStatus::kDuplicate:
      print_error("ingest", "this message was stored before: nothing stored");
      return kIngestOk;
    case pipeline::IngestStatus::kNotAReport:
      // Accepted rather than refused: bouncing a non-report back to a bounce address makes mail loops.
      print_error("ingest", "not a delivery report: accepted, nothing stored");
      return kIngestOk;
    case pipeline::IngestStatus::kUnprocessable:
      print_error("ingest", outcome.detail + ": not stored");
      return kIngestDataError;
    case pipeline::IngestStatus::kStoreFailed:
      print_error("ingest", outcome.detail + " (exit 75: the MTA keeps the message and retries)");
      return kIngestTempFail;
  }
  return kIngestTempFail;
}

std::optional<io::RecordSink> open_store_sink(const std::string& url, StoreTally& tally) {
  std::shared_ptr<Store> store = open_or_report(url, "decode");
  if (!store) return std::nullopt;
  auto writes = std::make_shared<BatchedWrites>(std::move(store), tally);
  return io::RecordSink{
      [](std::string_view message) { return store::message_hash(message); },
      [writes](const std::string& key, const std::vector<Record>& records) { return writes->keep(key, records); },
      [writes] { return writes->flush(); }};
}

std::string format_store_tally(const StoreTally& tally) {
  const size_t before = tally.events_stored_before;
  return "Stored " + counted(static_cast<int64_t>(tally.events_stored), "new event", "new events") + "; " +
         std::to_string(before) + (before == 1 ? " was" : " were") + " stored before.\n";
}

}  // namespace bounceback::cli
