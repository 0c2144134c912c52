#include "entry_points.h"

#include <array>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "bounceback/codes.h"
#include "bounceback/decoder.h"
#include "bounceback/explain.h"
#include "bounceback/output.h"
#include "cli/render.h"
#include "formats/json_scan.h"
#include "io/mbox.h"
#include "mime/builtin_charsets.h"
#include "mime/decoding.h"
#include "mime/message.h"

namespace bounceback::fuzz {
namespace {

// A property of the entry point does not hold: stop here so libFuzzer keeps the input.
void require(bool property) {
  if (!property) std::abort();
}

void drain(io::MboxSplitter& splitter, std::vector<io::MboxEntry>& out) {
  while (auto entry = splitter.next()) out.push_back(std::move(*entry));
}

bool same_messages(const std::vector<io::MboxEntry>& a, const std::vector<io::MboxEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].number != b[i].number || a[i].too_large != b[i].too_large || a[i].message != b[i].message) return false;
  }
  return true;
}

// RFC 4648 base64 with padding: the transfer decoder must give these bytes back.
std::string base64_encoded(std::string_view bytes) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t bits = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i]) << 16 |
                                                static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                                static_cast<unsigned char>(bytes[i + 2]));
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(bits >> shift) & 0x3F];
    if (i % 57 == 54) out += "\r\n";  // 76-column lines, as mailers fold them
  }
  const size_t left = bytes.size() - i;
  if (left == 0) return out;
  uint32_t bits = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i]) << 16);
  if (left == 2) bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1]) << 8);
  out += kAlphabet[(bits >> 18) & 0x3F];
  out += kAlphabet[(bits >> 12) & 0x3F];
  out += left == 2 ? kAlphabet[(bits >> 6) & 0x3F] : '=';
  out += '=';
  return out;
}

// What the CLI, the server and the store write must be one well-formed JSON value in UTF-8.
void require_json(const std::string& json) {
  require(mime::is_valid_utf8(json));
  require(!formats::json::find_syntax_error(json).has_value());
}

// Walking a valid UTF-8 text forwards and backwards must meet the same code points.
void require_utf8_walks_agree(std::string_view text) {
  std::vector<int32_t> forwards;
  for (size_t pos = 0; pos < text.size();) {
    const mime::CodePoint point = mime::decode_utf8_at(text, pos);
    require(point.value >= 0 && point.length >= 1 && point.length <= 4);
    forwards.push_back(point.value);
    pos += point.length;
  }
  size_t index = forwards.size();
  for (size_t end = text.size(); end > 0;) {
    const mime::CodePoint point = mime::decode_utf8_before(text, 0, end);
    require(index > 0 && point.value == forwards[--index] && point.length <= end);
    end -= point.length;
  }
  require(index == 0);
}

}  // namespace

void message(std::string_view input) {
  // Small limits so that nesting and part-count cut-offs are reached by small inputs too.
  Limits limits;
  limits.max_mime_depth = 8;
  limits.max_parts = 64;
  limits.max_header_bytes = 4096;
  const mime::Message parsed = mime::parse_message(input, limits);
  require(!parsed.parts.empty() && parsed.parts.size() <= limits.max_parts);
  for (const mime::Part& part : parsed.parts) {
    if (!part.is_multipart()) mime::decode_text(part);
    part.headers.get("Subject");
  }
}

void decode(std::string_view input) {
  static const Decoder decoder;
  const DecodeResult result = decoder.decode(input, "fuzz");
  // A refused message carries no records; a decoded one names its source in every record.
  require(!result.error || result.records.empty());
  for (const Record& record : result.records) {
    require(record.source == "fuzz");
    std::string json;
    append_json(record, json);
    require_json(json);
  }
}

void explain(std::string_view input) {
  const Result<TextExplanation> explanation = explain_text(input);
  if (!explanation) return;
  std::string json;
  cli::render_explanation_json(*explanation, json);
  require_json(json);
}

void find_codes(std::string_view input) {
  for (const FoundCode& found : bounceback::find_codes(input)) {
    // The offsets must point into the text; a found code must be explainable.
    require(found.offset <= input.size() && found.length <= input.size() - found.offset);
    const Result<CodeExplanation> code = explain_code(found.code);
    require(code.ok());
    std::string json;
    cli::render_code_json(*code, json);
    require_json(json);
  }
  explain_code(input);
}

// The mbox splitter: the same bytes fed in one piece and in pieces of fuzzer-chosen sizes must
// give the same messages, whatever the limit.
void mbox(std::string_view input) {
  if (input.size() < 2) return;
  // Byte 0 picks the piece size, byte 1 the message size limit; the rest is the mbox.
  const size_t piece = 1 + static_cast<unsigned char>(input[0]) % 64;
  const size_t limit = 16 + size_t{static_cast<unsigned char>(input[1])} * 8;
  std::string whole_mbox(io::kMboxEnvelope);
  whole_mbox.append(input.substr(2));

  io::MboxSplitter whole(limit);
  std::vector<io::MboxEntry> expected;
  whole.feed(whole_mbox);
  whole.finish();
  drain(whole, expected);

  io::MboxSplitter pieces(limit);
  std::vector<io::MboxEntry> got;
  for (size_t at = 0; at < whole_mbox.size(); at += piece) {
    pieces.feed(std::string_view(whole_mbox).substr(at, piece));
    drain(pieces, got);
  }
  pieces.finish();
  drain(pieces, got);
  require(same_messages(expected, got));
}

// Whether the built-in decoder means to read `bytes` as ICU does: all but ISO-2022-JP's two
// announced departures, 8-bit text and an escape sequence right after another (an ESC within
// four bytes of the one before, as the longest designation is four bytes).
bool reads_as_icu(const mime::builtin::Charset& charset, std::string_view bytes) {
  if (charset.kind != mime::builtin::Kind::kIso2022Jp) return true;
  size_t last_escape = std::string_view::npos;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (static_cast<unsigned char>(bytes[i]) >= 0x80) return false;
    if (bytes[i] != '\x1B') continue;
    if (last_escape != std::string_view::npos && i - last_escape <= 4) return false;
    last_escape = i;
  }
  return true;
}

// Charset conversion and transfer decoding: the first line names a charset, the rest is the bytes.
void charset(std::string_view input) {
  const size_t newline = input.find('\n');
  const std::string_view name = input.substr(0, newline);
  const std::string_view bytes = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  // Whatever the charset, the result is valid UTF-8: it goes straight into JSON output.
  require(mime::is_valid_utf8(mime::to_utf8(bytes, name)));
  mime::decode_transfer(bytes, name);
  // A built-in charset decodes whatever it takes as ICU does.
  const mime::builtin::Charset* built_in = mime::builtin::find(mime::builtin::alias_key(name));
  std::string decoded;
  if (built_in != nullptr && reads_as_icu(*built_in, bytes) && mime::builtin::append_decoded(*built_in, bytes, decoded)) {
    const std::optional<std::string> by_icu = mime::decoded_by_icu(built_in->icu_name, bytes);
    require(!by_icu || decoded == *by_icu);
  }
}

// The byte decoders on their own, each against a property it must keep on any input: base64
// round trips and stays within 3/4 of its input, the escape decoders never grow their input,
// UTF-8 repair yields valid UTF-8 and leaves valid text alone, and header decoding yields UTF-8.
void transfer(std::string_view input) {
  std::string out;
  mime::append_base64_decoded(input, out);
  require(out.size() <= input.size() / 4 * 3 + 3);
  out.clear();
  mime::append_base64_decoded(base64_encoded(input), out);
  require(out == input);

  out.clear();
  mime::append_quoted_printable_decoded(input, out);
  require(out.size() <= input.size());
  out.clear();
  mime::append_q_decoded(input, out);
  require(out.size() <= input.size());
  out.clear();
  mime::append_percent_decoded(input, out);
  require(out.size() <= input.size());
  require(input.find('%') != std::string_view::npos || out == input);

  std::string repaired;
  mime::append_utf8_repaired(input, repaired);
  require(mime::is_valid_utf8(repaired));
  require(!mime::is_valid_utf8(input) || repaired == input);
  require_utf8_walks_agree(repaired);

  require(mime::is_valid_utf8(mime::decode_header_value(input)));
}

EntryPoint entry_point(std::string_view target) {
  struct Named {
    std::string_view name;
    EntryPoint run;
  };
  static constexpr std::array<Named, 9> kTargets = {{{"message", &message},
                                                     {"decode", &decode},
                                                     {"explain", &explain},
                                                     {"find_codes", &find_codes},
                                                     {"mbox", &mbox},
                                                     {"charset", &charset},
                                                     {"transfer", &transfer},
                                                     {"http", &http},
                                                     {"lmtp", &lmtp}}};
  if (target.starts_with("fuzz_")) target.remove_prefix(5);
  for (const Named& named : kTargets)
    if (named.name == target) return named.run;
  return nullptr;
}

}  // namespace bounceback::fuzz
