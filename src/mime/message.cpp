// The MIME tree: one pass per nesting level over the message buffer, parts stored depth-first.
#include "mime/message.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "mime/decoding.h"
#include "util/text.h"

namespace bounceback::mime {
namespace {

// A message that breaks this often is hostile or garbage; more warnings say nothing new.
constexpr size_t kMaxWarnings = 100;

// A multipart has a handful of children (notice, status, original): one small allocation holds them.
constexpr size_t kTypicalPartCount = 4;
// A bounce's whole tree mostly fits in five (root, notice, status, attached original and its
// header part): the parts vector is then rarely moved while it is built, and its first allocation
// stays small (eight made it the slow kind of allocation for every message, to save the moves of
// the few larger trees).
constexpr size_t kTypicalTreeSize = 5;

// Each nesting level the parser follows is a recursion: whatever Limits::max_mime_depth asks for,
// the stack must hold it on an 8 MiB thread stack, also under AddressSanitizer (10,000 levels
// overflowed it there).
constexpr int kDeepestNesting = 1000;

// A "--boundary" line in a multipart body.
struct Delimiter {
  size_t content_end;  // end of the part before it: the line break before "--" belongs to it
  size_t next;         // just past the delimiter line
  bool closing;        // "--boundary--"
};

// Finds delimiter lines. A candidate must be a whole line: "--boundary", then "--"
// for the closing one, then only blanks (RFC 2046 transport padding), so an outer boundary that
// is a prefix of an inner one ("=_part" and "=_part_2") does not match the inner lines.
class DelimiterFinder {
 public:
  DelimiterFinder(std::string_view body, std::string_view boundary, std::pmr::memory_resource* memory)
      : body_(body), needle_(needle_for(boundary, memory)), skips_(skips_for(needle_)) {
    // The needle's last byte stops the search's steps: its own shift is taken after a candidate.
    const auto last_byte = static_cast<unsigned char>(needle_.back());
    candidate_skip_ = skips_[last_byte];
    skips_[last_byte] = 0;
  }

  // The first delimiter whose line starts at or after `from`.
  std::optional<Delimiter> find(size_t from) const {
    if (from == 0 && body_.starts_with(std::string_view(needle_).substr(1))) {
      if (auto delimiter = delimiter_at(0, 0)) return delimiter;
    }
    size_t search = from == 0 ? 0 : from - 1;  // the line break may end the previous line
    while (search < body_.size()) {
      const size_t newline = find_needle(search);
      if (newline == std::string_view::npos) return std::nullopt;
      if (auto delimiter = delimiter_at(newline + 1, std::max(newline, from))) return delimiter;
      search = newline + 1;
    }
    return std::nullopt;
  }

 private:
  // For each byte value, how far the needle may move when that byte lies under its last byte
  // (Boyer-Moore-Horspool). Held to 255: a hostile boundary longer than that only moves less.
  static constexpr size_t kLongestSkip = 255;
  using Skips = std::array<uint8_t, 256>;

  // "\n--boundary", built in one allocation.
  static std::pmr::string needle_for(std::string_view boundary, std::pmr::memory_resource* memory) {
    std::pmr::string needle(memory);
    needle.reserve(boundary.size() + 3);
    needle.append("\n--").append(boundary);
    return needle;
  }

  static Skips skips_for(std::string_view needle) {
    Skips skips;
    skips.fill(static_cast<uint8_t>(std::min(needle.size(), kLongestSkip)));
    const size_t last = needle.size() - 1;
    for (size_t i = last > kLongestSkip ? last - kLongestSkip : 0; i < last; ++i) {
      skips[static_cast<unsigned char>(needle[i])] = static_cast<uint8_t>(last - i);
    }
    return skips;
  }

  // The next "\n--boundary" at or after `from`. A long needle (the usual MTA boundary of 20 to 70
  // characters) is found by Horspool's search, which steps by up to the needle's length reading
  // one byte per step; a short one ("b1") would step a few bytes at a time through a large
  // attachment, where a memchr for '-' passes over base64 in one call (a 15 MB bounce took 27 ms
  // instead of 17 by Horspool alone).
  size_t find_needle(size_t from) const {
    return needle_.size() >= kShortestSkippingNeedle ? find_by_skipping(from) : find_by_dashes(from);
  }

  static constexpr size_t kShortestSkippingNeedle = 16;

  // Horspool's search; the table is built once per multipart. The needle's last byte has no skip
  // (Hume and Sunday's tuned loop): the steps hold still on a candidate, so they run three at a
  // time with one test, unchecked while three of the longest stay inside the text. At a
  // candidate, the needle's line break is tested before the rest is compared: the boundary's last
  // byte (a digit or letter) is common in the text between, and most such matches stand mid-line.
  size_t find_by_skipping(size_t from) const {
    const size_t last = needle_.size() - 1;
    if (body_.size() <= last) return std::string_view::npos;
    const size_t end = body_.size() - last;  // where the needle would run past the text
    const auto* const under_last = reinterpret_cast<const unsigned char*>(body_.data() + last);
    const size_t reach = 3 * std::min(needle_.size(), kLongestSkip);
    size_t pos = from;
    while (pos < end) {
      while (pos + reach < end && skips_[under_last[pos]] != 0) {
        pos += skips_[under_last[pos]];
        pos += skips_[under_last[pos]];
        pos += skips_[under_last[pos]];
      }
      if (const uint8_t skip = skips_[under_last[pos]]; skip != 0) {
        pos += skip;
        continue;
      }
      if (body_[pos] == '\n' && std::memcmp(body_.data() + pos + 1, needle_.data() + 1, last - 1) == 0) return pos;
      pos += candidate_skip_;
    }
    return std::string_view::npos;
  }

  // Delimiter lines start with "--": memchr for a '-', then the line break before it. A run of
  // dashes ("-----Original Message-----") is stepped over whole: only its first dash can start a
  // line.
  size_t find_by_dashes(size_t from) const {
    size_t pos = from + 1;
    while (pos < body_.size()) {
      const void* hit = std::memchr(body_.data() + pos, '-', body_.size() - pos);
      if (hit == nullptr) return std::string_view::npos;
      const size_t dash = static_cast<size_t>(static_cast<const char*>(hit) - body_.data());
      const size_t newline = dash - 1;
      if (body_[newline] == '\n' && body_.size() - newline >= needle_.size() &&
          std::memcmp(body_.data() + newline, needle_.data(), needle_.size()) == 0) {
        return newline;
      }
      pos = dash + 1;
      while (pos < body_.size() && body_[pos] == '-') ++pos;
    }
    return std::string_view::npos;
  }

  std::optional<Delimiter> delimiter_at(size_t line_start, size_t content_end) const {
    size_t pos = line_start + needle_.size() - 1;
    // Two bytes tested as such: a compare() of two bytes is a call to memcmp.
    const bool closing = body_.size() - pos >= 2 && body_[pos] == '-' && body_[pos + 1] == '-';
    if (closing) pos += 2;
    while (pos < body_.size() && (body_[pos] == ' ' || body_[pos] == '\t')) ++pos;
    if (pos < body_.size() && body_[pos] != '\n') return std::nullopt;
    return Delimiter{content_end, std::min(pos + 1, body_.size()), closing};
  }

  std::string_view body_;
  std::pmr::string needle_;
  Skips skips_;
  uint8_t candidate_skip_ = 0;  // the needle's move past a candidate that is no delimiter
};

// The two fields a part's structure depends on, as the header scanner found them.
struct MimeFields {
  std::optional<std::string_view> content_type;
  std::optional<std::string_view> transfer_encoding;
};

MimeFields mime_fields_of(const HeaderBlock& block) {
  const auto value_at = [&](std::optional<size_t> index) -> std::optional<std::string_view> {
    if (!index) return std::nullopt;
    return block.headers.fields()[*index].value;
  };
  return {value_at(block.content_type), value_at(block.transfer_encoding)};
}

// The names RFC 2045 defines, as Part::transfer_encoding holds them.
constexpr std::array<std::string_view, 5> kTransferEncodings = {"7bit", "8bit", "binary", "base64",
                                                                "quoted-printable"};

// "Content-Transfer-Encoding: Base64 (sic)" -> "base64".
std::string_view transfer_encoding_of(std::optional<std::string_view> raw) {
  std::string_view value = raw ? util::trim(*raw) : std::string_view();
  while (!value.empty() && value.front() == '"') value.remove_prefix(1);
  size_t length = 0;
  while (length < value.size() && !util::is_space(value[length]) && value[length] != '"' &&
         value[length] != ';' && value[length] != '(') {
    ++length;
  }
  if (length == 0) return kTransferEncodings.front();
  const std::string_view name = value.substr(0, length);
  for (std::string_view known : kTransferEncodings) {
    if (util::iequals(name, known)) return known;
  }
  return name;
}

// 7bit, 8bit, binary and names nobody defined: the raw body is the content, no copy needed.
bool is_identity_encoding(std::string_view transfer_encoding) {
  const std::string_view name = util::trim(transfer_encoding);
  return !util::iequals(name, "base64") && !util::iequals(name, "quoted-printable");
}

class TreeBuilder {
 public:
  TreeBuilder(const Limits& limits, EmbeddedBodies embedded, Message& message, size_t input_size)
      : limits_(limits),
        max_depth_(std::min(limits.max_mime_depth, kDeepestNesting)),
        embedded_(embedded),
        message_(message),
        memory_(message.parts.get_allocator().resource()),
        decode_budget_(input_size) {}

  void parse_entity(std::string_view text, int parent, int depth, bool in_digest, bool embedded_root = false) {
    if (part_limit_reached()) return;
    const int index = add_part(text, parent, depth, in_digest);
    const Part& part = message_.parts[static_cast<size_t>(index)];
    if (!part.is_multipart() && !part.is_embedded_message()) return;
    if (embedded_root && embedded_ == EmbeddedBodies::kHeadersOnly) return;
    if (depth >= max_depth_) {
      warn("MIME nesting deeper than " + std::to_string(max_depth_) +
           " levels: the innermost part is read as a leaf" + depth_remedy());
    } else if (part.is_multipart()) {
      parse_multipart(index, depth);
    } else {
      parse_embedded(index, depth);
    }
  }

 private:
  int add_part(std::string_view text, int parent, int depth, bool in_digest) {
    header_warnings_.clear();
    HeaderBlock block = parse_header_block(text, limits_.max_header_bytes, &header_warnings_, memory_);
    for (std::string& warning : header_warnings_) warn(std::move(warning));

    const int index = static_cast<int>(message_.parts.size());
    const MimeFields fields = mime_fields_of(block);  // views into the text: the move keeps them
    Part& part = message_.parts.emplace_back(memory_);  // filled in place: a Part is costly to move
    part.headers = std::move(block.headers);
    part.raw_body = block.body;
    part.depth = depth;
    part.parent = parent;
    if (fields.content_type) {
      read_content_type(*fields.content_type, part.content_type);
    } else if (in_digest) {
      part.content_type.type = "message";  // RFC 2046 5.1.5: the default inside a digest
      part.content_type.subtype = "rfc822";
    }
    part.transfer_encoding = transfer_encoding_of(fields.transfer_encoding);
    if (parent >= 0) add_child(message_.parts[static_cast<size_t>(parent)], index);
    return index;
  }

  // A multipart has a few children: one allocation instead of growing from one.
  static void add_child(Part& parent, int index) {
    if (parent.children.empty()) parent.children.reserve(kTypicalPartCount);
    parent.children.push_back(index);
  }

  void parse_multipart(int index, int depth) {
    const Part& part = message_.parts[static_cast<size_t>(index)];
    const std::string_view boundary = part.content_type.param("boundary");
    const std::string_view body = part.raw_body;
    const bool digest = std::string_view(part.content_type.subtype) == "digest";
    if (boundary.empty()) {
      warn("multipart without a boundary parameter: read as a leaf");
      return;
    }
    const DelimiterFinder finder(body, boundary, memory_);
    std::optional<Delimiter> delimiter = finder.find(0);
    if (!delimiter) {
      warn("multipart boundary never appears in the body: read as a leaf");
      return;
    }
    while (!delimiter->closing && !stopped_) {
      const size_t begin = delimiter->next;
      const std::optional<Delimiter> next = finder.find(begin);
      const size_t end = next ? next->content_end : body.size();
      parse_entity(body.substr(begin, end - begin), index, depth + 1, digest);
      if (!next) {
        warn("multipart closing boundary missing: the last part runs to the end");
        return;
      }
      delimiter = next;
    }
  }

  // message/rfc822 and message/global: the body is a whole message. Broken MTAs base64- or
  // QP-encode it (RFC 2046 allows only 7bit, 8bit, binary), so it is decoded first.
  void parse_embedded(int index, int depth) {
    const Part& part = message_.parts[static_cast<size_t>(index)];
    std::string_view bytes = part.raw_body;
    if (part.transfer_encoding == "base64" || part.transfer_encoding == "quoted-printable") {
      warn("message/" + part.content_type.subtype + " part with " + std::string(part.transfer_encoding) +
           " transfer encoding decoded");
      std::string decoded = decode_transfer(part.raw_body, part.transfer_encoding);
      // Nested encoded messages each need a copy; the total is held to the input's size so a
      // hostile message cannot multiply its memory by the nesting depth.
      if (decoded.size() > decode_budget_) {
        warn("decoded embedded messages exceed the input size: part read as a leaf");
        return;
      }
      decode_budget_ -= decoded.size();
      bytes = keep(std::move(decoded));
    }
    parse_entity(bytes, index, depth + 1, false, true);
  }

  // Stores `bytes` (line endings made LF) in the message and returns a view of the stored copy.
  std::string_view keep(std::string bytes) {
    std::string normalized;
    if (normalize_line_endings(bytes, normalized).data() == normalized.data()) bytes = std::move(normalized);
    message_.buffers.push_back(std::make_shared<const std::string>(std::move(bytes)));
    return *message_.buffers.back();
  }

  bool part_limit_reached() {
    if (message_.parts.size() < std::max<size_t>(limits_.max_parts, 1)) return false;
    if (!stopped_) {
      warn("more than " + std::to_string(limits_.max_parts) +
           " MIME parts: the rest are ignored (raise it with --max-parts)");
      stopped_ = true;
    }
    return true;
  }

  // How to go deeper: the option, unless the parser's own stack cap is what stopped it.
  std::string depth_remedy() const {
    if (max_depth_ < kDeepestNesting) return " (raise it with --max-mime-depth)";
    return " (the deepest the parser follows, whatever --max-mime-depth says)";
  }

  void warn(std::string warning) {
    std::vector<std::string>& warnings = message_.warnings;
    if (warnings.size() < kMaxWarnings) {
      warnings.push_back(std::move(warning));
    } else if (warnings.size() == kMaxWarnings) {
      warnings.push_back("more warnings suppressed");
    }
  }

  const Limits& limits_;
  const int max_depth_;
  const EmbeddedBodies embedded_;
  Message& message_;
  std::pmr::memory_resource* const memory_;  // the tree's, for every part's own containers
  size_t decode_budget_;
  bool stopped_ = false;
  std::vector<std::string> header_warnings_;
};

}  // namespace

bool Part::is_embedded_message() const {
  const std::string_view subtype = content_type.subtype;
  return std::string_view(content_type.type) == "message" &&
         (subtype == "rfc822" || subtype == "global");  // RFC 6532
}

namespace {

Message parse_message_in(std::string_view text, const Limits& limits, EmbeddedBodies embedded,
                         std::pmr::memory_resource* memory) {
  Message message(memory);
  message.parts.reserve(kTypicalTreeSize);
  std::string normalized;
  std::string_view input = normalize_line_endings(text, normalized);
  if (input.data() == normalized.data()) {
    message.buffers.push_back(std::make_shared<const std::string>(std::move(normalized)));
    input = *message.buffers.back();
  }
  TreeBuilder(limits, embedded, message, text.size()).parse_entity(input, -1, 0, false);
  return message;
}

}  // namespace

Message parse_message(std::string_view text, const Limits& limits, EmbeddedBodies embedded) {
  return parse_message_in(text, limits, embedded, std::pmr::get_default_resource());
}

Message parse_message(std::string_view text, const Limits& limits, EmbeddedBodies embedded, MessageArena& arena) {
  return parse_message_in(text, limits, embedded, &arena);
}

void append_decoded_text(const Part& part, std::string& out) {
  const std::string_view charset = part.content_type.param("charset");
  if (is_identity_encoding(part.transfer_encoding)) {
    append_utf8(part.raw_body, charset, out);
  } else {
    append_transfer_decoded_utf8(part.raw_body, part.transfer_encoding, charset, out);
  }
}

std::string_view transfer_decoded_body(const Part& part, std::string& storage) {
  if (is_identity_encoding(part.transfer_encoding)) return part.raw_body;
  storage = decode_transfer(part.raw_body, part.transfer_encoding);
  return storage;
}

std::string decode_text(const Part& part) {
  std::string text;
  append_decoded_text(part, text);
  return text;
}

}  // namespace bounceback::mime
