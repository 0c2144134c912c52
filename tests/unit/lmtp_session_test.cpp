// The LMTP protocol (RFC 2033) as a state machine: every reply path, fed as text.
#include "server/lmtp_session.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace bounceback::server {
namespace {

using pipeline::IngestOutcome;
using pipeline::IngestStatus;

// A store stand-in: remembers what it was given and answers as told.
struct FakeStore {
  IngestOutcome answer{IngestStatus::kStored, 1, ""};
  std::vector<std::string> messages;

  LmtpDeliver deliver() {
    return [this](std::string_view message) {
      messages.emplace_back(message);
      return answer;
    };
  }
};

LmtpLimits small_limits() {
  LmtpLimits limits;
  limits.max_message_bytes = 200;
  limits.max_command_line = 64;
  limits.max_recipients = 2;
  limits.max_errors = 5;
  return limits;
}

class LmtpSessionTest : public ::testing::Test {
 protected:
  FakeStore store;
  LmtpSession session{"mx.test", LmtpLimits{}, store.deliver()};
};

std::vector<std::string> reply_lines(const std::string& replies) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < replies.size()) {
    const size_t end = replies.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos) << "every reply ends in CRLF: " << replies;
    if (end == std::string::npos) break;
    lines.push_back(replies.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

const char* kTransaction =
    "LHLO client.test\r\n"
    "MAIL FROM:<>\r\n"
    "RCPT TO:<bounces@example.com>\r\n"
    "RCPT TO:<other@example.com>\r\n"
    "DATA\r\n";

TEST_F(LmtpSessionTest, GreetsWith220AndItsName) {
  EXPECT_EQ(session.greeting(), "220 mx.test LMTP bounceback ready\r\n");
}

TEST_F(LmtpSessionTest, LhloAdvertisesTheExtensions) {
  const std::vector<std::string> lines = reply_lines(session.feed("LHLO client.test\r\n"));
  const std::vector<std::string> expected = {"250-mx.test", "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
                                             "250 SIZE 67108864"};
  EXPECT_EQ(lines, expected);
}

TEST_F(LmtpSessionTest, AnswersEveryRecipientAfterTheStoreCommitted) {
  std::string replies = session.feed(kTransaction);
  EXPECT_TRUE(store.messages.empty());
  replies += session.feed("Subject: x\r\n\r\nbody\r\n.\r\n");
  const std::vector<std::string> lines = reply_lines(replies);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[5], "250 2.1.0 Sender OK");
  EXPECT_EQ(lines[6], "250 2.1.5 Recipient OK");
  EXPECT_EQ(lines[8].substr(0, 4), "354 ");
  EXPECT_EQ(lines[9], "250 2.0.0 <bounces@example.com> stored: 1 record");
  EXPECT_EQ(lines[10], "250 2.0.0 <other@example.com> stored: 1 record");
  ASSERT_EQ(store.messages.size(), 1u) << "one message, stored once for all its recipients";
  EXPECT_EQ(store.messages[0], "Subject: x\n\nbody\n");
}

TEST_F(LmtpSessionTest, PipelinedCommandsAndTheMessageInOneWrite) {
  const std::string replies = session.feed(std::string(kTransaction) + "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  const std::vector<std::string> lines = reply_lines(replies);
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[9], "250 2.0.0 <bounces@example.com> stored: 1 record");
  EXPECT_EQ(lines[11], "221 2.0.0 mx.test closing");
  EXPECT_TRUE(session.closed());
  EXPECT_EQ(store.messages.size(), 1u);
}

TEST_F(LmtpSessionTest, BareLineFeedsAreLinesToo) {
  session.feed("LHLO c\nMAIL FROM:<a@b.test>\nRCPT TO:<x@y.test>\nDATA\n");
  const std::string replies = session.feed("Subject: bare\n\nok\n.\n");
  EXPECT_EQ(replies, "250 2.0.0 <x@y.test> stored: 1 record\r\n");
  ASSERT_EQ(store.messages.size(), 1u);
  EXPECT_EQ(store.messages[0], "Subject: bare\n\nok\n");
}

TEST_F(LmtpSessionTest, OneByteAtATimeGivesTheSameConversation) {
  const std::string input = std::string(kTransaction) + "Subject: x\r\n\r\n..dot\r\n.\r\n";
  std::string replies;
  for (const char c : input) replies += session.feed(std::string(1, c));
  EXPECT_EQ(reply_lines(replies).size(), 11u);
  ASSERT_EQ(store.messages.size(), 1u);
  EXPECT_EQ(store.messages[0], "Subject: x\n\n.dot\n");
}

TEST_F(LmtpSessionTest, DotStuffingIsUndone) {
  session.feed(kTransaction);
  session.feed("Subject: dots\r\n\r\n..\r\n...twice\r\n.leading\r\nmid.dle.\r\n.\r\n");
  ASSERT_EQ(store.messages.size(), 1u);
  EXPECT_EQ(store.messages[0], "Subject: dots\n\n.\n..twice\nleading\nmid.dle.\n");
}

TEST_F(LmtpSessionTest, ControlBytesInTheMessageAreKept) {
  session.feed(kTransaction);
  session.feed(std::string("a\0b\rc\r\n.\r\n", 10));
  ASSERT_EQ(store.messages.size(), 1u);
  EXPECT_EQ(store.messages[0], std::string("a\0b\rc\n", 6));
}

TEST_F(LmtpSessionTest, StoreFailureIsATemporaryErrorForEachRecipient) {
  store.answer = IngestOutcome{IngestStatus::kStoreFailed, 0, "database is locked at /var/lib/x.db"};
  session.feed(kTransaction);
  const std::vector<std::string> lines = reply_lines(session.feed("x\r\n.\r\n"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "451 4.3.0 <bounces@example.com> cannot be stored now: try again later");
  EXPECT_EQ(lines[1], "451 4.3.0 <other@example.com> cannot be stored now: try again later");
  EXPECT_EQ(lines[0].find("/var/lib"), std::string::npos) << "the store's paths stay in the server's log";
}

TEST_F(LmtpSessionTest, MessageThatIsNotAReportIsAcceptedAndSaysSo) {
  store.answer = IngestOutcome{IngestStatus::kNotAReport, 0, "not a delivery report"};
  session.feed(kTransaction);
  const std::vector<std::string> lines = reply_lines(session.feed("Subject: lunch?\r\n\r\nNoon?\r\n.\r\n"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "250 2.0.0 <bounces@example.com> accepted and counted: not a delivery report, nothing to store");
}

TEST_F(LmtpSessionTest, DuplicateIsSuccess) {
  store.answer = IngestOutcome{IngestStatus::kDuplicate, 2, "stored before"};
  session.feed(kTransaction);
  EXPECT_EQ(reply_lines(session.feed("x\r\n.\r\n"))[0], "250 2.0.0 <bounces@example.com> stored before: nothing new");
}

TEST_F(LmtpSessionTest, UnprocessableMessageIsAPermanentError) {
  store.answer = IngestOutcome{IngestStatus::kUnprocessable, 0, "the message is empty"};
  session.feed(kTransaction);
  EXPECT_EQ(reply_lines(session.feed(".\r\n"))[0],
            "554 5.6.0 <bounces@example.com> cannot be processed: the message is empty");
}

TEST_F(LmtpSessionTest, SeveralTransactionsInOneSession) {
  session.feed(std::string(kTransaction) + "one\r\n.\r\n");
  const std::string replies = session.feed("MAIL FROM:<>\r\nRCPT TO:<c@example.com>\r\nDATA\r\ntwo\r\n.\r\n");
  EXPECT_EQ(replies,
            "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n354 Start mail input; end with <CRLF>.<CRLF>\r\n"
            "250 2.0.0 <c@example.com> stored: 1 record\r\n");
  ASSERT_EQ(store.messages.size(), 2u);
  EXPECT_EQ(store.messages[1], "two\n");
}

TEST(LmtpSessionLimits, MessageOverTheSizeLimitIsRefusedForEachRecipientAndNotStored) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  session.feed("LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  std::string replies;
  for (int i = 0; i < 10; ++i) replies += session.feed("0123456789012345678901234567890123456789\r\n");
  EXPECT_EQ(replies, "") << "the message is read to its end before the answer";
  replies = session.feed(".\r\n");
  EXPECT_EQ(
      replies,
      "552 5.3.4 Message too big: the limit is 200 bytes\r\n552 5.3.4 Message too big: the limit is 200 bytes\r\n");
  EXPECT_TRUE(store.messages.empty());
  EXPECT_EQ(session.feed("NOOP\r\n"), "250 2.0.0 OK\r\n") << "the session goes on";
}

TEST(LmtpSessionLimits, OneEndlessDataLineIsBoundedToo) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  session.feed("LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.test>\r\nDATA\r\n");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(session.feed(std::string(100, 'x')), "");
  EXPECT_EQ(session.feed("\r\n.\r\n"), "552 5.3.4 Message too big: the limit is 200 bytes\r\n");
  EXPECT_TRUE(store.messages.empty());
}

TEST(LmtpSessionLimits, DeclaredSizeOverTheLimitIsRefusedAtMail) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  session.feed("LHLO c\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<> SIZE=201\r\n"), "552 5.3.4 Message too big: the limit is 200 bytes\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<> SIZE=200 BODY=8BITMIME\r\n"), "250 2.1.0 Sender OK\r\n");
}

TEST(LmtpSessionLimits, LongCommandLineIsRefusedWhetherItArrivesWholeOrInPieces) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  EXPECT_EQ(session.feed("NOOP " + std::string(100, 'x') + "\r\n"), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(session.feed("NOOP " + std::string(40, 'x')), "");
  EXPECT_EQ(session.feed(std::string(40, 'x')), "");
  EXPECT_EQ(session.feed("\r\nNOOP\r\n"), "500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
}

TEST(LmtpSessionLimits, RecipientsPastTheLimitAreToldToTryLater) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  session.feed("LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<c@x.test>\r\n"), "452 4.5.3 Too many recipients\r\n");
}

TEST(LmtpSessionLimits, TooManyErrorsEndTheSession) {
  FakeStore store;
  LmtpSession session("mx.test", small_limits(), store.deliver());
  const std::vector<std::string> lines = reply_lines(session.feed("x\r\nx\r\nx\r\nx\r\nx\r\nx\r\nNOOP\r\n"));
  ASSERT_EQ(lines.size(), 6u) << "nothing is read after the session gave up";
  EXPECT_EQ(lines[4], "500 5.5.2 Command unrecognized");
  EXPECT_EQ(lines[5], "421 4.7.0 mx.test too many errors: closing");
  EXPECT_TRUE(session.closed());
}

TEST_F(LmtpSessionTest, CommandsOutOfSequenceAre503) {
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "503 5.5.1 Say LHLO first\r\n");
  session.feed("LHLO c\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<a@x.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_EQ(session.feed("DATA\r\n"), "503 5.5.1 Need MAIL before DATA\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "503 5.5.1 Nested MAIL command\r\n");
  EXPECT_EQ(session.feed("DATA\r\n"), "503 5.5.1 No valid recipients\r\n");
  EXPECT_TRUE(store.messages.empty());
}

TEST_F(LmtpSessionTest, SyntaxErrorsAre501And555) {
  session.feed("LHLO c\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:jane@example.com\r\n"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(session.feed("MAIL TO:<a@x.test>\r\n"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<a@x.test> SIZE=big\r\n"), "501 5.5.4 SIZE needs a number\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<a@x.test> AUTH=<>\r\n"), "555 5.5.4 MAIL parameter not recognized\r\n");
  EXPECT_EQ(session.feed("mail from: <a@x.test>\r\n"), "250 2.1.0 Sender OK\r\n") << "any case, a space allowed";
  EXPECT_EQ(session.feed("RCPT TO:<>\r\n"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<a@x.test\r\n"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<a@x.test> NOTIFY=NEVER\r\n"), "555 5.5.4 RCPT parameters not recognized\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<a@x.test>\r\n"), "250 2.1.5 Recipient OK\r\n");
  EXPECT_EQ(session.feed("DATA now\r\n"), "501 5.5.4 DATA takes no argument\r\n");
  EXPECT_EQ(session.feed("RSET all\r\n"), "501 5.5.4 RSET takes no argument\r\n");
}

TEST_F(LmtpSessionTest, LhloNeedsAName) {
  EXPECT_EQ(session.feed("LHLO\r\n"), "501 5.5.4 LHLO needs the client's name\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "503 5.5.1 Say LHLO first\r\n");
}

TEST_F(LmtpSessionTest, SmtpGreetingsAreRefused) {
  EXPECT_EQ(session.feed("EHLO c\r\n"), "500 5.5.1 This is LMTP (RFC 2033): say LHLO\r\n");
  EXPECT_EQ(session.feed("HELO c\r\n"), "500 5.5.1 This is LMTP (RFC 2033): say LHLO\r\n");
}

TEST_F(LmtpSessionTest, RsetForgetsTheTransaction) {
  session.feed("LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.test>\r\n");
  EXPECT_EQ(session.feed("RSET\r\n"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(session.feed("DATA\r\n"), "503 5.5.1 Need MAIL before DATA\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "250 2.1.0 Sender OK\r\n");
}

TEST_F(LmtpSessionTest, LhloAgainAlsoResets) {
  session.feed("LHLO c\r\nMAIL FROM:<>\r\n");
  session.feed("LHLO c\r\n");
  EXPECT_EQ(session.feed("MAIL FROM:<>\r\n"), "250 2.1.0 Sender OK\r\n");
}

TEST_F(LmtpSessionTest, NoopVrfyQuitAndUnknown) {
  EXPECT_EQ(session.feed("NOOP\r\n"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(session.feed("noop anything\r\n"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(session.feed("VRFY jane\r\n"), "252 2.5.0 Cannot verify the address, but will take a message for it\r\n");
  EXPECT_EQ(session.feed("VRFY\r\n"), "501 5.5.4 VRFY needs an address\r\n");
  EXPECT_EQ(session.feed("BDAT 10 LAST\r\n"), "500 5.5.2 Command unrecognized\r\n");
  EXPECT_EQ(session.feed("\r\n"), "500 5.5.2 Command unrecognized\r\n");
  EXPECT_FALSE(session.closed());
  EXPECT_EQ(session.feed("QUIT\r\nNOOP\r\n"), "221 2.0.0 mx.test closing\r\n");
  EXPECT_TRUE(session.closed());
}

TEST_F(LmtpSessionTest, AddressesWithControlsAreRefusedNotEchoed) {
  session.feed("LHLO c\r\nMAIL FROM:<>\r\n");
  EXPECT_EQ(session.feed("RCPT TO:<a\rb@x.test>\r\n"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
}

TEST_F(LmtpSessionTest, TheServerEndsSessionsWith421) {
  EXPECT_EQ(session.close_with(LmtpClose::kTimeout), "421 4.4.2 mx.test timeout waiting for the client: closing\r\n");
  EXPECT_TRUE(session.closed());
  EXPECT_EQ(session.feed("NOOP\r\n"), "");
  LmtpSession other("mx.test", LmtpLimits{}, store.deliver());
  EXPECT_EQ(other.close_with(LmtpClose::kShuttingDown), "421 4.3.2 mx.test shutting down: try again later\r\n");
  EXPECT_EQ(other.close_with(LmtpClose::kBusy), "421 4.3.2 mx.test too many sessions: try again later\r\n");
}

TEST(LmtpSessionHostile, ArbitraryBytesGetOnlyWellFormedReplies) {
  std::string noise;
  unsigned seed = 12345;
  for (int i = 0; i < 20000; ++i) {
    seed = seed * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(seed >> 16));
  }
  for (const std::string prefix : {"", "LHLO c\r\n", "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.test>\r\nDATA\r\n"}) {
    FakeStore store;
    LmtpLimits limits = small_limits();
    limits.max_errors = 1000;
    LmtpSession session("mx.test", limits, store.deliver());
    const std::string replies = session.feed(prefix + noise) + session.feed("\r\n.\r\n");
    const std::vector<std::string> lines = reply_lines(replies);
    EXPECT_FALSE(lines.empty());
    for (const std::string& line : lines) {
      ASSERT_GE(line.size(), 4u) << line;
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(line[0])) && (line[3] == ' ' || line[3] == '-')) << line;
    }
  }
}

}  // namespace
}  // namespace bounceback::server
