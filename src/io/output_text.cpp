// The text format: one block per record for a person reading an 80-column terminal.
//
//   jane@example.com  HARD BOUNCE
//     The address jane@example.com does not exist.
//     Reason:      the address does not exist at the domain (userunknown)
//     Whose side:  the recipient's side
//     Codes:       status 5.1.1, SMTP reply 550 to RCPT
//     Server said: host mx.example.com said: 550 5.1.1 <jane@example.com>: Recipient
//                  address rejected: User unknown in virtual mailbox table
//     What to do:
//       - Check the spelling of the address.
//     Source:      mail/bounces.mbox#17
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/output.h"
#include "io/utf8.h"
#include "util/text.h"

namespace bounceback {
namespace {

constexpr int kWidth = 80;
constexpr int kBodyIndent = 2;
constexpr int kValueColumn = 15;  // where labelled values start and continue
constexpr int kAdviceIndent = 6;  // continuation lines of a bullet

namespace ansi {
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kHard = "\x1b[1;31m";  // bold red
constexpr std::string_view kSoft = "\x1b[33m";    // yellow
constexpr std::string_view kGood = "\x1b[32m";    // green
}  // namespace ansi

struct Verdict {
  std::string_view label;
  std::string_view color;
};

Verdict verdict_of(const Record& record) {
  switch (record.kind) {
    case Kind::kBounce:
      return record.hard_bounce ? Verdict{"HARD BOUNCE", ansi::kHard} : Verdict{"soft bounce", ansi::kSoft};
    case Kind::kDelay: return {"delayed", ansi::kSoft};
    case Kind::kDelivered: return {"delivered", ansi::kGood};
    case Kind::kRelayed: return {"relayed", ansi::kGood};
    case Kind::kExpanded: return {"delivered to a list", ansi::kGood};
    case Kind::kFeedback: return {"complaint", ansi::kHard};
    case Kind::kAutoreply: return {"auto-reply", {}};
    case Kind::kNone: return {"not a delivery report", {}};
  }
  return {"", {}};
}

std::string_view side_in_words(Side side) {
  switch (side) {
    case Side::kRecipient: return "the recipient's side";
    case Side::kSender: return "the sender's side (yours, or your mail provider's)";
    case Side::kNetwork: return "a server or the network in between";
    case Side::kNone: return "";
  }
  return "";
}

constexpr bool is_c1_control(char32_t cp) { return cp >= 0x80 && cp <= 0x9F; }

// Valid UTF-8 with every run of white space made one space and every other control character
// replaced: a hostile report must not reach the terminal with escape sequences (an ESC in a
// diagnostic could recolour or retitle the reader's terminal).
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const io::CodePoint cp = io::decode_utf8(text, pos);
    const size_t start = pos;
    pos += cp.length;
    if (cp.value < 0x80 && util::is_space(static_cast<char>(cp.value))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (!cp.valid || cp.value < 0x20 || cp.value == 0x7F || is_c1_control(cp.value)) {
      out.append(io::kReplacementCharacter);
    } else {
      out.append(text, start, cp.length);
    }
  }
  return out;
}

int width_of(std::string_view clean) {
  int width = 0;
  for (size_t pos = 0; pos < clean.size();) {
    const io::CodePoint cp = io::decode_utf8(clean, pos);
    width += io::display_width(cp.value);
    pos += cp.length;
  }
  return width;
}

// Appends words after a cursor at `column`, breaking lines before kWidth and starting each new
// line at `indent`. A word longer than a whole line (a URL, unspaced CJK text) is broken
// between characters.
class LineWrapper {
 public:
  LineWrapper(std::string& out, int column, int indent) : out_(out), column_(column), indent_(indent) {}

  // `word` is printable() text without spaces; `color` may be empty.
  void add_word(std::string_view word, std::string_view color = {}) {
    const int width = width_of(word);
    const int gap = line_has_words_ ? 1 : 0;
    if (column_ + gap + width > kWidth && (line_has_words_ || column_ > indent_)) new_line();
    if (line_has_words_) put(" ", 1);
    if (!color.empty()) out_.append(color);
    if (column_ + width <= kWidth) {
      put(word, width);
    } else {
      break_word(word);
    }
    if (!color.empty()) out_.append(ansi::kReset);
    line_has_words_ = true;
  }

  void add_words(std::string_view clean_text, std::string_view color = {}) {
    size_t pos = 0;
    while (pos < clean_text.size()) {
      size_t end = clean_text.find(' ', pos);
      if (end == std::string_view::npos) end = clean_text.size();
      if (end > pos) add_word(clean_text.substr(pos, end - pos), color);
      pos = end + 1;
    }
  }

  void end_line() { out_.push_back('\n'); }

 private:
  void put(std::string_view text, int width) {
    out_.append(text);
    column_ += width;
  }

  void new_line() {
    out_.push_back('\n');
    out_.append(static_cast<size_t>(indent_), ' ');
    column_ = indent_;
    line_has_words_ = false;
  }

  void break_word(std::string_view word) {
    for (size_t pos = 0; pos < word.size();) {
      const io::CodePoint cp = io::decode_utf8(word, pos);
      const int width = io::display_width(cp.value);
      if (column_ + width > kWidth) new_line();
      put(word.substr(pos, cp.length), width);
      pos += cp.length;
    }
  }

  std::string& out_;
  int column_;
  int indent_;
  bool line_has_words_ = false;
};

class TextBlockWriter {
 public:
  TextBlockWriter(std::string& out, TextStyle style) : out_(out), style_(style) {}

  void heading(std::string_view subject, const Verdict& verdict) {
    LineWrapper line(out_, 0, kBodyIndent);
    line.add_words(printable(subject));
    line.add_word(verdict.label, style_.color ? verdict.color : std::string_view{});  // one unit, never split
    line.end_line();
  }

  void paragraph(std::string_view text) {
    const std::string clean = printable(text);
    if (clean.empty()) return;
    indent(kBodyIndent);
    LineWrapper line(out_, kBodyIndent, kBodyIndent);
    line.add_words(clean);
    line.end_line();
  }

  // "  Label:      value", the value wrapped under itself. Nothing when the value is empty.
  void labelled(std::string_view label, std::string_view value) {
    const std::string clean = printable(value);
    if (clean.empty()) return;
    label_column(label);
    LineWrapper line(out_, kValueColumn, kValueColumn);
    line.add_words(clean);
    line.end_line();
  }

  void bullets(std::string_view label, const std::vector<std::string>& items) {
    if (items.empty()) return;
    indent(kBodyIndent);
    append_label(label);
    out_.push_back('\n');
    for (const std::string& item : items) {
      indent(kBodyIndent + 2);
      out_.append("- ");
      LineWrapper line(out_, kAdviceIndent, kAdviceIndent);
      line.add_words(printable(item));
      line.end_line();
    }
  }

 private:
  void indent(int columns) { out_.append(static_cast<size_t>(columns), ' '); }

  void append_label(std::string_view label) {
    if (style_.color) out_.append(ansi::kDim);
    out_.append(label);
    if (style_.color) out_.append(ansi::kReset);
  }

  void label_column(std::string_view label) {
    indent(kBodyIndent);
    append_label(label);
    const int used = kBodyIndent + static_cast<int>(label.size());
    indent(used < kValueColumn ? kValueColumn - used : 1);
  }

  std::string& out_;
  TextStyle style_;
};

std::string reason_in_words(const Record& record) {
  if (record.kind == Kind::kNone && record.reason == Reason::kUndefined) return {};
  // A delay report is not given up yet: "expired" there means the queue is getting old.
  // Relayed and expanded reports carry "delivered", which they cannot confirm.
  std::string words;
  if (record.kind == Kind::kDelay && record.reason == Reason::kExpired) {
    words = "delivery is taking long: the sending server is still trying";
  } else if (record.kind == Kind::kRelayed) {
    words = "passed on to a system that sends no delivery reports";
  } else if (record.kind == Kind::kExpanded) {
    words = "handed to a mailing list or alias, which passes it on";
  } else {
    words = describe(record.reason);
  }
  words.append(" (").append(to_string(record.reason)).append(")");
  return words;
}

// "status 5.1.1 (inferred), SMTP reply 550 to RCPT"
std::string codes_in_words(const Record& record) {
  std::string words;
  if (record.status) {
    words.append("status ").append(*record.status);
    if (record.status_inferred) words.append(" (inferred)");
  }
  if (record.reply_code) {
    if (!words.empty()) words.append(", ");
    words.append("SMTP reply ").append(std::to_string(*record.reply_code));
  }
  if (record.command) {
    words.append(words.empty() ? "in reply to " : " to ").append(*record.command);
  }
  return words;
}

// "mx.example.com [192.0.2.1]"
std::string remote_server(const Record& record) {
  std::string words = record.remote_mta.value_or("");
  if (record.remote_ip && *record.remote_ip != words) {
    if (!words.empty()) words.push_back(' ');
    words.append("[").append(*record.remote_ip).append("]");
  }
  return words;
}

// "Spamcop (bl.spamcop.net) lists 131.103.218.112"
std::string blocklist_in_words(const std::optional<Blocklist>& blocklist) {
  if (!blocklist) return {};
  std::string words = blocklist->name;
  if (!blocklist->zone.empty() && blocklist->zone != blocklist->name) {
    words.append(" (").append(blocklist->zone).append(")");
  }
  if (!blocklist->listed_ip.empty()) words.append(" lists ").append(blocklist->listed_ip);
  return words;
}

}  // namespace

void append_text(const Record& record, std::string& out, TextStyle style) {
  TextBlockWriter block(out, style);
  block.heading(record.recipient.value_or(record.source), verdict_of(record));
  block.paragraph(record.summary);
  block.labelled("Reason:", reason_in_words(record));
  block.labelled("Whose side:", side_in_words(record.side));
  block.labelled("Codes:", codes_in_words(record));
  // A complaint's IP is where the reported message came from (ARF Source-IP), not a server that refused.
  block.labelled(record.kind == Kind::kFeedback ? "Sent from:" : "Server:", remote_server(record));
  block.labelled("Server said:", record.diagnostic.value_or(""));
  block.labelled("Blocklist:", blocklist_in_words(record.blocklist));
  block.labelled("Complaint:", record.feedback_type.value_or(""));
  block.bullets("What to do:", record.advice);
  block.labelled("Source:", record.source);
}

}  // namespace bounceback
