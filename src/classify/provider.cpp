// Which provider answered, and what its own reply codes mean.
#include "classify/provider.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "util/text.h"

namespace bounceback::classify {
namespace {

struct ProviderHost {
  Provider provider;
  std::string_view domain;
};

constexpr ProviderHost kProviderHosts[] = {
#define BB_PROVIDER_HOST(provider, domain) ProviderHost{Provider::provider, domain},
#include "classify/providers.def"
#undef BB_PROVIDER_HOST
};

struct ProviderCode {
  Provider provider;
  std::string_view marker;
  unsigned first;
  unsigned last;
  Reason reason;
};

constexpr ProviderCode kProviderCodes[] = {
#define BB_PROVIDER_RULE(provider, reason, phrase)
#define BB_PROVIDER_CODE(provider, marker, first, last, reason) \
  ProviderCode{Provider::provider, marker, first, last, Reason::reason},
#include "classify/provider_rules.def"
#undef BB_PROVIDER_CODE
#undef BB_PROVIDER_RULE
};
static_assert(std::ranges::none_of(kProviderCodes, [](const ProviderCode& c) { return c.marker.empty(); }));

// Every domain ends in a letter of a top-level domain, in lower case: a host ending otherwise (an
// address, a status code "5.1.1") belongs to none, and the last letter is compared first.
static_assert(std::ranges::all_of(kProviderHosts, [](const ProviderHost& entry) {
  return !entry.domain.empty() && entry.domain.back() >= 'a' && entry.domain.back() <= 'z';
}));

constexpr auto kHostChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = util::is_alnum(static_cast<char>(c)) || c == '-' || c == '.';
  return table;
}();

bool is_host_char(char c) { return kHostChars[static_cast<unsigned char>(c)]; }

std::string_view without_trailing_dots(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// The host name at the start of a Remote-MTA value or of a word: "mx.example.jp." of
// "mx.example.jp. (192.0.2.1, ...)", "mx.example.jp" of "mx.example.jp[192.0.2.1]".
std::string_view leading_host(std::string_view text) {
  size_t end = 0;
  while (end < text.size() && is_host_char(text[end])) ++end;
  return without_trailing_dots(text.substr(0, end));
}

// The cheap tests first: the last letter, then a label boundary where the domain would begin.
bool belongs_to(std::string_view host, std::string_view domain) {
  if (util::ascii_lower(host.back()) != domain.back() || host.size() < domain.size()) return false;
  const bool at_label = host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
  return at_label && util::iends_with(host, domain);
}

// The byte before a name's last dot, in lower case ('\0' without one): "d" of "mx01.icloud.com".
// A host that ends with a domain (which has a dot) has the domain's last dot as its own, so only
// the domains of the host's key can match; most hosts end in ".com", whose letter alone says little.
constexpr unsigned char last_label_key(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? '\0' : static_cast<unsigned char>(util::ascii_lower(name[dot - 1]));
}
static_assert(std::ranges::all_of(kProviderHosts, [](const ProviderHost& entry) {
  return last_label_key(entry.domain) != '\0' && util::is_alnum(static_cast<char>(last_label_key(entry.domain)));
}));

// A table's entries grouped by a one-byte key, each group in table order (the first entry that
// matches wins): the group of key k is order[begin[k], begin[k + 1]).
template <size_t kEntries>
struct GroupedByKey {
  static_assert(kEntries < 256, "entries are numbered in one byte");
  std::array<uint8_t, kEntries> order{};
  std::array<uint8_t, 257> begin{};
};

template <typename Entry, size_t kEntries, typename KeyOf>
constexpr GroupedByKey<kEntries> group_by_key(const Entry (&table)[kEntries], KeyOf key_of) {
  GroupedByKey<kEntries> index;
  size_t next = 0;
  for (size_t key = 0; key != 256; ++key) {
    index.begin[key] = static_cast<uint8_t>(next);
    for (size_t i = 0; i != kEntries; ++i) {
      if (key_of(table[i]) == key) index.order[next++] = static_cast<uint8_t>(i);
    }
  }
  index.begin[256] = static_cast<uint8_t>(next);
  return index;
}

// kProviderHosts by the key of their domain: only the domains of a host's key can match it.
constexpr auto kHostsByKey =
    group_by_key(kProviderHosts, [](const ProviderHost& entry) { return size_t{last_label_key(entry.domain)}; });

// Numbers of more digits than this are ids, not codes.
constexpr size_t kMaxCodeDigits = 4;

// The number the trailing digits of the word at `begin` read: 416 of "OFR004_416", none of "OFR".
std::optional<unsigned> trailing_number(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && (util::is_alnum(text[end]) || text[end] == '_' || text[end] == '-')) ++end;
  size_t digits = end;
  while (digits > begin && util::is_digit(text[digits - 1])) --digits;
  if (digits == end || end - digits > kMaxCodeDigits) return std::nullopt;
  unsigned value = 0;
  for (size_t i = digits; i < end; ++i) value = value * 10 + static_cast<unsigned>(text[i] - '0');
  return value;
}

// The numbers the words starting with `marker` in `text` end in: 416 of "OFR004_416".
void read_numbers_after(std::string_view text, std::string_view marker, std::vector<unsigned>& numbers) {
  numbers.clear();
  for (size_t at = util::ifind(text, marker); at != std::string_view::npos; at = util::ifind(text, marker, at + 1)) {
    if (at > 0 && util::is_alnum(text[at - 1])) continue;  // inside another word
    if (const auto number = trailing_number(text, at + marker.size())) numbers.push_back(*number);
  }
}

// kProviderCodes by provider: a reply is read against its provider's codes only, not the whole
// table. Codes are a provider's own: kAny's group stays empty, so no provider known means no code
// read.
static_assert(sizeof(Provider) == 1);
static_assert(std::ranges::none_of(kProviderCodes, [](const ProviderCode& c) { return c.provider == Provider::kAny; }));
constexpr auto kCodesByProvider =
    group_by_key(kProviderCodes, [](const ProviderCode& code) { return static_cast<size_t>(code.provider); });

bool names_code(std::span<const unsigned> numbers, const ProviderCode& code) {
  return std::ranges::any_of(numbers, [&](unsigned number) { return number >= code.first && number <= code.last; });
}

// The provider of a host name already cut out of its text: host characters only, no trailing dot.
Provider provider_of_name(std::string_view host) {
  if (host.empty() || !util::is_alpha(host.back())) return Provider::kAny;
  const unsigned char key = last_label_key(host);
  for (size_t i = kHostsByKey.begin[key]; i != kHostsByKey.begin[key + 1]; ++i) {
    const ProviderHost& entry = kProviderHosts[kHostsByKey.order[i]];
    if (belongs_to(host, entry.domain)) return entry.provider;
  }
  return Provider::kAny;
}

}  // namespace

Provider provider_of_host(std::string_view host) { return provider_of_name(leading_host(util::trim(host))); }

// Only words with a dot can be host names, so the text is read from dot to dot (memchr), each
// dotted word once.
Provider provider_named_in(std::string_view words) {
  size_t read = 0;  // the words before this are done; words[read] is not a host character
  for (size_t dot = words.find('.'); dot != std::string_view::npos; dot = words.find('.', read)) {
    size_t begin = dot;
    while (begin > read && is_host_char(words[begin - 1])) --begin;
    size_t end = dot + 1;
    while (end < words.size() && is_host_char(words[end])) ++end;
    // The word is host characters from end to end: its name needs no second read.
    const Provider provider = provider_of_name(without_trailing_dots(words.substr(begin, end - begin)));
    if (provider != Provider::kAny) return provider;
    read = end;
  }
  return Provider::kAny;
}

Provider find_provider(std::string_view remote_mta, std::string_view words, std::string_view reporting_mta) {
  if (const Provider provider = provider_of_host(remote_mta); provider != Provider::kAny) return provider;
  if (const Provider provider = provider_named_in(words); provider != Provider::kAny) return provider;
  return provider_of_host(reporting_mta);
}

std::optional<Reason> reason_from_provider_code(Provider provider, std::string_view text) {
  const size_t key = static_cast<size_t>(provider);
  if (kCodesByProvider.begin[key] == kCodesByProvider.begin[key + 1]) return std::nullopt;
  // A provider's codes of one marker are mostly listed together ("AUP#" 13 times): the text is
  // read once a run of one marker, not once a code.
  std::string_view marker_read;
  std::vector<unsigned> numbers;
  for (size_t i = kCodesByProvider.begin[key]; i != kCodesByProvider.begin[key + 1]; ++i) {
    const ProviderCode& code = kProviderCodes[kCodesByProvider.order[i]];
    if (code.marker != marker_read) {
      read_numbers_after(text, code.marker, numbers);
      marker_read = code.marker;
    }
    if (names_code(numbers, code)) return code.reason;
  }
  return std::nullopt;
}

}  // namespace bounceback::classify
