#include "explain/template.h"

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

void render_group(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out);

// Renders from `pos` up to the '|' or ']' that ends the current alternative (left at `pos`) or the
// end of the template. Returns false when a {name} at this level is unknown.
bool render_sequence(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out) {
  bool complete = true;
  while (pos < tmpl.size()) {
    const char c = tmpl[pos];
    if (c == '|' || c == ']') break;
    if (c == '[') {
      ++pos;
      render_group(tmpl, pos, facts, out);
      continue;
    }
    const size_t close = c == '{' ? tmpl.find('}', pos) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out.push_back(c);
      ++pos;
      continue;
    }
    const std::optional<Fact> fact = fact_from_name(tmpl.substr(pos + 1, close - pos - 1));
    if (fact && !facts.get(*fact).empty()) {
      out += facts.get(*fact);
    } else {
      complete = false;
    }
    pos = close + 1;
  }
  return complete;
}

// `pos` is just past a '['; leaves it just past the matching ']'.
void render_group(std::string_view tmpl, size_t& pos, const Facts& facts, std::string& out) {
  bool chosen = false;
  while (true) {
    std::string alternative;
    const bool complete = render_sequence(tmpl, pos, facts, alternative);
    if (complete && !chosen) {
      out += alternative;
      chosen = true;
    }
    if (pos >= tmpl.size()) return;
    if (tmpl[pos++] == ']') return;
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
  size_t pos = 0;
  // A stray ']' or '|' at the top level is a typo in the data; it is skipped, not shown.
  while (pos < tmpl.size()) {
    render_sequence(tmpl, pos, facts, out);
    if (pos < tmpl.size()) ++pos;
  }
  return out;
}

std::vector<std::string_view> placeholders(std::string_view tmpl) {
  std::vector<std::string_view> names;
  size_t open = tmpl.find('{');
  while (open != std::string_view::npos) {
    const size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos) break;
    names.push_back(tmpl.substr(open + 1, close - open - 1));
    open = tmpl.find('{', close);
  }
  return names;
}

}  // namespace bounceback::explain
