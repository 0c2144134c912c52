// Turning one recipient's evidence into a finished record (see record_builder.h).
#include "pipeline/record_builder.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "bounceback/codes.h"
#include "classify/classifier.h"
#include "explain/evidence.h"
#include "explain/explainer.h"
#include "mime/message.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::pipeline {
namespace {

Kind kind_of(std::string_view action, Kind report_kind) {
  if (report_kind != Kind::kBounce) return report_kind;
  if (action == "delayed") return Kind::kDelay;
  if (action == "delivered") return Kind::kDelivered;
  if (action == "relayed") return Kind::kRelayed;
  if (action == "expanded") return Kind::kExpanded;
  return Kind::kBounce;
}

// The codes the server's words carry, found in one pass: the first reply code, and the first
// failure status (success codes in quoted transcripts, "250 2.1.0 Sender ok", are not the outcome).
struct WordsCodes {
  std::optional<int> reply_code;
  std::string status;
};

// A reply code find_codes() found: three digits.
int reply_code_value(std::string_view code) {
  int value = 0;
  std::from_chars(code.data(), code.data() + code.size(), value);
  return value;
}

WordsCodes codes_in(std::span<const FoundCode> codes) {
  WordsCodes found;
  for (const FoundCode& code : codes) {
    if (code.type == CodeType::kReply && !found.reply_code) found.reply_code = reply_code_value(code.code);
    if (code.type == CodeType::kStatus && found.status.empty() && code.code[0] != '2') found.status = code.code;
  }
  return found;
}

void classify_into(const report::RecipientEvidence& e, Record& r) {
  // Read once: the classifier weighs the same codes.
  const std::vector<FoundCode> diagnostic_codes = find_codes(e.diagnostic);
  const WordsCodes in_words = codes_in(diagnostic_codes);
  const std::string status = e.status.empty() ? in_words.status : e.status;
  const std::optional<int> reply = e.reply_code ? e.reply_code : in_words.reply_code;
  const std::string_view reporting_mta = r.reporting_mta ? std::string_view(*r.reporting_mta) : std::string_view();
  classify::Evidence evidence{status,       reply,     e.command,       e.diagnostic, e.action,
                              e.remote_mta, r.decoder, e.format_reason, reporting_mta};
  const classify::Classification c = classify::classify(evidence, diagnostic_codes);
  r.reason = c.reason;
  r.hard_bounce = c.hard_bounce;
  r.side = c.side;
  r.blocklist = c.blocklist;
  r.status = non_empty(c.status);
  r.status_inferred = c.status_inferred;
  r.reply_code = reply;
}

// Whether util::collapse_space may change the text: white space at either end, a control character
// (tab and line breaks among them) or two blanks together. Most diagnostics are single-spaced
// already, and this test costs less than collapsing. (A DEL also answers yes; collapsing then
// gives the text back as it was.)
bool has_loose_space(std::string_view text) {
  if (text.empty()) return false;
  return util::is_space(text.front()) || util::is_space(text.back()) || util::has_control_or_blank_pair(text);
}

// "Relay access denied" from a server of the recipient's own domain: that server no longer takes
// the domain's mail (an MX record left pointing at it), which the recipient's side must fix; a
// login on the sender's side changes nothing.
bool refused_relay_for_own_domain(const Record& r) {
  if (r.reason != Reason::kNoRelaying || !r.recipient || !r.remote_mta) return false;
  const std::string_view host = explain::leading_host(*r.remote_mta);
  const std::string_view domain = explain::domain_of(*r.recipient);
  if (domain.empty() || !util::iends_with(host, domain)) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

// Reports that are not failures carry a fixed reason.
void set_fixed_reason(Record& r, Reason reason) {
  r.reason = reason;
  r.hard_bounce = false;
  r.side = Side::kNone;
}

// Whether `byte` at `i` separates addresses (' ', '\t', '<', '>', ',', ';'); an '@' is noted in
// `last_at` instead.
bool is_separator_noting_at(char byte, size_t i, size_t& last_at) {
  constexpr uint64_t kSeparators = (uint64_t{1} << ' ') | (uint64_t{1} << '\t') | (uint64_t{1} << '<') |
                                   (uint64_t{1} << '>') | (uint64_t{1} << ',') | (uint64_t{1} << ';');
  const auto value = static_cast<unsigned char>(byte);
  if (value == '@') last_at = i;
  return value < 64 && ((kSeparators >> value) & 1) != 0;
}

// The bytes of a word that may be a separator or the '@': controls (the tab), ' ' to ',' and ';'
// to '@'. Letters, digits, '.', '-' and '_', the bulk of an address, never are, so most words are
// passed over whole.
uint64_t separator_or_at_candidates(uint64_t word) {
  return util::controls_in(word) | util::bytes_in_range(word, ' ', ',') | util::bytes_in_range(word, ';', '@');
}

// Whether `text` holds a byte that separates addresses. When it holds none, `last_at` is left at
// its last '@': one pass instead of a search per question.
bool has_separator_or_last_at(std::string_view text, size_t& last_at) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if (separator_or_at_candidates(util::load8(text.data() + i)) == 0) continue;
    for (size_t j = i; j != i + 8; ++j) {
      if (is_separator_noting_at(text[j], j, last_at)) return true;
    }
  }
  for (; i != text.size(); ++i) {
    if (is_separator_noting_at(text[i], i, last_at)) return true;
  }
  return false;
}

// ASCII upper case made lower case from `from` on, eight bytes at a time.
void lower_ascii_from(std::string& text, size_t from) {
  size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    const uint64_t lowered = util::ascii_lower8(util::load8(text.data() + i));
    std::memcpy(text.data() + i, &lowered, 8);
  }
  for (; i != text.size(); ++i) text[i] = util::ascii_lower(text[i]);
}

// Where the address is in a value that is one address, wrapped at most in blanks, brackets and
// quotes: `begin` and `size` in the value, `at` (its last '@') in the address.
struct AddressRange {
  size_t begin;
  size_t size;
  size_t at;
};

std::optional<AddressRange> plain_address_in(std::string_view raw) {
  std::string_view text = util::trim(raw);
  while (!text.empty() && (text.front() == '<' || text.front() == '"' || text.front() == '\'')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '>' || text.back() == '"' || text.back() == '\'' || text.back() == '.')) {
    text.remove_suffix(1);
  }
  size_t at = std::string_view::npos;
  const bool has_separator = has_separator_or_last_at(text, at);
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() || has_separator) return std::nullopt;
  return AddressRange{static_cast<size_t>(text.data() - raw.data()), text.size(), at};
}

// Any other value: the address found in it, if it is not the whole value.
std::optional<std::string> normalize_found_address(std::string_view raw) {
  std::optional<std::string> found = mime::first_address(raw);
  if (!found || *found == raw) return std::nullopt;
  return take_normalized_address(std::move(*found));
}

}  // namespace

std::optional<std::string> normalize_address(std::string_view raw) {
  const std::optional<AddressRange> range = plain_address_in(raw);
  if (!range) return normalize_found_address(raw);
  std::string out(raw.substr(range->begin, range->size));
  lower_ascii_from(out, range->at + 1);
  return out;
}

std::optional<std::string> take_normalized_address(std::string&& raw) {
  const std::optional<AddressRange> range = plain_address_in(raw);
  if (!range) return normalize_found_address(raw);
  raw.resize(range->begin + range->size);
  if (range->begin > 0) raw.erase(0, range->begin);
  lower_ascii_from(raw, range->at + 1);
  return std::move(raw);
}

namespace {

// An address of evidence the caller still needs is copied; one it is done with is taken over.
std::optional<std::string> normalized(const std::string& raw) { return normalize_address(raw); }
std::optional<std::string> normalized(std::string&& raw) { return take_normalized_address(std::move(raw)); }

// The recipient's fields a record keeps as the evidence states them: copied from evidence the
// caller still needs, taken over from evidence it is done with (`Evidence` a RecipientEvidence).
template <typename Evidence>
void take_stated_fields(Evidence&& e, Record& r) {
  r.action = non_empty(std::forward<Evidence>(e).action);
  r.command = non_empty(std::forward<Evidence>(e).command);
  if (has_loose_space(e.diagnostic)) {
    r.diagnostic = non_empty(util::collapse_space(e.diagnostic));
  } else {
    r.diagnostic = non_empty(std::forward<Evidence>(e).diagnostic);
  }
  r.remote_mta = non_empty(std::forward<Evidence>(e).remote_mta);
  r.remote_ip = non_empty(std::forward<Evidence>(e).remote_ip);
}

// Classified from the evidence before its stated fields are taken, so that they may be moved.
template <typename Evidence>
void build_record(Record& r, const report::Report& report, Evidence&& e) {
  r.kind = kind_of(e.action, report.kind);
  r.recipient = normalized(std::forward<Evidence>(e).recipient);
  r.original_recipient =
      e.original_recipient.empty() ? std::nullopt : normalized(std::forward<Evidence>(e).original_recipient);
  switch (r.kind) {
    case Kind::kFeedback: set_fixed_reason(r, Reason::kFeedback); break;
    case Kind::kAutoreply: set_fixed_reason(r, Reason::kVacation); break;
    case Kind::kDelivered:
    case Kind::kRelayed:
    case Kind::kExpanded:
      set_fixed_reason(r, Reason::kDelivered);
      r.status = non_empty(e.status);
      r.reply_code = e.reply_code ? e.reply_code : codes_in(find_codes(e.diagnostic)).reply_code;
      break;
    default: classify_into(e, r); break;
  }
  take_stated_fields(std::forward<Evidence>(e), r);
  if (r.remote_ip.has_value() == false && !report.source_ip.empty()) r.remote_ip = report.source_ip;
  if (refused_relay_for_own_domain(r)) r.side = Side::kRecipient;
  explain::explain_record(r);
}

}  // namespace

void complete_record(Record& r, const report::Report& report, const report::RecipientEvidence& e) {
  build_record(r, report, e);
}

void complete_record(Record& r, const report::Report& report, report::RecipientEvidence&& e) {
  build_record(r, report, std::move(e));
}

Record make_record(Record base, const report::Report& report, const report::RecipientEvidence& e) {
  complete_record(base, report, e);
  return base;
}

}  // namespace bounceback::pipeline
