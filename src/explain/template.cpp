#include "explain/template.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "util/byte_masks.h"

namespace bounceback::explain {
namespace {

// What a rendered text is given beyond its template's length before it has to grow: a host and
// an address or two.
constexpr size_t kRoomForFacts = 64;

void render_group(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out);

// The bytes that mean something in a template; all others are copied as they are.
constexpr std::array<bool, 256> kSyntax = [] {
  std::array<bool, 256> syntax{};
  for (const unsigned char c : std::string_view("[]|{")) syntax[c] = true;
  return syntax;
}();

// Bytes that may be syntax, eight at a time: with bit 0x20 set, '[' and '{' read 0x7B, '|' 0x7C
// and ']' 0x7D, as do '}' and '\\' (rare in the wording, and passed over by literal_end).
uint64_t maybe_syntax_in(uint64_t word) { return util::bytes_in_range(word | util::broadcast(0x20), 0x7B, 0x7D); }

// Most of a template is wording, read eight bytes at a time.
size_t literal_end(std::string_view tmpl, size_t pos) {
  while (pos + 8 <= tmpl.size()) {
    const uint64_t marks = maybe_syntax_in(util::load8(tmpl.data() + pos));
    if (marks == 0) {
      pos += 8;
      continue;
    }
    pos += util::first_marked_byte(marks);
    if (kSyntax[static_cast<unsigned char>(tmpl[pos])]) return pos;
    ++pos;
  }
  while (pos < tmpl.size() && !kSyntax[static_cast<unsigned char>(tmpl[pos])]) ++pos;
  return pos;
}

// Moves `pos` to the '|' or ']' that ends the current alternative, or to the end of the template,
// as render_sequence() would, without rendering: an alternative that is not shown needs no text.
void skip_sequence(std::string_view tmpl, size_t& pos);

// `pos` is just past a '['; leaves it just past the matching ']'.
void skip_group(std::string_view tmpl, size_t& pos) {
  while (true) {
    skip_sequence(tmpl, pos);
    if (pos >= tmpl.size()) return;
    if (tmpl[pos++] == ']') return;
  }
}

void skip_sequence(std::string_view tmpl, size_t& pos) {
  while (pos < tmpl.size()) {
    pos = literal_end(tmpl, pos);
    if (pos == tmpl.size()) return;
    const char c = tmpl[pos];
    if (c == '|' || c == ']') return;
    ++pos;
    if (c == '[') {
      skip_group(tmpl, pos);
      continue;
    }
    const size_t close = tmpl.find('}', pos);
    if (close != std::string_view::npos) pos = close + 1;
  }
}

// Whether an unknown {name} ends the alternative: inside a group the alternative is then taken
// back, so the rest of it is skipped; at the top level the rest is still shown.
enum class OnUnknown { kContinue, kSkipRest };

// Renders from `pos` up to the '|' or ']' that ends the current alternative (left at `pos`) or the
// end of the template. Returns false when a {name} at this level is unknown.
bool render_sequence(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out, OnUnknown on_unknown) {
  bool complete = true;
  while (pos < tmpl.size()) {
    const size_t literal = literal_end(tmpl, pos);
    if (literal > pos) out.append(tmpl.data() + pos, literal - pos);
    pos = literal;
    if (pos == tmpl.size()) break;
    const char c = tmpl[pos];
    if (c == '|' || c == ']') break;
    ++pos;
    if (c == '[') {
      render_group(tmpl, pos, facts, out);
      continue;
    }
    const size_t close = tmpl.find('}', pos);
    if (close == std::string_view::npos) {
      out.push_back(c);
      continue;
    }
    const std::optional<Fact> fact = fact_from_name(tmpl.substr(pos, close - pos));
    const std::string_view value = fact ? facts.get(*fact) : std::string_view{};
    pos = close + 1;
    if (!value.empty()) {
      out.append(value);
      continue;
    }
    complete = false;
    if (on_unknown == OnUnknown::kSkipRest) {
      skip_sequence(tmpl, pos);
      break;
    }
  }
  return complete;
}

// `pos` is just past a '['; leaves it just past the matching ']'. Each alternative is rendered in
// place and taken back unless it is complete; the ones after the first complete one are skipped.
void render_group(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out) {
  while (true) {
    const size_t start = out.size();
    const bool complete = render_sequence(tmpl, pos, facts, out, OnUnknown::kSkipRest);
    if (!complete) out.resize(start);
    if (pos >= tmpl.size()) return;
    if (tmpl[pos++] == ']') return;
    if (complete) {
      skip_group(tmpl, pos);
      return;
    }
  }
}

}  // namespace

std::string render(std::string_view tmpl, const Facts& facts) {
  std::string out;
  out.reserve(tmpl.size() + kRoomForFacts);
  size_t pos = 0;
  // A stray ']' or '|' at the top level is a typo in the data; it is skipped, not shown.
  while (pos < tmpl.size()) {
    render_sequence(tmpl, pos, facts, out, OnUnknown::kContinue);
    if (pos < tmpl.size()) ++pos;
  }
  return out;
}

std::vector<std::string_view> placeholders(std::string_view tmpl) {
  std::vector<std::string_view> names;
  for_each_placeholder(tmpl, [&names](std::string_view name) { names.push_back(name); });
  return names;
}

}  // namespace bounceback::explain
