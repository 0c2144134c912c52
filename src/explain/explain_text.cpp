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
#include "explain/named_address.h"
#include "explain/other_reports.h"
#include "explain/texts.h"
#include "mime/message.h"
#include "report/report.h"
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

// A line that goes on with the reply of the line before it: "550-5.1.1 ..." then "550-5.1.1 ..." or
// the last line, "550 5.1.1 ...". A reply that starts a line after other words does not:
// "The response from the remote server was:\n550 5.1.1 ...".
bool continues_reply(std::string_view previous, std::string_view line) {
  return starts_with_reply_code(previous) && previous[3] == '-' && starts_with_reply_code(line) &&
         previous.substr(0, 3) == line.substr(0, 3);
}

// A multiline SMTP reply (RFC 5321, 4.2.1) repeats its codes on every line: "550-5.1.1 The email
// account ...\n550-5.1.1 double-checking ...". Keeps the codes of the reply's first line, drops
// those its continuation lines repeat, and joins all lines into one sentence the classifier can
// read.
std::string unfold_reply(std::string_view text) {
  std::string joined;
  joined.reserve(text.size());
  size_t pos = 0;
  std::string_view line;
  std::string_view previous;
  while (util::next_line(text, pos, line)) {
    std::string_view words = line;
    if (continues_reply(previous, line)) words.remove_prefix(reply_prefix_length(line));
    if (!joined.empty()) joined.push_back(' ');
    joined.append(words);
    previous = line;
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
// decoded bounce's. `address` is the one the text names as failed, if any.
Record record_from_text(std::string diagnostic, std::optional<std::string> address,
                        const std::vector<CodeExplanation>& codes) {
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
  if (address) (record.reason == Reason::kRejected ? record.sender : record.recipient) = std::move(address);
  record.diagnostic = std::move(diagnostic);
  return record;
}

TextExplanation explain_free_text(std::string_view text) {
  TextExplanation out;
  std::string diagnostic = unfold_reply(text);
  out.codes = explain_codes_or_code(diagnostic);
  Record record = record_from_text(std::move(diagnostic), explain::failed_address(text), out.codes);
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

// A DMARC aggregate report, a TLS report or a read receipt: what it is, and that nothing bounced.
std::optional<TextExplanation> explain_other_report(std::string_view text) {
  const std::string_view kind = explain::other_report_kind(text);
  const explain::Text* told = kind.empty() ? nullptr : explain::other_report_text(kind);
  if (told == nullptr) return std::nullopt;
  TextExplanation out;
  out.not_a_bounce = std::string(kind);
  out.summary = std::string(told->summary.text());
  for (const explain::Template& line : told->advice) {
    if (!line.text().empty()) out.advice.emplace_back(line.text());
  }
  return out;
}

// A bounce quoted whole in a forward, from its header lines on: Gmail's "---------- Forwarded
// message ---------\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nDate: ...",
// Outlook's "-----Original Message-----\nFrom: Microsoft Outlook <...>\nSent: ...". Read from
// its "From:" line, it is a message the decoder knows.
std::optional<TextExplanation> explain_quoted_bounce(std::string_view text) {
  // A forward quotes one or two messages; hostile text may hold a "From:" on every line.
  constexpr int kMostTried = 4;
  int tried = 0;
  size_t pos = 0;
  std::string_view line;
  for (size_t line_start = 0; tried < kMostTried && util::next_line(text, pos, line); line_start = pos) {
    if (!util::istarts_with(line, "From:")) continue;
    ++tried;
    if (std::optional<TextExplanation> explained = explain_message(text.substr(line_start))) return explained;
  }
  return std::nullopt;
}

// A pasted text that the decoder cannot read as a whole message: a forward's body, a notice, a
// reply line or a mail program's error.
TextExplanation explain_pasted(std::string_view text) {
  if (std::optional<TextExplanation> quoted = explain_quoted_bounce(text)) return *std::move(quoted);
  return explain::with_client_errors(text, explain_free_text(text));
}

// A bounce attached to a message as a file (message/rfc822), as a person forwards one.
std::optional<TextExplanation> explain_attached_bounce(const mime::Message& message) {
  constexpr int kMostTried = 4;
  int tried = 0;
  for (const mime::Part& part : message.parts) {
    if (!part.is_embedded_message()) continue;
    if (++tried > kMostTried) break;
    if (std::optional<TextExplanation> explained = explain_message(part.raw_body)) return explained;
  }
  return std::nullopt;
}

// The words of a message a person reads: its text parts decoded (quoted-printable, base64,
// charsets), or its HTML part's text, with any inline copy of another message kept.
std::string readable_text(const mime::Message& message) {
  const report::Context context = report::make_context(message);
  std::string text = context.notice;
  if (!context.inline_original.empty()) {
    text += '\n';
    text += context.inline_original;
  }
  return text;
}

// A message the decoder finds no report in: a forwarded bounce (attached or inline), or a message
// whose body quotes a reply. Its header fields would only add noise (addresses, relay hops).
TextExplanation explain_unreported_message(std::string_view content) {
  const mime::Message message = mime::parse_message(content, Limits{}, mime::EmbeddedBodies::kHeadersOnly);
  if (std::optional<TextExplanation> attached = explain_attached_bounce(message)) return *std::move(attached);
  const std::string text = readable_text(message);
  return explain_pasted(util::trim(text).empty() ? content : std::string_view(text));
}

}  // namespace

Result<TextExplanation> explain_text(std::string_view text) {
  const std::string_view content = skip_blank_lines(text);
  if (content.empty()) {
    return Error{ErrorCode::kInvalidArgument, "nothing to explain: the text is empty"};
  }
  const bool whole_message = looks_like_message(content);
  if (whole_message || webhook::looks_like_json(content)) {
    if (std::optional<TextExplanation> explained = explain_message(content)) return *std::move(explained);
  }
  // Only now: a bounce that returns such a report is a bounce.
  if (std::optional<TextExplanation> report = explain_other_report(content)) return *std::move(report);
  if (whole_message) return explain_unreported_message(content);
  // A mail program's own error ("Sending reported error (0x800CCC0E)") is pasted text too.
  return explain_pasted(content);
}

}  // namespace bounceback
