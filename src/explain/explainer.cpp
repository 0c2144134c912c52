#include "explain/explainer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/codes.h"
#include "classify/classifier.h"
#include "explain/evidence.h"
#include "explain/template.h"
#include "explain/texts.h"
#include "util/text.h"

namespace bounceback::explain {
namespace {

constexpr size_t kMaxAdvice = 4;

// Reasons that report something other than a failure.
bool is_not_a_failure(Reason reason) {
  return reason == Reason::kDelivered || reason == Reason::kVacation || reason == Reason::kFeedback;
}

// Reasons that say why delivery failed (or is delayed).
bool names_a_cause(Reason reason) {
  return !is_not_a_failure(reason) && reason != Reason::kOnHold && reason != Reason::kUndefined;
}

bool is_failed_delivery(const Record& record) {
  return (record.kind == Kind::kBounce || record.kind == Kind::kNone) &&
         !is_not_a_failure(record.reason);
}

// X.0.0 says only "permanent" or "temporary": the reply code usually says more.
bool is_generic_status(const CodeExplanation& code) {
  return code.type == CodeType::kStatus && code.code.ends_with(".0.0");
}

// A failure with no decided reason is told by the most specific code the record carries.
std::optional<CodeExplanation> fallback_code(const Record& record) {
  if (!is_failed_delivery(record) || names_a_cause(record.reason)) return std::nullopt;
  std::optional<CodeExplanation> status;
  if (record.status) {
    Result<CodeExplanation> explained = explain_code(*record.status);
    if (explained.ok()) status = std::move(explained).value();
  }
  if (status && status->known && !is_generic_status(*status)) return status;
  if (record.reply_code) {
    Result<CodeExplanation> explained = explain_code(std::to_string(*record.reply_code));
    if (explained.ok()) return std::move(explained).value();
  }
  return status;
}

std::string_view first_sentence(std::string_view text) {
  const size_t end = text.find(". ");
  return end == std::string_view::npos ? text : text.substr(0, end + 1);
}

bool filed_as_filter_though_said_unknown(const Record& record) {
  return record.reason == Reason::kFiltered && record.diagnostic &&
         classify::reason_from_text(*record.diagnostic) == Reason::kUserUnknown;
}

const Text& choose_text(const Record& record) {
  if (const Text* text = kind_text(record.kind)) return *text;
  if (record.diagnostic) {
    if (const Text* text = wording_text(record.reason, *record.diagnostic)) return *text;
  }
  switch (record.kind) {
    case Kind::kDelivered:
      return reason_text(Reason::kDelivered);
    case Kind::kAutoreply:
      return reason_text(Reason::kVacation);
    case Kind::kFeedback: {
      const Text* text = record.feedback_type ? feedback_text(*record.feedback_type) : nullptr;
      return text ? *text : reason_text(Reason::kFeedback);
    }
    default:
      if (filed_as_filter_though_said_unknown(record)) return filtered_said_unknown_text();
      if (record.reason == Reason::kNoRelaying && record.side == Side::kRecipient) {
        return relay_refused_for_own_domain_text();
      }
      if (record.provider_type) {
        const Text* text = service_refusal_text(*record.provider_type, record.provider_subtype.value_or(""));
        if (text != nullptr) return *text;
      }
      if (record.reason == Reason::kSuppressed) return suppressed_text(record.provider_subtype.value_or(""));
      if (record.reason == Reason::kSecurityError) {
        if (const Text* text = security_text(record.diagnostic.value_or(""))) return *text;
      }
      return reason_text(record.reason);
  }
}

// A delay the sender can act on (a rate limit, its reputation, greylisting) takes its cause's
// advice, in the words' own text where there is one: the delay's ("check the address") is about
// the recipient's side.
const Text& choose_advice_text(const Record& record, const Text& text) {
  const bool sender_can_act = record.kind == Kind::kDelay && record.side == Side::kSender &&
                              names_a_cause(record.reason) && record.reason != Reason::kExpired;
  if (!sender_can_act) return text;
  if (record.diagnostic) {
    if (const Text* worded = wording_text(record.reason, *record.diagnostic)) return *worded;
  }
  return reason_text(record.reason);
}

// Record fields are hostile text: a value already fit for a sentence is used in place.
void set_sentence_value(Fact fact, std::string_view value, Facts& facts) {
  if (fits_a_sentence(value)) {
    facts.refer(fact, value);
  } else {
    facts.set(fact, sentence_value(value));
  }
}

void add_blocklist_facts(const Blocklist& blocklist, Facts& facts) {
  const bool named = !blocklist.name.empty();
  set_sentence_value(Fact::kBlocklist, named ? blocklist.name : blocklist.zone, facts);
  if (named) set_sentence_value(Fact::kZone, blocklist.zone, facts);
  set_sentence_value(Fact::kListedIp, blocklist.listed_ip, facts);
  facts.set(Fact::kListing, render(listing_template(), facts));
}

void add_code_facts(const CodeExplanation& code, Facts& facts) {
  facts.refer(Fact::kCode, code.code);
  facts.refer(Fact::kTitle, code.title);
  facts.refer(Fact::kExplanation, first_sentence(code.explanation));
}

// What the diagnostic says about a network failure: the host and what went wrong with it. Each
// is looked for only when the record's texts name it, as most do not.
void add_network_facts(std::string_view diagnostic, const FactSet& needed, Facts& facts) {
  const bool problem_needed = needed.test(static_cast<size_t>(Fact::kNetProblem));
  if (problem_needed || needed.test(static_cast<size_t>(Fact::kNetHost))) {
    std::string net_host = find_host(diagnostic);
    if (net_host.empty()) {
      facts.set(Fact::kNetHost, std::string(facts.get(Fact::kHost)));
    } else {
      facts.set(Fact::kNetHost,
                fits_a_sentence(net_host) ? std::move(net_host) : sentence_value(net_host));
    }
  }
  if (needed.test(static_cast<size_t>(Fact::kDuration))) {
    facts.set(Fact::kDuration, find_duration(diagnostic));
  }
  if (problem_needed) facts.set(Fact::kNetProblem, render(network_problem(diagnostic), facts));
}

bool is_needed(const FactSet& needed, Fact fact) { return needed.test(static_cast<size_t>(fact)); }

// Gathers the facts that `needed` names (see facts_needed()); a fact no text names is not looked
// for, as each costs a check of a hostile value.
void gather_facts(const Record& record, const std::optional<CodeExplanation>& code,
                  const FactSet& needed, Facts& facts) {
  if (record.recipient) {
    if (is_needed(needed, Fact::kRecipient)) set_sentence_value(Fact::kRecipient, *record.recipient, facts);
    if (is_needed(needed, Fact::kDomain)) set_sentence_value(Fact::kDomain, domain_of(*record.recipient), facts);
  }
  if (record.sender && is_needed(needed, Fact::kSender)) set_sentence_value(Fact::kSender, *record.sender, facts);
  if (is_needed(needed, Fact::kHost)) {
    if (record.remote_mta) {
      set_sentence_value(Fact::kHost, leading_host(*record.remote_mta), facts);
    } else if (record.remote_ip) {
      set_sentence_value(Fact::kHost, *record.remote_ip, facts);
    }
  }
  if (record.blocklist) add_blocklist_facts(*record.blocklist, facts);
  // Some reports give the listed sending IP as their only host: that is not who refused.
  if (facts.get(Fact::kHost) == facts.get(Fact::kListedIp)) facts.refer(Fact::kHost, {});
  add_network_facts(record.diagnostic ? std::string_view(*record.diagnostic) : std::string_view{},
                    needed, facts);
  facts.refer(Fact::kSide, side_sentence(record.side));
  // "expired" only restates that a delayed message is late; it names no cause.
  if (names_a_cause(record.reason) && record.reason != Reason::kExpired) {
    facts.refer(Fact::kCause, describe(record.reason));
  }
  if (code) add_code_facts(*code, facts);
}

// Adds `line` unless it is empty, already there, or the list has `limit` lines.
void add_advice(std::vector<std::string>& advice, std::string line, size_t limit) {
  if (line.empty() || advice.size() >= limit) return;
  if (std::find(advice.begin(), advice.end(), line) != advice.end()) return;
  advice.push_back(std::move(line));
}

// Renders `tmpl` only when there is room for it.
void add_rendered_advice(std::vector<std::string>& advice, const Template& tmpl, const Facts& facts, size_t limit) {
  if (tmpl.text().empty() || advice.size() >= limit) return;
  add_advice(advice, render(tmpl, facts), limit);
}

// Specific advice first (the code's, then the reason's); a failed delivery always ends with
// what to do about the address, so the specific lines leave room for it.
std::vector<std::string> build_advice(const Record& record, const Text& text, const Facts& facts,
                                      const std::optional<CodeExplanation>& code) {
  const bool closes_with_retry_advice = is_failed_delivery(record) && !text.decides_about_address;
  const size_t specific_limit = closes_with_retry_advice ? kMaxAdvice - 1 : kMaxAdvice;
  std::vector<std::string> advice;
  advice.reserve(kMaxAdvice);
  if (code) {
    for (const std::string& line : code->advice) add_advice(advice, line, specific_limit);
  }
  for (const Template& line : text.advice) add_rendered_advice(advice, line, facts, specific_limit);
  // A permanent code's own advice already says not to send again unchanged: "stop after several
  // tries" would contradict it.
  const bool code_says_permanent = code && code->permanent;
  if (closes_with_retry_advice && !code_says_permanent) {
    add_rendered_advice(advice, retry_advice(record.reason, record.hard_bounce, record.side), facts, kMaxAdvice);
  }
  return advice;
}

// Every fact the record's explanation may need: those that its text's summary and advice and the
// closing advice of a failed delivery name, and those they are made from.
FactSet facts_needed(const Record& record, const Text& text) {
  FactSet needed = text.named;
  if (is_failed_delivery(record) && !text.decides_about_address) {
    needed |= retry_advice(record.reason, record.hard_bounce, record.side).named();
  }
  if (is_needed(needed, Fact::kNetProblem)) needed |= facts_named_by_network_problems();
  // The network host falls back to the host that answered.
  if (is_needed(needed, Fact::kNetHost)) needed.set(static_cast<size_t>(Fact::kHost));
  return needed;
}

// The rendered summary without the blanks an empty fact can leave at either end.
std::string trimmed(std::string text) {
  const std::string_view kept = util::trim(text);
  if (kept.size() == text.size()) return text;
  return std::string(kept);
}

}  // namespace

void explain_record(Record& record) {
  const std::optional<CodeExplanation> code = fallback_code(record);
  const Text& text = choose_text(record);
  const Text& advice_text = choose_advice_text(record, text);
  Facts facts;
  gather_facts(record, code, facts_needed(record, text) | advice_text.named, facts);
  record.summary = trimmed(render(text.summary, facts));
  record.advice = build_advice(record, advice_text, facts, code);
}

}  // namespace bounceback::explain
