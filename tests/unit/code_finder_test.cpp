// find_codes(): reply and status codes in messy SMTP and diagnostic text, and the numbers that look
// like codes but are not.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/codes.h"

namespace bounceback {
namespace {

std::vector<std::string> codes_in(std::string_view text) {
  std::vector<std::string> codes;
  for (const FoundCode& found : find_codes(text)) codes.push_back(found.code);
  return codes;
}

struct Case {
  const char* name;
  std::string_view text;
  std::vector<std::string> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class FindCodes : public testing::TestWithParam<Case> {};

TEST_P(FindCodes, FindsExactlyTheCodes) {
  const Case& c = GetParam();
  EXPECT_EQ(codes_in(c.text), c.expected) << c.text;
}

const Case kCases[] = {
    // Real reply shapes.
    {"GmailMultiline",
     "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
     "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
     "550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1si123456.250 - gsmtp",
     {"550", "5.1.1"}},
    {"GmailStateIsNotACode", "PERM_FAILURE: SMTP Error (state 13): 550 5.1.1 recipient rejected", {"550", "5.1.1"}},
    {"QmailRelay", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", {"553", "5.7.1"}},
    {"QmailParenthesised", "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)", {"4.4.1"}},
    {"QmailBareHash", "I'm not going to try again; this message has been in the queue too long. #4.4.1", {"4.4.1"}},
    {"PostfixLog",
     "Jan  5 12:34:56 mx postfix/smtp[12345]: 4ABC12: to=<jane@example.com>, "
     "relay=mx.example.com[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced "
     "(host mx.example.com[192.0.2.25] said: 550 5.1.1 <jane@example.com>: Recipient address rejected: "
     "User unknown (in reply to RCPT TO command))",
     {"5.1.1", "550"}},
    {"DiagnosticCode", "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full", {"552", "5.2.2"}},
    {"DiagnosticCodeNoBlank", "Diagnostic-Code: SMTP;550 5.7.1 Message rejected", {"550", "5.7.1"}},
    {"EximNextLine",
     "SMTP error from remote mail server after RCPT TO:<jane@example.com>:\n"
     "    550 5.1.1 <jane@example.com>: Recipient address rejected",
     {"550", "5.1.1"}},
    {"SendmailTranscript",
     "   ----- Transcript of session follows -----\n"
     "... while talking to mx.example.com.:\n"
     ">>> RCPT To:<jane@example.com>\n"
     "<<< 550 5.1.1 <jane@example.com>... User unknown\n"
     "550 5.1.1 <jane@example.com>... User unknown\n"
     "<<< 503 5.0.0 Need RCPT (recipient)",
     {"550", "5.1.1", "503", "5.0.0"}},
    {"Office365Quoted",
     "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
     "lookup'",
     {"550", "5.1.10"}},
    {"MicrosoftThreeDigitDetail",
     "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal",
     {"550", "5.7.606"}},
    {"MicrosoftHopCount",
     "554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [BN3PR0101MB1234.prod.outlook.com]",
     {"554", "5.4.14"}},
    {"YahooDottedTrailer",
     "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints - 4.16.55.1; "
     "see https://postmaster.yahooinc.com/error-codes",
     {"421", "4.7.0"}},
    {"SuccessReply", "250 2.0.0 Ok: queued as 4ABC12", {"250", "2.0.0"}},
    {"StatusField", "Status: 5.1.1\nAction: failed\nRemote-MTA: dns; mx.example.com", {"5.1.1"}},
    {"ReplyAfterLeadWord", "SMTP error 550 mailbox unavailable", {"550"}},
    {"ReplyAfterSaid", "The remote server said: 554 Transaction failed", {"554"}},
    {"ZohoSpacedColon", "jane@example.com Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1", {"550", "5.1.1"}},
    {"ReplyAfterSaidWithoutBlank", "host mx.example.com said:451 try again later", {"451"}},
    {"Punctuation", "Error (550): rejected [5.7.1]; again 5.7.1; final 550:", {"550", "5.7.1"}},
    {"SentenceEnd", "The server answered with code 550. It bounced with 5.1.1.", {"550", "5.1.1"}},
    {"EachCodeOnce", "4.2.2 then 5.2.2 then 4.2.2 again, 452 4.2.2", {"4.2.2", "5.2.2", "452"}},
    {"NonAsciiAround",
     "\xE3\x82\xA8\xE3\x83\xA9\xE3\x83\xBC 550 5.1.1 \xE3\x83\xA6\xE3\x83\xBC\xE3\x82\xB6",
     {"550", "5.1.1"}},
    {"MultipleBlanksBeforeStatus", "550  5.1.1 unknown", {"550", "5.1.1"}},
    {"ExchangeNonStandardReply", "571 5.7.1 Unable to relay for jane@example.com", {"571", "5.7.1"}},

    // Numbers that only look like codes.
    {"SizeIsNotACode", "552 message size 35000000 exceeds size limit 10485760 of server mx.example.com", {"552"}},
    {"DottedQuads", "Connection refused by 192.0.2.550 and by 5.1.1.1 and 10.250.4.2", {}},
    {"Ipv6", "Received: from mx (2001:db8:450::25) by relay (fe80::250:1) via [IPv6:2001:db8::550]", {}},
    {"Dates", "Date: 2024-05-01, also 01.05.2024 and 4.05.21", {}},
    {"Times", "Arrival-Date: Tue, 1 May 2024 12:34:56 +0000 and 10:45:50.250", {}},
    {"Ports", "connect to mx.example.com[192.0.2.1]:443: Connection timed out; relay=mx.example.net:250", {}},
    {"MessageIds", "Message-ID: <550.5.1.1@mail.example.com> <CAF+550x@mail.gmail.com> <20240501.550@host>", {}},
    {"Versions", "ESMTP Exim 4.94.2 ready; Postfix (2.6.6); resolver 4.2.2.1; Sendmail version 5.1.1; v4.2.1", {}},
    {"Greeting", "220 mx.example.com ESMTP Exim 4.94.2 Tue, 01 May 2024 12:34:56 +0200", {"220"}},
    {"Hostnames", "Reporting-MTA: dns; 250.mail.example.com\nRemote-MTA: dns; mx550.example.net\nx-550-y", {}},
    {"NumbersInProse", "The message of 450 KB was sent to 250 people in 500 ms", {}},
    {"PhoneNumbers", "Call 555-1234 or order 550-20", {}},
    {"LeadingZeroDetail", "Score 5.1.01 and 4.2.007", {}},
    {"SubjectBeyondSeven", "Rule 4.8.1 and 5.9.2 matched", {}},
    {"PackageVersion", "libfoo 4.2.2-1ubuntu3 installed", {}},
    {"SecondDigitBeyondFive", "580 5.8.0 is no code, nor is 361", {}},
    {"Quantities", "Received: (using TLSv1.2 with cipher AES256 (256 bits)) (bits=256 verify=NO)", {}},
    {"QuantitiesAtLineStart", "Timing:\n250 ms to connect\n500 bytes sent\n421 seconds in queue", {}},
    {"ProviderTagInBrackets", "host smtp.example.fr: 550 5.2.0 Mail rejected. OFR_506 [506]", {"550", "5.2.0"}},
    {"HeaderValues", "Content-Length: 525\nX-UID: 518\n(reason: 255)\nfont-weight: 400;", {}},
    {"MailerVersions", "X-Mailman-Version: 2.1.15\nX-Mailer: PHPMailer 5.2.7\nby mx (Nyaan SMTP 2.2.22)", {}},
    {"UnknownDetailAfterReply", "550 5.7.515 Access denied, sending domain fails authentication", {"550", "5.7.515"}},
    {"UnknownDetailAfterLeadWord", "Status: 4.3.99\nX-Postfix; dsn=5.7.515", {"4.3.99", "5.7.515"}},
    {"UnknownDetailAfterHash", "mailbox blocked (#5.2.99)", {"5.2.99"}},
    {"ReasonField", "Reason: 542 jane@example.com Rejected", {"542"}},
    {"BareCodeEndingItsLine", "host mx.example.jp [192.0.2.1]: 550 :\nThe remote server said: 554", {"550", "554"}},
    {"MailerExitStatus",
     "(reason: 255)\n554 5.3.0 unknown mailer error 255\nDiagnostic-Code: X-Unix; 255",
     {"554", "5.3.0"}},
    // Chinese text sets a code off with a full-width colon or parenthesis, with no blank.
    {"AfterFullWidthColon", "\xE6\x9C\x8D\xE5\x8A\xA1\xE5\x99\xA8\xE8\xBF\x94\xE5\x9B\x9E\xEF\xBC\x9A" "550 "
     "\xE7\x94\xA8\xE6\x88\xB7\xE4\xB8\x8D\xE5\xAD\x98\xE5\x9C\xA8", {"550"}},  // 服务器返回：550 用户不存在
    {"StatusAfterFullWidthColon", "\xE7\x8A\xB6\xE6\x80\x81\xEF\xBC\x9A" "5.1.1", {"5.1.1"}},  // 状态：5.1.1
    {"InFullWidthParentheses", "\xE9\x80\x80\xE4\xBF\xA1\xEF\xBC\x88" "552 mailbox full\xEF\xBC\x89", {"552"}},
    // Other bytes of other scripts still glue a number to a word.
    {"AfterOtherWideCharacters", "\xE7\xAC\xAC" "550\xE5\x8F\xB7 and \xEF\xBC\x9A" "2024", {}},
    {"EmptyText", "", {}},
};

INSTANTIATE_TEST_SUITE_P(MessyText, FindCodes, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(FindCodesDetails, ReportsTypesOffsetsAndLengths) {
  const std::string_view text = "said: 550 5.1.1 user unknown (#5.7.1)";
  const std::vector<FoundCode> found = find_codes(text);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].type, CodeType::kReply);
  EXPECT_EQ(found[0].offset, 6u);
  EXPECT_EQ(found[0].length, 3u);
  EXPECT_EQ(found[1].type, CodeType::kStatus);
  EXPECT_EQ(found[1].offset, 10u);
  EXPECT_EQ(found[1].length, 5u);
  EXPECT_EQ(found[2].code, "5.7.1");
  EXPECT_EQ(text.substr(found[2].offset, found[2].length), "5.7.1");
}

// Whatever the input, every code found lies inside the text, matches it, and explains.
TEST(FindCodesDetails, RandomInputYieldsOnlyValidCodes) {
  std::mt19937 random(20240501);
  const std::string_view alphabet = "0123455.. :;-#()[]\n\tabX@";
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<size_t>(random() % 64), ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    for (const FoundCode& found : find_codes(text)) {
      ASSERT_LE(found.offset + found.length, text.size()) << text;
      EXPECT_EQ(text.substr(found.offset, found.length), found.code);
      const Result<CodeExplanation> explained = explain_code(found.code);
      ASSERT_TRUE(explained.ok()) << found.code << " in " << text;
      EXPECT_EQ(explained->code, found.code);
    }
  }
}

// A text with many distinct codes, each repeated: the first handful are remembered one by one,
// the rest in a table of every code, and both report each code once.
TEST(FindCodesDetails, ManyDistinctCodesAreEachReportedOnce) {
  std::string transcript;
  std::vector<std::string> expected = {"550"};
  for (int detail = 0; detail < 30; ++detail) {
    transcript += "550 5.7." + std::to_string(detail) + " rejected\n";
    expected.push_back("5.7." + std::to_string(detail));
  }
  EXPECT_EQ(codes_in(transcript + transcript), expected);
  expected.resize(16);
  transcript.resize(transcript.find("550 5.7.15"));
  EXPECT_EQ(codes_in(transcript + transcript), expected);
}

TEST(FindCodesDetails, HostileInputStaysLinear) {
  std::string digits(1 << 20, '5');
  digits += ".1.1";
  EXPECT_TRUE(find_codes(digits).empty());

  std::string replies;
  for (int i = 0; i < 100000; ++i) replies += "550 5.1.1 ";
  std::string blanks(1 << 20, ' ');
  blanks += "550 rejected";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(find_codes(replies).size(), 2u);
  EXPECT_EQ(find_codes(blanks).size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));  // a hang guard, not a benchmark
}

}  // namespace
}  // namespace bounceback
