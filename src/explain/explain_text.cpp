#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bounceback/decoder.h"
#include "bounceback/explain.h"
#include "classify/classifier.h"
#include "explain/client_errors.h"
#include "explain/explainer.h"
#include "explain/texts.h"
#include "mime/message.h"
#include "util/text.h"
#include "webhook/webhook.h"

namespace bounceback {
namespace {

// Header fields a pasted message commonly starts with: the trace fields an MTA prepends, the
// fields a mail program shows first, and the MIME fields of a saved report.
constexpr std::array<std::string_view, 16> kLeadingHeaders = {
    "Received",
    "Return-Path",
    "Delivered-To",
    "X-Original-To",
    "Envelope-To",
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Reply-To",
    "DKIM-Signature",
    "Authentication-Results",
    "X-Failed-Recipients",
};

// The text from its first non-blank line on.
std::string_view skip_blank_lines(std::string_view text) {
  size_t pos = 0;
  size_t line_start = 0;
  std::string_view line;
  while (util::next_line(text, pos, line)) {
    if (!util::trim(line).empty()) return text.substr(line_start);
    line_start = pos;
  }
  return {};
}

// Starts with a header field from the list above, or with an mbox "From " separator line.
bool looks_like_message(std::string_view text) {
  if (text.starts_with("From ")) return true;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = text.substr(0, colon);
  return std::any_of(kLeadingHeaders.begin(), kLeadingHeaders.end(),
                     [name](std::string_view header) { return util::iequals(name, header); });
}

bool starts_with_reply_code(std::string_view line) {
  return line.size() >= 4 && util::is_digit(line[0]) && util::is_digit(line[1]) &&
         util::is_digit(line[2]) && (line[3] == '-' || line[3] == ' ');
}

// The length of an enhanced status code such as "5.1.1" or "4.7.26" at the start of `text`, or 0.
size_t status_code_length(std::string_view text) {
  constexpr size_t kLongest = 9;  // "5.123.456"
  size_t length = 0;
  int dots = 0;
  while (length < text.size() && length <= kLongest &&
         (util::is_digit(text[length]) || text[length] == '.')) {
    dots += text[length] == '.' ? 1 : 0;
    ++length;
  }
  const bool valid = dots == 2 && length >= 5 && length <= kLongest && util::is_digit(text[0]) &&
                     text[1] == '.' && util::is_digit(text[length - 1]);
  return valid ? length : 0;
}

// The "550-5.1.1 " or "550 " a reply line starts with, or 0 when it has no code prefix.
size_t reply_prefix_length(std::string_view line) {
  if (!starts_with_reply_code(line)) return 0;
  const size_t status = status_code_length(line.substr(4));
  const bool status_then_space = status > 0 && line.size() > 4 + status && line[4 + status] == ' ';
  return status_then_space ? 4 + status + 1 : 4;
}

// A multiline SMTP reply (RFC 5321, 4.2.1) repeats its codes on every line: "550-5.1.1 The email
// account ...\n550-5.1.1 double-checking ...". Keeps the first line's codes and joins the rest
// into one sentence the classifier can read.
std::string unfold_reply(std::string_view text) {
  std::string joined;
  joined.reserve(text.size());
  size_t pos = 0;
  std::string_view line;
  bool first = true;
  while (util::next_line(text, pos, line)) {
    if (!first) {
      line.remove_prefix(reply_prefix_length(line));
      joined.push_back(' ');
    }
    joined.append(line);
    first = false;
  }
  return util::collapse_space(joined);
}

void add_code(std::string_view code, std::vector<CodeExplanation>& codes) {
  const bool seen = std::any_of(codes.begin(), codes.end(), [code](const CodeExplanation& known) {
    return known.code == code;
  });
  if (seen) return;
  Result<CodeExplanation> explained = explain_code(code);
  if (explained.ok()) codes.push_back(std::move(explained).value());
}

std::vector<CodeExplanation> explain_codes(std::string_view text) {
  std::vector<CodeExplanation> codes;
  for (const FoundCode& found : find_codes(text)) add_code(found.code, codes);
  return codes;
}

// A text that is nothing but a code ("550", "#5.7.1", "X.1.1") is that code, even where free
// text would not count a lone number as one.
std::vector<CodeExplanation> explain_codes_or_code(std::string_view text) {
  constexpr size_t kLongestCode = 16;
  std::vector<CodeExplanation> codes = explain_codes(text);
  const std::string_view whole = util::trim(text);
  if (codes.empty() && whole.size() <= kLongestCode) add_code(whole, codes);
  return codes;
}

std::optional<int> to_reply_code(std::string_view digits) {
  int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

const CodeExplanation* first_of_type(const std::vector<CodeExplanation>& codes, CodeType type) {
  const auto it = std::find_if(codes.begin(), codes.end(),
                               [type](const CodeExplanation& code) { return code.type == type; });
  return it == codes.end() ? nullptr : &*it;
}

const Record& first_failed(const std::vector<Record>& records) {
  const auto failed = std::find_if(records.begin(), records.end(), [](const Record& record) {
    return record.kind == Kind::kBounce;
  });
  return failed == records.end() ? records.front() : *failed;
}

void take_record_explanation(const Record& record, TextExplanation& out) {
  out.reason = record.reason;
  out.hard_bounce = record.hard_bounce;
  out.side = record.side;
  out.blocklist = record.blocklist;
  out.summary = record.summary;
  out.advice = record.advice;
}

std::string_view message_body(std::string_view message) {
  return mime::parse_header_block(message, Limits{}.max_header_bytes, nullptr).body;
}

// A whole message: the decoder finds its records; nullopt when it is not a report.
std::optional<TextExplanation> explain_message(std::string_view message) {
  DecodeResult decoded = Decoder{}.decode(message, "-");
  if (decoded.records.empty()) return std::nullopt;
  for (Record& record : decoded.records) {
    if (record.summary.empty()) explain::explain_record(record);
  }
  TextExplanation out;
  const Record& chosen = first_failed(decoded.records);
  if (chosen.diagnostic) out.codes = explain_codes(*chosen.diagnostic);
  if (chosen.status) add_code(*chosen.status, out.codes);
  if (chosen.reply_code) add_code(std::to_string(*chosen.reply_code), out.codes);
  take_record_explanation(chosen, out);
  out.records = std::move(decoded.records);
  return out;
}

Kind kind_of(Reason reason) {
  switch (reason) {
    case Reason::kDelivered:
      return Kind::kDelivered;
    case Reason::kVacation:
      return Kind::kAutoreply;
    case Reason::kFeedback:
      return Kind::kFeedback;
    default:
      return Kind::kBounce;
  }
}

bool decides_nothing(Reason reason) {
  return reason == Reason::kUndefined || reason == Reason::kOnHold;
}

bool is_success(const CodeExplanation* code) {
  return code && !code->code.empty() && code->code[0] == '2';
}

// A record built from a free text, so its summary and advice come from the same wording as a
// decoded bounce's.
Record record_from_text(std::string diagnostic, const std::vector<CodeExplanation>& codes) {
  const CodeExplanation* status = first_of_type(codes, CodeType::kStatus);
  const CodeExplanation* reply = first_of_type(codes, CodeType::kReply);
  classify::Evidence evidence;
  evidence.diagnostic = diagnostic;
  if (status) evidence.status = status->code;
  if (reply) evidence.reply_code = to_reply_code(reply->code);
  classify::Classification verdict = classify::classify(evidence);

  Record record;
  record.source = "-";
  record.reason = verdict.reason;
  // "250 2.0.0 Ok: queued as 4C1F2" names no failure: the server took the message.
  if (decides_nothing(record.reason) && is_success(status ? status : reply)) {
    record.reason = Reason::kDelivered;
  }
  record.kind = kind_of(record.reason);
  record.hard_bounce = verdict.hard_bounce;
  record.side = verdict.side;
  if (record.side == Side::kNone && record.kind == Kind::kBounce && (status || reply)) {
    record.side = status ? status->side : reply->side;
  }
  record.blocklist = std::move(verdict.blocklist);
  if (!verdict.status.empty()) record.status = std::move(verdict.status);
  record.status_inferred = verdict.status_inferred;
  record.reply_code = evidence.reply_code;
  // The address a reply names is the recipient's, except when the sender's address was refused:
  // "553 5.1.8 <news@shop.example>: Sender address rejected: Domain not found".
  if (std::optional<std::string> address = mime::first_address(diagnostic)) {
    (record.reason == Reason::kRejected ? record.sender : record.recipient) = std::move(address);
  }
  record.diagnostic = std::move(diagnostic);
  return record;
}

TextExplanation explain_free_text(std::string_view text) {
  TextExplanation out;
  std::string diagnostic = unfold_reply(text);
  out.codes = explain_codes_or_code(diagnostic);
  Record record = record_from_text(std::move(diagnostic), out.codes);
  if (out.codes.empty() && decides_nothing(record.reason) && !record.blocklist) {
    const explain::Text& unexplained = explain::unexplained_text();
    out.summary = std::string(unexplained.summary.text());
    for (const explain::Template& line : unexplained.advice) {
      if (!line.text().empty()) out.advice.emplace_back(line.text());
    }
    return out;
  }
  explain::explain_record(record);
  take_record_explanation(record, out);
  return out;
}

}  // namespace

Result<TextExplanation> explain_text(std::string_view text) {
  const std::string_view content = skip_blank_lines(text);
  if (content.empty()) {
    return Error{ErrorCode::kInvalidArgument, "nothing to explain: the text is empty"};
  }
  // A mail program's own error ("Sending reported error (0x800CCC0E)") is free text too.
  if (!looks_like_message(content) && !webhook::looks_like_json(content)) {
    return explain::with_client_errors(content, explain_free_text(content));
  }
  if (std::optional<TextExplanation> explained = explain_message(content)) {
    return *std::move(explained);
  }
  // Not a report the decoder knows: its header fields would only add noise (addresses, relay
  // hops), but its body may still quote a reply, as a forwarded bounce does.
  const std::string_view body = message_body(content);
  const std::string_view unreported = util::trim(body).empty() ? content : body;
  return explain::with_client_errors(unreported, explain_free_text(unreported));
}

}  // namespace bounceback
