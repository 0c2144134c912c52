// The decision: which reason the evidence of one recipient names, and what follows from it.
//
// Evidence is sorted into tiers; the first tier that holds anything decides, and inside a tier the
// reason that comes first in kPrecedence wins. The shape follows Sisimai's (whose reason names we
// use and whose judgement the shared corpus records): unmistakable wording first; then what the
// status code and the usual wording say about the mailbox, the sender or the session; then the
// reason the report format gave; then codes that decide on their own; then wording the command
// makes less likely; then broad codes; then generic hints.
#include "classify/classifier.h"

#include <algorithm>
#include <charconv>

#include "bounceback/codes.h"
#include "classify/matcher.h"
#include "classify/reply_text.h"
#include "util/text.h"

namespace bounceback::classify {
namespace {

enum class Strength { kWeak, kNormal, kStrong };

struct Rule {
  Reason reason;
  Strength strength;
  std::string_view phrase;
};

constexpr Rule kRules[] = {
#define BB_RULE(reason, strength, phrase) Rule{Reason::reason, Strength::strength, phrase},
#include "classify/rules.def"
#undef BB_RULE
};
// The automaton reports a rule by its index in kRules: every phrase must be accepted by add().
static_assert(std::ranges::none_of(kRules, [](const Rule& rule) { return rule.phrase.empty(); }));

struct StatusReason {
  std::string_view code;  // "4.2.2", or "X.2.2" for both classes
  Reason reason;
};

constexpr StatusReason kStatusReasons[] = {
#define BB_STATUS(code, reason) StatusReason{code, Reason::reason},
#include "classify/status_reasons.def"
#undef BB_STATUS
};

// When several reasons are evidenced in the same tier, the earlier one wins: the state of the
// mailbox (full, too small, disabled, moved) explains a refusal better than who sent it, and a
// sender-side refusal names a closer cause than a generic block.
constexpr Reason kPrecedence[] = {
    Reason::kMailboxFull,   Reason::kMesgTooBig,     Reason::kExceedLimit,      Reason::kSuspend,
    Reason::kHasMoved,      Reason::kNoRelaying,     Reason::kAuthFailure,      Reason::kUserUnknown,
    Reason::kFiltered,      Reason::kRequirePtr,     Reason::kNotCompliantRfc,  Reason::kBadReputation,
    Reason::kRejected,      Reason::kHostUnknown,    Reason::kSpamDetected,     Reason::kSpeeding,
    Reason::kTooManyConn,   Reason::kBlocked,        Reason::kContentError,     Reason::kVirusDetected,
    Reason::kPolicyViolation, Reason::kSystemError,  Reason::kNetworkError,     Reason::kSystemFull,
    Reason::kNotAccept,     Reason::kExpired,        Reason::kSecurityError,    Reason::kFailedStartTls,
    Reason::kSuppressed,    Reason::kMailerError,    Reason::kSyntaxError,      Reason::kVacation,
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
// using zen.spamhaus.org" is a block, "5.4.4 ... does not accept mail (nullMX)" a null MX.
struct Override {
  Reason status;
  Reason wording;
};
constexpr Override kStatusYieldsTo[] = {
    {Reason::kUserUnknown, Reason::kBlocked},      {Reason::kUserUnknown, Reason::kRejected},
    {Reason::kUserUnknown, Reason::kNotAccept},    {Reason::kHostUnknown, Reason::kNetworkError},
    {Reason::kHostUnknown, Reason::kNotAccept},
};
// ... and wording yields to a status code that is more precise: "552 5.2.3 message too big" is the
// recipient's own limit, "5.7.13 ... user unknown" names a disabled account.
constexpr Override kWordingYieldsTo[] = {
    {Reason::kExceedLimit, Reason::kMesgTooBig},
    {Reason::kSuspend, Reason::kUserUnknown},
    {Reason::kSuspend, Reason::kFiltered},
};

enum class Tier {
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

const PhraseMatcher& rule_matcher() {
  static const PhraseMatcher matcher = [] {
    PhraseMatcher built;
    for (const Rule& rule : kRules) built.add(rule.phrase);
    built.compile();
    return built;
  }();
  return matcher;
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
std::optional<std::string> first_status_in(std::string_view diagnostic) {
  for (const FoundCode& found : find_codes(diagnostic)) {
    if (found.type != CodeType::kStatus) continue;
    const auto parts = parse_status(found.code);
    if (parts && parts->klass != 2) return found.code;
  }
  return std::nullopt;
}

// The status the record reports: the server's own, when its words give one with a subject
// ("552 5.2.2 Over quota" under a report saying 5.1.1 or 5.0.0); else the report's Status field.
std::string reported_status(const Evidence& evidence) {
  const std::string_view reported = util::trim(evidence.status);
  const auto said = first_status_in(evidence.diagnostic);
  if (said && parse_status(*said)->subject != 0) return *said;
  if (parse_status(reported)) return std::string(reported);
  return said.value_or(std::string());
}

// ---- collecting candidates --------------------------------------------------------------------

// Where a primary reason's ordinary wording counts, given the command the server answered.
// "User unknown" in reply to RCPT, or where the report does not say, is a missing mailbox; after
// DATA, or under a 5.2.x code (the mailbox exists but refuses), it is the recipient's filter
// (Japanese carriers answer so for senders their users refuse);
// at connection or MAIL it is not about the recipient at all. Content verdicts cannot be reached
// before DATA; sender wording counts at MAIL, at DATA, or when no precise status contradicts it.
std::optional<Candidate> place_wording(Reason reason, Command command, Reason status_reason) {
  const bool before_data = command == Command::kConnect || command == Command::kMail || command == Command::kRcpt;
  switch (reason) {
    case Reason::kUserUnknown:
      if (command == Command::kRcpt) return Candidate{Tier::kPrimary, reason};
      if (command == Command::kUnknown && status_reason != Reason::kFiltered) return Candidate{Tier::kPrimary, reason};
      if (command == Command::kConnect || command == Command::kMail) return std::nullopt;
      return Candidate{Tier::kPrimary, Reason::kFiltered};
    case Reason::kFiltered:
      if (before_data) return std::nullopt;
      return Candidate{Tier::kPrimary, reason};
    case Reason::kSpamDetected:
      return Candidate{before_data ? Tier::kOtherWording : Tier::kPrimary, reason};
    case Reason::kNoRelaying:
      return Candidate{command == Command::kConnect ? Tier::kOtherWording : Tier::kPrimary, reason};
    case Reason::kRejected:
      if (command == Command::kMail) return Candidate{Tier::kPrimary, reason};
      if (command == Command::kData && status_reason != Reason::kUserUnknown) return Candidate{Tier::kPrimary, reason};
      if (command != Command::kData && is_broad(status_reason)) return Candidate{Tier::kPrimary, reason};
      return std::nullopt;
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

std::optional<Candidate> place_rule(const Rule& rule, Command command, Reason status_reason) {
  if (rule.strength != Strength::kNormal) return Candidate{tier_of(rule.strength), rule.reason};
  if (listed(kWordingYieldsTo, status_reason, rule.reason)) return std::nullopt;
  return place_wording(rule.reason, command, status_reason);
}

std::optional<Candidate> place_status(Reason status_reason, const std::vector<Candidate>& wording) {
  if (status_reason == Reason::kUndefined) return std::nullopt;
  const bool yields = std::ranges::any_of(wording, [&](const Candidate& c) {
    return c.tier <= Tier::kOtherWording && listed(kStatusYieldsTo, status_reason, c.reason);
  });
  if (yields) return std::nullopt;
  if (is_primary(status_reason) && !needs_wording(status_reason)) return Candidate{Tier::kPrimary, status_reason};
  return Candidate{is_broad(status_reason) ? Tier::kBroadStatus : Tier::kDecisiveStatus, status_reason};
}

// RFC 7504: 521 "host does not accept mail", 556 "domain does not accept mail".
Reason reason_from_reply(std::optional<int> reply_code) {
  if (reply_code == 521 || reply_code == 556) return Reason::kNotAccept;
  return Reason::kUndefined;
}

bool decides_before(const Candidate& a, const Candidate& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  return precedence(a.reason) < precedence(b.reason);
}

std::optional<Candidate> best(const std::vector<Candidate>& candidates) {
  const auto found = std::ranges::min_element(candidates, decides_before);
  if (found == candidates.end()) return std::nullopt;
  return *found;
}

// What is left when nothing names a reason: the subject digit of the code, the reply code, the
// action, the command.
Reason fallback_reason(const Evidence& evidence, const std::optional<StatusParts>& status, Command command) {
  if (status && status->subject == 6) return Reason::kContentError;
  if (status && status->subject == 7) return Reason::kSecurityError;
  if (evidence.reply_code && *evidence.reply_code >= 500 && *evidence.reply_code <= 507) return Reason::kSyntaxError;
  if (util::iequals(util::trim(evidence.action), "delayed")) return Reason::kExpired;
  if (command == Command::kConnect) return Reason::kBlocked;
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

// `words` is the diagnostic with its multi-line reply joined.
Reason decide_reason(const Evidence& evidence, std::string_view words, std::string_view status) {
  const auto parts = parse_status(status);
  if (is_success(parts, evidence.action)) return Reason::kDelivered;

  const Command command = parse_command(evidence.command);
  const Reason status_reason = reason_from_status(status);
  std::vector<Candidate> candidates;
  rule_matcher().match(words, [&](size_t index, size_t) {
    if (auto placed = place_rule(kRules[index], command, status_reason)) candidates.push_back(*placed);
  });
  if (auto placed = place_status(status_reason, candidates)) candidates.push_back(*placed);
  const Reason reply_reason = reason_from_reply(evidence.reply_code);
  if (reply_reason != Reason::kUndefined) candidates.push_back({Tier::kDecisiveStatus, reply_reason});
  if (evidence.format_reason && names_a_cause(*evidence.format_reason)) {
    candidates.push_back({Tier::kFormat, *evidence.format_reason});
  }

  if (auto chosen = best(candidates)) return chosen->reason;
  return fallback_reason(evidence, parts, command);
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

}  // namespace

Reason reason_from_text(std::string_view text) {
  std::optional<Candidate> chosen;
  rule_matcher().match(join_reply_lines(text), [&](size_t index, size_t) {
    const Rule& rule = kRules[index];
    const Candidate candidate{tier_of(rule.strength), rule.reason};
    if (!chosen || decides_before(candidate, *chosen)) chosen = candidate;
  });
  return chosen ? chosen->reason : Reason::kUndefined;
}

Reason reason_from_status(std::string_view status) {
  const auto parts = parse_status(status);
  if (!parts || parts->klass == 2) return Reason::kUndefined;
  const std::string exact = std::to_string(parts->klass) + "." + std::to_string(parts->subject) + "." +
                            std::to_string(parts->detail);
  const std::string any_class = "X" + exact.substr(1);
  for (const StatusReason& entry : kStatusReasons) {
    if (entry.code == exact || entry.code == any_class) return entry.reason;
  }
  return Reason::kUndefined;
}

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

Classification classify(const Evidence& evidence) {
  Classification result;
  result.status = reported_status(evidence);
  const std::string words = join_reply_lines(evidence.diagnostic);
  result.reason = decide_reason(evidence, words, result.status);
  if (result.status.empty()) {
    result.status = infer_status(result.reason, evidence);
    result.status_inferred = !result.status.empty();
  }
  result.hard_bounce = is_hard_bounce(result.reason, result.status, evidence.reply_code);
  result.side = usual_side(result.reason);
  result.blocklist = find_blocklist(words);
  return result;
}

}  // namespace bounceback::classify
