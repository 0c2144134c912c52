// The decision: which reason the evidence of one recipient names, and what follows from it.
//
// Evidence is sorted into tiers; the first tier that holds anything decides, and inside a tier the
// reason that comes first in kPrecedence wins. The shape follows Sisimai's (whose reason names we
// use and whose judgement the shared corpus records): the answering provider's own wording and
// codes first (provider_rules.def); then unmistakable wording; then what the
// status code and the usual wording say about the mailbox, the sender or the session; then the
// reason the report format gave; then codes that decide on their own; then wording the command
// makes less likely; then broad codes; then generic hints.
#include "classify/classifier.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <span>
#include <vector>

#include "bounceback/codes.h"
#include "classify/blocklist.h"
#include "classify/matcher.h"
#include "classify/provider.h"
#include "classify/reply_text.h"
#include "classify/generated_automata.h"
#include "util/text.h"

namespace bounceback::classify {
namespace {

enum class Strength { kWeak, kNormal, kStrong };

struct Rule {
  Reason reason;
  Strength strength;
  std::string_view phrase;
  Provider provider = Provider::kAny;  // a provider's own wording counts only in its replies
};

// One automaton finds the generic and the provider phrases alike.
constexpr Rule kRules[] = {
#define BB_RULE(reason, strength, phrase) Rule{Reason::reason, Strength::strength, phrase},
#include "classify/rules.def"
#undef BB_RULE
#define BB_PROVIDER_RULE(provider, reason, phrase) Rule{Reason::reason, Strength::kStrong, phrase, Provider::provider},
#define BB_PROVIDER_CODE(provider, marker, first, last, reason)
#include "classify/provider_rules.def"
#undef BB_PROVIDER_CODE
#undef BB_PROVIDER_RULE
};
// The automaton reports a rule by its index in kRules: every phrase must be accepted by add()
// (gen_automata refuses to build otherwise).
static_assert(std::ranges::none_of(kRules, [](const Rule& rule) { return rule.phrase.empty(); }));
static_assert(std::size(kRules) == kRulePhraseCount);

struct StatusReason {
  std::string_view code;  // "4.2.2", or "X.2.2" for both classes
  Reason reason;
};

constexpr StatusReason kStatusReasons[] = {
#define BB_STATUS(code, reason) StatusReason{code, Reason::reason},
#include "classify/status_reasons.def"
#undef BB_STATUS
};

// A table code read as numbers, so that a status is looked up without formatting it.
struct TableStatus {
  char klass = '\0';  // '2', '4', '5' or 'X'
  int subject = -1;
  int detail = -1;
};

// "5.1.10" -> {'5', 1, 10}; subject -1 unless the code is written the one way a status prints
// (no leading zeros, at most three digits a group).
constexpr TableStatus read_table_status(std::string_view code) {
  TableStatus read{code.empty() ? '\0' : code[0]};
  int* groups[] = {&read.subject, &read.detail};
  size_t at = 1;
  for (int* group : groups) {
    if (at >= code.size() || code[at] != '.') return {};
    const size_t begin = ++at;
    int value = 0;
    while (at < code.size() && code[at] >= '0' && code[at] <= '9') value = value * 10 + (code[at++] - '0');
    const size_t digits = at - begin;
    if (digits == 0 || digits > 3 || (digits > 1 && code[begin] == '0')) return {};
    *group = value;
  }
  if (at != code.size()) return {};
  return read;
}

using StatusTable = std::array<TableStatus, std::size(kStatusReasons)>;

constexpr StatusTable read_status_table() {
  StatusTable table{};
  for (size_t i = 0; i < table.size(); ++i) table[i] = read_table_status(kStatusReasons[i].code);
  return table;
}

constexpr StatusTable kStatusTable = read_status_table();
static_assert(std::ranges::all_of(kStatusTable, [](const TableStatus& s) {
  return (s.klass == 'X' || s.klass == '4' || s.klass == '5') && s.subject >= 0;
}), "status_reasons.def: every code is \"4.x.y\", \"5.x.y\" or \"X.x.y\", without leading zeros");

// When several reasons are evidenced in the same tier, the earlier one wins: the state of the
// mailbox (full, too small, disabled, moved) explains a refusal better than who sent it, and a
// sender-side refusal names a closer cause than a generic block.
constexpr Reason kPrecedence[] = {
    Reason::kMailboxFull,     Reason::kMesgTooBig,     Reason::kExceedLimit,    Reason::kSuspend,
    Reason::kHasMoved,        Reason::kNoRelaying,     Reason::kAuthFailure,    Reason::kUserUnknown,
    Reason::kFiltered,        Reason::kRequirePtr,     Reason::kNotCompliantRfc, Reason::kBadReputation,
    Reason::kRejected,        Reason::kHostUnknown,    Reason::kSpamDetected,   Reason::kSpeeding,
    Reason::kTooManyConn,     Reason::kGreylisted,     Reason::kBlocked,        Reason::kContentError,
    Reason::kVirusDetected,   Reason::kPolicyViolation, Reason::kSystemError,   Reason::kNetworkError,
    Reason::kSystemFull,      Reason::kNotAccept,      Reason::kExpired,        Reason::kSecurityError,
    Reason::kFailedStartTls,  Reason::kSuppressed,     Reason::kMailerError,    Reason::kSyntaxError,
    Reason::kVacation,
};

// Broad codes and reasons that only say something failed: a better reason is looked for first.
constexpr Reason kBroadReasons[] = {
    Reason::kSystemError, Reason::kSecurityError, Reason::kNetworkError,
    Reason::kExpired,     Reason::kOnHold,        Reason::kUndefined,
};

// Codes that servers also use for unrelated refusals (5.2.0 and 5.2.1 for content filters, 4.2.1
// for rate limits): among primary evidence they count only when wording agrees.
constexpr Reason kStatusNeedsWording[] = {Reason::kFiltered, Reason::kSuspend, Reason::kHasMoved};

// A status code yields to wording that names the refusal more closely: "550 5.1.1 ... blocked
// using zen.spamhaus.org" is a block, "5.4.4 ... does not accept mail (nullMX)" a null MX, and so is
// Sendmail's "550 5.7.27 Host does not accept mail" about the recipient's domain (5.7.27 is meant
// for the sender's).
struct Override {
  Reason status;
  Reason wording;
};
constexpr Override kStatusYieldsTo[] = {
    {Reason::kUserUnknown, Reason::kBlocked},      {Reason::kUserUnknown, Reason::kRejected},
    {Reason::kUserUnknown, Reason::kNotAccept},    {Reason::kHostUnknown, Reason::kNetworkError},
    {Reason::kHostUnknown, Reason::kNotAccept},    {Reason::kRejected, Reason::kNotAccept},
};
// ... and wording yields to a status code that is more precise: "552 5.2.3 message too big" is the
// recipient's own limit, "5.7.13 ... user unknown" names a disabled account.
constexpr Override kWordingYieldsTo[] = {
    {Reason::kExceedLimit, Reason::kMesgTooBig},
    {Reason::kSuspend, Reason::kUserUnknown},
    {Reason::kSuspend, Reason::kFiltered},
};

enum class Tier {
  kProvider,        // the provider's own wording and codes
  kStrongWording,   // kStrong rules
  kPrimary,         // primary reasons from wording the command allows, or from the status code
  kFormat,          // the reason the report format itself gave
  kDecisiveStatus,  // a status or reply code naming a non-primary reason
  kOtherWording,    // non-primary wording, and primary wording the command makes less likely
  kBroadStatus,     // a broad status code (5.7.1, 5.3.0 ...)
  kWeakWording,     // kWeak rules
};

struct Candidate {
  Tier tier;
  Reason reason;
};

// The SMTP command the server answered, as far as it matters here.
enum class Command { kUnknown, kConnect, kMail, kRcpt, kData, kOther };

Command parse_command(std::string_view command) {
  command = util::trim(command);
  if (command.empty()) return Command::kUnknown;
  if (util::iequals(command, "CONN") || util::iequals(command, "HELO") || util::iequals(command, "EHLO")) {
    return Command::kConnect;
  }
  if (util::istarts_with(command, "MAIL")) return Command::kMail;
  if (util::istarts_with(command, "RCPT")) return Command::kRcpt;
  if (util::iequals(command, "DATA") || util::iequals(command, "BDAT")) return Command::kData;
  return Command::kOther;
}

// When the report names no command, the server's words often do.
struct CommandPhrase {
  std::string_view phrase;
  Command command;
};
constexpr CommandPhrase kCommandPhrases[] = {
    {"in reply to rcpt to command", Command::kRcpt},       // Postfix: "550 ... (in reply to RCPT TO command)"
    {"in reply to mail from command", Command::kMail},     // Postfix: "(in reply to MAIL FROM command)"
    {"in reply to end of data command", Command::kData},   // Postfix: "(in reply to end of DATA command)"
    {"in reply to data command", Command::kData},          // Postfix: "(in reply to DATA command)"
    {"after rcpt to:", Command::kRcpt},                    // Exim: "SMTP error from remote mail server after RCPT TO:<x@y>:"
    {"after mail from:", Command::kMail},                  // Exim: "... after MAIL FROM:<x@y> SIZE=1234:"
    {"after end of data", Command::kData},                 // Exim: "... after end of data:"
    {"after initial connection", Command::kConnect},       // Exim: "... after initial connection:"
    {"refused to talk to me", Command::kConnect},          // Postfix: "host x[192.0.2.1] refused to talk to me: 554 ..." (its greeting)
};

// Every command phrase starts with one of these, so only where they occur is the rest compared.
constexpr std::string_view kCommandPhraseLeads[] = {"in reply to ", "after ", "refused to talk"};
static_assert(std::ranges::all_of(kCommandPhrases, [](const CommandPhrase& c) {
  return std::ranges::any_of(kCommandPhraseLeads, [&](std::string_view lead) { return c.phrase.starts_with(lead); });
}));

// The command of the first phrase in kCommandPhrases that occurs anywhere in `words`.
Command command_named_in(std::string_view words) {
  bool occurs[std::size(kCommandPhrases)] = {};
  for (const std::string_view lead : kCommandPhraseLeads) {
    for (size_t at = util::ifind(words, lead); at != std::string_view::npos; at = util::ifind(words, lead, at + 1)) {
      for (size_t i = 0; i < std::size(kCommandPhrases); ++i) {
        if (kCommandPhrases[i].phrase.starts_with(lead) && util::istarts_with(words.substr(at), kCommandPhrases[i].phrase)) {
          occurs[i] = true;
        }
      }
    }
  }
  const auto* named = std::ranges::find(occurs, true);
  return named == std::end(occurs) ? Command::kUnknown : kCommandPhrases[named - std::begin(occurs)].command;
}

Command command_of(const Evidence& evidence, std::string_view words) {
  const Command reported = parse_command(evidence.command);
  if (reported != Command::kUnknown) return reported;
  return command_named_in(words);
}

constexpr size_t precedence(Reason reason) {
  return static_cast<size_t>(std::ranges::find(kPrecedence, reason) - std::begin(kPrecedence));
}

// The reasons before kContentError are "primary": their wording and codes are weighed first.
constexpr size_t kPrimaryCount = precedence(Reason::kContentError);

bool is_primary(Reason reason) { return precedence(reason) < kPrimaryCount; }
bool needs_wording(Reason reason) {
  return std::ranges::find(kStatusNeedsWording, reason) != std::end(kStatusNeedsWording);
}
bool is_broad(Reason reason) { return std::ranges::find(kBroadReasons, reason) != std::end(kBroadReasons); }
bool names_a_cause(Reason reason) { return reason != Reason::kOnHold && reason != Reason::kUndefined; }

template <size_t N>
bool listed(const Override (&table)[N], Reason first, Reason second) {
  return std::ranges::any_of(table, [&](const Override& o) { return o.status == first && o.wording == second; });
}

// What the reply automaton finds in the words, in one pass.
struct PhrasesFound {
  std::vector<uint32_t> rules;  // indices in kRules, in order of the matches' ends
  BlocklistMentions blocklists;
};

PhrasesFound find_phrases(std::string_view words) {
  PhrasesFound found;
  reply_phrase_matcher().match(words, [&found](size_t index, size_t end) {
    if (index < kRulePhraseCount) {
      found.rules.push_back(static_cast<uint32_t>(index));
    } else {
      found.blocklists.add(index - kRulePhraseCount, end);
    }
  });
  return found;
}

// ---- status codes -----------------------------------------------------------------------------

struct StatusParts {
  int klass = 0;
  int subject = 0;
  int detail = 0;
};

std::optional<int> parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// "5.1.1" -> {5, 1, 1}; nullopt unless class 2, 4 or 5 and subject and detail of 1-3 digits.
std::optional<StatusParts> parse_status(std::string_view status) {
  status = util::trim(status);
  const size_t first_dot = status.find('.');
  const size_t second_dot = first_dot == std::string_view::npos ? first_dot : status.find('.', first_dot + 1);
  if (first_dot != 1 || second_dot == std::string_view::npos) return std::nullopt;
  const auto subject = parse_number(status.substr(first_dot + 1, second_dot - first_dot - 1));
  const auto detail = parse_number(status.substr(second_dot + 1));
  const char klass = status[0];
  if (!subject || !detail || (klass != '2' && klass != '4' && klass != '5')) return std::nullopt;
  return StatusParts{klass - '0', *subject, *detail};
}

// The first failure status in the server's own words: "550 5.1.1 <x@y>... User unknown" (a
// transcript's "250 2.1.0 Ok" for an earlier step is not about the failure).
std::optional<std::string_view> first_status_in(std::span<const FoundCode> codes) {
  for (const FoundCode& found : codes) {
    if (found.type != CodeType::kStatus) continue;
    const auto parts = parse_status(found.code);
    if (parts && parts->klass != 2) return found.code;
  }
  return std::nullopt;
}

// The table's entries by subject: status_reasons.def lists the codes in order of their subject.
struct SubjectEntries {
  size_t begin = 0;
  size_t end = 0;
};
constexpr size_t kSubjects = 8;  // X.0.x to X.7.x: RFC 3463 defines no others

constexpr std::array<SubjectEntries, kSubjects> entries_by_subject() {
  std::array<SubjectEntries, kSubjects> ranges{};
  for (size_t i = kStatusTable.size(); i-- > 0;) {
    SubjectEntries& range = ranges[static_cast<size_t>(kStatusTable[i].subject)];
    if (range.end == 0) range.end = i + 1;
    range.begin = i;
  }
  return ranges;
}

constexpr bool sorted_by_subject() {
  for (size_t i = 1; i < kStatusTable.size(); ++i) {
    const int subject = kStatusTable[i].subject;
    if (subject < kStatusTable[i - 1].subject || subject >= int{kSubjects}) return false;
  }
  return true;
}
static_assert(sorted_by_subject(), "status_reasons.def: the codes in order of their subject, 0 to 7");

constexpr std::array<SubjectEntries, kSubjects> kEntriesBySubject = entries_by_subject();

// What the status code names by itself (status_reasons.def).
Reason reason_of_status(const std::optional<StatusParts>& parts) {
  if (!parts || parts->klass == 2 || parts->subject >= int{kSubjects}) return Reason::kUndefined;
  const SubjectEntries range = kEntriesBySubject[static_cast<size_t>(parts->subject)];
  for (size_t i = range.begin; i < range.end; ++i) {
    const TableStatus& entry = kStatusTable[i];
    const bool class_fits = entry.klass == 'X' || entry.klass - '0' == parts->klass;
    if (class_fits && entry.detail == parts->detail) return kStatusReasons[i].reason;
  }
  return Reason::kUndefined;
}

bool words_state(std::span<const FoundCode> codes, std::string_view status) {
  return std::ranges::any_of(
      codes, [&](const FoundCode& found) { return found.type == CodeType::kStatus && found.code == status; });
}

// The status the record reports: the server's own, when its words give one with a subject
// ("552 5.2.2 Over quota" under a report saying 5.1.1 or 5.0.0); else the report's Status field.
// When the words hold several and the report's is one of them, the extractor already chose: SES's
// "554 4.4.7 Message expired: ...<421 4.4.2 Connection timed out>" reports the last reply's 4.4.2.
// `codes` are those of the diagnostic.
std::string reported_status(const Evidence& evidence, std::span<const FoundCode> codes) {
  const std::string_view reported = util::trim(evidence.status);
  const bool reported_is_status = parse_status(reported).has_value();
  if (reported_is_status && words_state(codes, reported)) return std::string(reported);
  const auto said = first_status_in(codes);
  if (said && parse_status(*said)->subject != 0) return std::string(*said);
  if (reported_is_status) return std::string(reported);
  return std::string(said.value_or(std::string_view()));
}

// ---- collecting candidates --------------------------------------------------------------------

// The SMTP command the server answered (command_of), read only when a decision turns on it: most
// do not, and reading it from the words costs a search per phrase lead.
class CommandOnDemand {
 public:
  CommandOnDemand(const Evidence& evidence, std::string_view words) : evidence_(evidence), words_(words) {}
  Command get() const {
    if (!read_) {
      command_ = command_of(evidence_, words_);
      read_ = true;
    }
    return command_;
  }

 private:
  const Evidence& evidence_;
  std::string_view words_;
  // A cache for the one decision this object lives in.
  mutable bool read_ = false;
  mutable Command command_ = Command::kUnknown;
};

// What, besides the wording itself, decides where the wording counts.
struct Setting {
  CommandOnDemand command;
  Reason status_reason = Reason::kUndefined;  // what the status code names by itself
  // The report format itself names the missing address (Domino "not listed in Domino Directory",
  // Exchange 2003 "000C05A6 Unknown Recipient"): as good as a 5.1.1.
  bool format_says_unknown = false;
  Provider provider = Provider::kAny;
};

// "User unknown" is a missing mailbox only when something ties the refusal to the address: the
// server answered RCPT, its status says X.1.1, or the report format says so. A refusal after DATA,
// or one nothing ties to RCPT under a code like 5.0.0 or none, may come from a content filter that
// words its refusals so (Japanese carriers answer "550 Unknown user" after DATA to senders their
// users refuse; appliances say "No such user" for mail their policy drops), and a hard bounce
// suppresses the address for good: without that evidence it counts as the recipient's filter.
bool address_confirmed(const Setting& setting) {
  return setting.status_reason == Reason::kUserUnknown || setting.format_says_unknown ||
         setting.command.get() == Command::kRcpt;
}

// Where a primary reason's ordinary wording counts, given the command the server answered. "User
// unknown" see address_confirmed(); at connection or MAIL it is not about the recipient at all.
// Content verdicts cannot be reached before DATA; sender wording counts at MAIL, at DATA, or when
// no precise status contradicts it.
std::optional<Candidate> place_wording(Reason reason, const Setting& setting) {
  const Reason status_reason = setting.status_reason;
  const auto before_data = [&setting] {
    const Command command = setting.command.get();
    return command == Command::kConnect || command == Command::kMail || command == Command::kRcpt;
  };
  switch (reason) {
    case Reason::kUserUnknown: {
      if (address_confirmed(setting)) return Candidate{Tier::kPrimary, reason};
      const Command command = setting.command.get();
      if (command == Command::kConnect || command == Command::kMail) return std::nullopt;
      return Candidate{Tier::kPrimary, Reason::kFiltered};
    }
    case Reason::kFiltered:
      if (before_data()) return std::nullopt;
      return Candidate{Tier::kPrimary, reason};
    case Reason::kSpamDetected:
      // Refused at connection, nothing of the message was seen: "spam" names the sending IP, as
      // in "554 ... Comcast block for spam ... #BL000000".
      if (setting.command.get() == Command::kConnect) return Candidate{Tier::kPrimary, Reason::kBlocked};
      return Candidate{before_data() ? Tier::kOtherWording : Tier::kPrimary, reason};
    case Reason::kNoRelaying:
      return Candidate{setting.command.get() == Command::kConnect ? Tier::kOtherWording : Tier::kPrimary, reason};
    case Reason::kRejected: {
      const Command command = setting.command.get();
      if (command == Command::kMail) return Candidate{Tier::kPrimary, reason};
      if (command == Command::kData && status_reason != Reason::kUserUnknown) return Candidate{Tier::kPrimary, reason};
      if (command != Command::kData && is_broad(status_reason)) return Candidate{Tier::kPrimary, reason};
      return std::nullopt;
    }
    default:
      return Candidate{is_primary(reason) ? Tier::kPrimary : Tier::kOtherWording, reason};
  }
}

Tier tier_of(Strength strength) {
  switch (strength) {
    case Strength::kStrong: return Tier::kStrongWording;
    case Strength::kWeak: return Tier::kWeakWording;
    case Strength::kNormal: break;
  }
  return Tier::kPrimary;
}

std::optional<Candidate> place_rule(const Rule& rule, const Setting& setting) {
  if (rule.provider != Provider::kAny) {
    if (rule.provider != setting.provider) return std::nullopt;
    return Candidate{Tier::kProvider, rule.reason};
  }
  if (rule.strength != Strength::kNormal) return Candidate{tier_of(rule.strength), rule.reason};
  if (listed(kWordingYieldsTo, setting.status_reason, rule.reason)) return std::nullopt;
  return place_wording(rule.reason, setting);
}

bool decides_before(const Candidate& a, const Candidate& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  return precedence(a.reason) < precedence(b.reason);
}

// The candidates of one decision, kept as what is asked of them: the one that decides, and the
// reasons wording (or a provider's code) named, which a status code may yield to.
class Candidates {
 public:
  void add(const Candidate& candidate) {
    if (!best_ || decides_before(candidate, *best_)) best_ = candidate;
    if (candidate.tier <= Tier::kOtherWording) worded_ |= bit(candidate.reason);
  }
  bool worded(Reason reason) const { return (worded_ & bit(reason)) != 0; }
  std::optional<Candidate> best() const { return best_; }

 private:
  static uint64_t bit(Reason reason) { return uint64_t{1} << static_cast<size_t>(reason); }

  std::optional<Candidate> best_;
  uint64_t worded_ = 0;
};

static_assert(kReasonCount <= 64, "Candidates keeps one bit per reason");

std::optional<Candidate> place_status(Reason status_reason, const Candidates& wording) {
  if (status_reason == Reason::kUndefined) return std::nullopt;
  const bool yields = std::ranges::any_of(
      kStatusYieldsTo, [&](const Override& o) { return o.status == status_reason && wording.worded(o.wording); });
  if (yields) return std::nullopt;
  if (is_primary(status_reason) && !needs_wording(status_reason)) return Candidate{Tier::kPrimary, status_reason};
  return Candidate{is_broad(status_reason) ? Tier::kBroadStatus : Tier::kDecisiveStatus, status_reason};
}

// A state of the mailbox the report format states ("The user(s) account is disabled." in an au
// notice) weighs like the server's own words and competes with them by precedence, so it explains
// a bare "550 user unknown"; other reasons a format gives (an expiry, a network failure, a heading
// like Gmail's "the address couldn't be found") yield to the server's words.
Candidate place_format_reason(Reason reason) {
  constexpr Reason kMailboxStates[] = {Reason::kMailboxFull, Reason::kExceedLimit, Reason::kSuspend, Reason::kHasMoved};
  const bool mailbox_state = std::ranges::find(kMailboxStates, reason) != std::end(kMailboxStates);
  return Candidate{mailbox_state ? Tier::kPrimary : Tier::kFormat, reason};
}

// "553 mx.example.com does not exist": a domain name, not an address, said not to exist. The
// phrase tables cannot hold the name itself, so the word before the phrase is checked.
bool says_domain_does_not_exist(std::string_view words) {
  constexpr std::string_view kPhrase = " does not exist";
  for (size_t at = util::ifind(words, kPhrase); at != std::string_view::npos;
       at = util::ifind(words, kPhrase, at + kPhrase.size())) {
    const std::string_view before = words.substr(0, at);
    const size_t space = before.find_last_of(" <>:");
    const std::string_view name = space == std::string_view::npos ? before : before.substr(space + 1);
    const bool host_chars = !name.empty() && std::ranges::all_of(name, [](char c) {
      return util::is_alnum(c) || c == '.' || c == '-';
    });
    if (host_chars && name.find('.') != std::string_view::npos && util::is_alpha(name.back())) return true;
  }
  return false;
}

// RFC 7504: 521 "host does not accept mail", 556 "domain does not accept mail".
Reason reason_from_reply(std::optional<int> reply_code) {
  if (reply_code && (*reply_code == 521 || *reply_code == 556)) return Reason::kNotAccept;
  return Reason::kUndefined;
}

// What is left when nothing names a reason: the subject digit of the code, the reply code, the
// action, the command.
Reason fallback_reason(const Evidence& evidence, const std::optional<StatusParts>& status,
                       const CommandOnDemand& command) {
  if (status && status->subject == 6) return Reason::kContentError;
  // A temporary X.7.x says "not now" for policy reasons (rate limits, greylisting: Gmail's
  // "421-4.7.0 Try again later, closing connection"), not that security failed.
  if (status && status->subject == 7 && status->klass == 5) return Reason::kSecurityError;
  if (evidence.reply_code && *evidence.reply_code >= 500 && *evidence.reply_code <= 507) return Reason::kSyntaxError;
  if (util::iequals(util::trim(evidence.action), "delayed")) return Reason::kExpired;
  if (command.get() == Command::kConnect) return Reason::kBlocked;
  if (!util::trim(evidence.diagnostic).empty()) return Reason::kOnHold;
  return Reason::kUndefined;
}

// The action decides when there is one: a failure's transcript can hold the 2.x.x replies of the
// steps that went well.
bool is_success(const std::optional<StatusParts>& status, std::string_view action) {
  action = util::trim(action);
  if (util::iequals(action, "delivered") || util::iequals(action, "relayed") || util::iequals(action, "expanded") ||
      util::iequals(action, "deliverable")) {  // "deliverable": not RFC 3464, but sent by some MTAs
    return true;
  }
  return action.empty() && status && status->klass == 2;
}

// `words` is the diagnostic with its multi-line reply joined, `rules` the kRules it matches.
Reason decide_reason(const Evidence& evidence, std::string_view words, std::string_view status,
                     std::span<const uint32_t> rules) {
  const auto parts = parse_status(status);
  if (is_success(parts, evidence.action)) return Reason::kDelivered;

  const Setting setting{CommandOnDemand(evidence, words), reason_of_status(parts),
                        evidence.format_reason == Reason::kUserUnknown,
                        find_provider(evidence.remote_mta, words, evidence.reporting_mta)};
  Candidates candidates;
  // The status is searched too: an extractor may have taken "5.7.606" out of the words.
  for (const std::string_view text : {words, status}) {
    if (auto coded = reason_from_provider_code(setting.provider, text)) candidates.add({Tier::kProvider, *coded});
  }
  for (const uint32_t index : rules) {
    if (auto placed = place_rule(kRules[index], setting)) candidates.add(*placed);
  }
  if (says_domain_does_not_exist(words)) candidates.add({Tier::kPrimary, Reason::kHostUnknown});
  if (auto placed = place_status(setting.status_reason, candidates)) candidates.add(*placed);
  const Reason reply_reason = reason_from_reply(evidence.reply_code);
  if (reply_reason != Reason::kUndefined) candidates.add({Tier::kDecisiveStatus, reply_reason});
  if (evidence.format_reason && names_a_cause(*evidence.format_reason)) {
    candidates.add(place_format_reason(*evidence.format_reason));
  }

  if (auto chosen = candidates.best()) return chosen->reason;
  return fallback_reason(evidence, parts, setting.command);
}

// ---- the status a record reports ----------------------------------------------------------------

// The status a reason usually comes with; the class digit is filled in from the evidence.
struct InferredStatus {
  Reason reason;
  std::string_view subject_detail;  // ".1.1"
};
constexpr InferredStatus kInferredStatus[] = {
    {Reason::kUserUnknown, ".1.1"},     {Reason::kHostUnknown, ".1.2"},   {Reason::kHasMoved, ".1.6"},
    {Reason::kNotAccept, ".1.10"},      {Reason::kMailboxFull, ".2.2"},   {Reason::kExceedLimit, ".2.3"},
    {Reason::kSuspend, ".2.1"},         {Reason::kFiltered, ".2.0"},      {Reason::kBlocked, ".7.1"},
    {Reason::kBadReputation, ".7.1"},   {Reason::kSpamDetected, ".7.1"},  {Reason::kVirusDetected, ".7.1"},
    {Reason::kPolicyViolation, ".7.1"}, {Reason::kContentError, ".6.0"},  {Reason::kNotCompliantRfc, ".6.0"},
    {Reason::kMesgTooBig, ".3.4"},      {Reason::kAuthFailure, ".7.26"},  {Reason::kRequirePtr, ".7.25"},
    {Reason::kSecurityError, ".7.0"},   {Reason::kFailedStartTls, ".7.10"}, {Reason::kNoRelaying, ".7.1"},
    {Reason::kRejected, ".1.8"},        {Reason::kSyntaxError, ".5.2"},   {Reason::kSpeeding, ".7.28"},
    {Reason::kTooManyConn, ".4.5"},     {Reason::kNetworkError, ".4.0"},  {Reason::kSystemError, ".3.0"},
    {Reason::kSystemFull, ".3.1"},      {Reason::kMailerError, ".3.0"},   {Reason::kSuppressed, ".0.0"},
};

// Reasons that name no cause: the words and codes decided nothing, or only a bare "5.7.1".
bool leaves_cause_open(Reason reason) {
  return reason == Reason::kOnHold || reason == Reason::kUndefined || reason == Reason::kSecurityError;
}

// Temporary when the reply code or the action says so, permanent otherwise.
char inferred_class(const Evidence& evidence) {
  if (evidence.reply_code && *evidence.reply_code >= 400 && *evidence.reply_code < 500) return '4';
  if (evidence.reply_code && *evidence.reply_code >= 500 && *evidence.reply_code < 600) return '5';
  return util::iequals(util::trim(evidence.action), "delayed") ? '4' : '5';
}

std::string infer_status(Reason reason, const Evidence& evidence) {
  if (reason == Reason::kExpired) return "4.4.7";
  if (reason == Reason::kDelivered) return "2.0.0";
  const auto* found = std::ranges::find(kInferredStatus, reason, &InferredStatus::reason);
  if (found == std::end(kInferredStatus)) return {};
  return inferred_class(evidence) + std::string(found->subject_detail);
}

// A temporary code says the server itself may answer otherwise later: "450 4.1.2 <x@y>: Recipient
// address rejected: Domain not found" is a DNS lookup that failed for now, "451 4.1.1 ... Address
// verification in progress" a check not yet done. Only a report that gave up after retrying it
// (Action: failed) makes such a reply final.
bool is_temporary(std::string_view status, std::optional<int> reply_code) {
  const auto parts = parse_status(status);
  if (parts) return parts->klass == 4;
  return reply_code && *reply_code >= 400 && *reply_code < 500;
}

}  // namespace

// Compiled at build time from the .def files (generated_automata.h).
const PhraseMatcher& reply_phrase_matcher() {
  static const PhraseMatcher matcher = PhraseMatcher::from_tables(reply_automaton_tables());
  return matcher;
}

Reason reason_from_text(std::string_view text) {
  std::optional<Candidate> chosen;
  std::string joined;
  reply_phrase_matcher().match(join_reply_lines(text, joined), [&](size_t index, size_t) {
    if (index >= kRulePhraseCount) return;  // a blocklist's name
    const Rule& rule = kRules[index];
    if (rule.provider != Provider::kAny) return;  // no provider is known here
    const Candidate candidate{tier_of(rule.strength), rule.reason};
    if (!chosen || decides_before(candidate, *chosen)) chosen = candidate;
  });
  return chosen ? chosen->reason : Reason::kUndefined;
}

Reason reason_from_status(std::string_view status) { return reason_of_status(parse_status(status)); }

bool is_hard_bounce(Reason reason, std::string_view status, std::optional<int> reply_code) {
  switch (reason) {
    case Reason::kUserUnknown:
    case Reason::kHostUnknown:
    case Reason::kHasMoved:
      return true;
    case Reason::kNotAccept: {
      const auto parts = parse_status(status);
      if (parts) return parts->klass == 5;
      return reply_code && *reply_code >= 500 && *reply_code < 600;
    }
    default:
      return false;
  }
}

Classification classify(const Evidence& evidence) { return classify(evidence, find_codes(evidence.diagnostic)); }

Classification classify(const Evidence& evidence, std::span<const FoundCode> diagnostic_codes) {
  Classification result;
  result.status = reported_status(evidence, diagnostic_codes);
  std::string joined;
  const std::string_view words = join_reply_lines(evidence.diagnostic, joined);
  const PhrasesFound phrases = find_phrases(words);
  result.blocklist = phrases.blocklists.verdict(words);
  result.reason = decide_reason(evidence, words, result.status, phrases.rules);
  // A refusal that names a blocklist says why, whatever else its words leave open: "550 IP
  // address 192.0.2.10 blocked by EarthLink-based spam controls".
  if (result.blocklist && leaves_cause_open(result.reason)) result.reason = Reason::kBlocked;
  if (result.status.empty()) {
    result.status = infer_status(result.reason, evidence);
    result.status_inferred = !result.status.empty();
  }
  result.hard_bounce = is_hard_bounce(result.reason, result.status, evidence.reply_code) &&
                       (!is_temporary(result.status, evidence.reply_code) ||
                        util::iequals(util::trim(evidence.action), "failed"));
  result.side = usual_side(result.reason);
  return result;
}

}  // namespace bounceback::classify
