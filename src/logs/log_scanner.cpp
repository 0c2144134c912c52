// The driver: recognise the MTA of each line, join the lines of one message, build the records.
#include "logs/log_scanner.h"

#include <algorithm>
#include <array>
#include <utility>

#include "explain/explainer.h"
#include "logs/log_line.h"
#include "pipeline/record_builder.h"
#include "util/text.h"

namespace bounceback::logs {
namespace {

constexpr size_t kMaxDeferredPerMessage = 32;
constexpr size_t kMaxDiagnosticBytes = 2000;
constexpr size_t kMaxExampleBytes = 160;

using SyslogParser = bool (*)(const SyslogLine&, LogLine&);
// Tried in order on each syslog line; each parser claims only its own program names.
constexpr std::array<SyslogParser, 4> kSyslogParsers = {parse_postfix, parse_sendmail, parse_opensmtpd,
                                                        parse_exim_syslog};

std::string_view action_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDelayed: return "delayed";
    case Outcome::kDelivered: return "delivered";
    case Outcome::kFailed:
    case Outcome::kExpired: return "failed";
  }
  return "failed";
}

// Exim logs "id=20260310.abc@shop.example" without the brackets Message-ID headers carry.
std::string message_id_text(std::string_view id) {
  id = util::trim(id);
  if (id.empty() || id.front() == '<') return std::string(id);
  return "<" + std::string(id) + ">";
}

std::vector<std::string_view> split_recipients(std::string_view list) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view address = util::trim(list.substr(start, comma - start));
    if (!address.empty()) out.push_back(address);
    start = comma + 1;
  }
  return out;
}

// Sendmail names a local mailbox without a domain ("to=localuser, ctladdr=<app@example.com>",
// "to=root"): the record names it as written, since the line does not say the machine's domain.
// Pipes and files ("to=|/usr/bin/procmail", "to=/var/spool/archive") are no mailbox.
bool is_local_mailbox(std::string_view recipient) {
  if (recipient.empty() || recipient.size() > 64) return false;
  return std::all_of(recipient.begin(), recipient.end(), [](char c) {
    return util::is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '=';
  });
}

report::RecipientEvidence evidence_of(const LogLine& line, std::string_view recipient) {
  report::RecipientEvidence e;
  e.recipient = std::string(recipient);
  e.original_recipient = std::string(line.original_recipient);
  e.action = std::string(action_of(line.outcome));
  e.status = std::string(line.status);
  e.command = std::string(line.command);
  e.diagnostic = std::string(line.diagnostic.substr(0, kMaxDiagnosticBytes));
  e.remote_mta = std::string(line.remote_mta);
  e.remote_ip = std::string(line.remote_ip);
  if (line.outcome == Outcome::kExpired) e.format_reason = Reason::kExpired;
  return e;
}

// The deferred recipient given up on at expiry: a bounce now, for the last reason it was deferred.
report::RecipientEvidence expired(report::RecipientEvidence e) {
  e.action = "failed";
  e.format_reason = Reason::kExpired;
  return e;
}

}  // namespace

struct LogScanner::LineContext {
  std::string_view name;
  uint64_t number;
  std::string_view text;
  std::time_t reference;
  LogTime time;
  std::string_view host;
  LogLine parsed;
};

LogScanner::LogScanner(const ScanOptions& options) : options_(options) {}

void LogScanner::scan_line(std::string_view line, std::string_view name, uint64_t number, std::time_t reference,
                           const RecordCallback& emit) {
  ++stats_.lines;
  if (util::trim(line).empty()) return;
  LineContext context{name, number, line, reference, {}, {}, {}};
  bool recognised = false;
  bool continued = false;
  if (const std::optional<SyslogLine> syslog = parse_syslog(line)) {
    continued = syslog->continued;
    context.time = syslog->time;
    context.host = syslog->host;
    for (const SyslogParser parser : kSyslogParsers) {
      if (parser(*syslog, context.parsed)) {
        recognised = true;
        break;
      }
    }
  } else {
    recognised = parse_exim_mainlog(line, context.time, context.parsed);
  }
  if (context.parsed.time) context.time = *context.parsed.time;
  // A line that says nothing and starts with an extra blank is the rest of a line the logger split
  // ("postfix/smtp[3005]:  mailbox has been disabled (in reply to RCPT TO command))"): unread words.
  const bool split_rest = continued && context.parsed.type == LogLine::Type::kIgnored;
  if (!recognised || split_rest) {
    ++stats_.unrecognised;
    return;
  }
  switch (context.parsed.type) {
    case LogLine::Type::kIgnored: ++stats_.skipped; return;
    case LogLine::Type::kMalformed: note_malformed(context, context.parsed.problem); return;
    case LogLine::Type::kDelivery: emit_delivery(context, emit); return;
    case LogLine::Type::kMessageInfo: remember_message(context); return;
    case LogLine::Type::kRemoved: forget_message(context); return;
    case LogLine::Type::kQueueExpired: emit_expired_queue(context, emit); return;
  }
}

bool LogScanner::scan(LineReader& reader, std::string_view name, const RecordCallback& emit, std::string& error) {
  std::string_view line;
  uint64_t number = 0;
  while (reader.next(line)) {
    ++number;
    if (reader.cut()) {
      ++stats_.lines;
      note_malformed(LineContext{name, number, line, reader.reference_time(), {}, {}, {}},
                     "a line longer than 1 MiB, skipped");
      continue;
    }
    scan_line(line, name, number, reader.reference_time(), emit);
  }
  if (!reader.error()) return true;
  error = std::string(name) + ": " + *reader.error() + " after line " + std::to_string(number);
  return false;
}

void LogScanner::note_malformed(const LineContext& context, std::string_view problem) {
  ++stats_.malformed;
  if (stats_.malformed_examples.size() >= options_.max_examples) return;
  std::string example = std::string(context.name) + ":" + std::to_string(context.number) + ": ";
  example += problem;
  example += ": ";
  // The line goes to a terminal: no control characters (escape sequences) from hostile input.
  for (const char c : context.text.substr(0, kMaxExampleBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    example += byte < 0x20 || byte == 0x7f ? '?' : c;
  }
  stats_.malformed_examples.push_back(std::move(example));
}

// ---- the open messages: a bounded map, least recently seen evicted first ----

LogScanner::QueuedMessage* LogScanner::find_message(const LineContext& context) {
  if (context.parsed.queue_id.empty()) return nullptr;
  key_.assign(context.host).append(" ").append(context.parsed.queue_id);
  const auto found = index_.find(key_);
  if (found == index_.end()) return nullptr;
  messages_.splice(messages_.begin(), messages_, found->second);
  return &found->second->second;
}

LogScanner::QueuedMessage& LogScanner::touch_message(const LineContext& context) {
  if (QueuedMessage* existing = find_message(context)) return *existing;
  if (messages_.size() >= options_.max_open_messages && !messages_.empty()) {
    index_.erase(messages_.back().first);
    messages_.pop_back();
  }
  messages_.emplace_front(key_, QueuedMessage{});
  index_.emplace(messages_.front().first, messages_.begin());
  return messages_.front().second;
}

void LogScanner::forget_message(const LineContext& context) {
  if (find_message(context) == nullptr) return;
  index_.erase(messages_.front().first);
  messages_.pop_front();
}

void LogScanner::remember_message(const LineContext& context) {
  if (context.parsed.queue_id.empty() || options_.max_open_messages == 0) return;
  QueuedMessage& message = touch_message(context);
  if (context.parsed.sender) message.sender = std::string(*context.parsed.sender);
  if (!context.parsed.message_id.empty()) message.message_id = message_id_text(context.parsed.message_id);
}

// ---- records ----

// What every record of one line shares: where, when, who sent the message, its Message-ID.
Record LogScanner::base_record(const LineContext& context, const QueuedMessage* message) const {
  const LogLine& line = context.parsed;
  Record base;
  base.source = std::string(context.name) + ":" + std::to_string(context.number);
  base.decoder = std::string(line.decoder);
  base.reporting_mta = pipeline::non_empty(std::string(context.host));
  base.timestamp = to_rfc3339(context.time, context.reference);
  if (line.sender) {
    base.sender = pipeline::normalize_address(*line.sender);
  } else if (message != nullptr && message->sender) {
    base.sender = pipeline::normalize_address(*message->sender);
  }
  if (message != nullptr) base.original_message_id = pipeline::non_empty(message->message_id);
  return base;
}

void LogScanner::emit(const Record& base, const report::RecipientEvidence& evidence, const RecordCallback& callback) {
  static const report::Report kLogReport{};  // a bounce report: each recipient's action decides the kind
  Record record = pipeline::make_record(base, kLogReport, evidence);
  if (!record.recipient && is_local_mailbox(evidence.recipient)) {
    record.recipient = evidence.recipient;
    explain::explain_record(record);  // the summary names the mailbox too
  }
  callback(record);
  ++stats_.records;
}

void LogScanner::emit_delivery(const LineContext& context, const RecordCallback& callback) {
  const LogLine& line = context.parsed;
  const std::vector<std::string_view> recipients = split_recipients(line.recipients);
  if (recipients.empty()) return note_malformed(context, "a delivery line without a recipient");
  // A deferral opens its message even when no line named the sender before (the log begins
  // mid-queue): Postfix's "status=expired" later bounces the recipients it deferred.
  const bool opens_message = line.outcome == Outcome::kDelayed && options_.max_open_messages > 0;
  QueuedMessage* message = opens_message && !line.queue_id.empty() ? &touch_message(context) : find_message(context);
  const Record base = base_record(context, message);
  for (const std::string_view recipient : recipients) {
    report::RecipientEvidence evidence = evidence_of(line, recipient);
    if (message != nullptr) {
      std::erase_if(message->deferred, [&](const report::RecipientEvidence& e) { return e.recipient == recipient; });
      if (line.outcome == Outcome::kDelayed && message->deferred.size() < kMaxDeferredPerMessage) {
        message->deferred.push_back(evidence);
      }
    }
    if (line.outcome == Outcome::kDelivered && !options_.include_delivered) continue;
    emit(base, evidence, callback);
  }
}

void LogScanner::emit_expired_queue(const LineContext& context, const RecordCallback& callback) {
  QueuedMessage* message = find_message(context);
  // The deferrals are in a log not read (older than the first file given): no one to name.
  if (message == nullptr || message->deferred.empty()) {
    ++stats_.skipped;
    return;
  }
  const Record base = base_record(context, message);
  for (const report::RecipientEvidence& deferred : message->deferred) emit(base, expired(deferred), callback);
  message->deferred.clear();
}

}  // namespace bounceback::logs
