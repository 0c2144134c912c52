// RFC 5322 header and MIME tree parsing over one message buffer, zero-copy where it matters.
// parse_message normalises CRLF and bare CR to LF itself (one memchr and no copy when there is
// no CR); views point into the input or into Message::buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <memory_resource>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bounceback/decoder.h"
#include "util/text.h"

namespace bounceback::mime {

// Returns `in` itself when it holds no CR; otherwise CRLF and bare CR become LF in `storage`
// and a view of `storage` is returned.
std::string_view normalize_line_endings(std::string_view in, std::string& storage);

struct HeaderField {
  std::string_view name;   // as written
  std::string_view value;  // raw, folding kept, leading blanks after the colon removed

  // ASCII case-insensitive. Lengths first: most fields differ from the wanted name in length (the
  // hint keeps a lookup's walk over them a tight loop).
  bool is(std::string_view wanted) const {
    if (name.size() != wanted.size()) [[likely]] return false;
    return util::iequals(name, wanted);
  }
};

// The values of the fields of one name, in order, found while they are iterated: no list is
// built. Valid while the Headers it came from is unchanged.
class FieldValues {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    Iterator() = default;
    Iterator(const HeaderField* at, const HeaderField* end, std::string_view name)
        : at_(at), end_(end), name_(name) {
      skip_others();
    }
    std::string_view operator*() const { return at_->value; }
    Iterator& operator++() {
      ++at_;
      skip_others();
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const { return at_ == other.at_; }

   private:
    void skip_others() {
      while (at_ != end_ && !at_->is(name_)) ++at_;
    }

    const HeaderField* at_ = nullptr;
    const HeaderField* end_ = nullptr;
    std::string_view name_;
  };

  FieldValues(const HeaderField* begin, const HeaderField* end, std::string_view name)
      : begin_(begin, end, name), end_(end, end, name) {}
  Iterator begin() const { return begin_; }
  Iterator end() const { return end_; }
  bool empty() const { return begin_ == end_; }

 private:
  Iterator begin_;
  Iterator end_;
};

class Headers {
 public:
  Headers() = default;
  // The fields are kept in `memory` (see MessageArena).
  explicit Headers(std::pmr::memory_resource* memory) : fields_(memory) {}

  void add(HeaderField field) {
    names_seen_ |= name_mark(field.name);
    fields_.push_back(field);
  }
  // The header scanner adds a field at its first line: a continuation line grows the value.
  void replace_last_value(std::string_view value) { fields_.back().value = value; }
  void reserve(size_t count) { fields_.reserve(count); }
  const std::pmr::vector<HeaderField>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

  // First field of that name (ASCII case-insensitive), raw.
  std::optional<std::string_view> raw(std::string_view name) const;
  FieldValues raw_all(std::string_view name) const {
    const HeaderField* const end = fields_.data() + fields_.size();
    return FieldValues(may_have(name) ? fields_.data() : end, end, name);
  }
  bool has(std::string_view name) const { return raw(name).has_value(); }
  // First field of that name unfolded, RFC 2047 decoded to UTF-8 and trimmed; "" when absent.
  std::string get(std::string_view name) const;
  // The first field of each name a caller wants, found in one pass (a header often holds dozens of
  // Received fields, which a raw() per name would walk again): `slots.slot_for(field)` returns
  // where a field of a wanted name goes, an std::optional<std::string_view>*, or nullptr.
  template <typename Slots>
  Slots first_fields(Slots slots) const {
    for (const HeaderField& field : fields_) {
      std::optional<std::string_view>* slot = slots.slot_for(field);
      if (slot != nullptr && !*slot) *slot = field.value;
    }
    return slots;
  }

 private:
  // One of 64 bits for a name, from its length and its first byte: a field that matches a wanted
  // name has that name's bit. The byte is taken with bit 0x20 set, in which alone an ASCII letter
  // differs from its other case (the scanner computes this for every field).
  static uint64_t name_mark(std::string_view name) {
    const unsigned first = name.empty() ? 0 : static_cast<unsigned char>(name.front()) | 0x20U;
    return uint64_t{1} << ((name.size() * 7 + first) % 64);
  }
  // False when no field has that name. Most lookups ask for a field the header lacks (the formats
  // each look for their own provider's fields), and are answered so without a walk over dozens of
  // Received fields.
  bool may_have(std::string_view name) const { return (names_seen_ & name_mark(name)) != 0; }

  std::pmr::vector<HeaderField> fields_;
  uint64_t names_seen_ = 0;  // the name_mark of every field, or-ed
};

// Parses the header block at the start of `text` up to the first empty line. Lines that are not
// fields end the block (the rest is body) with a warning, except an unindented "name=value" line
// after Content-Type, which is joined to it (Office 365). An mbox "From " line at the very start
// is skipped. A block over `max_bytes` is cut there with a warning; the body still starts after
// the block's empty line.
struct HeaderBlock {
  Headers headers;
  std::string_view body;  // after the empty line; the whole text when there are no headers
  // Indices into headers.fields() of the first Content-Type and Content-Transfer-Encoding
  // fields, noted while the block is scanned: every part of a MIME tree needs both.
  std::optional<size_t> content_type;
  std::optional<size_t> transfer_encoding;
};
HeaderBlock parse_header_block(std::string_view text, size_t max_bytes,
                               std::vector<std::string>* warnings,
                               std::pmr::memory_resource* memory = std::pmr::get_default_resource());

struct ContentType {
  ContentType() = default;
  // The parameter list is kept in `memory` (see MessageArena).
  explicit ContentType(std::pmr::memory_resource* memory) : params(memory) {}

  std::string type = "text";      // lower-case
  std::string subtype = "plain";  // lower-case
  std::pmr::vector<std::pair<std::string, std::string>> params;  // names lower-case, RFC 2231 joined

  // "" when absent; a view into `params`, valid while this ContentType is unchanged.
  std::string_view param(std::string_view name) const;
  bool is(std::string_view type_, std::string_view subtype_) const {
    return type == type_ && subtype == subtype_;
  }
};
ContentType parse_content_type(std::string_view raw_value);
// The same into `content_type`, which must be as default-constructed: a Part's own, filled in
// place instead of moved into.
void read_content_type(std::string_view raw_value, ContentType& content_type);

struct Part {
  Part() = default;
  // The part's lists (header fields, parameters, children) are kept in `memory` (see MessageArena).
  explicit Part(std::pmr::memory_resource* memory) : headers(memory), content_type(memory), children(memory) {}

  Headers headers;
  ContentType content_type;
  // The RFC 2045 names lower-case ("7bit" when absent), others as written: decode_transfer reads
  // them case-insensitively. Static text or a view into the message.
  std::string_view transfer_encoding = "7bit";
  std::string_view raw_body;      // before transfer decoding
  int depth = 0;
  int parent = -1;
  std::pmr::vector<int> children;  // indices into Message::parts

  // Compared as views: lengths first, and no ordering compare for an equality.
  bool is_multipart() const { return std::string_view(content_type.type) == "multipart"; }
  // message/rfc822, message/global: the child is the embedded message's root part.
  bool is_embedded_message() const;
};

struct Message {
  Message() = default;
  // The parts are kept in `memory` (see MessageArena).
  explicit Message(std::pmr::memory_resource* memory) : parts(memory) {}

  std::pmr::vector<Part> parts;  // parts[0] is the root; depth-first order
  std::vector<std::string> warnings;
  // Bytes that parts point into besides the input: the input with CRs made LF, the decoded body
  // of a base64 message/rfc822. Shared, so copies and moves of a Message keep its views valid.
  std::vector<std::shared_ptr<const std::string>> buffers;

  const Part& root() const { return parts.front(); }
};

// Never fails: broken MIME is recovered from with warnings (missing closing boundary, boundary
// on an unindented line, wrong case, nesting past limits.max_mime_depth becomes a leaf, parts
// past limits.max_parts are dropped). Views point into `text`, which must outlive the Message,
// or into Message::buffers.
// kHeadersOnly reads an embedded message's (message/rfc822) own header block and leaves its body
// a leaf: the decoder needs only the headers of an attached original, and a bounce that returns a
// 15 MB attachment would otherwise have its MIME tree walked for nothing.
enum class EmbeddedBodies { kParsed, kHeadersOnly };
Message parse_message(std::string_view text, const Limits& limits, EmbeddedBodies embedded = EmbeddedBodies::kParsed);

// Memory for one message's MIME tree: a tree's parts, header field lists and child lists are a
// handful of small allocations per part, which the arena turns into bumps of a pointer through a
// block on the caller's stack, all given back at once. What does not fit (a large tree) comes
// from the heap as usual. The tree must not outlive the arena.
class MessageArena final : public std::pmr::memory_resource {
 public:
  MessageArena() = default;
  MessageArena(const MessageArena&) = delete;
  MessageArena& operator=(const MessageArena&) = delete;

 private:
  // A bounce's tree, with its own header block and its original's, takes a few kilobytes.
  static constexpr size_t kBlockBytes = 16384;

  // Offsets in the block are aligned as the block is, up to max_align_t.
  void* do_allocate(size_t bytes, size_t alignment) override {
    const size_t start = (used_ + alignment - 1) & ~(alignment - 1);
    if (alignment <= alignof(std::max_align_t) && start <= kBlockBytes && bytes <= kBlockBytes - start) {
      used_ = start + bytes;
      return block_ + start;
    }
    return ::operator new(bytes, std::align_val_t{alignment});
  }
  // Memory in the block is given back with the arena: a vector that grew leaves its old buffer.
  void do_deallocate(void* memory, size_t, size_t alignment) override {
    if (!in_block(memory)) ::operator delete(memory, std::align_val_t{alignment});
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  bool in_block(const void* memory) const {
    const auto* byte = static_cast<const std::byte*>(memory);
    return std::less_equal<>{}(block_, byte) && std::less<>{}(byte, block_ + kBlockBytes);
  }

  alignas(std::max_align_t) std::byte block_[kBlockBytes];
  size_t used_ = 0;
};

// parse_message with the tree kept in `arena`, which must outlive the Message.
Message parse_message(std::string_view text, const Limits& limits, EmbeddedBodies embedded, MessageArena& arena);

// Content-Transfer-Encoding decoding; tolerant of garbage (bad bytes skipped, truncation kept).
std::string decode_transfer(std::string_view body, std::string_view encoding);

// Bytes in `charset` to UTF-8 (ICU behind a normalising alias table). Unknown charsets are
// treated as UTF-8 with invalid sequences replaced; *known is set false then.
std::string to_utf8(std::string_view bytes, std::string_view charset, bool* known = nullptr);
// to_utf8 appending to `out`, which grows in place instead of receiving a copy.
void append_utf8(std::string_view bytes, std::string_view charset, std::string& out, bool* known = nullptr);
// Why text in `charset` cannot be decoded here: it needs ICU, which cannot be loaded. nullopt when
// it can be (or needs no ICU).
std::optional<std::string> charset_unavailable(std::string_view charset);

// A leaf part's body transfer-decoded: the raw body itself for 7bit, 8bit, binary and unknown
// encodings (no copy), else a view of the decoded bytes left in `storage`.
std::string_view transfer_decoded_body(const Part& part, std::string& storage);

// A leaf part's body, transfer-decoded and converted to UTF-8.
std::string decode_text(const Part& part);
// The same text without a copy when it needs none (valid UTF-8 in a 7bit/8bit part read as UTF-8,
// as most delivery-status parts are): the raw body itself, else a view of `storage`.
std::string_view text_view(const Part& part, std::string& storage);
void append_decoded_text(const Part& part, std::string& out);

// An unstructured header value unfolded, RFC 2047 encoded words decoded to UTF-8, trimmed.
std::string decode_header_value(std::string_view raw_value);
// The same without a copy when the value decodes to itself (most do): a view of `raw_value`,
// trimmed, or else of the decoded text left in `storage`.
std::string_view decode_header_value(std::string_view raw_value, std::string& storage);

// Every addr-spec (local@domain) in a text, in order, as written: "<a@b>", "a@b", "rfc822; a@b".
std::vector<std::string> find_addresses(std::string_view text);
// The first address of a header value or "rfc822; addr" field, or nullopt.
std::optional<std::string> first_address(std::string_view text);

}  // namespace bounceback::mime
