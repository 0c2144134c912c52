// The wording of every explanation, as templates (explain/template.h). The reason texts live in
// reasons_text.def; the smaller tables for kinds, feedback types and sides live in texts.cpp.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "bounceback/types.h"
#include "explain/template.h"

namespace bounceback::explain {

struct Text {
  constexpr Text(std::string_view summary_template, std::array<std::string_view, 3> advice_templates,
                 bool advice_decides_about_address = false)
      : summary(summary_template),
        advice{Template(advice_templates[0]), Template(advice_templates[1]), Template(advice_templates[2])},
        named(fact_bits_named(summary_template) | fact_bits_named(advice_templates[0]) |
              fact_bits_named(advice_templates[1]) | fact_bits_named(advice_templates[2])),
        decides_about_address(advice_decides_about_address) {}

  Template summary;
  std::array<Template, 3> advice;  // most useful first; empty entries are unused
  FactSet named;                   // the facts the summary and the advice name
  // The advice itself says what to do about the address: no closing line about retrying or
  // removing it is added.
  bool decides_about_address;
};

const Text& reason_text(Reason reason);

// The text for a kind that is told by its kind rather than its reason (delay, relayed,
// expanded), or nullptr.
const Text* kind_text(Kind kind);

// The text for an ARF feedback type ("abuse", "auth-failure", ...), or nullptr when unknown.
const Text* feedback_text(std::string_view feedback_type);

// "This is on your side, not the recipient's."; empty for Side::kNone.
std::string_view side_sentence(Side side);

// The closing advice line of a failed delivery: remove the address when retrying can never
// work; otherwise retry, and stop after repeated failures when the address may be at fault.
// Empty when the reason's own advice already decides about the address.
const Template& retry_advice(Reason reason, bool hard_bounce, Side side);

// A phrase template for the network problem a diagnostic describes, or an empty one when it
// names none: "[{net_host}|the receiving server] did not answer in time (the connection timed out)".
const Template& network_problem(std::string_view diagnostic);

// The facts that any of network_problem()'s phrase templates names.
FactSet facts_named_by_network_problems();

// How a blocklist is named in a sentence: "Spamcop's blocklist (bl.spamcop.net)".
const Template& listing_template();

// For a refusal filed as the recipient's filter although its words say the address does not
// exist ("550 Unknown user" with nothing to tie it to the address).
const Text& filtered_said_unknown_text();

// For a relay refusal from a server of the recipient's own domain: a record of reason norelaying
// on the recipient's side.
const Text& relay_refused_for_own_domain_text();

// The text for a record of `reason` whose server words a table names ("RESOLVER.RST.AuthRequired",
// a challenge-response filter's request), or nullptr.
const Text* wording_text(Reason reason, std::string_view words);

// For a webhook event where the sending service refused to send over a fault of the message or
// the sender's request (SES "Reject", SendGrid's spam check, a template that failed to render),
// by the provider's type and subtype; nullptr for any other.
const Text* service_refusal_text(std::string_view provider_type, std::string_view provider_subtype);

// For a suppressed record, the text for the cause the provider's subtype names ("Unsubscribed
// Address", "suppress-complaint", "Bounced Address"); the general one when it names none.
const Text& suppressed_text(std::string_view provider_subtype);

// For a security error whose words name no login or encryption (a bare "5.7.1 message refused"),
// the text of a refusal under the receiver's rules; nullptr when they do.
const Text* security_text(std::string_view words);

// For a text in which nothing could be recognised.
const Text& unexplained_text();

// For a report that is not a bounce, by its kind ("dmarc-aggregate-report", "tls-report",
// "read-receipt"), or nullptr.
const Text* other_report_text(std::string_view kind);

// Every template above, so tests can check that each names only known facts.
std::vector<std::string_view> all_templates();

}  // namespace bounceback::explain
