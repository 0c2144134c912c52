// RFC 2047 encoded words in unstructured header values, decoded to UTF-8.
#include <cstdint>
#include <optional>
#include <utility>

#include "mime/decoding.h"
#include "mime/message.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

constexpr size_t kMaxCharsetLength = 64;

constexpr bool is_folding_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool starts_encoded_word(std::string_view in, size_t pos) {
  return in[pos] == '=' && pos + 1 < in.size() && in[pos + 1] == '?';
}

// Printable ASCII but '=' is two ranges, ' ' to '<' and '>' to '~', each tested on the bytes' low
// seven bits (adding to them never carries into the next byte), with bytes from 0x80 on excluded
// by their own high bit: fewer operations a word than three separate tests.
bool is_plain_printable_word(const char* bytes) {
  const uint64_t word = util::load8(bytes);
  const uint64_t low7 = word & util::kLow7;
  const auto at_least = [low7](unsigned char c) {
    return low7 + util::broadcast(static_cast<unsigned char>(0x80 - c));
  };
  const uint64_t below_equals = at_least(' ') & ~at_least('=');
  const uint64_t after_equals = at_least('>') & ~at_least(0x7F);
  return ((below_equals | after_equals) & ~word & util::kHigh) == util::kHigh;
}

// Printable ASCII without '=', eight bytes at a time (the last word overlapping the one before
// instead of a loop over the bytes left): such a value has no line break, no encoded word and no
// invalid UTF-8, the three reasons a value does not decode to itself.
bool is_plain_printable(std::string_view raw) {
  if (raw.size() < 8) {
    for (const char c : raw) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < ' ' || byte >= 0x7F || byte == '=') return false;
    }
    return true;
  }
  for (size_t pos = 0; pos + 8 < raw.size(); pos += 8) {
    if (!is_plain_printable_word(raw.data() + pos)) return false;
  }
  return is_plain_printable_word(raw.data() + raw.size() - 8);
}

// Most values have no encoded word and no line break: decoded, they are themselves, trimmed.
// Most are also plain printable ASCII, which one pass tells.
bool decodes_to_itself(std::string_view raw) {
  if (is_plain_printable(raw)) return true;
  return raw.find('\n') == std::string_view::npos && raw.find("=?") == std::string_view::npos &&
         is_valid_utf8(raw);
}

struct EncodedWord {
  std::string_view charset;  // RFC 2231 language suffix ("utf-8*en") removed
  char encoding;             // 'b' or 'q'
  std::string_view text;
  size_t end;                // just past the closing "?="
};

// Parses "=?charset?B|Q?text?=" at `pos`. The text may hold blanks: some mailers put raw spaces
// in Q words ("=?iso-8859-1?q?Caf=E9 cr=E8me?="), and it cannot run past the next '?'.
std::optional<EncodedWord> parse_encoded_word(std::string_view in, size_t pos) {
  if (in.compare(pos, 2, "=?") != 0) return std::nullopt;
  const size_t charset_end = in.find('?', pos + 2);
  if (charset_end == std::string_view::npos || charset_end == pos + 2 ||
      charset_end - pos - 2 > kMaxCharsetLength || charset_end + 2 >= in.size() ||
      in[charset_end + 2] != '?') {
    return std::nullopt;
  }
  const char encoding = util::ascii_lower(in[charset_end + 1]);
  if (encoding != 'b' && encoding != 'q') return std::nullopt;
  const size_t text_begin = charset_end + 3;
  const size_t text_end = in.find('?', text_begin);
  if (text_end == std::string_view::npos || text_end + 1 >= in.size() || in[text_end + 1] != '=') {
    return std::nullopt;
  }
  std::string_view charset = in.substr(pos + 2, charset_end - pos - 2);
  charset = charset.substr(0, charset.find('*'));
  for (char c : charset) {
    if (is_folding_space(c)) return std::nullopt;
  }
  return EncodedWord{charset, encoding, in.substr(text_begin, text_end - text_begin), text_end + 2};
}

// Builds the decoded value. Bytes of adjacent words in one charset are converted together,
// because mailers split multi-byte characters across words (UTF-8 B words cut mid-character).
class HeaderValueDecoder {
 public:
  std::string decode(std::string_view raw) {
    size_t pos = 0;
    while (pos < raw.size()) {
      if (is_folding_space(raw[pos])) {
        pos = take_space(raw, pos);
      } else if (auto word = parse_encoded_word(raw, pos)) {
        add_word(*word);
        pos = word->end;
      } else {
        pos = take_text(raw, pos);
      }
    }
    flush_words();
    // Trimmed in place: the decoded value is returned without a copy.
    const std::string_view trimmed = util::trim(out_);
    const size_t begin = static_cast<size_t>(trimmed.data() - out_.data());
    out_.resize(begin + trimmed.size());
    out_.erase(0, begin);
    return std::move(out_);
  }

 private:
  size_t take_space(std::string_view raw, size_t pos) {
    const size_t begin = pos;
    bool folded = false;
    while (pos < raw.size() && is_folding_space(raw[pos])) folded |= raw[pos++] == '\n';
    // Unfolding: a line break with the blanks around it reads as one space.
    pending_space_ = folded ? std::string_view(" ") : raw.substr(begin, pos - begin);
    return pos;
  }

  // Plain text up to the next blank or possible encoded word ("=?" glued to text is decoded
  // too: mailers put encoded words inside quoted display names).
  size_t take_text(std::string_view raw, size_t pos) {
    flush_words();
    out_.append(pending_space_);
    pending_space_ = {};
    size_t end = pos + 1;
    while (end < raw.size() && !is_folding_space(raw[end]) && !starts_encoded_word(raw, end)) ++end;
    append_utf8_or_windows1252(raw.substr(pos, end - pos), out_);
    after_word_ = false;
    return end;
  }

  void add_word(const EncodedWord& word) {
    // RFC 2047 6.2: blanks between two encoded words are not part of the text.
    if (!after_word_) out_.append(pending_space_);
    pending_space_ = {};
    if (!util::iequals(word.charset, charset_)) {
      flush_words();
      charset_ = word.charset;
    }
    if (word.encoding == 'b') {
      append_base64_decoded(word.text, bytes_);
    } else {
      append_q_decoded(word.text, bytes_);
    }
    after_word_ = true;
  }

  void flush_words() {
    if (bytes_.empty()) return;
    append_utf8(bytes_, charset_, out_);
    bytes_.clear();
  }

  std::string out_;
  std::string bytes_;          // decoded bytes of the current run of words
  std::string_view charset_;   // their charset
  std::string_view pending_space_;
  bool after_word_ = false;
};

}  // namespace

std::string_view decode_header_value(std::string_view raw_value, std::string& storage) {
  if (decodes_to_itself(raw_value)) return util::trim(raw_value);
  storage = HeaderValueDecoder().decode(raw_value);
  return storage;
}

std::string decode_header_value(std::string_view raw_value) {
  std::string storage;
  const std::string_view decoded = decode_header_value(raw_value, storage);
  return decoded.data() == storage.data() ? std::move(storage) : std::string(decoded);
}

}  // namespace bounceback::mime
