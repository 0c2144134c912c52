// A tiny template language for the explanation texts, so that the wording lives in data files and
// every sentence still reads well when a piece of evidence is unknown.
//   {name}      the value of a fact (see Fact below)
//   [a|b|...]   the first alternative whose own {name}s are all known; nothing when none is.
//               Groups nest; a nested group never makes its enclosing alternative fail.
// "The mailbox[ of {recipient}] is full." renders "The mailbox of jane@example.com is full." or,
// with no recipient, "The mailbox is full."
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <iterator>
#include <optional>
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
    owned_[index(fact)] = std::move(value);
    referred_[index(fact)] = {};
  }
  // Refers to `value` without copying it: it must outlive the Facts (static wording, or a field
  // of the record being explained).
  void refer(Fact fact, std::string_view value) {
    owned_[index(fact)].clear();
    referred_[index(fact)] = value;
  }
  std::string_view get(Fact fact) const {
    const std::string& owned = owned_[index(fact)];
    return owned.empty() ? referred_[index(fact)] : std::string_view(owned);
  }

 private:
  static size_t index(Fact fact) { return static_cast<size_t>(fact); }

  std::array<std::string, kFactCount> owned_;
  std::array<std::string_view, kFactCount> referred_;
};

// A set of facts, one bit per Fact.
using FactSet = std::bitset<kFactCount>;

std::string render(std::string_view tmpl, const Facts& facts);

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

inline FactSet facts_named(std::string_view tmpl) { return FactSet(fact_bits_named(tmpl)); }

// Whether a template holds no syntax, so that it renders as it is written. Known at compile time
// for the constant texts (see Text in texts.h), which then are copied rather than rendered.
constexpr bool is_plain(std::string_view tmpl) { return tmpl.find_first_of("[]|{") == std::string_view::npos; }

// The {name}s a template uses, in order; lets tests check every template against Fact.
std::vector<std::string_view> placeholders(std::string_view tmpl);

}  // namespace bounceback::explain
