#include "explain/template.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>

namespace bounceback::explain {
namespace {

struct FactName {
  Fact fact;
  std::string_view name;
};

constexpr FactName kFactNames[] = {
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

size_t literal_end(std::string_view tmpl, size_t pos) {
  const auto end = std::find_if(tmpl.begin() + static_cast<std::ptrdiff_t>(pos), tmpl.end(),
                                [](char c) { return kSyntax[static_cast<unsigned char>(c)]; });
  return static_cast<size_t>(end - tmpl.begin());
}

// Renders from `pos` up to the '|' or ']' that ends the current alternative (left at `pos`) or the
// end of the template. Returns false when a {name} at this level is unknown.
bool render_sequence(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out) {
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
    if (value.empty()) {
      complete = false;
    } else {
      out.append(value);
    }
    pos = close + 1;
  }
  return complete;
}

// `pos` is just past a '['; leaves it just past the matching ']'. Each alternative is rendered in
// place and taken back unless it is the first complete one.
void render_group(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out) {
  bool chosen = false;
  while (true) {
    const size_t start = out.size();
    const bool complete = render_sequence(tmpl, pos, facts, out);
    if (complete && !chosen) {
      chosen = true;
    } else {
      out.resize(start);
    }
    if (pos >= tmpl.size()) return;
    if (tmpl[pos++] == ']') return;
  }
}

// Calls `use` with each {name} of the template, in order.
template <typename Use>
void for_each_placeholder(std::string_view tmpl, Use use) {
  size_t open = tmpl.find('{');
  while (open != std::string_view::npos) {
    const size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos) return;
    use(tmpl.substr(open + 1, close - open - 1));
    open = tmpl.find('{', close);
  }
}

}  // namespace

std::optional<Fact> fact_from_name(std::string_view name) {
  for (const FactName& entry : kFactNames) {
    if (entry.name == name) return entry.fact;
  }
  return std::nullopt;
}

std::string render(std::string_view tmpl, const Facts& facts) {
  std::string out;
  out.reserve(tmpl.size() + kRoomForFacts);
  size_t pos = 0;
  // A stray ']' or '|' at the top level is a typo in the data; it is skipped, not shown.
  while (pos < tmpl.size()) {
    render_sequence(tmpl, pos, facts, out);
    if (pos < tmpl.size()) ++pos;
  }
  return out;
}

FactSet facts_named(std::string_view tmpl) {
  FactSet named;
  for_each_placeholder(tmpl, [&named](std::string_view name) {
    if (const std::optional<Fact> fact = fact_from_name(name)) named.set(static_cast<size_t>(*fact));
  });
  return named;
}

std::vector<std::string_view> placeholders(std::string_view tmpl) {
  std::vector<std::string_view> names;
  for_each_placeholder(tmpl, [&names](std::string_view name) { names.push_back(name); });
  return names;
}

}  // namespace bounceback::explain
