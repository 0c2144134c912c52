// Pieces of a notice that several provider formats read: the text after a marker, the first
// paragraph, a value on a marker's line, a reason or command a format states in fixed words, and
// the recipients listed in X-Failed-Recipients.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/types.h"
#include "formats/byte_pairs.h"
#include "formats/claim_phrases.h"
#include "report/report.h"

namespace bounceback::formats {

// The text after the first occurrence of `marker` (ASCII case-insensitive), or nullopt.
std::optional<std::string_view> after_marker(std::string_view text, std::string_view marker);

// The text after the line holding `marker` (ASCII case-insensitive), or nullopt when no line does.
std::optional<std::string_view> after_line_with(std::string_view text, std::string_view marker);
// The same over the notice for a claim phrase, whose bit says first whether the search can find it.
std::optional<std::string_view> after_line_with(const report::Context& context, const ClaimPhrase& marker);

// The text before the first occurrence of `marker`; all of it when the marker is absent.
std::string_view before_marker(std::string_view text, std::string_view marker);

// The first paragraph of `text` (leading blank lines skipped, indentation kept).
std::string_view first_paragraph(std::string_view text);

// The rest of the line after `marker`, trimmed; empty when the marker is absent.
std::string_view value_after(std::string_view text, std::string_view marker);

// A text searched for the phrases of one or more of a format's tables (its stated reasons and its
// command tags, say), ASCII case ignored. When the text is short for that many phrases, its byte
// pairs are read at the first search, once for all the tables, and rule out most phrases.
class PhraseSearch {
 public:
  PhraseSearch(std::string_view text, size_t phrases)
      : text_(text), reads_pairs_(BytePairs::pay_off(text.size(), phrases)) {}
  std::string_view text() const { return text_; }
  // Where `phrase` first occurs in the text, or npos.
  size_t find(std::string_view phrase) const;
  bool holds(std::string_view phrase) const { return find(phrase) != std::string_view::npos; }

 private:
  std::string_view text_;
  bool reads_pairs_;
  mutable std::optional<BytePairs> pairs_;
};

// Fixed words by which a format states the reason itself.
struct StatedReason {
  std::string_view words;
  Reason reason;
};
// The reason of the first entry whose words occur in `text`, or nullopt.
std::optional<Reason> stated_reason(std::string_view text, std::span<const StatedReason> table);
std::optional<Reason> stated_reason(const PhraseSearch& text, std::span<const StatedReason> table);

// Fixed words by which a format names the SMTP command that failed.
struct CommandTag {
  std::string_view tag;
  std::string_view command;
};
// The command of the first entry whose tag occurs in `text`, or "".
std::string tagged_command(std::string_view text, std::span<const CommandTag> table);
std::string tagged_command(const PhraseSearch& text, std::span<const CommandTag> table);

// Every address in the report's X-Failed-Recipients headers, in order.
std::vector<std::string> failed_recipients_header(const report::Context& context);

// The evidence for `address` in `recipients`, appended when not there yet.
report::RecipientEvidence& evidence_for(std::vector<report::RecipientEvidence>& recipients,
                                        std::string_view address);

}  // namespace bounceback::formats
