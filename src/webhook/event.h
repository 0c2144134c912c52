// What a webhook event says about one recipient, in the provider's terms, before bounceback
// classifies and explains it; and the tables that map a provider's classification to ours.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/types.h"

namespace bounceback::webhook {

struct Event {
  Kind kind = Kind::kBounce;
  std::string recipient;
  std::string action;       // RFC 3464 action, "failed" or "delayed" when the provider gives none
  std::string status;       // enhanced status code as the provider reports it
  std::optional<int> reply_code;
  std::string diagnostic;   // the receiving server's words
  std::string reporting_mta;
  std::string remote_mta;
  std::string remote_ip;
  std::string provider_type;
  std::string provider_subtype;
  std::optional<Reason> hint;  // the provider's classification in bounceback's terms
  std::string sender;
  std::string original_message_id;
  std::string subject;
  std::string timestamp;    // RFC 3339 UTC, empty when unknown
  std::string feedback_type;
};

// What a reader found in one JSON object: the events about delivery, and the provider's type of
// each event that gave none (an open, a subscription, a type the reader does not know).
struct Events {
  std::vector<Event> read;
  std::vector<std::string> skipped;
};

// One line of a provider's classification table: an event whose two classifying values match
// `type` and `subtype` ("" matches anything) is of `kind`, with `hint` as the reason it implies.
// Kind::kNone marks an event the provider files with its failures that is not one (Postmark's
// "Subscribe" request): it gives no record.
struct Classification {
  std::string_view type;
  std::string_view subtype;
  Kind kind;
  std::optional<Reason> hint;
};

// The first line that matches, compared case-insensitively; nullptr for an event the table does
// not list (opens, clicks and other events that are not about delivery).
const Classification* find_classification(std::span<const Classification> table, std::string_view type,
                                          std::string_view subtype);

// Whether the event of `type` gives no record: no line matched, or the line is of Kind::kNone.
// Such an event is noted in `events.skipped`.
bool skipped(const Classification* line, std::string_view type, Events& events);

// Applies a matched line to the event and records the provider's own words for it.
void classify_as(const Classification& line, std::string_view type, std::string_view subtype, Event& event);

// The receiving server's words without the RFC 3464 diagnostic type that providers copy in front
// ("smtp; 550 5.1.1 ..." -> "550 5.1.1 ..."), blanks collapsed.
std::string server_words(std::string_view diagnostic);

}  // namespace bounceback::webhook
