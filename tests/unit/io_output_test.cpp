// The writers: JSON (escaping, UTF-8 repair, every field present), CSV quoting, text layout.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bounceback/output.h"
#include "bounceback/types.h"
#include "io/utf8.h"

namespace bounceback {
namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

// A strict JSON checker: true when `text` is exactly one valid JSON value whose strings are valid
// UTF-8 and properly escaped. Enough to check what the writer produces, not a general parser.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : text_(text) {}

  bool valid() {
    pos_ = 0;
    return value() && pos_ == text_.size();
  }

 private:
  bool value() {
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_]) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool number() {
    const size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }
  bool string() {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!escape()) return false;
        continue;
      }
      if (c >= 0x80) {
        const io::CodePoint cp = io::decode_utf8(text_, pos_);
        if (!cp.valid) return false;
        pos_ += cp.length;
        continue;
      }
      ++pos_;
    }
    return false;
  }
  bool escape() {
    if (pos_ + 1 >= text_.size()) return false;
    const char kind = text_[pos_ + 1];
    if (std::string_view("\"\\/bfnrt").find(kind) != std::string_view::npos) {
      pos_ += 2;
      return true;
    }
    if (kind != 'u' || pos_ + 6 > text_.size()) return false;
    for (size_t i = pos_ + 2; i < pos_ + 6; ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(text_[i]))) return false;
    }
    pos_ += 6;
    return true;
  }
  template <typename Item>
  bool sequence(char close, Item item) {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return true;
    }
    for (;;) {
      if (!item()) return false;
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == close) {
        ++pos_;
        return true;
      }
      if (text_[pos_] != ',') return false;
      ++pos_;
    }
  }
  bool object() {
    return sequence('}', [this] {
      if (pos_ >= text_.size() || text_[pos_] != '"' || !string()) return false;
      if (pos_ >= text_.size() || text_[pos_] != ':') return false;
      ++pos_;
      return value();
    });
  }
  bool array() {
    return sequence(']', [this] { return value(); });
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool valid_json(std::string_view text) { return JsonChecker(text).valid(); }

Record full_record() {
  Record r;
  r.source = "mail/bounces.mbox#17";
  r.kind = Kind::kBounce;
  r.recipient = "jane@example.com";
  r.original_recipient = "contact@example.org";
  r.sender = "news@shop.example";
  r.action = "failed";
  r.status = "5.1.1";
  r.status_inferred = false;
  r.reply_code = 550;
  r.command = "RCPT";
  r.reason = Reason::kUserUnknown;
  r.hard_bounce = true;
  r.side = Side::kRecipient;
  r.diagnostic = "host mx.example.com said: 550 5.1.1 <jane@example.com>: User unknown";
  r.reporting_mta = "mail.shop.example";
  r.remote_mta = "mx.example.com";
  r.remote_ip = "192.0.2.7";
  r.blocklist = Blocklist{"Spamcop", "bl.spamcop.net", "198.51.100.4"};
  r.decoder = "postfix";
  r.message_id = "<report-1@shop.example>";
  r.original_message_id = "<news-1@shop.example>";
  r.subject = "Undelivered Mail Returned to Sender";
  r.timestamp = "2024-03-01T10:00:00Z";
  r.feedback_type = "abuse";
  r.summary = "The address jane@example.com does not exist.";
  r.advice = {"Check the spelling.", "Remove the address."};
  return r;
}

// ---- JSON ----

TEST(JsonString, PlainTextIsQuoted) { EXPECT_EQ(json_string("hello"), "\"hello\""); }

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("\n\t\r\b\f"), R"("\n\t\r\b\f")");
  EXPECT_EQ(json_string(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(json_string("\x1b[31m"), R"("\u001b[31m")");
  EXPECT_EQ(json_string("\x7f/"), "\"\x7f/\"");
}

TEST(JsonString, PassesValidUtf8Through) {
  EXPECT_EQ(json_string("caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x93\xA7"), "\"caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x93\xA7\"");
  EXPECT_EQ(json_string("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"");  // U+FFFF, U+10FFFF
}

TEST(JsonString, ReplacesInvalidUtf8) {
  const std::string r(io::kReplacementCharacter);
  EXPECT_EQ(json_string("a\x80z"), "\"a" + r + "z\"");                  // lone continuation byte
  EXPECT_EQ(json_string("\xC0\xAF"), "\"" + r + r + "\"");              // overlong '/'
  EXPECT_EQ(json_string("\xE0\x80\xAF"), "\"" + r + r + r + "\"");      // overlong, 3 bytes
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"" + r + r + r + "\"");      // surrogate U+D800
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // above U+10FFFF
  EXPECT_EQ(json_string("\xF5\xFF"), "\"" + r + r + "\"");              // never valid bytes
  EXPECT_EQ(json_string("\xE2\x82"), "\"" + r + "\"");                  // truncated at the end
  EXPECT_EQ(json_string("\xE2\x82" "A"), "\"" + r + "A\"");             // one U+FFFD per broken character
  EXPECT_EQ(json_string("\xF0\x9F\x93"), "\"" + r + "\"");
}

// Plain text is copied two words, then one word at a time, and its last partial word read on its
// own: a byte that needs care must be found at every offset of each, the text around it copied
// whole, and the copying go on after it.
TEST(JsonString, FindsEveryByteThatNeedsCareWhereverItIs) {
  const std::string r(io::kReplacementCharacter);
  const std::pair<std::string_view, std::string> cases[] = {
      {"\"", R"(\")"},        {"\\", R"(\\)"},   {"\n", R"(\n)"},           {"\x01", R"(\u0001)"},
      {"\x1f", R"(\u001f)"},  {"\x7f", "\x7f"},  {" ", " "},                {"\xC3\xA9", "\xC3\xA9"},
      {"\xE6\x97\xA5", "\xE6\x97\xA5"},          {"\x80", r},               {"\xFF", r},
  };
  for (const auto& [special, escaped] : cases) {
    for (size_t length = 0; length <= 40; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        const std::string text =
            std::string(at, 'a') + std::string(special) + std::string(length - at, 'b') + std::string(special);
        const std::string expected =
            "\"" + std::string(at, 'a') + escaped + std::string(length - at, 'b') + escaped + "\"";
        ASSERT_EQ(json_string(text), expected) << "length " << length << ", at " << at;
      }
    }
  }
}

TEST(JsonString, AppendsAfterWhatIsThere) {
  std::string out = "[1,";
  append_json_string("a \"quoted\" word", out);
  EXPECT_EQ(out, R"([1,"a \"quoted\" word")");
}

TEST(JsonString, AnyBytesGiveValidJson) {
  std::mt19937 random(20240301);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes;
    for (int n = length(random); n > 0; --n) bytes.push_back(static_cast<char>(byte(random)));
    const std::string json = json_string(bytes);
    ASSERT_TRUE(valid_json(json)) << json;
  }
}

// The record's kind, reason and side are copied into JSON without a look at their bytes: every
// name they can take must be one that needs no escape.
TEST(JsonRecord, KindReasonAndSideNamesNeedNoEscape) {
  std::vector<std::string_view> names;
  for (int kind = 0; kind <= static_cast<int>(Kind::kAutoreply); ++kind) names.push_back(to_string(static_cast<Kind>(kind)));
  for (int side = 0; side <= static_cast<int>(Side::kNetwork); ++side) names.push_back(to_string(static_cast<Side>(side)));
#define BB_REASON(id, name, side, description) names.push_back(to_string(Reason::id));
#include "bounceback/reasons.def"
#undef BB_REASON
  for (std::string_view name : names) {
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(json_string(name), "\"" + std::string(name) + "\"") << name;
  }
}

TEST(JsonRecord, EveryFieldIsNullWhenAbsent) {
  Record r;
  r.source = "-";
  std::string out;
  append_json(r, out);
  EXPECT_EQ(out,
            R"({"source":"-","kind":"none","recipient":null,"original_recipient":null,"sender":null,)"
            R"("action":null,"status":null,"status_inferred":false,"reply_code":null,"command":null,)"
            R"("reason":"undefined","hard_bounce":false,"side":"none","diagnostic":null,)"
            R"("reporting_mta":null,"remote_mta":null,"remote_ip":null,"blocklist":null,"decoder":null,)"
            R"("message_id":null,"original_message_id":null,"subject":null,"timestamp":null,)"
            R"("feedback_type":null,"provider_type":null,"provider_subtype":null,"summary":null,"advice":[]})");
  EXPECT_TRUE(valid_json(out));
}

TEST(JsonRecord, EveryFieldInSchemaOrder) {
  std::string out;
  append_json(full_record(), out);
  EXPECT_EQ(out,
            R"({"source":"mail/bounces.mbox#17","kind":"bounce","recipient":"jane@example.com",)"
            R"("original_recipient":"contact@example.org","sender":"news@shop.example","action":"failed",)"
            R"("status":"5.1.1","status_inferred":false,"reply_code":550,"command":"RCPT",)"
            R"("reason":"userunknown","hard_bounce":true,"side":"recipient",)"
            R"("diagnostic":"host mx.example.com said: 550 5.1.1 <jane@example.com>: User unknown",)"
            R"("reporting_mta":"mail.shop.example","remote_mta":"mx.example.com","remote_ip":"192.0.2.7",)"
            R"("blocklist":{"name":"Spamcop","zone":"bl.spamcop.net","listed_ip":"198.51.100.4"},)"
            R"("decoder":"postfix","message_id":"<report-1@shop.example>",)"
            R"("original_message_id":"<news-1@shop.example>","subject":"Undelivered Mail Returned to Sender",)"
            R"("timestamp":"2024-03-01T10:00:00Z","feedback_type":"abuse","provider_type":null,"provider_subtype":null,)"
            R"("summary":"The address jane@example.com does not exist.",)"
            R"("advice":["Check the spelling.","Remove the address."]})");
  EXPECT_TRUE(valid_json(out));
}

TEST(JsonRecord, EmptyBlocklistPartsAreNull) {
  Record r;
  r.blocklist = Blocklist{"Spamhaus", "", ""};
  std::string out;
  append_json(r, out);
  EXPECT_NE(out.find(R"("blocklist":{"name":"Spamhaus","zone":null,"listed_ip":null})"), std::string::npos);
}

TEST(JsonRecord, HostileStringsStayValidJson) {
  Record r = full_record();
  r.diagnostic = std::string("550 \"no\"\\ \x01\x1b[2J \xFF\xFE broken \xE2\x82", 27);
  r.subject = std::string("\0nul", 4);
  r.advice = {"\xC3", "\n"};
  std::string out;
  append_json(r, out);
  EXPECT_TRUE(valid_json(out)) << out;
}

// The output grows once for what the record's text takes unescaped: text that grows sixfold when
// escaped must still be written whole.
TEST(JsonRecord, TextThatGrowsWhenEscapedIsWrittenWhole) {
  Record r;
  r.source = "-";
  r.diagnostic = std::string(3000, '\x01');
  std::string out = "before ";
  append_json(r, out);
  std::string escaped;
  for (int i = 0; i < 3000; ++i) escaped += "\\u0001";
  EXPECT_NE(out.find("\"diagnostic\":\"" + escaped + "\",\"reporting_mta\":null"), std::string::npos);
  ASSERT_TRUE(out.starts_with("before "));
  EXPECT_TRUE(valid_json(std::string_view(out).substr(7)));
}

TEST(JsonRecord, RecordsAppendedToOneStringAreWrittenAsAlone) {
  Record second = full_record();
  second.diagnostic = "550 \"quoted\" \xE6\x97\xA5\xFF";
  std::string first_alone;
  append_json(full_record(), first_alone);
  std::string second_alone;
  append_json(second, second_alone);
  std::string both;
  append_json(full_record(), both);
  both.push_back('\n');
  append_json(second, both);
  EXPECT_EQ(both, first_alone + "\n" + second_alone);
}

// ---- CSV ----

TEST(Csv, HeaderNamesEveryColumn) {
  std::string out;
  append_csv_header(out);
  EXPECT_EQ(out,
            "source,kind,recipient,original_recipient,sender,action,status,status_inferred,reply_code,"
            "command,reason,hard_bounce,side,diagnostic,reporting_mta,remote_mta,remote_ip,"
            "blocklist_name,blocklist_zone,blocklist_listed_ip,decoder,message_id,original_message_id,"
            "subject,timestamp,feedback_type,provider_type,provider_subtype,summary,advice\n");
}

TEST(Csv, RowHasOneFieldPerColumn) {
  std::string out;
  append_csv(full_record(), out);
  EXPECT_EQ(out,
            "mail/bounces.mbox#17,bounce,jane@example.com,contact@example.org,news@shop.example,failed,"
            "5.1.1,false,550,RCPT,userunknown,true,recipient,"
            "host mx.example.com said: 550 5.1.1 <jane@example.com>: User unknown,"
            "mail.shop.example,mx.example.com,192.0.2.7,Spamcop,bl.spamcop.net,198.51.100.4,postfix,"
            "<report-1@shop.example>,<news-1@shop.example>,Undelivered Mail Returned to Sender,"
            "2024-03-01T10:00:00Z,abuse,,,The address jane@example.com does not exist.,"
            "Check the spelling. | Remove the address.\n");
}

TEST(Csv, NullsAreEmptyFields) {
  std::string out;
  append_csv(Record{}, out);
  EXPECT_EQ(out, ",none,,,,,,false,,,undefined,false,none,,,,,,,,,,,,,,,,,\n");
}

TEST(Csv, QuotesFieldsWithCommasQuotesAndLineBreaks) {
  Record r;
  r.source = "a,b";
  r.diagnostic = "he said \"no\"";
  r.subject = "two\r\nlines";
  r.summary = "plain";
  std::string out;
  append_csv(r, out);
  EXPECT_EQ(out.substr(0, 6), "\"a,b\",");
  EXPECT_NE(out.find(",\"he said \"\"no\"\"\","), std::string::npos);
  EXPECT_NE(out.find(",\"two\r\nlines\","), std::string::npos);
  EXPECT_NE(out.find(",plain,"), std::string::npos);
}

TEST(Csv, ReplacesInvalidUtf8) {
  Record r;
  r.source = "x\xFFy";
  std::string out;
  append_csv(r, out);
  EXPECT_EQ(out.substr(0, 6), "x\xEF\xBF\xBDy,");
}

// ---- text ----

std::string text_of(const Record& record, bool color = false) {
  std::string out;
  append_text(record, out, TextStyle{color});
  return out;
}

std::string without_ansi(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {
      i = text.find('m', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

int columns(std::string_view line) {
  int width = 0;
  for (size_t pos = 0; pos < line.size();) {
    const io::CodePoint cp = io::decode_utf8(line, pos);
    width += io::display_width(cp.value);
    pos += cp.length;
  }
  return width;
}

void expect_within_80_columns(const std::string& text) {
  const std::string plain = without_ansi(text);
  size_t start = 0;
  while (start < plain.size()) {
    size_t end = plain.find('\n', start);
    if (end == std::string::npos) end = plain.size();
    const std::string_view line = std::string_view(plain).substr(start, end - start);
    EXPECT_LE(columns(line), 80) << "line: " << line;
    start = end + 1;
  }
}

TEST(Text, ShowsVerdictSummaryReasonAndAdvice) {
  const std::string text = text_of(full_record());
  EXPECT_EQ(text.substr(0, text.find('\n')), "jane@example.com HARD BOUNCE");
  EXPECT_NE(text.find("  The address jane@example.com does not exist.\n"), std::string::npos);
  EXPECT_NE(text.find("Reason:      the address does not exist at the domain (userunknown)"), std::string::npos);
  EXPECT_NE(text.find("Whose side:  the recipient's side"), std::string::npos);
  EXPECT_NE(text.find("Codes:       status 5.1.1, SMTP reply 550 to RCPT"), std::string::npos);
  EXPECT_NE(text.find("Blocklist:   Spamcop (bl.spamcop.net) lists 198.51.100.4"), std::string::npos);
  EXPECT_NE(text.find("What to do:\n    - Check the spelling.\n    - Remove the address.\n"), std::string::npos);
  EXPECT_NE(text.find("Source:      mail/bounces.mbox#17\n"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  expect_within_80_columns(text);
}

TEST(Text, VerdictFollowsKind) {
  Record r;
  r.source = "x.eml";
  r.kind = Kind::kBounce;
  EXPECT_NE(text_of(r).find("soft bounce"), std::string::npos);
  r.kind = Kind::kDelay;
  EXPECT_NE(text_of(r).find("delayed"), std::string::npos);
  r.kind = Kind::kFeedback;
  EXPECT_NE(text_of(r).find("complaint"), std::string::npos);
  r.kind = Kind::kAutoreply;
  EXPECT_NE(text_of(r).find("auto-reply"), std::string::npos);
  r.kind = Kind::kDelivered;
  EXPECT_NE(text_of(r).find("delivered"), std::string::npos);
}

TEST(Text, ADelayIsNotDescribedAsGivenUp) {
  Record r;
  r.source = "x.eml";
  r.kind = Kind::kDelay;
  r.reason = Reason::kExpired;
  const std::string text = text_of(r);
  EXPECT_NE(text.find("still trying"), std::string::npos) << text;
  EXPECT_EQ(text.find("given up"), std::string::npos) << text;
}

TEST(Text, AComplaintsIpIsWhereTheMailCameFrom) {
  Record r;
  r.source = "fbl.eml";
  r.kind = Kind::kFeedback;
  r.remote_ip = "203.0.113.120";
  const std::string text = text_of(r);
  EXPECT_NE(text.find("Sent from:   [203.0.113.120]"), std::string::npos) << text;
  EXPECT_EQ(text.find("Server:"), std::string::npos) << text;
}

TEST(Text, ARelayedReportDoesNotClaimDelivery) {
  Record r;
  r.source = "x.eml";
  r.kind = Kind::kRelayed;
  r.reason = Reason::kDelivered;
  const std::string text = text_of(r);
  EXPECT_NE(text.find("passed on to a system that sends no delivery reports"), std::string::npos) << text;
  EXPECT_EQ(text.find("was delivered"), std::string::npos) << text;
}

TEST(Text, NonReportNamesItsSource) {
  Record r;
  r.source = "inbox/cur/1.eml";
  const std::string text = text_of(r);
  EXPECT_EQ(text.substr(0, text.find('\n')), "inbox/cur/1.eml not a delivery report");
  EXPECT_EQ(text.find("Reason:"), std::string::npos);
}

TEST(Text, ColoursOnlyWhenAsked) {
  Record hard = full_record();
  EXPECT_NE(text_of(hard, true).find("\x1b[1;31mHARD BOUNCE\x1b[0m"), std::string::npos);
  EXPECT_NE(text_of(hard, true).find("\x1b[2mReason:\x1b[0m"), std::string::npos);
  Record delivered;
  delivered.kind = Kind::kDelivered;
  EXPECT_NE(text_of(delivered, true).find("\x1b[32mdelivered"), std::string::npos);
  Record soft;
  soft.kind = Kind::kBounce;
  EXPECT_NE(text_of(soft, true).find("\x1b[33msoft"), std::string::npos);
}

TEST(Text, WrapsLongTextWithin80Columns) {
  Record r = full_record();
  r.diagnostic =
      "host mx.example.com[192.0.2.7] said: 550 5.7.1 Service unavailable; Client host [198.51.100.4] "
      "blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.4 "
      "https://very.long.example/" + std::string(150, 'x') + " (in reply to RCPT TO command)";
  r.recipient = std::string(120, 'a') + "@example.com";
  r.advice = {std::string(200, 'b'), "Ask the recipient's mail administrator to check why the message was refused "
                                     "and whether your sending address can be allowed."};
  r.source = "/very/long/path/" + std::string(100, 'p') + ".eml";
  const std::string text = text_of(r, true);
  expect_within_80_columns(text);
  // Continuation lines of the server's words line up under the value.
  EXPECT_NE(text.find("\n               "), std::string::npos);
}

TEST(Text, WrapsWideCharactersByColumns) {
  Record r = full_record();
  std::string japanese;
  for (int i = 0; i < 60; ++i) japanese += "\xE5\xAE\x9B";  // 宛, two columns each
  r.diagnostic = "550 " + japanese;
  expect_within_80_columns(text_of(r));
}

TEST(Text, NeutralisesControlCharactersAndInvalidUtf8) {
  Record r = full_record();
  r.diagnostic = "550 \x1b]0;owned\x07 \x1b[2J bad\xFF byte\tand\ttabs\r\nnext \xC2\x9B" "31m";
  const std::string text = text_of(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(text.find('\t'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find("\xC2\x9B"), std::string::npos);  // C1 CSI
  EXPECT_NE(text.find("bad\xEF\xBF\xBD byte and tabs next"), std::string::npos);
}

}  // namespace
}  // namespace bounceback
