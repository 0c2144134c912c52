#include "explain/named_address.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "formats/signals.h"
#include "mime/message.h"
#include "util/text.h"

namespace bounceback::explain {
namespace {

enum class FieldRole { kNone, kSender, kAddressee, kOther };

struct QuotedField {
  std::string_view name;
  FieldRole role;
};

#define BB_FAILED_ADDRESS_CUE(phrase) phrase,
#define BB_QUOTED_FIELD(name, role)
constexpr std::string_view kCues[] = {
#include "explain/named_address.def"
};
#undef BB_FAILED_ADDRESS_CUE
#undef BB_QUOTED_FIELD

#define BB_FAILED_ADDRESS_CUE(phrase)
#define BB_QUOTED_FIELD(name, role) QuotedField{name, FieldRole::role},
constexpr QuotedField kQuotedFields[] = {
#include "explain/named_address.def"
};
#undef BB_FAILED_ADDRESS_CUE
#undef BB_QUOTED_FIELD

// How far after a cue (or "MAIL FROM:") its address is looked for: an SMTP path is at most 256
// bytes (RFC 5321, 4.5.3.1.3). Bounded, so that a line of cues is not read again for each one.
constexpr size_t kAddressWindow = 320;

struct Line {
  size_t begin = 0;  // offset in the text
  std::string_view text;
  FieldRole field = FieldRole::kNone;  // the quoted header field the line is part of
};

// The quoted header field a line starts: "From: Mail Delivery Subsystem <mailer-daemon@...>",
// Outlook's "  To: Tom Baker", French "À : Jean".
FieldRole field_started(std::string_view line) {
  constexpr size_t kLongestName = 24;
  const size_t colon = line.find(':');
  if (colon > kLongestName) return FieldRole::kNone;  // npos too: no colon, no field
  const std::string_view name = util::trim(line.substr(0, colon));
  const auto field = std::find_if(std::begin(kQuotedFields), std::end(kQuotedFields),
                                  [name](const QuotedField& known) { return util::iequals(name, known.name); });
  return field == std::end(kQuotedFields) ? FieldRole::kNone : field->role;
}

bool is_folded(std::string_view line) { return !line.empty() && (line.front() == ' ' || line.front() == '\t'); }

// The text's lines (LF or CRLF), each marked with the quoted field it starts or continues.
std::vector<Line> read_lines(std::string_view text) {
  std::vector<Line> lines;
  size_t pos = 0;
  std::string_view line;
  FieldRole previous = FieldRole::kNone;
  while (true) {
    const size_t begin = pos;
    if (!util::next_line(text, pos, line)) break;
    if (line.ends_with('\r')) line.remove_suffix(1);
    FieldRole field = field_started(line);
    if (field == FieldRole::kNone && is_folded(line) && !util::trim(line).empty()) field = previous;
    lines.push_back(Line{begin, line, field});
    previous = field;
  }
  return lines;
}

size_t line_index_at(const std::vector<Line>& lines, size_t offset) {
  const auto after = std::upper_bound(lines.begin(), lines.end(), offset,
                                      [](size_t at, const Line& line) { return at < line.begin; });
  return static_cast<size_t>(std::distance(lines.begin(), after)) - 1;
}

void add_addresses(std::string_view text, std::vector<std::string>& to) {
  std::vector<std::string> found = mime::find_addresses(text);
  to.insert(to.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
}

// A run of quoted header lines: a forward's "From:/Sent:/To:/Subject:" or a returned message's
// headers. Its sender is the bounced message's sender when the run heads that message; when the run
// heads the bounce itself (its sender a mailer-daemon), its addressee is.
void add_own_of_block(const std::vector<Line>& lines, size_t first, size_t last, std::vector<std::string>& own) {
  std::vector<std::string> senders;
  std::vector<std::string> addressees;
  for (size_t i = first; i < last; ++i) {
    if (lines[i].field == FieldRole::kSender) add_addresses(lines[i].text, senders);
    if (lines[i].field == FieldRole::kAddressee) add_addresses(lines[i].text, addressees);
  }
  const bool heads_a_bounce = std::any_of(senders.begin(), senders.end(),
                                          [](const std::string& address) { return formats::is_daemon_address(address); });
  own.insert(own.end(), senders.begin(), senders.end());
  if (heads_a_bounce) own.insert(own.end(), addressees.begin(), addressees.end());
}

// The bounced message's sender in every form the text gives it: quoted header lines and an SMTP
// transcript's ">>> MAIL From:<peter@example.org> SIZE=1234".
std::vector<std::string> own_addresses(std::string_view text, const std::vector<Line>& lines) {
  std::vector<std::string> own;
  for (size_t first = 0; first < lines.size();) {
    size_t last = first;
    while (last < lines.size() && lines[last].field != FieldRole::kNone) ++last;
    if (last > first) add_own_of_block(lines, first, last, own);
    first = last + 1;
  }
  constexpr std::string_view kMailFrom = "mail from:";
  for (size_t at = util::ifind(text, kMailFrom); at != std::string_view::npos;
       at = util::ifind(text, kMailFrom, at + kMailFrom.size())) {
    const Line& line = lines[line_index_at(lines, at)];
    const std::vector<std::string> named = mime::find_addresses(line.text.substr(at - line.begin, kAddressWindow));
    if (!named.empty()) own.push_back(named.front());
  }
  return own;
}

// Whether an address may be the failed one. The sender's addresses are kept lower-cased and
// sorted: hostile text may quote thousands of "From:" lines.
class Trust {
 public:
  explicit Trust(const std::vector<std::string>& own) {
    own_.reserve(own.size());
    for (const std::string& address : own) own_.push_back(util::to_lower(address));
    std::sort(own_.begin(), own_.end());
  }
  bool operator()(std::string_view address) const {
    return !formats::is_daemon_address(address) && !std::binary_search(own_.begin(), own_.end(), util::to_lower(address));
  }

 private:
  std::vector<std::string> own_;
};

// The first address of the rest of line `index` after `offset`, or of the next line that is not
// blank when the rest is.
std::optional<std::string> address_after(const std::vector<Line>& lines, size_t index, size_t offset) {
  std::string_view rest = lines[index].text.substr(std::min(offset, lines[index].text.size()));
  while (util::trim(rest).empty() && ++index < lines.size()) {
    if (lines[index].field != FieldRole::kNone) return std::nullopt;
    rest = lines[index].text;
  }
  std::vector<std::string> named = mime::find_addresses(rest.substr(0, kAddressWindow));
  if (named.empty()) return std::nullopt;
  return std::move(named.front());
}

void add_cued(std::string_view text, const std::vector<Line>& lines, const Trust& trusted,
              std::vector<std::string>& named) {
  for (std::string_view cue : kCues) {
    for (size_t at = util::ifind(text, cue); at != std::string_view::npos; at = util::ifind(text, cue, at + cue.size())) {
      const size_t index = line_index_at(lines, at);
      if (lines[index].field != FieldRole::kNone) continue;
      std::optional<std::string> address = address_after(lines, index, at + cue.size() - lines[index].begin);
      if (address && trusted(*address)) named.push_back(std::move(*address));
    }
  }
}

bool starts_with_reply_code(std::string_view line) {
  return line.size() >= 4 && line[0] >= '2' && line[0] <= '5' && util::is_digit(line[1]) &&
         util::is_digit(line[2]) && (line[3] == ' ' || line[3] == '-');
}

// A notice line that starts with the address it is about: "<orders@shop.example>: host
// mx.shop.example[203.0.113.20] said: ..." (Postfix, qmail), Exim's list of failed addresses
// ("  jane@example.com"), Exchange's "jane@example.com (jane@example.com)".
bool starts_with_address(std::string_view line, std::string_view address) {
  line.remove_prefix(line.starts_with('<') ? 1 : 0);
  return line.starts_with(address);
}

// Notice lines that start with an address, and reply lines that hold one:
// "550 5.1.1 <info@shop-old.example>: Recipient address rejected".
void add_from_notice_lines(const std::vector<Line>& lines, const Trust& trusted, std::vector<std::string>& named) {
  for (const Line& line : lines) {
    if (line.field != FieldRole::kNone) continue;
    const std::string_view words = util::trim(line.text);
    if (words.find('@') == std::string_view::npos) continue;
    std::vector<std::string> found = mime::find_addresses(words);
    if (found.empty() || !trusted(found.front())) continue;
    if (starts_with_reply_code(words) || starts_with_address(words, found.front())) {
      named.push_back(std::move(found.front()));
    }
  }
}

// The address all of `named` are, or nullopt when they differ: a text that names several as
// failed (a bounce for many recipients, several bounces pasted together) names none in particular.
std::optional<std::string> the_same(std::vector<std::string>& named) {
  const bool same = std::all_of(named.begin(), named.end(),
                                [&named](const std::string& address) { return util::iequals(address, named.front()); });
  if (named.empty() || !same) return std::nullopt;
  return std::move(named.front());
}

// The one address the text's own lines name, when they name exactly one.
std::optional<std::string> only_address(const std::vector<Line>& lines, const Trust& trusted) {
  std::optional<std::string> only;
  for (const Line& line : lines) {
    if (line.field != FieldRole::kNone || line.text.find('@') == std::string_view::npos) continue;
    for (std::string& address : mime::find_addresses(line.text)) {
      if (!trusted(address) || (only && util::iequals(*only, address))) continue;
      if (only) return std::nullopt;
      only = std::move(address);
    }
  }
  return only;
}

}  // namespace

std::optional<std::string> failed_address(std::string_view text) {
  if (text.find('@') == std::string_view::npos) return std::nullopt;
  const std::vector<Line> lines = read_lines(text);
  const Trust trusted(own_addresses(text, lines));
  std::vector<std::string> named;
  add_cued(text, lines, trusted, named);
  add_from_notice_lines(lines, trusted, named);
  if (named.empty()) return only_address(lines, trusted);
  return the_same(named);
}

}  // namespace bounceback::explain
