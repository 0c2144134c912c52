#include "formats/sections.h"

#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::formats {

std::optional<std::string_view> after_marker(std::string_view text, std::string_view marker) {
  const size_t at = util::ifind(text, marker);
  if (at == std::string_view::npos) return std::nullopt;
  return text.substr(at + marker.size());
}

namespace {

// The text after the line on which a marker found at `at` stands.
std::string_view after_line_at(std::string_view text, size_t at) {
  const size_t end_of_line = text.find('\n', at);
  if (end_of_line == std::string_view::npos) return std::string_view{};
  return text.substr(end_of_line + 1);
}

}  // namespace

std::optional<std::string_view> after_line_with(std::string_view text, std::string_view marker) {
  const size_t at = util::ifind(text, marker);
  if (at == std::string_view::npos) return std::nullopt;
  return after_line_at(text, at);
}

std::optional<std::string_view> after_line_with(const report::Context& context, const ClaimPhrase& marker) {
  if (!notice_contains(context, marker)) return std::nullopt;
  // The decoder's pass over the notice saw where the phrase first ends.
  const size_t end = context.claim_phrases ? context.claim_phrases->first_end(marker.index) : 0;
  if (end == 0) return after_line_with(context.notice, marker.text);
  return after_line_at(context.notice, end - marker.text.size());
}

std::string_view before_marker(std::string_view text, std::string_view marker) {
  return text.substr(0, util::ifind(text, marker));
}

std::string_view first_paragraph(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && util::is_space(text[begin])) ++begin;
  // Back to the start of the first non-blank line, so that its indentation is kept.
  while (begin > 0 && text[begin - 1] != '\n') --begin;
  const std::string_view rest = text.substr(begin);
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(rest, pos, line)) return rest;
    if (util::trim(line).empty()) return rest.substr(0, line_start);
  }
}

std::string_view value_after(std::string_view text, std::string_view marker) {
  const std::optional<std::string_view> rest = after_marker(text, marker);
  if (!rest) return {};
  return util::trim(rest->substr(0, rest->find('\n')));
}

size_t PhraseSearch::find(std::string_view phrase) const {
  if (reads_pairs_ && !pairs_) pairs_.emplace(text_);
  return pairs_ && !pairs_->may_hold(phrase) ? std::string_view::npos : util::ifind(text_, phrase);
}

namespace {

// The first entry of `table` whose phrase occurs in the text, or nullptr.
template <typename Entry>
const Entry* first_occurring(const PhraseSearch& text, std::span<const Entry> table, std::string_view Entry::*phrase) {
  for (const Entry& entry : table) {
    if (text.holds(entry.*phrase)) return &entry;
  }
  return nullptr;
}

}  // namespace

std::optional<Reason> stated_reason(const PhraseSearch& text, std::span<const StatedReason> table) {
  const StatedReason* found = first_occurring(text, table, &StatedReason::words);
  return found == nullptr ? std::nullopt : std::optional<Reason>(found->reason);
}

std::optional<Reason> stated_reason(std::string_view text, std::span<const StatedReason> table) {
  return stated_reason(PhraseSearch(text, table.size()), table);
}

std::string tagged_command(const PhraseSearch& text, std::span<const CommandTag> table) {
  const CommandTag* found = first_occurring(text, table, &CommandTag::tag);
  return found == nullptr ? std::string() : std::string(found->command);
}

std::string tagged_command(std::string_view text, std::span<const CommandTag> table) {
  return tagged_command(PhraseSearch(text, table.size()), table);
}

std::vector<std::string> failed_recipients_header(const report::Context& context) {
  std::vector<std::string> addresses;
  for (std::string_view value : context.message.root().headers.raw_all("X-Failed-Recipients")) {
    for (std::string& address : mime::find_addresses(value)) addresses.push_back(std::move(address));
  }
  return addresses;
}

report::RecipientEvidence& evidence_for(std::vector<report::RecipientEvidence>& recipients,
                                        std::string_view address) {
  for (report::RecipientEvidence& r : recipients) {
    if (util::iequals(r.recipient, address)) return r;
  }
  report::RecipientEvidence& added = recipients.emplace_back();
  added.recipient = std::string(address);
  return added;
}

}  // namespace bounceback::formats
