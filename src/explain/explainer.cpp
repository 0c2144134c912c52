#include "explain/explainer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/codes.h"
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

const Text& choose_text(const Record& record) {
  if (const Text* text = kind_text(record.kind)) return *text;
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
      return reason_text(record.reason);
  }
}

void add_blocklist_facts(const Blocklist& blocklist, Facts& facts) {
  const bool named = !blocklist.name.empty();
  facts.set(Fact::kBlocklist, sentence_value(named ? blocklist.name : blocklist.zone));
  if (named) facts.set(Fact::kZone, sentence_value(blocklist.zone));
  facts.set(Fact::kListedIp, sentence_value(blocklist.listed_ip));
  facts.set(Fact::kListing, render(listing_template(), facts));
}

void add_code_facts(const CodeExplanation& code, Facts& facts) {
  facts.set(Fact::kCode, code.code);
  facts.set(Fact::kTitle, std::string(code.title));
  facts.set(Fact::kExplanation, std::string(first_sentence(code.explanation)));
}

// What the diagnostic says about a network failure: the host and what went wrong with it.
void add_network_facts(std::string_view diagnostic, Facts& facts) {
  std::string net_host = find_host(diagnostic);
  facts.set(Fact::kNetHost, net_host.empty() ? facts.get(Fact::kHost) : sentence_value(net_host));
  facts.set(Fact::kDuration, find_duration(diagnostic));
  facts.set(Fact::kNetProblem, render(network_problem(diagnostic), facts));
}

Facts gather_facts(const Record& record, const std::optional<CodeExplanation>& code) {
  Facts facts;
  if (record.recipient) {
    facts.set(Fact::kRecipient, sentence_value(*record.recipient));
    facts.set(Fact::kDomain, sentence_value(domain_of(*record.recipient)));
  }
  if (record.sender) facts.set(Fact::kSender, sentence_value(*record.sender));
  if (record.remote_mta) {
    facts.set(Fact::kHost, sentence_value(leading_host(*record.remote_mta)));
  } else if (record.remote_ip) {
    facts.set(Fact::kHost, sentence_value(*record.remote_ip));
  }
  if (record.blocklist) add_blocklist_facts(*record.blocklist, facts);
  // Some reports give the listed sending IP as their only host: that is not who refused.
  if (facts.get(Fact::kHost) == facts.get(Fact::kListedIp)) facts.set(Fact::kHost, {});
  add_network_facts(record.diagnostic ? std::string_view(*record.diagnostic) : std::string_view{},
                    facts);
  facts.set(Fact::kSide, std::string(side_sentence(record.side)));
  // "expired" only restates that a delayed message is late; it names no cause.
  if (names_a_cause(record.reason) && record.reason != Reason::kExpired) {
    facts.set(Fact::kCause, std::string(describe(record.reason)));
  }
  if (code) add_code_facts(*code, facts);
  return facts;
}

// Adds `line` unless it is empty, already there, or the list has `limit` lines.
void add_advice(std::vector<std::string>& advice, std::string line, size_t limit) {
  if (line.empty() || advice.size() >= limit) return;
  if (std::find(advice.begin(), advice.end(), line) != advice.end()) return;
  advice.push_back(std::move(line));
}

// Specific advice first (the code's, then the reason's); a failed delivery always ends with
// what to do about the address, so the specific lines leave room for it.
std::vector<std::string> build_advice(const Record& record, const Text& text, const Facts& facts,
                                      const std::optional<CodeExplanation>& code) {
  const bool failed = is_failed_delivery(record);
  const size_t specific_limit = failed ? kMaxAdvice - 1 : kMaxAdvice;
  std::vector<std::string> advice;
  if (code) {
    for (const std::string& line : code->advice) add_advice(advice, line, specific_limit);
  }
  for (std::string_view line : text.advice) add_advice(advice, render(line, facts), specific_limit);
  if (failed) {
    const std::string_view closing = retry_advice(record.reason, record.hard_bounce, record.side);
    add_advice(advice, render(closing, facts), kMaxAdvice);
  }
  return advice;
}

}  // namespace

void explain_record(Record& record) {
  const std::optional<CodeExplanation> code = fallback_code(record);
  const Facts facts = gather_facts(record, code);
  const Text& text = choose_text(record);
  record.summary = std::string(util::trim(render(text.summary, facts)));
  record.advice = build_advice(record, text, facts, code);
}

}  // namespace bounceback::explain
