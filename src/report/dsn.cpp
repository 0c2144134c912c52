// RFC 3464 message/delivery-status (and RFC 6533 message/global-delivery-status).
#include <cstdint>
#include <optional>

#include "report/report.h"
#include "util/ip.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

using util::iequals;

// The fields this reader uses, named once per field rather than compared again at each use.
enum class FieldName {
  kFinalRecipient,
  kOriginalRecipient,
  kXActualRecipient,
  kAction,
  kStatus,
  kDiagnosticCode,
  kRemoteMta,
  kLastAttemptDate,
  kPowerMtaBounceCategory,
  kReportingMta,
  kArrivalDate,
  kReceivedFromMta,
  kOther,
};

struct KnownField {
  std::string_view name;
  FieldName id;
};
// RFC 3464's fields, Sendmail's "X-Actual-Recipient: rfc822; ann@a.example" and PowerMTA's
// "X-PowerMTA-BounceCategory: bad-mailbox".
constexpr KnownField kKnownFields[] = {
    {"Final-Recipient", FieldName::kFinalRecipient},
    {"Original-Recipient", FieldName::kOriginalRecipient},
    {"X-Actual-Recipient", FieldName::kXActualRecipient},
    {"Action", FieldName::kAction},
    {"Status", FieldName::kStatus},
    {"Diagnostic-Code", FieldName::kDiagnosticCode},
    {"Remote-MTA", FieldName::kRemoteMta},
    {"Last-Attempt-Date", FieldName::kLastAttemptDate},
    {"X-PowerMTA-BounceCategory", FieldName::kPowerMtaBounceCategory},
    {"Reporting-MTA", FieldName::kReportingMta},
    {"Arrival-Date", FieldName::kArrivalDate},
    {"Received-From-MTA", FieldName::kReceivedFromMta},
};

constexpr util::NameSet kKnownNames(kKnownFields);

FieldName field_name(std::string_view name) {
  const size_t known = kKnownNames.find(name);
  return known == util::NameSet::kNone ? FieldName::kOther : kKnownFields[known].id;
}

struct Field {
  FieldName name = FieldName::kOther;
  std::string_view line_value;  // the value on the field's own line
  std::string unfolded;         // the value with its continuation lines, when it has any
  int group = 0;                // index of the blank-line separated group the field stands in

  std::string_view value() const { return unfolded.empty() ? line_value : std::string_view(unfolded); }

  void append_continuation(std::string_view line) {
    if (unfolded.empty()) unfolded = line_value;
    unfolded.push_back(' ');
    unfolded.append(util::trim(line));
  }
};

// Most lines start with a field name: only a line starting with white space needs trimming.
bool is_blank(std::string_view line) {
  return line.empty() || (util::is_space(line.front()) && util::trim(line).empty());
}

// Room for the fields of a usual report (a per-message group and one recipient), so that the
// vector is allocated once.
constexpr size_t kUsualFieldCount = 16;

// The fields of a delivery-status body in order, each with its group (RFC 3464: a per-message
// group, then one group per recipient, separated by blank lines).
std::vector<Field> read_fields(std::string_view body) {
  std::vector<Field> fields;
  fields.reserve(kUsualFieldCount);
  int group = 0;
  bool blank_before = false;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(body, pos, line)) {
    if (is_blank(line)) {
      blank_before = true;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (!fields.empty()) fields.back().append_continuation(line);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const std::string_view name = util::trim(line.substr(0, colon));
    if (name.find(' ') != std::string_view::npos) continue;
    if (blank_before && !fields.empty()) ++group;
    blank_before = false;
    // Filled in place: a temporary Field would be moved in, its string with it.
    Field& field = fields.emplace_back();
    field.name = field_name(name);
    field.line_value = util::trim(line.substr(colon + 1));
    field.group = group;
  }
  return fields;
}

bool is_recipient_field(const Field& f) {
  return f.name == FieldName::kFinalRecipient || f.name == FieldName::kOriginalRecipient;
}

bool is_per_message_field(const Field& f) {
  return f.name == FieldName::kReportingMta || f.name == FieldName::kArrivalDate ||
         f.name == FieldName::kReceivedFromMta;
}

// The IP a comment after the host name starts with: "(142.250.102.27)", Gmail's "(2607:f8b0::1b,
// the server for the domain gmail.com.)"; empty when it starts with anything else.
std::string_view ip_in_comment(std::string_view comment) {
  if (comment.size() < 2 || comment.front() != '(') return {};
  const std::string_view inside = comment.substr(1);
  const std::string_view first = util::trim(inside.substr(0, inside.find_first_of(",)")));
  return util::is_ip_address(first) ? first : std::string_view{};
}

// "mx.example.com [192.0.2.1]" (Postfix), "mx.example.com (192.0.2.1)" (PowerMTA) and
// "mx.example.com. (192.0.2.1, the server for the domain example.com.)" (Gmail) give the host and
// its IP apart; a comment that does not start with an IP stays part of the value.
void split_remote_mta(std::string_view value, RecipientEvidence& r) {
  std::string_view text = util::trim(field_text(value));
  const size_t bracket = text.find('[');
  if (bracket != std::string_view::npos) {
    const size_t close = text.find(']', bracket);
    if (close != std::string_view::npos) r.remote_ip = std::string(text.substr(bracket + 1, close - bracket - 1));
    text = util::trim(text.substr(0, bracket));
  } else if (const size_t paren = text.find(" ("); paren != std::string_view::npos) {
    if (const std::string_view ip = ip_in_comment(text.substr(paren + 1)); !ip.empty()) {
      r.remote_ip = std::string(ip);
      text = util::trim(text.substr(0, paren));
      if (text.size() > 1 && text.back() == '.') text.remove_suffix(1);  // the root's dot
    }
  }
  r.remote_mta = std::string(text);
}

// PowerMTA states its own verdict beside the RFC 3464 fields: "X-PowerMTA-BounceCategory:
// bad-mailbox". Its categories that name a reason:
struct BounceCategory {
  std::string_view category;
  Reason reason;
};
constexpr BounceCategory kPowerMtaCategories[] = {
    {"bad-domain", Reason::kHostUnknown},       {"bad-mailbox", Reason::kUserUnknown},
    {"inactive-mailbox", Reason::kSuspend},     {"message-expired", Reason::kExpired},
    {"no-answer-from-host", Reason::kNetworkError}, {"policy-related", Reason::kPolicyViolation},
    {"quota-issues", Reason::kMailboxFull},     {"routing-errors", Reason::kSystemError},
    {"spam-related", Reason::kSpamDetected},
};

std::optional<Reason> powermta_category(std::string_view value) {
  for (const BounceCategory& entry : kPowerMtaCategories) {
    if (iequals(util::trim(value), entry.category)) return entry.reason;
  }
  return std::nullopt;
}

std::optional<uint32_t> hex_digit(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
  const char lower = util::ascii_lower(c);
  if (lower >= 'a' && lower <= 'f') return static_cast<uint32_t>(lower - 'a' + 10);
  return std::nullopt;
}

struct EscapedCodePoint {
  uint32_t value;
  size_t length;  // of the escape, "\x{...}" included
};

// The code point of RFC 6533's "\x{HEXPOINT}" (2 to 6 hex digits) at the start of `text`; nullopt
// when the escape is malformed or names a code point an address cannot hold (a surrogate, past
// U+10FFFF, or a control character such as the line break a hostile report would hide there).
std::optional<EscapedCodePoint> embedded_unicode_char(std::string_view text) {
  constexpr size_t kMinDigits = 2;
  constexpr size_t kMaxDigits = 6;
  if (text.size() < 3 || text[0] != '\\' || text[1] != 'x' || text[2] != '{') return std::nullopt;
  const size_t close = text.substr(0, 3 + kMaxDigits + 1).find('}', 3);
  if (close == std::string_view::npos || close - 3 < kMinDigits) return std::nullopt;
  uint32_t value = 0;
  for (const char c : text.substr(3, close - 3)) {
    const std::optional<uint32_t> digit = hex_digit(c);
    if (!digit) return std::nullopt;
    value = value * 16 + *digit;
  }
  const bool is_control = value < 0x20 || (value >= 0x7F && value < 0xA0);
  if (is_control || value > 0x10FFFF || util::is_high_surrogate(value) || util::is_low_surrogate(value)) {
    return std::nullopt;
  }
  return EscapedCodePoint{value, close + 1};
}

// RFC 6533's utf-8-addr-xtext and utf-8-addr-unitext write a non-ASCII character (and '+', '='
// and the backslash) as "\x{HEX}": "utf-8; j\x{00F6}rg@m\x{00FC}ller.example" is
// jörg@müller.example. Decoded here, before the record lower-cases the domain (which would turn
// "\x{00FC}" into "\x{00fc}"). A malformed escape is kept as written.
std::string decode_embedded_unicode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const std::optional<EscapedCodePoint> escaped =
        text[i] == '\\' ? embedded_unicode_char(text.substr(i)) : std::nullopt;
    if (!escaped) {
      out.push_back(text[i++]);
      continue;
    }
    util::append_utf8(escaped->value, out);
    i += escaped->length;
  }
  return out;
}

// A recipient field's address: "rfc822; jane@example.com" as it is, "utf-8; ..." decoded.
std::string recipient_address(std::string_view value) {
  const std::string_view address = field_text(value);
  const size_t semicolon = value.find(';');
  const bool utf8_type =
      semicolon != std::string_view::npos && iequals(util::trim(value.substr(0, semicolon)), "utf-8");
  if (!utf8_type || address.find('\\') == std::string_view::npos) return std::string(address);
  return decode_embedded_unicode(address);
}

void apply_recipient_field(const Field& f, RecipientEvidence& r) {
  switch (f.name) {
    case FieldName::kFinalRecipient: r.recipient = recipient_address(f.value()); break;
    case FieldName::kOriginalRecipient: r.original_recipient = recipient_address(f.value()); break;
    case FieldName::kXActualRecipient:
      if (r.original_recipient.empty()) r.original_recipient = recipient_address(f.value());
      break;
    case FieldName::kAction: {
      r.action = util::to_lower(util::trim(f.value()));
      const size_t space = r.action.find_first_of(" (;");
      if (space != std::string::npos) r.action.resize(space);
      break;
    }
    case FieldName::kStatus: r.status = leading_status(f.value()); break;
    case FieldName::kDiagnosticCode: r.diagnostic = util::trim(field_text(f.value())); break;
    case FieldName::kRemoteMta: split_remote_mta(f.value(), r); break;
    case FieldName::kLastAttemptDate: r.last_attempt = f.value(); break;
    case FieldName::kPowerMtaBounceCategory: r.format_reason = powermta_category(f.value()); break;
    case FieldName::kReportingMta:
    case FieldName::kArrivalDate:
    case FieldName::kReceivedFromMta:
    case FieldName::kOther: break;
  }
}

// Where each recipient's fields begin. Groups are the rule, but broken reports omit the blank
// lines between recipients (a new Final-Recipient then starts the next one) or put Action and
// Status before Final-Recipient within a group (Mimecast), so a recipient starts at the first
// field of a group that names one, or at a second recipient field within a group.
std::vector<size_t> recipient_starts(const std::vector<Field>& fields) {
  std::vector<size_t> starts;
  size_t group_start = 0;
  bool group_has_recipient = false;
  bool group_has_final = false;
  bool group_has_original = false;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i == 0 || fields[i].group != fields[i - 1].group) {
      group_start = i;
      group_has_recipient = group_has_final = group_has_original = false;
    }
    if (!is_recipient_field(fields[i])) continue;
    const bool final = fields[i].name == FieldName::kFinalRecipient;
    if (!group_has_recipient) {
      size_t start = group_start;
      while (start < i && is_per_message_field(fields[start])) ++start;
      starts.push_back(start);
    } else if ((final && group_has_final) || (!final && group_has_original)) {
      starts.push_back(i);
      group_has_final = group_has_original = false;
    }
    group_has_recipient = true;
    (final ? group_has_final : group_has_original) = true;
  }
  return starts;
}

// The line the fields of an inline delivery status start at. Most lines of a notice are rejected
// on their first letter.
bool starts_delivery_status_fields(std::string_view line) {
  const char first = line.empty() ? '\0' : util::ascii_lower(line.front());
  return (first == 'r' && util::istarts_with(line, "Reporting-MTA:")) ||
         (first == 'f' && util::istarts_with(line, "Final-Recipient:"));
}

}  // namespace

std::string_view field_text(std::string_view value) {
  const size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return util::trim(value);
  // Only a short atom before ';' is an address or diagnostic type ("rfc822", "smtp", "X-Unix").
  const std::string_view type = util::trim(value.substr(0, semicolon));
  if (type.empty() || type.size() > 16 || type.find(' ') != std::string_view::npos) return util::trim(value);
  return util::trim(value.substr(semicolon + 1));
}

std::string leading_status(std::string_view text) {
  text = util::trim(text);
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') {
    return {};
  }
  size_t i = 2;
  size_t digits = 0;
  while (i < text.size() && util::is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || i >= text.size() || text[i] != '.') return {};
  ++i;
  digits = 0;
  while (i < text.size() && util::is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0) return {};
  if (i < text.size() && (util::is_digit(text[i]) || text[i] == '.')) return {};
  return std::string(text.substr(0, i));
}

bool parse_delivery_status(std::string_view body, Report& report) {
  const std::vector<Field> fields = read_fields(body);
  for (const Field& f : fields) {
    if (f.name == FieldName::kReportingMta && report.reporting_mta.empty()) {
      report.reporting_mta = std::string(field_text(f.value()));
    } else if (f.name == FieldName::kArrivalDate && report.arrival_date.empty()) {
      report.arrival_date = f.value();
    }
  }
  const std::vector<size_t> starts = recipient_starts(fields);
  for (size_t r = 0; r < starts.size(); ++r) {
    const size_t end = r + 1 < starts.size() ? starts[r + 1] : fields.size();
    // Filled in place, and taken back when it names no recipient: a RecipientEvidence is a dozen
    // strings to move.
    RecipientEvidence& evidence = report.recipients.emplace_back();
    for (size_t i = starts[r]; i < end; ++i) {
      if (!is_per_message_field(fields[i])) apply_recipient_field(fields[i], evidence);
    }
    if (evidence.recipient.empty()) evidence.recipient = evidence.original_recipient;
    if (evidence.recipient.empty()) report.recipients.pop_back();
  }
  return !report.recipients.empty();
}

bool parse_inline_delivery_status(std::string_view text, Report& report) {
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(text, pos, line)) return false;
    if (starts_delivery_status_fields(line)) {
      return parse_delivery_status(text.substr(line_start), report);
    }
  }
}

}  // namespace bounceback::report
