// Finding addr-specs (local@domain) in free text: headers, DSN fields, diagnostics. Each '@' is
// grown outwards over the characters an address can hold; nothing is lower-cased.

#include <algorithm>
#include <array>

#include "mime/decoding.h"
#include "mime/icu.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

// A quoted local part longer than this is not one: it stops the backwards scan on hostile input.
constexpr size_t kMaxQuotedLocalPart = 256;
constexpr size_t kMaxDomainLiteral = 64;

// Letters, digits, bytes >= 0x80 and `others`, as a table: the scans below test every byte.
constexpr std::array<bool, 256> alnum_utf8_and(std::string_view others) {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < table.size(); ++c) {
    const char byte = static_cast<char>(c);
    table[c] = util::is_alnum(byte) || c >= 0x80 || others.find(byte) != std::string_view::npos;
  }
  return table;
}

// RFC 5322 atext plus bytes >= 0x80 (RFC 6531 UTF-8 local parts in message/global reports).
constexpr std::array<bool, 256> kAtext = alnum_utf8_and("!#$%&'*+-/=?^_`{|}~");
bool is_atext(char c) { return kAtext[static_cast<unsigned char>(c)]; }

// Host name characters; '_' is not allowed in host names but appears in real ones.
constexpr std::array<bool, 256> kDomainChars = alnum_utf8_and("-._");
bool is_domain_char(char c) { return kDomainChars[static_cast<unsigned char>(c)]; }

// is_wide_punctuation_at past the lead byte, 0xE3 or 0xEF.
bool wide_punctuation_after_lead(std::string_view text, size_t pos) {
  if (pos + 3 > text.size()) return false;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  if (byte(0) == 0xE3) return byte(1) == 0x80;  // U+3000-U+303F
  const unsigned code = (byte(1) == 0xBC ? 0x00u : byte(1) == 0xBD ? 0x40u : 0x100u) + (byte(2) & 0x3Fu);
  return (code >= 0x01 && code <= 0x0F) || (code >= 0x1A && code <= 0x20) || (code >= 0x3B && code <= 0x40) ||
         (code >= 0x5B && code <= 0x65);
}

// Whether a CJK punctuation mark or full-width ASCII punctuation starts at `pos` (inside `text`):
// U+3000-U+303F ("、", "。", "「") and U+FF01-U+FF0F, U+FF1A-U+FF20, U+FF3B-U+FF40, U+FF5B-U+FF65
// ("：", "，", "（", "＜"). UTF-8 local parts and domains may hold letters of any script, but
// Chinese and Japanese notices set an address off with these: "收件人：liwei@example.cn，请核对".
// Asked of every byte of an address: the lead byte, 0xE3 or 0xEF, is tested inline first.
inline bool is_wide_punctuation_at(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  return (lead == 0xE3 || lead == 0xEF) && wide_punctuation_after_lead(text, pos);
}

// Where the text after the last wide punctuation mark in [begin, end) starts, or `begin`.
size_t after_last_wide_punctuation(std::string_view text, size_t begin, size_t end) {
  size_t after = begin;
  for (size_t pos = begin; pos + 3 <= end; ++pos) {
    if (is_wide_punctuation_at(text, pos)) after = pos + 3;
  }
  return after;
}

struct AddressSpan {
  size_t begin;
  size_t end;
  bool in_angle_brackets;
};

// Start of a quoted local part ending with the '"' just before `at`: "\"jane doe\"@example.org".
std::optional<size_t> quoted_local_part_begin(std::string_view text, size_t at, size_t floor) {
  const size_t limit = std::max(floor, at > kMaxQuotedLocalPart ? at - kMaxQuotedLocalPart : 0);
  for (size_t pos = at - 1; pos > limit;) {
    --pos;
    if (text[pos] == '\n') return std::nullopt;
    if (text[pos] != '"') continue;
    size_t backslashes = 0;
    while (pos - backslashes > limit && text[pos - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return pos;
  }
  return std::nullopt;
}

// In any script, by ICU's tables; without ICU every code point counts as one, so nothing is cut.
bool is_letter_or_digit(int32_t point) {
  const Icu* library = icu();
  return library == nullptr || library->u_isalnum(point) != 0;
}

// Code points that are neither letters nor digits at the edges of a UTF-8 run are punctuation
// of the text around the address: "kijitora@example.jp。" or "「kijitora@example.jp」".
size_t skip_leading_non_alnum(std::string_view text, size_t begin, size_t end) {
  while (begin < end && static_cast<unsigned char>(text[begin]) >= 0x80) {
    const CodePoint point = decode_utf8_at(text.substr(0, end), begin);
    if (point.value >= 0 && is_letter_or_digit(point.value)) break;
    begin += point.length;
  }
  return begin;
}

size_t drop_trailing_non_alnum(std::string_view text, size_t begin, size_t end) {
  while (end > begin && static_cast<unsigned char>(text[end - 1]) >= 0x80) {
    const CodePoint point = decode_utf8_before(text, begin, end);
    if (point.value >= 0 && is_letter_or_digit(point.value)) break;
    end -= point.length;
  }
  return end;
}

// Length of a "key=" that precedes an address in Authentication-Results and Received-SPF
// ("smtp.mailfrom=jane@example.org", "envelope-from=jane@example.org"): a dotted key or one of
// the SPF keys. VERP and SRS local parts ("list-jane=example.org@", "SRS0=HHH=TT=") keep theirs.
size_t property_name_length(std::string_view local) {
  static constexpr std::string_view kSpfKeys[] = {"envelope-from", "envelope-to"};
  const size_t equals = local.find('=');
  if (equals == std::string_view::npos) return 0;
  const std::string_view key = local.substr(0, equals);
  const bool is_property = key.find('.') != std::string_view::npos ||
                           std::any_of(std::begin(kSpfKeys), std::end(kSpfKeys),
                                       [&](std::string_view spf_key) { return util::iequals(key, spf_key); });
  return is_property ? equals + 1 : 0;
}

std::optional<size_t> local_part_begin(std::string_view text, size_t at, size_t floor) {
  if (at > floor && text[at - 1] == '"') return quoted_local_part_begin(text, at, floor);
  size_t begin = at;
  while (begin > floor && (is_atext(text[begin - 1]) || text[begin - 1] == '.')) --begin;
  begin = after_last_wide_punctuation(text, begin, at);
  begin = skip_leading_non_alnum(text, begin, at);
  begin += property_name_length(text.substr(begin, at - begin));
  while (begin < at && text[begin] == '.') ++begin;
  if (begin == at) return std::nullopt;
  return begin;
}

// End of the domain after `at`: a host name without trailing dots or hyphens ("a@b.c." in a
// sentence), cut at an empty label, or a literal ("postmaster@[192.0.2.1]").
std::optional<size_t> domain_end(std::string_view text, size_t at, bool* dotted) {
  const size_t start = at + 1;
  if (start < text.size() && text[start] == '[') {
    const std::string_view literal = text.substr(start + 1, kMaxDomainLiteral);
    const size_t close = literal.find(']');
    const auto is_literal_char = [](char c) { return util::is_alnum(c) || c == '.' || c == ':' || c == '-'; };
    if (close == std::string_view::npos || close == 0 ||
        !std::all_of(literal.begin(), literal.begin() + static_cast<std::ptrdiff_t>(close), is_literal_char)) {
      return std::nullopt;
    }
    *dotted = true;
    return start + close + 2;
  }
  // The host name's bytes, up to an empty label's first dot: told in the one pass.
  size_t end = start;
  while (end < text.size() && is_domain_char(text[end]) && !is_wide_punctuation_at(text, end)) {
    if (text[end] == '.' && end > start && text[end - 1] == '.') {
      --end;
      break;
    }
    ++end;
  }
  for (size_t before = std::string_view::npos; end != before;) {
    before = end;
    end = drop_trailing_non_alnum(text, start, end);
    while (end > start && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
  }
  if (end == start || (!util::is_alnum(text[start]) && static_cast<unsigned char>(text[start]) < 0x80)) {
    return std::nullopt;
  }
  *dotted = text.substr(start, end - start).find('.') != std::string_view::npos;
  return end;
}

// The address around the '@' at `at`, not reaching back before `floor` (the previous match).
std::optional<AddressSpan> address_at(std::string_view text, size_t at, size_t floor) {
  std::optional<size_t> begin = local_part_begin(text, at, floor);
  bool dotted = false;
  const std::optional<size_t> end = domain_end(text, at, &dotted);
  if (!begin || !end) return std::nullopt;
  // 'jane@example.org' and `jane@example.org': the quote is punctuation, not part of the name.
  if (text[*begin] == '`' || (text[*begin] == '\'' && *end < text.size() && text[*end] == '\'')) ++*begin;
  if (*begin == at) return std::nullopt;
  const bool in_angle_brackets = *begin > 0 && text[*begin - 1] == '<' && *end < text.size() && text[*end] == '>';
  // A dotless domain is a real address only where the writer marked it as one:
  // "<postmaster@localhost>"; elsewhere "user@host" is usually a log token or a version tag.
  if (!dotted && !in_angle_brackets) return std::nullopt;
  return AddressSpan{*begin, *end, in_angle_brackets};
}

// Calls take(span) for each address in order until it returns false; no list is built, since
// both callers want the addresses one by one.
template <typename Take>
void for_each_span(std::string_view text, Take take) {
  size_t floor = 0;
  for (size_t at = text.find('@'); at != std::string_view::npos;) {
    if (const auto span = address_at(text, at, floor)) {
      if (!take(*span)) return;
      floor = span->end;
      at = text.find('@', span->end);
    } else {
      at = text.find('@', at + 1);
    }
  }
}

}  // namespace

std::vector<std::string> find_addresses(std::string_view text) {
  std::vector<std::string> addresses;
  for_each_span(text, [&](const AddressSpan& span) {
    addresses.emplace_back(text.substr(span.begin, span.end - span.begin));
    return true;
  });
  return addresses;
}

// "Jane (jane@old.example) <jane@example.org>": the bracketed address is the mailbox, anything
// else in the value is a comment or a display name.
std::optional<std::string> first_address(std::string_view text) {
  std::optional<AddressSpan> chosen;
  for_each_span(text, [&](const AddressSpan& span) {
    if (!chosen || span.in_angle_brackets) chosen = span;
    return !span.in_angle_brackets;
  });
  if (!chosen) return std::nullopt;
  return std::string(text.substr(chosen->begin, chosen->end - chosen->begin));
}

}  // namespace bounceback::mime
