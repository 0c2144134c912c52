// A tiny template language for the explanation texts, so that the wording lives in data files and
// every sentence still reads well when a piece of evidence is unknown.
//   {name}      the value of a fact (see Fact below)
//   [a|b|...]   the first alternative whose own {name}s are all known; nothing when none is.
//               Groups nest; a nested group never makes its enclosing alternative fail.
// "The mailbox[ of {recipient}] is full." renders "The mailbox of jane@example.com is full." or,
// with no recipient, "The mailbox is full."
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bounceback::explain {

// The pieces of evidence a template can name.
enum class Fact {
  kRecipient,    // jane@example.com
  kDomain,       // example.com, the recipient's domain
  kSender,       // news@shop.example
  kHost,         // the remote host that answered: mx.example.com
  kNetHost,      // the host a network problem concerns: "mx.example.com (192.0.2.1)"
  kNetProblem,   // what went wrong on the network, a rendered phrase
  kDuration,     // how long delivery was tried: "4 days"
  kBlocklist,    // "Spamcop", or the zone when no operator is named
  kZone,         // "bl.spamcop.net", when the operator is named too
  kListing,      // the blocklist told in words: "Spamcop's blocklist (bl.spamcop.net)"
  kListedIp,     // the sending address a blocklist names
  kSide,         // a sentence saying whose side the problem is on
  kCode,         // the code a fallback explanation is about: "550", "5.7.1"
  kTitle,        // that code's title
  kExplanation,  // the first sentence of that code's explanation
  kCause,        // why a delayed message is delayed, from the reason's description
};
inline constexpr size_t kFactCount = static_cast<size_t>(Fact::kCause) + 1;

// Each fact's {name} in the templates.
struct FactName {
  Fact fact;
  std::string_view name;
};

inline constexpr FactName kFactNames[] = {
    {Fact::kRecipient, "recipient"},
    {Fact::kDomain, "domain"},
    {Fact::kSender, "sender"},
    {Fact::kHost, "host"},
    {Fact::kNetHost, "net_host"},
    {Fact::kNetProblem, "net_problem"},
    {Fact::kDuration, "duration"},
    {Fact::kBlocklist, "blocklist"},
    {Fact::kZone, "zone"},
    {Fact::kListing, "listing"},
    {Fact::kListedIp, "listed_ip"},
    {Fact::kSide, "side"},
    {Fact::kCode, "code"},
    {Fact::kTitle, "title"},
    {Fact::kExplanation, "explanation"},
    {Fact::kCause, "cause"},
};
static_assert(std::size(kFactNames) == kFactCount, "every Fact needs a name");

constexpr std::optional<Fact> fact_from_name(std::string_view name) {
  for (const FactName& entry : kFactNames) {
    if (entry.name == name) return entry.fact;
  }
  return std::nullopt;
}

// The known evidence for one record. An empty value is the same as an unknown fact.
class Facts {
 public:
  // Keeps its own copy of `value`.
  void set(Fact fact, std::string value) {
    mark_known(fact, !value.empty());
    owned_[index(fact)] = std::move(value);
    referred_[index(fact)] = {};
  }
  // Refers to `value` without copying it: it must outlive the Facts (static wording, or a field
  // of the record being explained).
  void refer(Fact fact, std::string_view value) {
    mark_known(fact, !value.empty());
    owned_[index(fact)].clear();
    referred_[index(fact)] = value;
  }
  std::string_view get(Fact fact) const {
    const std::string& owned = owned_[index(fact)];
    return owned.empty() ? referred_[index(fact)] : std::string_view(owned);
  }
  // The facts whose value is not empty, one bit per Fact.
  uint32_t known() const { return known_; }

 private:
  static size_t index(Fact fact) { return static_cast<size_t>(fact); }
  void mark_known(Fact fact, bool known) {
    const uint32_t bit = uint32_t{1} << index(fact);
    known_ = known ? known_ | bit : known_ & ~bit;
  }

  std::array<std::string, kFactCount> owned_;
  std::array<std::string_view, kFactCount> referred_;
  uint32_t known_ = 0;
};

// A set of facts, one bit per Fact.
using FactSet = std::bitset<kFactCount>;

// Calls `use` with each {name} of the template, in order.
template <typename Use>
constexpr void for_each_placeholder(std::string_view tmpl, Use use) {
  size_t open = tmpl.find('{');
  while (open != std::string_view::npos) {
    const size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos) return;
    use(tmpl.substr(open + 1, close - open - 1));
    open = tmpl.find('{', close);
  }
}

// The facts a template names, one bit per Fact, so that costly ones are looked for only when a
// text needs them. Known at compile time for the constant texts (see Text in texts.h).
constexpr unsigned long long fact_bits_named(std::string_view tmpl) {
  unsigned long long named = 0;
  for_each_placeholder(tmpl, [&named](std::string_view name) {
    if (const std::optional<Fact> fact = fact_from_name(name)) named |= 1ULL << static_cast<size_t>(*fact);
  });
  return named;
}
static_assert(kFactCount <= 64, "fact_bits_named keeps one bit per Fact");

// The {name}s a template uses, in order; lets tests check every template against Fact.
std::vector<std::string_view> placeholders(std::string_view tmpl);

// ---- templates read once ----

// A template is read into pieces once, at compile time for the constant texts: rendering then
// walks the pieces, with no search through the wording for syntax and no fact looked up by name,
// and picks an alternative by the facts it names rather than by rendering it and taking it back.
enum class PieceKind : uint8_t {
  kLiteral,      // the template's bytes [begin, begin + length)
  kFact,         // the value of `fact`, nothing when it is unknown
  kGroup,        // [a|b|...]: its alternatives follow, up to the piece at `end`
  kAlternative,  // its pieces follow, up to the piece at `end`; shown when all of `named` is known
};

struct Piece {
  PieceKind kind = PieceKind::kLiteral;
  uint8_t fact = 0;
  uint16_t end = 0;
  uint16_t begin = 0;
  uint16_t length = 0;
  uint32_t named = 0;  // one bit per Fact, and kUnknownName
};

// In Piece::named: a {name} that is no Fact, so that its alternative is never shown.
inline constexpr uint32_t kUnknownName = uint32_t{1} << kFactCount;
static_assert(kFactCount < 32, "Piece::named keeps one bit per Fact and one for unknown names");

// Piece offsets are 16 bits: a longer template is cut (the texts are sentences; each byte makes
// at most two pieces).
inline constexpr size_t kMaxTemplateBytes = 0x7FFF;

// Reads a template into pieces: writes the first `capacity` of them and counts them all.
class TemplateReader {
 public:
  constexpr TemplateReader(std::string_view tmpl, Piece* pieces, size_t capacity)
      : tmpl_(tmpl.substr(0, kMaxTemplateBytes)), pieces_(pieces), capacity_(capacity) {}

  // Returns how many pieces the template takes.
  constexpr size_t read() {
    while (pos_ < tmpl_.size()) {
      read_sequence(kTopLevel);
      if (pos_ < tmpl_.size()) ++pos_;  // a stray ']' or '|' is a typo in the data: skipped
    }
    return count_;
  }

 private:
  static constexpr size_t kTopLevel = static_cast<size_t>(-1);

  static constexpr bool is_syntax(char c) { return c == '[' || c == ']' || c == '|' || c == '{'; }

  constexpr size_t add(const Piece& piece) {
    if (count_ < capacity_) pieces_[count_] = piece;
    return count_++;
  }
  constexpr void end_here(size_t index) {
    if (index < capacity_) pieces_[index].end = static_cast<uint16_t>(count_);
  }
  constexpr void name_in(size_t alternative, uint32_t named) {
    if (alternative < capacity_) pieces_[alternative].named |= named;
  }

  // Up to the '|' or ']' that ends the alternative (left at pos_) or the end of the template;
  // the {name}s of this level are added to the alternative's piece.
  constexpr void read_sequence(size_t alternative) {
    while (pos_ < tmpl_.size()) {
      const char c = tmpl_[pos_];
      if (c == '|' || c == ']') return;
      if (c == '[') {
        ++pos_;
        read_group();
        continue;
      }
      const size_t close = c == '{' ? tmpl_.find('}', pos_) : std::string_view::npos;
      if (close != std::string_view::npos) {
        read_name(tmpl_.substr(pos_ + 1, close - pos_ - 1), alternative);
        pos_ = close + 1;
        continue;
      }
      read_literal();
    }
  }

  // An unknown name shows nothing at the top level, and fails its alternative inside a group.
  constexpr void read_name(std::string_view name, size_t alternative) {
    const std::optional<Fact> fact = fact_from_name(name);
    if (fact) add({.kind = PieceKind::kFact, .fact = static_cast<uint8_t>(*fact)});
    if (alternative != kTopLevel) name_in(alternative, fact ? uint32_t{1} << static_cast<size_t>(*fact) : kUnknownName);
  }

  // Wording up to the next syntax; a '{' that no '}' closes is wording too.
  constexpr void read_literal() {
    const size_t begin = pos_;
    while (pos_ < tmpl_.size()) {
      if (!is_syntax(tmpl_[pos_])) {
        ++pos_;
        continue;
      }
      if (tmpl_[pos_] != '{' || tmpl_.find('}', pos_) != std::string_view::npos) break;
      ++pos_;
    }
    add({.kind = PieceKind::kLiteral,
         .begin = static_cast<uint16_t>(begin),
         .length = static_cast<uint16_t>(pos_ - begin)});
  }

  // pos_ is just past a '['; leaves it just past the matching ']' or at the end of the template.
  constexpr void read_group() {
    const size_t group = add({.kind = PieceKind::kGroup});
    while (true) {
      const size_t alternative = add({.kind = PieceKind::kAlternative});
      read_sequence(alternative);
      end_here(alternative);
      if (pos_ >= tmpl_.size() || tmpl_[pos_++] == ']') break;
    }
    end_here(group);
  }

  std::string_view tmpl_;
  Piece* pieces_;
  size_t capacity_;
  size_t pos_ = 0;
  size_t count_ = 0;
};

// Not constexpr: a constant template too long for Template::kMaxPieces stops the build here.
inline void template_needs_more_pieces() {}

// A template read into pieces: made at compile time for the constant texts.
class Template {
 public:
  static constexpr size_t kMaxPieces = 26;

  constexpr Template() = default;
  constexpr explicit Template(std::string_view tmpl) : text_(tmpl), named_(fact_bits_named(tmpl)) {
    const size_t count = TemplateReader(tmpl, pieces_.data(), kMaxPieces).read();
    if (count > kMaxPieces) template_needs_more_pieces();
    count_ = std::min(count, kMaxPieces);
  }

  constexpr std::string_view text() const { return text_; }
  std::span<const Piece> pieces() const { return {pieces_.data(), count_}; }
  // The facts the template names.
  FactSet named() const { return FactSet(named_); }

 private:
  std::string_view text_;
  std::array<Piece, kMaxPieces> pieces_{};
  size_t count_ = 0;
  unsigned long long named_ = 0;
};

std::string render(const Template& tmpl, const Facts& facts);

// For a template given as text: reads it, then renders it.
std::string render(std::string_view tmpl, const Facts& facts);

}  // namespace bounceback::explain
