// Microsoft's SMTP service (IIS SMTPSVC, and Exchange 2000/2003's transport when it writes the
// notice itself): an RFC 3464 report whose notice lists the recipients, indented, under one of a
// few fixed sentences that also say what happened.
//
//   This is an automatically generated Delivery Status Notification.
//
//   Delivery to the following recipients failed.
//
//          user@example.net
#include <array>

#include "formats/families.h"
#include "formats/generic.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kIntro = "This is an automatically generated Delivery Status Notification.";

// The sentences of the SMTP service's notices and the RFC 3464 action each reports.
struct Sentence {
  std::string_view words;
  std::string_view action;
};
constexpr std::array<Sentence, 5> kSentences = {{
    {"Delivery to the following recipients failed.", "failed"},
    {"Delivery to the following recipients has been delayed.", "delayed"},
    {"Delivery to the following recipients was successful.", "delivered"},
    {"Delivery to the following recipients succeeded.", "delivered"},
    // "... due to being unable to connect successfully to the destination mail server.": the
    // retries ran out, which its Status (4.4.7) says more precisely than the sentence.
    {"Unable to deliver message to the following recipients, due to being unable to connect", "failed"},
}};

const Sentence* sentence_in(const report::Context& context) {
  static constexpr auto kSentenceClaims = claim_phrases(kSentences, &Sentence::words);
  for (size_t i = 0; i != kSentences.size(); ++i) {
    if (notice_contains(context, kSentenceClaims[i])) return &kSentences[i];
  }
  return nullptr;
}

}  // namespace

bool claims_smtpsvc(const report::Context& context) {
  return notice_contains(context, ClaimPhrase(kIntro)) && sentence_in(context) != nullptr;
}

bool extract_smtpsvc(const report::Context& context, report::Report& report) {
  const Sentence* sentence = sentence_in(context);
  if (sentence == nullptr) return false;
  if (report.recipients.empty()) {
    // Without its RFC 3464 part the notice's indented list is all there is.
    const std::string_view list = first_paragraph(after_line_with(context.notice, sentence->words).value_or(""));
    size_t pos = 0;
    std::string_view line;
    while (util::next_line(list, pos, line)) {
      std::string address = address_in(line);
      if (!address.empty()) evidence_for(report.recipients, address);
    }
    if (report.recipients.empty()) return false;
  }
  for (report::RecipientEvidence& r : report.recipients) {
    if (r.action.empty()) r.action = std::string(sentence->action);
  }
  return extract_rfc3464(context, report);
}

}  // namespace bounceback::formats
