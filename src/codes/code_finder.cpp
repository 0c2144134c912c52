// find_codes(): SMTP reply codes and enhanced status codes in free text, in one pass.
//
// The text is read as runs of digits and dots ("550", "5.1.1", "192.0.2.1", "4.94.2"). A run is a
// candidate only in the exact shape of a code, and only when what touches it does not make it part
// of something else: a dotted name or address, a port, a time, an IPv6 address, a message-id, a
// quantity or a software version. Then it must stand where codes stand:
// - a reply code in front of a status code ("550 5.1.1", "550-5.1.1"), after a word that
//   introduces one ("said: 550", "SMTP error 550", "smtp; 550"), or at the start of a line or
//   after "(", ":" or ";" ("Reason: 542 Rejected"); a code that ends its line must be a known one
//   and not a header field's value ("Content-Length: 525");
// - a status code anywhere, if the registry or the tables know its detail; an unknown detail only
//   after a reply code, after qmail's "#", or after a word such as "Status:" or "dsn=", which keeps
//   versions such as "X-Mailer: PHPMailer 5.2.7" out.
#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bounceback/codes.h"
#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback {
namespace {

using util::is_alnum;
using util::is_alpha;
using util::is_digit;

// Words that introduce a code: "host mx.example.com said: 550", "SMTP error 550", "Remote Server
// returned '550 ...'", "with error code 550", Zoho's "ERROR_CODE :550", "Diagnostic-Code: smtp;
// 550", "Status: 4.4.316", Postfix's "dsn=4.4.316".
constexpr std::string_view kLeadWords[] = {
    "said",     "says",      "error",    "code", "reply",  "replied", "returned",
    "response", "responded", "answered", "smtp", "status", "dsn",
};

// Words that introduce a software version rather than a status code: "ESMTP Postfix (2.6.6)",
// "Exim 4.2.1", "X-Mailman-Version: 2.1.9", "fml 4.0.3 release".
constexpr std::string_view kVersionWords[] = {
    "version", "ver", "release", "build", "rev", "exim", "postfix", "sendmail", "qmail", "courier", "exchange",
};

// Words that make the number in front of them a quantity: "(256 bits)", "450 KB", "500 ms".
constexpr std::string_view kUnitWords[] = {
    "bit", "bits", "byte", "bytes", "kb", "mb", "gb", "ms", "sec", "secs", "seconds", "minutes", "hours", "days",
};

constexpr size_t kMaxWordLength = 16;
// Blanks allowed between a reply code and its status code: "550  5.1.1".
constexpr size_t kMaxGapBeforeStatus = 8;

bool is_word_char(char c) { return is_alnum(c) || c == '_'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_line_break(char c) { return c == '\n' || c == '\r'; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool is_one_of(char c, std::string_view set) { return c != '\0' && set.find(c) != std::string_view::npos; }

// The character at `pos`, or '\0' outside the text (which counts as a boundary).
char at(std::string_view text, size_t pos) { return pos < text.size() ? text[pos] : '\0'; }
char before(std::string_view text, size_t pos) { return pos > 0 && pos <= text.size() ? text[pos - 1] : '\0'; }

// Punctuation that may touch a code without making it part of a longer token: "(550)", "[5.7.1]",
// "550:", "5.7.1;", "'550 5.1.10 ...'", "<<< 550".
constexpr std::string_view kOpeningMarks = "([{<\"'`:;,=>|*";
constexpr std::string_view kClosingMarks = ")]}>\"'`:;,.!?|*";
// Marks of SMTP transcripts and quotes between a reply code and what introduces it: "<<< 550",
// "returned '550".
constexpr std::string_view kTranscriptMarks = "<>\"'`*";

bool is_separator(char c) { return c == '\0' || is_blank(c) || is_line_break(c) || is_non_ascii(c); }
bool opens_token(char c) { return is_separator(c) || is_one_of(c, kOpeningMarks); }
bool closes_token(char c) { return is_separator(c) || is_one_of(c, kClosingMarks); }

// Chinese and Japanese text, which has no blanks, sets a code off with a full-width colon,
// semicolon or parenthesis: "服务器返回：550 用户不存在", "（550）".
constexpr std::string_view kWideOpeningMarks[] = {"\xEF\xBC\x9A", "\xEF\xBC\x9B", "\xEF\xBC\x88"};  // ：；（

bool after_wide_opening_mark(std::string_view text, size_t pos) {
  if (pos < 3 || pos > text.size()) return false;
  const std::string_view mark = text.substr(pos - 3, 3);
  return std::ranges::find(kWideOpeningMarks, mark) != std::end(kWideOpeningMarks);
}

size_t skip_blanks_back(std::string_view text, size_t pos) {
  while (pos > 0 && is_blank(text[pos - 1])) --pos;
  return pos;
}

// The word of letters that ends at `end`; empty when there is none or when it is longer than any
// word of interest. "_" and "-" separate words: "ERROR_CODE", "X-Mailman-Version".
std::string_view word_ending_at(std::string_view text, size_t end) {
  size_t start = end;
  while (start > 0 && is_alpha(text[start - 1]) && end - start <= kMaxWordLength) --start;
  if (end - start > kMaxWordLength || is_alnum(before(text, start))) return {};
  return text.substr(start, end - start);
}

// The word of letters after the blanks at `begin`; empty as above.
std::string_view word_starting_at(std::string_view text, size_t begin) {
  size_t start = begin;
  while (start < text.size() && is_blank(text[start]) && start - begin < kMaxGapBeforeStatus) ++start;
  size_t end = start;
  while (end < text.size() && is_alpha(text[end]) && end - start <= kMaxWordLength) ++end;
  if (end - start > kMaxWordLength || is_alnum(at(text, end))) return {};
  return text.substr(start, end - start);
}

template <size_t N>
bool is_listed(std::string_view word, const std::string_view (&list)[N]) {
  for (std::string_view entry : list) {
    if (util::iequals(word, entry)) return true;
  }
  return false;
}

enum class LeadMark { kOptional, kRequired };

// A word of kLeadWords right before `pos`, with ":", ";" or "=" or, where the mark is optional,
// alone: "said: 550", "smtp;550", "dsn=5.1.1", "ERROR_CODE :550", "SMTP error 550". A status code
// needs the mark, since "(Nyaan SMTP 2.2.22)" is a version.
bool has_lead_word_before(std::string_view text, size_t pos, LeadMark mark) {
  pos = skip_blanks_back(text, pos);
  if (is_one_of(before(text, pos), ":;=")) {
    pos = skip_blanks_back(text, pos - 1);
  } else if (mark == LeadMark::kRequired) {
    return false;
  }
  return is_listed(word_ending_at(text, pos), kLeadWords);
}

// Whether more than closing punctuation follows on the line: "Reason: 542 Rejected", "(550): no
// such user", but not "Content-Length: 525" or "font-weight: 400;".
bool has_text_after(std::string_view text, size_t pos) {
  while (pos < text.size() && (is_blank(text[pos]) || is_one_of(text[pos], kClosingMarks))) ++pos;
  return pos < text.size() && !is_line_break(text[pos]);
}

// A maximal run of digits and dots that starts with a digit.
struct Run {
  size_t begin = 0;
  size_t end = 0;           // the code candidate ends here: a sentence-final dot is left out
  size_t scan_end = 0;      // the run ends here, the dot included
  bool joins_word = false;  // "550.example.com": the run's dot continues into a name
  size_t groups = 0;        // dot-separated numbers
  std::string_view group[3];
  bool empty_group = false;  // "5..1"
};

void add_group(Run& run, std::string_view text, size_t begin, size_t end) {
  if (begin == end) run.empty_group = true;
  if (run.groups < 3) run.group[run.groups] = text.substr(begin, end - begin);
  ++run.groups;
}

// One pass: each dot ends a group, and the digits after the last dot make the last group unless
// the run ends in its dot.
Run read_run(std::string_view text, size_t begin) {
  Run run;
  run.begin = begin;
  size_t group_begin = begin;
  size_t pos = begin;
  for (; pos < text.size(); ++pos) {
    if (text[pos] == '.') {
      add_group(run, text, group_begin, pos);
      group_begin = pos + 1;
    } else if (!is_digit(text[pos])) {
      break;
    }
  }
  run.scan_end = pos;
  run.end = pos;
  if (text[pos - 1] == '.') {
    run.joins_word = is_word_char(at(text, pos));
    --run.end;
  } else {
    add_group(run, text, group_begin, pos);
  }
  return run;
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// 2xx to 5xx with a second digit 0 to 5, the reply codes RFC 5321 allows, or a known non-standard
// code beyond them such as Exchange's "571 5.7.1 Unable to relay".
bool has_reply_shape(const Run& run) {
  if (run.groups != 1 || run.group[0].size() != 3) return false;
  const std::string_view digits = run.group[0];
  if (digits[0] < '2' || digits[0] > '5') return false;
  return digits[1] <= '5' || find_reply_code(number(digits)) != nullptr;
}

// class.subject.detail with class 2, 4 or 5, one subject digit 0 to 7 (the only subjects defined,
// which keeps "Exim 4.94.2" out) and a detail of up to three digits without a leading zero (which
// keeps dates such as "5.1.05" out).
bool has_status_shape(const Run& run) {
  if (run.groups != 3 || run.empty_group) return false;
  const std::string_view klass = run.group[0];
  const std::string_view subject = run.group[1];
  const std::string_view detail = run.group[2];
  if (klass.size() != 1 || !is_one_of(klass[0], "245")) return false;
  if (subject.size() != 1 || subject[0] > '7') return false;
  return detail.size() <= 3 && !(detail.size() > 1 && detail[0] == '0');
}

// What touches a status code allows it: "550-5.1.1", "(#5.7.1)", "[5.7.1];", but not "v4.2.1",
// "4.2.2-1ubuntu" or "5.1.1:30".
bool status_is_delimited(std::string_view text, const Run& run) {
  const char left = before(text, run.begin);
  const bool dash_after_reply = left == '-' && is_digit(before(text, run.begin - 1));
  if (!opens_token(left) && left != '#' && !dash_after_reply && !after_wide_opening_mark(text, run.begin)) {
    return false;
  }
  const char right = at(text, run.end);
  if (right == '-') return !is_word_char(at(text, run.end + 1));
  if (right == ':') return !is_digit(at(text, run.end + 1));
  return closes_token(right);
}

bool follows_version_word(std::string_view text, size_t pos) {
  while (pos > 0 && (is_blank(text[pos - 1]) || is_one_of(text[pos - 1], "(:"))) --pos;
  return is_listed(word_ending_at(text, pos), kVersionWords);
}

bool is_status_code(std::string_view text, const Run& run, bool after_reply) {
  if (!has_status_shape(run) || run.joins_word || !status_is_delimited(text, run)) return false;
  if (follows_version_word(text, run.begin)) return false;
  if (after_reply || before(text, run.begin) == '#') return true;
  if (find_status_code(number(run.group[1]), number(run.group[2])) != nullptr) return true;
  return has_lead_word_before(text, run.begin, LeadMark::kRequired);
}

// Where the status code right after a reply code begins ("550 5.1.1", "550-5.1.1", "550 #5.7.1"),
// or npos.
size_t status_after(std::string_view text, size_t pos) {
  if (at(text, pos) == '-') {
    ++pos;
  } else {
    const size_t gap_start = pos;
    while (is_blank(at(text, pos)) && pos - gap_start < kMaxGapBeforeStatus) ++pos;
    if (pos == gap_start) return std::string_view::npos;
  }
  if (at(text, pos) == '#') ++pos;
  if (!is_digit(at(text, pos))) return std::string_view::npos;
  return is_status_code(text, read_run(text, pos), /*after_reply=*/true) ? pos : std::string_view::npos;
}

// What touches a reply code allows it: "(550)", "550:", "550-5.1.1", "550-Mailbox unknown", but not
// "2001:db8:450::1", "fe80::250:1" or "555-1234".
bool reply_is_delimited(std::string_view text, const Run& run, bool status_next) {
  const char left = before(text, run.begin);
  if (!opens_token(left) && !after_wide_opening_mark(text, run.begin)) return false;
  const char right = at(text, run.end);
  const char after_right = at(text, run.end + 1);
  if (right == '-') return status_next || !is_digit(after_right);
  if (right == ':') return !is_digit(after_right) && after_right != ':';
  return closes_token(right);
}

// A reply code at the start of a line or after "(", ":" or ";", past transcript marks: "<<< 550",
// "Reason: 542", "smtp; 550". A colon glued to a name is a port: "mx.example.com:443".
bool starts_reply_clause(std::string_view text, size_t begin) {
  size_t pos = begin;
  while (pos > 0 && (is_blank(text[pos - 1]) || is_one_of(text[pos - 1], kTranscriptMarks))) --pos;
  if (after_wide_opening_mark(text, pos)) return true;
  const char lead = before(text, pos);
  if (lead == '\0' || is_line_break(lead) || lead == '(' || lead == ';') return true;
  if (lead != ':') return false;
  const char glued_to = before(text, pos - 1);
  return pos < begin || glued_to == '\0' || is_blank(glued_to) || is_line_break(glued_to);
}

// "Content-Length: 525", "X-UID: 518": the number is the whole value of a header field.
bool is_header_field_value(std::string_view text, size_t begin) {
  const size_t colon = skip_blanks_back(text, begin);
  if (before(text, colon) != ':') return false;
  size_t start = colon - 1;
  while (start > 0 && (is_word_char(text[start - 1]) || text[start - 1] == '-')) --start;
  return start < colon - 1 && (start == 0 || is_line_break(text[start - 1]));
}

bool is_reply_code(std::string_view text, const Run& run, bool status_next) {
  if (!has_reply_shape(run) || run.joins_word || !reply_is_delimited(text, run, status_next)) return false;
  if (status_next) return true;
  if (is_listed(word_starting_at(text, run.end), kUnitWords)) return false;
  const bool lead_word = has_lead_word_before(text, run.begin, LeadMark::kOptional);
  if (!lead_word && !starts_reply_clause(text, run.begin)) return false;
  if (has_text_after(text, run.end)) return true;
  // A code that ends its line must be a known one ("host mx.example.jp [192.0.2.1]: 550 :") and not
  // a header field's value or a program's exit status ("unknown mailer error 255").
  return find_reply_code(number(run.group[0])) != nullptr && (lead_word || !is_header_field_value(text, run.begin));
}

// Which codes were already reported, so that each is reported once in linear time. A text holds
// a handful of codes, which are compared one by one; past kListed distinct codes a bitset over
// every possible code takes over (zeroing its 3 KB for every text cost more than the search).
class SeenCodes {
 public:
  bool first_reply(const Run& run) { return first(static_cast<size_t>(number(run.group[0]) - 200)); }
  bool first_status(const Run& run) {
    const size_t klass = run.group[0][0] == '2' ? 0 : run.group[0][0] == '4' ? 1 : 2;
    const size_t subject = static_cast<size_t>(number(run.group[1]));
    return first(kReplies + (klass * 8 + subject) * 1000 + static_cast<size_t>(number(run.group[2])));
  }

 private:
  static constexpr size_t kReplies = 400;                    // 200 to 599
  static constexpr size_t kStatuses = size_t{3} * 8 * 1000;  // class 2, 4 or 5; subject 0 to 7; detail 0 to 999
  static constexpr size_t kListed = 16;
  using AllCodes = std::bitset<kReplies + kStatuses>;

  bool first(size_t index) {
    if (all_) return first_in_all(index);
    for (size_t i = 0; i < count_; ++i) {
      if (listed_[i] == index) return false;
    }
    if (count_ < kListed) {
      listed_[count_++] = index;
      return true;
    }
    all_ = std::make_unique<AllCodes>();
    for (size_t listed : listed_) all_->set(listed);
    return first_in_all(index);
  }

  bool first_in_all(size_t index) {
    if (all_->test(index)) return false;
    all_->set(index);
    return true;
  }

  std::array<size_t, kListed> listed_{};
  size_t count_ = 0;
  std::unique_ptr<AllCodes> all_;
};

// The first digit at or after `pos`, or the text's size. Most of a text is not digits: it is read
// eight bytes at a time.
size_t next_digit(std::string_view text, size_t pos) {
  for (; pos + 8 <= text.size(); pos += 8) {
    const uint64_t digits = util::bytes_in_range(util::load8(text.data() + pos), '0', '9');
    if (digits != 0) return pos + util::first_marked_byte(digits);
  }
  while (pos < text.size() && !is_digit(text[pos])) ++pos;
  return pos;
}

FoundCode found_code(CodeType type, std::string_view text, const Run& run) {
  return {type, std::string(text.substr(run.begin, run.end - run.begin)), run.begin, run.end - run.begin};
}

// A text with a code mostly holds a few ("550 5.1.1 ... (#5.1.1)"): room for them at the first one
// rather than growing the vector one code at a time.
constexpr size_t kUsualCodeCount = 4;

void add_found(std::vector<FoundCode>& found, FoundCode code) {
  if (found.empty()) found.reserve(kUsualCodeCount);
  found.push_back(std::move(code));
}

}  // namespace

std::vector<FoundCode> find_codes(std::string_view text) {
  std::vector<FoundCode> found;
  SeenCodes seen;
  size_t status_of_last_reply = std::string_view::npos;
  size_t pos = next_digit(text, 0);
  while (pos < text.size()) {
    // Runs are read whole, so a number inside a word or after a dot ("ATTR34", "mx550",
    // "a1si123456.250") is one token that the delimiter checks refuse.
    const Run run = read_run(text, pos);
    pos = next_digit(text, run.scan_end);
    const size_t next_status = has_reply_shape(run) ? status_after(text, run.end) : std::string_view::npos;
    if (is_reply_code(text, run, next_status != std::string_view::npos)) {
      status_of_last_reply = next_status;
      if (seen.first_reply(run)) add_found(found, found_code(CodeType::kReply, text, run));
    } else if (is_status_code(text, run, run.begin == status_of_last_reply)) {
      if (seen.first_status(run)) add_found(found, found_code(CodeType::kStatus, text, run));
    }
  }
  return found;
}

}  // namespace bounceback
