#include "formats/signals.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <functional>
#include <optional>

#include "bounceback/codes.h"
#include "classify/generated_automata.h"
#include "classify/matcher.h"
#include "formats/byte_pairs.h"
#include "formats/sections.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

using util::icontains;

// Subjects of delivery reports, in English and the languages MTAs localise to.
constexpr std::array<std::string_view, 61> kBounceSubjects = {
    "undeliver",                      // "Undelivered Mail Returned to Sender", "Undeliverable:"
    "undelivered",
    "delivery status notification",   // Sendmail, Gmail, Exchange
    "delivery failure",
    "delivery failed",
    "delivery has failed",
    "delivery notification",
    "delivery problem",
    "failure notice",                 // qmail
    "failed delivery",
    "mail delivery failed",           // Exim
    "returned mail",                  // Sendmail
    "returned to sender",
    "non-delivery",
    "nondeliverable",
    "not delivered",
    "could not be delivered",
    "mail system error",
    "delayed mail",                   // Postfix delay notice
    "delivery delayed",
    "warning: could not send",
    "mail could not be delivered",
    "permanent error",
    "delivery report",
    "message you sent blocked",       // Barracuda: "**Message you sent blocked by our bulk email filter**"
    "unzustellbar",                   // German: "Unzustellbar: ...", "Unzustellbare Nachricht"
    "nicht zustellbar",
    "nicht zugestellt",               // "Nachricht nicht zugestellt"
    "zustellung fehlgeschlagen",      // "Mail-Zustellung fehlgeschlagen"
    "non remis",                      // French: "Non remis : ..."
    "non distribuable",
    "non délivré",                    // "Message non délivré"
    "échec de la remise",
    "échec de remise",
    "no se puede entregar",           // Spanish: "No se puede entregar: ..."
    "no se pudo entregar",
    "no entregado",                   // "Mensaje no entregado"
    "error de entrega",
    "não entregue",                   // Portuguese: "Mensagem não entregue"
    "falha na entrega",
    "impossibile recapitare",         // Italian
    "non recapitabile",
    "mancato recapito",
    "onbestelbaar",                   // Dutch
    "niet bezorgd",
    "niedostarczon",                  // Polish: "Wiadomość niedostarczona"
    "kan inte levereras",             // Swedish
    "teslim edilemedi",               // Turkish
    "不達",                           // Japanese: "不達通知"
    "配信不能",                       // "配信不能: ..." (Exchange), "配信不能のお知らせ"
    "配信エラー",
    "配信失敗",
    "退信",                           // Chinese: "系统退信", "退信通知"
    "未能送达",
    "投递失败",                       // "邮件投递失败"
    "无法传递",                       // Exchange (zh-CN): "无法传递: ..."
    "無法傳遞",                       // Exchange (zh-TW)
    "Не доставлено",                  // Russian: "Не доставлено: ...", "Сообщение не доставлено"
    "не доставлено",
    "Недоставленное",                 // "Недоставленное сообщение"
    "удалось доставить",              // "Не удалось доставить сообщение"
};

// Compiled at build time from the same table (classify/generated_automata.h).
const classify::PhraseMatcher& claim_phrase_matcher() {
  static const classify::PhraseMatcher matcher =
      classify::PhraseMatcher::from_tables(classify::claim_automaton_tables());
  return matcher;
}

// The bytes of an address's local part: letters, digits and RFC 5322's atext signs. A table,
// since every byte of every candidate line that may open with an address is tested.
constexpr auto kLocalPartBytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[static_cast<size_t>(c)] = util::is_alnum(static_cast<char>(c));
  for (const char c : std::string_view("._-+='/%!#$&*?^`{}|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_local_part_char(char c) { return kLocalPartBytes[static_cast<unsigned char>(c)]; }

// A byte of a host name as notices write it: internationalised names come in UTF-8
// ("mx.παράδειγμα.example[203.0.113.88]"), not only as xn-- labels.
bool is_host_name_byte(char c) { return util::is_alnum(c) || c == '.' || c == '-' || static_cast<unsigned char>(c) >= 0x80; }

// Words that open a line naming one failed recipient, before its address.
constexpr std::string_view kAddressLeadIns[] = {
    "failed to deliver to ",  // CommuniGate Pro: "Failed to deliver to '<jane@example.com>'"
};

// The line past a lead-in and the quote that may follow it, or the line itself.
std::string_view past_lead_in(std::string_view rest) {
  for (std::string_view lead_in : kAddressLeadIns) {
    if (!util::istarts_with(rest, lead_in)) continue;
    rest.remove_prefix(lead_in.size());
    if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) rest.remove_prefix(1);
    return rest;
  }
  return rest;
}

// The address that opens a line, or "". Accepts "<a@b>:", "a@b", "  <a@b>", "a@b:", "a@b
// (reason)", the same after a lead-in of kAddressLeadIns, and "Recipient: <a@b>"-less forms
// only; a line that merely mentions an address in prose does not open with one.
std::string_view leading_address(std::string_view line) {
  std::string_view rest = past_lead_in(util::trim(line));
  bool bracketed = false;
  if (!rest.empty() && rest[0] == '<') {
    bracketed = true;
    rest.remove_prefix(1);
  }
  // An internationalised address (RFC 6531) is read in brackets only, as Postfix writes it:
  // "<δοκιμή@παράδειγμα.example>: host ...". Unbracketed, 8-bit bytes before an address are the
  // words of a label glued to it: "收件人：liwei@example.cn".
  const auto in_local_part = [bracketed](char c) {
    return is_local_part_char(c) || (bracketed && static_cast<unsigned char>(c) >= 0x80);
  };
  size_t i = 0;
  while (i < rest.size() && in_local_part(rest[i])) ++i;
  if (i == 0 || i >= rest.size() || rest[i] != '@') return {};
  ++i;
  const size_t domain_start = i;
  while (i < rest.size() && (bracketed ? is_host_name_byte(rest[i]) : util::is_alnum(rest[i]) || rest[i] == '.' || rest[i] == '-')) {
    ++i;
  }
  std::string_view domain = rest.substr(domain_start, i - domain_start);
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty() || (!bracketed && domain.find('.') == std::string_view::npos)) return {};
  const std::string_view after = util::trim(rest.substr(i));
  const bool ends_cleanly = after.empty() || after[0] == '>' || after[0] == ':' || after[0] == '(' ||
                            after[0] == ',' || after[0] == ';' || after[0] == '.' ||
                            util::istarts_with(after, "on ") || util::istarts_with(after, "...");
  if (!ends_cleanly) return {};
  return rest.substr(0, domain_start + domain.size());
}

bool same_address(std::string_view a, std::string_view b) { return util::iequals(a, b); }

bool is_excluded(std::string_view address, const OwnAddresses& own) {
  return is_daemon_address(address) || own.holds(address);
}

// Whether `text` holds `address` (its '@' at `at`), ASCII case ignored. The '@' is where it can
// stand: a search would pick the address's rarest byte again for every field it is looked for in.
bool holds_as_text(std::string_view text, std::string_view address, size_t at) {
  if (at == std::string_view::npos) return icontains(text, address);
  const size_t after_at = address.size() - at;
  for (size_t pos = text.find('@', at); pos != std::string_view::npos && text.size() - pos >= after_at;
       pos = text.find('@', pos + 1)) {
    if (util::iequals(text.substr(pos - at, address.size()), address)) return true;
  }
  return false;
}

// The names' lengths differ, so a field is compared with one name at most: OwnAddresses::holds()
// asks this of every field of the header for every candidate.
bool is_own_address_field(const mime::HeaderField& field) {
  switch (field.name.size()) {
    case 2: return field.is("To");
    case 4: return field.is("From");
    case 11: return field.is("Return-Path");
    case 12: return field.is("Delivered-To");
    default: return false;
  }
}

// Index of the last marked byte of a word loaded with util::load8 (in the bytes' order in memory).
size_t last_marked_byte(uint64_t marks) {
  if constexpr (std::endian::native == std::endian::little) {
    return 7 - static_cast<size_t>(std::countl_zero(marks)) / 8;
  } else {
    return 7 - static_cast<size_t>(std::countr_zero(marks)) / 8;
  }
}

// The start of the line that holds `at` (not a line break itself). Read back eight bytes at a
// time: recipient_blocks() asks it for every line with an '@', often far into the line.
size_t line_start_of(std::string_view text, size_t at) {
  size_t end = at;  // the bytes before `end` are left to read
  for (; end >= 8; end -= 8) {
    const uint64_t newlines = util::bytes_equal(util::load8(text.data() + end - 8), util::broadcast('\n'));
    if (newlines != 0) return end - 8 + last_marked_byte(newlines) + 1;
  }
  while (end > 0 && text[end - 1] != '\n') --end;
  return end;
}

std::string unfold_lines(std::string_view text) { return util::collapse_space(text); }

bool holds_code(std::string_view line) { return !find_codes(line).empty(); }

// "Re:", "Fwd:", "FW:", "AW:", "WG:", "TR:", "RV:", "SV:", "VS:": a person replying to or
// forwarding a bounce; the bounce words in such a subject are quoted, not reported.
bool is_reply_or_forward(std::string_view subject) {
  static constexpr std::array<std::string_view, 10> kPrefixes = {"re:", "fwd:", "fw:", "aw:", "wg:",
                                                                 "tr:", "rv:", "sv:", "vs:", "antw:"};
  static_assert(std::ranges::all_of(kPrefixes, [](std::string_view prefix) {
    return prefix.size() >= 3 && prefix.size() <= 5 && prefix.find(':') == prefix.size() - 1;
  }));
  subject = util::trim(subject);
  // Each prefix holds one colon, its last byte: a subject whose first colon is elsewhere has none.
  const size_t colon = subject.find(':');
  if (colon < 2 || colon > 4) return false;
  for (std::string_view prefix : kPrefixes) {
    if (util::istarts_with(subject, prefix)) return true;
  }
  return false;
}

// A newsletter or a mailing list's post ("Delivery failure? 5 reasons your email bounces") quotes
// bounces; MTAs do not send their notices through lists.
// The header's mark of field names answers for most messages, which have neither field.
bool is_list_mail(const report::Context& context) {
  const mime::Headers& headers = context.message.root().headers;
  return headers.has("List-Unsubscribe") || headers.has("List-Id");
}

// A mail client names itself in User-Agent (Thunderbird, Evolution, Roundcube, mutt); an MTA's
// notice never carries one, while X-Mailer is written by both.
bool written_in_a_mail_client(const report::Context& context) {
  return context.message.root().headers.has("User-Agent");
}

// "Mail delivery failed - can you help?": a person asking; no MTA words its notice as a question.
bool asks_a_question(std::string_view subject) { return subject.find('?') != std::string_view::npos; }

// One pass over the From header for all the names of formats/bounce_senders.def, compiled at
// build time: the pipeline and the formats ask this of every message.
const classify::PhraseMatcher& bounce_sender_matcher() {
  static const classify::PhraseMatcher matcher =
      classify::PhraseMatcher::from_tables(classify::bounce_sender_automaton_tables());
  return matcher;
}

bool from_daemon(const report::Context& context) {
  bool found = false;
  bounce_sender_matcher().match(context.from, [&found](size_t, size_t) { found = true; });
  return found;
}

// One read of the subject rules out most of the phrases by their byte pairs (formats/byte_pairs.h),
// so that only the few left are searched for.
bool has_bounce_subject(std::string_view subject) {
  std::optional<BytePairs> pairs;
  if (BytePairs::pay_off(subject.size(), kBounceSubjects.size())) pairs.emplace(subject);
  return std::ranges::any_of(kBounceSubjects, [&](std::string_view words) {
    return (!pairs || pairs->may_hold(words)) && icontains(subject, words);
  });
}


}  // namespace

bool from_contains(const report::Context& context, std::string_view needle) {
  return icontains(context.from, needle);
}

bool subject_contains(const report::Context& context, std::string_view needle) {
  return icontains(context.subject, needle);
}

bool notice_contains(const report::Context& context, std::string_view needle) {
  if (context.claim_phrases) {
    if (const std::optional<size_t> index = claim_phrase_index(needle)) return context.claim_phrases->holds(*index);
  }
  return icontains(context.notice, needle);
}

report::NoticeClaims find_claim_phrases(std::string_view notice) {
  report::NoticeClaims found;
  claim_phrase_matcher().match(notice, [&found](size_t index, size_t end) { found.add(index, end); });
  return found;
}


bool is_person_quoting_a_bounce(const report::Context& context) {
  const bool written_by_a_person_or_a_list = is_reply_or_forward(context.subject) || is_list_mail(context) ||
                                             asks_a_question(context.subject) || written_in_a_mail_client(context);
  return written_by_a_person_or_a_list && !from_daemon(context) && context.delivery_status_part < 0 &&
         context.feedback_report_part < 0 && !context.message.root().headers.has("X-Failed-Recipients");
}

bool looks_like_bounce(const report::Context& context) {
  if (context.message.root().headers.has("X-Failed-Recipients")) return true;
  if (from_daemon(context)) return true;
  if (is_reply_or_forward(context.subject) || is_list_mail(context) || asks_a_question(context.subject) ||
      written_in_a_mail_client(context)) {
    return false;
  }
  return has_bounce_subject(context.subject);
}

namespace {

struct CommandPhrase {
  std::string_view words;
  std::string_view command;
};
// Postfix "(in reply to RCPT TO command)", Exim "after RCPT TO:<..>", Sendmail ">>> DATA",
// Microsoft "... after MAIL FROM".
constexpr std::array<CommandPhrase, 17> kCommandPhrases = {{
    {"in reply to rcpt to", "RCPT"},     {"in reply to mail from", "MAIL"},
    {"in reply to end of data", "DATA"}, {"in reply to data", "DATA"},
    {"in reply to helo", "HELO"},        {"in reply to ehlo", "EHLO"},
    {"in reply to starttls", "STARTTLS"},{"after rcpt to", "RCPT"},
    {"after mail from", "MAIL"},         {"after end of data", "DATA"},
    {"after data", "DATA"},              {"after initial connection", "CONN"},
    {">>> rcpt to", "RCPT"},             {">>> mail from", "MAIL"},
    {">>> data", "DATA"},                {"after helo", "HELO"},
    {"refused to talk to me", "CONN"},   // Postfix: the server's greeting refused the connection
}};

// failed_command() takes the phrase that starts first: while no phrase holds another, at most one
// starts at any offset, and it is also the first to end.
constexpr bool no_command_phrase_holds_another() {
  for (const CommandPhrase& outer : kCommandPhrases) {
    for (const CommandPhrase& inner : kCommandPhrases) {
      if (&outer != &inner && outer.words.find(inner.words) != std::string_view::npos) return false;
    }
  }
  return true;
}
static_assert(no_command_phrase_holds_another(), "a command phrase holds another: failed_command() needs a tie rule");

// Where a phrase may start: at its first word. "in" is inside too many words to look for, so the
// phrases that open with "in reply to" are looked for from their "reply". The anchors are claim
// phrases too: the decoder's one pass over the notice tells which of them it holds, so that a part
// of the notice is not searched for the others.
struct CommandLead {
  std::string_view opening;  // how the phrases open, up to their first space
  ClaimPhrase anchor;        // what is looked for: the opening, or "reply" for "in"
};
constexpr std::array<CommandLead, 4> kCommandLeads = {{{"in", ClaimPhrase("reply")},
                                                        {"after", ClaimPhrase("after")},
                                                        {">>>", ClaimPhrase(">>>")},
                                                        {"refused to talk", ClaimPhrase("refused to talk")}}};

// The phrases are written as folded_phrase_at() compares them: lower case, single spaces, and
// each opening with a lead (so that every occurrence is found from one).
constexpr bool command_phrases_are_folded_and_led() {
  for (const CommandPhrase& phrase : kCommandPhrases) {
    const std::string_view words = phrase.words;
    for (size_t i = 0; i < words.size(); ++i) {
      if ((words[i] >= 'A' && words[i] <= 'Z') || (words[i] == ' ' && (i == 0 || words[i - 1] == ' '))) return false;
    }
    bool led = false;
    for (const CommandLead& lead : kCommandLeads) {
      led = led || (words.starts_with(lead.opening) && words.size() > lead.opening.size() && words[lead.opening.size()] == ' ');
    }
    if (!led || words.ends_with(' ')) return false;
  }
  return true;
}
static_assert(command_phrases_are_folded_and_led(), "a command phrase is not lower case with single spaces, or opens with no lead");

// Whether `phrase` occurs at `at`, ASCII case ignored and any run of white space standing for its
// space: Postfix folds its lines anywhere, "(in reply to RCPT\n    TO command)".
bool folded_phrase_at(std::string_view text, size_t at, std::string_view phrase) {
  size_t i = at;
  for (const char c : phrase) {
    if (i >= text.size()) return false;
    if (c != ' ') {
      if (util::ascii_lower(text[i++]) != c) return false;
      continue;
    }
    if (!util::is_space(text[i])) return false;
    while (i < text.size() && util::is_space(text[i])) ++i;
  }
  return true;
}

const CommandPhrase* command_phrase_at(std::string_view text, size_t at) {
  for (const CommandPhrase& phrase : kCommandPhrases) {
    if (folded_phrase_at(text, at, phrase.words)) return &phrase;
  }
  return nullptr;
}

// Where a phrase led by `lead` would start given its anchor at `anchor_at`: "in", white space,
// then the anchor "reply"; npos when the text before the anchor is not so.
size_t lead_start(std::string_view text, const CommandLead& lead, size_t anchor_at) {
  if (lead.anchor.text == lead.opening) return anchor_at;
  size_t start = anchor_at;
  while (start > 0 && util::is_space(text[start - 1])) --start;
  if (start == anchor_at || start < lead.opening.size()) return std::string_view::npos;
  start -= lead.opening.size();
  return util::iequals(text.substr(start, lead.opening.size()), lead.opening) ? start : std::string_view::npos;
}

struct CommandFound {
  size_t start;
  const CommandPhrase* phrase;
};

// The first phrase of `lead` in the text, whose first anchor is at `first_anchor` (npos: none).
// Later anchors give later starts (what lies between "in" and its "reply" is white space), so the
// first that opens a phrase is the one.
std::optional<CommandFound> first_led_phrase(std::string_view text, const CommandLead& lead, size_t first_anchor) {
  for (size_t at = first_anchor; at != std::string_view::npos; at = util::ifind(text, lead.anchor.text, at + 1)) {
    const size_t start = lead_start(text, lead, at);
    if (start == std::string_view::npos) continue;
    if (const CommandPhrase* phrase = command_phrase_at(text, start)) return CommandFound{start, phrase};
  }
  return std::nullopt;
}

// The command of the phrase that starts first. `first_anchor` says where a lead's anchor first
// occurs in the text (npos: nowhere). Most texts hold none of the leads: a search per lead then
// says so, and only the few places where a lead occurs are compared with the phrases.
template <typename FirstAnchor>
std::string first_failed_command(std::string_view text, FirstAnchor first_anchor) {
  std::optional<CommandFound> first;
  for (const CommandLead& lead : kCommandLeads) {
    const size_t anchor = first_anchor(lead);
    if (anchor == std::string_view::npos) continue;
    const std::optional<CommandFound> found = first_led_phrase(text, lead, anchor);
    if (found && (!first || found->start < first->start)) first = found;
  }
  return first ? std::string(first->phrase->command) : std::string();
}

bool lies_within(std::string_view part, std::string_view whole) {
  const std::less<const char*> before;
  return !before(part.data(), whole.data()) && !before(whole.data() + whole.size(), part.data() + part.size());
}

}  // namespace

std::string failed_command(std::string_view text) {
  return first_failed_command(text, [text](const CommandLead& lead) { return util::ifind(text, lead.anchor.text); });
}

std::string failed_command(const PhraseSearch& text) {
  return first_failed_command(text.text(), [&text](const CommandLead& lead) { return text.find(lead.anchor.text); });
}

std::string failed_command(const report::Context& context, std::string_view text) {
  if (!context.claim_phrases || !lies_within(text, context.notice)) return failed_command(text);
  const size_t offset = static_cast<size_t>(text.data() - context.notice.data());
  return first_failed_command(text, [&context, text, offset](const CommandLead& lead) {
    if (!notice_contains(context, lead.anchor)) return std::string_view::npos;
    // Where the anchor first occurs in the notice, when that is within the text.
    const size_t end = context.claim_phrases->first_end(lead.anchor.index);
    if (end != 0 && end - lead.anchor.text.size() >= offset) {
      const size_t at = end - lead.anchor.text.size() - offset;
      if (at + lead.anchor.text.size() <= text.size()) return at;
      return std::string_view::npos;  // its first occurrence from the text's start on ends past the text
    }
    return util::ifind(text, lead.anchor.text);
  });
}

// "host mx.example.net says:" (CommuniGate Pro), "host mx.example.net said:": a name with no
// address beside it.
Host host_that_said(std::string_view text) {
  for (size_t at = util::ifind(text, "host "); at != std::string_view::npos; at = util::ifind(text, "host ", at + 5)) {
    size_t end = at + 5;
    while (end < text.size() && is_host_name_byte(text[end])) ++end;
    const std::string_view name = text.substr(at + 5, end - at - 5);
    const std::string_view rest = util::trim(text.substr(end, 8));
    const bool speaks = util::istarts_with(rest, "said") || util::istarts_with(rest, "says");
    if (speaks && name.find('.') != std::string_view::npos) return Host{std::string(name), {}};
  }
  return {};
}

Host remote_host(std::string_view text) {
  Host host;
  const size_t open = text.find('[');
  if (open == std::string_view::npos) return host_that_said(text);
  const size_t close = text.find(']', open);
  if (close == std::string_view::npos) return host_that_said(text);
  const std::string_view ip = text.substr(open + 1, close - open - 1);
  if (ip.empty() || ip.size() > 45 || ip.find_first_not_of("0123456789abcdefABCDEF.:IPv") != std::string_view::npos) {
    return host_that_said(text);
  }
  host.ip = std::string(ip);
  size_t end = open;
  while (end > 0 && text[end - 1] == ' ') --end;
  size_t begin = end;
  while (begin > 0 && is_host_name_byte(text[begin - 1])) --begin;
  std::string_view name = text.substr(begin, end - begin);
  // A multi-line reply's continuation marker is not part of the name: "550-mx.example.com [192.0.2.1]".
  if (name.size() > 4 && util::is_digit(name[0]) && util::is_digit(name[1]) && util::is_digit(name[2]) &&
      name[3] == '-') {
    name.remove_prefix(4);
  }
  host.name = std::string(name);
  if (host.name.find('.') == std::string::npos) host.name.clear();
  return host;
}

// The local parts of the mailboxes that send bounces or take questions about them.
constexpr std::string_view kDaemonMailboxes[] = {
    "mailer-daemon",  // RFC 5321 4.5.5: "From: MAILER-DAEMON@mail.example.org (Mail Delivery System)"
    "mailer_daemon",  // qmail and others: "From: MAILER_DAEMON@mx.example.net"
    "mailerdaemon",   // "From: mailerdaemon@example.com"
    "mail-daemon",
    "postmaster",     // RFC 5321 4.5.1: "Please reply to Postmaster@mx.example if you feel this message to be in error."
    "double-bounce",  // qmail's sender of bounces of bounces
    // Exchange's system mailbox, the sender of its notices:
    // "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example>"
    "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e",
};

bool is_daemon_address(std::string_view address) {
  const std::string_view local = address.substr(0, address.rfind('@'));
  return std::any_of(std::begin(kDaemonMailboxes), std::end(kDaemonMailboxes),
                     [local](std::string_view daemon) { return util::iequals(local, daemon); });
}

OwnAddresses::OwnAddresses(const report::Context& context) : headers_(context.message.root().headers) {}

bool OwnAddresses::holds(std::string_view address) const {
  const size_t at = address.find('@');
  for (const mime::HeaderField& field : headers_.fields()) {
    // A value that does not hold the address as text holds no address equal to it.
    if (!is_own_address_field(field) || !holds_as_text(field.value, address, at)) continue;
    for (const std::string& own : mime::find_addresses(field.value)) {
      if (same_address(own, address)) return true;
    }
  }
  return false;
}

std::string first_prose_recipient(std::string_view notice, const OwnAddresses& own) {
  for (std::string& address : mime::find_addresses(notice)) {
    if (!is_excluded(address, own)) return std::move(address);
  }
  return {};
}

std::vector<RecipientBlock> recipient_blocks(std::string_view notice, const OwnAddresses& own) {
  std::vector<RecipientBlock> blocks;
  std::vector<size_t> starts;
  // Only a line holding an '@' can open with an address: go from one such line to the next.
  for (size_t at = notice.find('@'); at != std::string_view::npos;) {
    const size_t line_start = line_start_of(notice, at);
    const size_t line_end = std::min(notice.find('\n', at), notice.size());
    at = line_end == notice.size() ? std::string_view::npos : notice.find('@', line_end + 1);
    const std::string_view address = leading_address(notice.substr(line_start, line_end - line_start));
    if (address.empty()) continue;
    const bool seen = std::ranges::any_of(blocks, [&](const RecipientBlock& b) { return same_address(b.address, address); });
    if (seen || is_excluded(address, own)) continue;
    blocks.push_back({address, {}});
    starts.push_back(line_start);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const size_t end = i + 1 < blocks.size() ? starts[i + 1] : notice.size();
    blocks[i].text = notice.substr(starts[i], end - starts[i]);
  }
  return blocks;
}

// The words on an address line and its indented continuation lines, as Postfix folds them:
//     <jane@example.com>: Name service error for domain example.com: Host not
//         found, try again
std::string words_after_address(std::string_view block, size_t words_start) {
  size_t end = block.find('\n', words_start);
  while (end != std::string_view::npos && end + 1 < block.size() && (block[end + 1] == ' ' || block[end + 1] == '\t')) {
    end = block.find('\n', end + 1);
  }
  return unfold_lines(block.substr(words_start, end == std::string_view::npos ? std::string_view::npos : end - words_start));
}

// Where the words start on an address line: after the colon that follows the address ("<a@b>:
// words" from Postfix and qmail, "a@b: words", "a@b : mots" in French typography), or after
// " ... " (Smail: " jane@example.com ... unknown host"); npos when the line has no such separator.
size_t words_on_address_line(std::string_view line) {
  size_t i = line.find('@');
  if (i == std::string_view::npos) return i;
  ++i;
  while (i < line.size() && (util::is_alnum(line[i]) || line[i] == '.' || line[i] == '-')) ++i;
  while (i < line.size() && (line[i] == '>' || line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < line.size() && line[i] == ':') return i + 1;
  const size_t dots = line.find(" ... ");
  return dots == std::string_view::npos ? dots : dots + 5;
}

std::string diagnostic_of(std::string_view block) {
  size_t pos = 0;
  std::string_view line;
  bool first = true;
  size_t body_start = std::string_view::npos;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(block, pos, line)) break;
    if (first) {
      first = false;
      body_start = pos;
      // The address line itself may carry the words: "<a@b>: 550 no such user", or words without
      // a code that fold onto indented lines.
      const size_t words = words_on_address_line(line);
      if (words != std::string_view::npos && holds_code(line.substr(words))) {
        return unfold_lines(line.substr(words));
      }
      if (words != std::string_view::npos && !util::trim(line.substr(words)).empty()) {
        return words_after_address(block, words);
      }
      continue;
    }
    if (holds_code(line)) {
      const size_t paragraph_end = block.find("\n\n", line_start);
      return unfold_lines(block.substr(line_start, paragraph_end == std::string_view::npos
                                                       ? std::string_view::npos
                                                       : paragraph_end - line_start));
    }
  }
  if (body_start == std::string_view::npos || body_start >= block.size()) return {};
  // No code: the words a notice writes under the address ("  jane@example.de\n    Das Postfach
  // des Empfängers ist voll."), up to the first blank line.
  // A paragraph that only announces the next ("For the following reason:") goes with it.
  std::string_view rest = block.substr(body_start);
  const std::string_view words = first_paragraph(rest);
  const std::string_view trimmed = util::trim(words);
  if (trimmed.empty() || trimmed.back() != ':') return unfold_lines(words);
  rest.remove_prefix(static_cast<size_t>(words.data() - rest.data()) + words.size());
  return unfold_lines(std::string(words) + "\n" + std::string(first_paragraph(rest)));
}

}  // namespace bounceback::formats
