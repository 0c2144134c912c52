// Finding the DNS blocklist or reputation service a refusal names, and the address it lists.
#include <algorithm>
#include <array>
#include <limits>

#include "classify/blocklist.h"
#include "classify/classifier.h"
#include "classify/generated_automata.h"
#include "classify/matcher.h"
#include "util/ip.h"
#include "util/text.h"

namespace bounceback::classify {
namespace {

struct BlocklistEntry {
  std::string_view name;
  std::string_view zone;
  std::string_view phrase;
};

constexpr BlocklistEntry kBlocklists[] = {
#define BB_BLOCKLIST(name, zone, phrase) BlocklistEntry{name, zone, phrase},
#include "classify/blocklists.def"
#undef BB_BLOCKLIST
};
static_assert(std::ranges::none_of(kBlocklists, [](const BlocklistEntry& e) { return e.phrase.empty(); }));

// The listed address is looked for this close to a mention of the list, in bytes.
constexpr size_t kAddressWindow = 400;

using Mention = BlocklistMentions::Mention;

struct Address {
  size_t begin;
  size_t end;
  std::string text;
};

bool is_address_char(char c) {
  return util::is_digit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The run [begin, end) as an IPv4 or IPv6 address, allowing for a sentence's closing dot and for
// the "IPv6:" tag of an SMTP address literal, whose "6:" the run starts with.
std::optional<Address> address_in_run(std::string_view text, size_t begin, size_t end) {
  while (end > begin && (text[end - 1] == '.' || text[end - 1] == ':')) --end;
  if (end - begin > 2 && util::iends_with(text.substr(0, begin), "IPv") && text.substr(begin, 2) == "6:") begin += 2;
  std::string candidate(text.substr(begin, end - begin));
  if (!util::is_ip_address(candidate)) return std::nullopt;
  return Address{begin, end, std::move(candidate)};
}

std::vector<Address> addresses_in(std::string_view text) {
  std::vector<Address> found;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_address_char(text[i])) {
      ++i;
      continue;
    }
    const size_t begin = i;
    while (i < text.size() && is_address_char(text[i])) ++i;
    if (auto address = address_in_run(text, begin, i)) found.push_back(std::move(*address));
  }
  return found;
}

size_t distance(const Address& address, const Mention& mention) {
  if (address.end <= mention.begin) return mention.begin - address.end;
  if (address.begin >= mention.end) return address.begin - mention.end;
  return 0;
}

// The address nearest to any mention of the named list: "Client host [192.0.2.1] blocked using
// bl.spamcop.net" and "banned sending IP [192.0.2.1]" both put it right beside the mention, while
// the remote server's own address sits further away ("host mx.example.com[198.51.100.2] said: ...").
std::string listed_address(std::string_view text, const std::vector<Mention>& mentions, std::string_view name) {
  const std::vector<Address> addresses = addresses_in(text);
  const Address* nearest = nullptr;
  size_t nearest_distance = std::numeric_limits<size_t>::max();
  for (const Mention& mention : mentions) {
    if (kBlocklists[mention.entry].name != name) continue;
    for (const Address& address : addresses) {
      const size_t d = distance(address, mention);
      if (d <= kAddressWindow && d < nearest_distance) {
        nearest = &address;
        nearest_distance = d;
      }
    }
  }
  return nearest ? nearest->text : std::string();
}

// A mention with a zone beats one naming only the operator; then the earliest mention wins.
bool more_specific(const Mention& a, const Mention& b) {
  const bool a_zone = !kBlocklists[a.entry].zone.empty();
  const bool b_zone = !kBlocklists[b.entry].zone.empty();
  if (a_zone != b_zone) return a_zone;
  if (a.begin != b.begin) return a.begin < b.begin;
  return a.entry < b.entry;
}

}  // namespace

void BlocklistMentions::add(size_t entry, size_t end) {
  const size_t length = kBlocklists[entry].phrase.size();
  mentions_.push_back(Mention{entry, end >= length ? end - length : 0, end});
}

std::optional<Blocklist> BlocklistMentions::verdict(std::string_view text) const {
  if (mentions_.empty()) return std::nullopt;
  const Mention& chosen = *std::ranges::min_element(mentions_, more_specific);
  const BlocklistEntry& entry = kBlocklists[chosen.entry];
  return Blocklist{std::string(entry.name), std::string(entry.zone), listed_address(text, mentions_, entry.name)};
}

std::optional<Blocklist> find_blocklist(std::string_view text) {
  BlocklistMentions mentions;
  reply_phrase_matcher().match(text, [&](size_t index, size_t end) {
    if (index >= kRulePhraseCount) mentions.add(index - kRulePhraseCount, end);
  });
  return mentions.verdict(text);
}

}  // namespace bounceback::classify
