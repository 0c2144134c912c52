// Byte-level decoders shared inside the mime layer: transfer encodings, RFC 2047 Q, percent
// escapes, UTF-8 repair. Each appends to `out` and never fails: bad input is skipped or kept
// literally, as the caller's comments say.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bounceback::mime {

// Hex digit value, or -1. Both cases, since mailers write "=3d" as often as "=3D".
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Base64 ignoring line breaks and garbage; an '=' flushes the bits read so far, so concatenated
// padded chunks and truncated input both decode as far as they go.
void append_base64_decoded(std::string_view in, std::string& out);

// Quoted-printable: soft line breaks, either hex case, invalid escapes kept literally, the
// trailing blanks that transport adds to lines dropped (RFC 2045 6.7).
void append_quoted_printable_decoded(std::string_view in, std::string& out);

// decode_transfer appending to `out`.
void append_transfer_decoded(std::string_view body, std::string_view encoding, std::string& out);

// append_utf8(decode_transfer(body, encoding), charset, out), but text read as UTF-8 (most is) is
// decoded straight into `out` and checked there, without the decoded copy in between.
void append_transfer_decoded_utf8(std::string_view body, std::string_view encoding, std::string_view charset,
                                  std::string& out);

// RFC 2047 "Q": like quoted-printable inside one encoded word, with '_' standing for a space.
void append_q_decoded(std::string_view in, std::string& out);

// RFC 2231 / URL percent escapes; a '%' not followed by two hex digits is kept.
void append_percent_decoded(std::string_view in, std::string& out);

// Copies UTF-8, replacing each maximal invalid subsequence with U+FFFD (Unicode ch. 3,
// "substitution of maximal subparts").
void append_utf8_repaired(std::string_view in, std::string& out);

// Text read as UTF-8 that is not: when none of its 8-bit bytes forms a UTF-8 sequence, it is
// single-byte text with no label (an Exim notice in German, "Empf\xE4nger"), read as
// Windows-1252, the superset of Latin-1 that mail programs write; else as append_utf8_repaired.
void append_utf8_or_windows1252(std::string_view in, std::string& out);
bool is_valid_utf8(std::string_view in);

// `bytes` decoded by the ICU converter `icu_name` alone (U+FFFD for what it cannot decode), as
// the text the built-in charsets decline is: the reference they are checked against by
// mime_builtin_charsets_test and the charset fuzz target. nullopt without ICU or such a converter.
std::optional<std::string> decoded_by_icu(std::string_view icu_name, std::string_view bytes);

// The code point encoded at `pos` and the bytes it takes; value -1 when the bytes there are not
// well-formed UTF-8 (length is then that of the invalid subpart, at least 1).
struct CodePoint {
  int32_t value;
  size_t length;
};
CodePoint decode_utf8_at(std::string_view in, size_t pos);
// The code point that ends just before `end` (not reaching before `begin`).
CodePoint decode_utf8_before(std::string_view in, size_t begin, size_t end);

}  // namespace bounceback::mime
