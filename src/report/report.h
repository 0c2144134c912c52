// The evidence a report gives, before classification: what the extractors (RFC 3464 DSN, ARF,
// auto-reply, and the per-MTA text formats) produce and the classifier turns into records.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/types.h"
#include "mime/message.h"

namespace bounceback::report {

// What one report says about one recipient.
struct RecipientEvidence {
  std::string recipient;           // as found; the decoder validates and lower-cases the domain
  std::string original_recipient;
  std::string action;              // failed, delayed, delivered, relayed, expanded
  std::string status;              // "5.1.1" as reported
  std::optional<int> reply_code;
  std::string command;             // RCPT, DATA, MAIL, ...
  std::string diagnostic;          // the server's words, unfolded
  std::string remote_mta;
  std::string remote_ip;
  std::string last_attempt;        // date text as found
  std::optional<Reason> format_reason;  // what the format itself says, see classify::Evidence
};

struct Report {
  Kind kind = Kind::kBounce;  // bounce, feedback or autoreply; per-recipient action refines it
  std::string decoder;        // "rfc3464", "postfix", "arf", ...
  std::string reporting_mta;
  std::string arrival_date;
  std::string feedback_type;  // ARF
  std::string source_ip;      // ARF Source-IP
  // The bounced message's sender and subject as the notice quotes them, for formats that attach
  // no copy of it (MDaemon's transcript, hMailServer's "Subject:" line): an attached original wins.
  std::string quoted_sender;
  std::string quoted_subject;
  std::vector<RecipientEvidence> recipients;
};

// The bounced (original) message as far as the report carries it.
struct OriginalMessage {
  std::string from;        // From or Return-Path address
  std::string to;          // first To address
  std::string message_id;
  std::string subject;
  // Postfix's X-Original-To: the address the message was sent to, before aliases and forwarding.
  std::string x_original_to;
};

// Which phrases of formats/claim_phrases.def a notice holds, a bit per phrase at its index in the
// table: a family's several phrases are then a mask, tested in a few ANDs.
class ClaimPhraseSet {
 public:
  static constexpr size_t kCapacity = 256;

  constexpr void add(size_t index) { words_[index / 64] |= uint64_t{1} << (index % 64); }
  constexpr bool holds(size_t index) const { return ((words_[index / 64] >> (index % 64)) & 1) != 0; }
  constexpr bool holds_any(const ClaimPhraseSet& mask) const {
    uint64_t common = 0;
    for (size_t i = 0; i != words_.size(); ++i) common |= words_[i] & mask.words_[i];
    return common != 0;
  }

 private:
  std::array<uint64_t, kCapacity / 64> words_{};
};

// The claim phrases a notice holds (formats::find_claim_phrases) and where the first few found
// first occur: a format that reads on after a phrase's line starts there instead of searching the
// notice again. A notice holds a handful of the phrases, so a short list keeps their places.
class NoticeClaims {
 public:
  // Phrase `index` occurs with its last byte before offset `end`. The matcher reports occurrences
  // in the order of their ends, so a phrase's first report is its first occurrence.
  void add(size_t index, size_t end) {
    if (phrases_.holds(index)) return;
    phrases_.add(index);
    if (places_held_ < places_.size() && end <= std::numeric_limits<uint32_t>::max()) {
      places_[places_held_++] = Place{static_cast<uint32_t>(end), static_cast<uint16_t>(index)};
    }
  }
  bool holds(size_t index) const { return phrases_.holds(index); }
  bool holds_any(const ClaimPhraseSet& mask) const { return phrases_.holds_any(mask); }
  // Where the first occurrence of phrase `index` ends (one past its last byte), or 0 when the
  // notice lacks the phrase or its place was not kept: then it must be searched for.
  size_t first_end(size_t index) const {
    for (size_t i = 0; i != places_held_; ++i) {
      if (places_[i].index == index) return places_[i].end;
    }
    return 0;  // a phrase's end is never 0: no phrase is empty
  }

 private:
  static_assert(ClaimPhraseSet::kCapacity <= std::numeric_limits<uint16_t>::max() + size_t{1});
  struct Place {
    uint32_t end;
    uint16_t index;
  };
  ClaimPhraseSet phrases_;
  std::array<Place, 16> places_{};
  size_t places_held_ = 0;
};

// The parsed message with the views every extractor needs, computed once.
struct Context {
  const mime::Message& message;
  std::string from;     // the report's own From header, decoded
  std::string subject;  // the report's own Subject, decoded
  // The human-readable notice: decoded text of the report's first text part(s) outside any
  // attached message, cut before an inline copy of the original message. UTF-8, LF.
  std::string notice;
  // The inline copy of the original message (headers and body) when the notice carries one,
  // else empty. A view into `notice`'s storage owner is not possible, so it is its own string.
  std::string inline_original;
  int delivery_status_part = -1;   // message/(global-)delivery-status
  int feedback_report_part = -1;   // message/feedback-report
  int original_part = -1;          // message/rfc822, message/global, text/rfc822-headers
  // Which of formats/claim_phrases.def the notice holds and where (formats::find_claim_phrases),
  // filled by the decoder; nullopt when not looked for.
  std::optional<NoticeClaims> claim_phrases;
  // The report's own Message-ID and Date fields as written, when it has them.
  std::optional<std::string_view> message_id_field;
  std::optional<std::string_view> date_field;
};

Context make_context(const mime::Message& message);

// RFC 3464: one RecipientEvidence per per-recipient group; false when the part holds none.
bool parse_delivery_status(std::string_view body, Report& report);

// RFC 3464 fields written into the text itself (no delivery-status part): from the first line
// that starts with Reporting-MTA or Final-Recipient.
bool parse_inline_delivery_status(std::string_view text, Report& report);

// RFC 5965 ARF feedback report, or Microsoft's JMRP complaint (no feedback-report part).
bool parse_feedback_report(const Context& context, Report& report);

// RFC 3834 and the usual vacation markers: an automatic reply, not a failure.
bool is_auto_reply(const Context& context);

OriginalMessage find_original_message(const Context& context);
// Whether `to` is wanted: only a few formats read it, and finding the address costs.
enum class OriginalTo { kRead, kSkip };
OriginalMessage find_original_message(const Context& context, OriginalTo to);

// Parses "5.1.1" at the start of text; empty when text holds no valid enhanced status code.
std::string leading_status(std::string_view text);
// Splits a DSN field value "smtp; 550 5.1.1 ..." into its type and its text.
std::string_view field_text(std::string_view value);

}  // namespace bounceback::report
