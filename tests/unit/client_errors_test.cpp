// Mail-program errors in `explain_text`: each family recognised with its fix, and ordinary SMTP
// replies and bounces left as they were.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bounceback/explain.h"
#include "explain/client_errors.h"

namespace bounceback {
namespace {

TextExplanation explained(const std::string& text) {
  Result<TextExplanation> result = explain_text(text);
  EXPECT_TRUE(result.ok()) << text;
  return result.ok() ? std::move(result).value() : TextExplanation{};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Case {
  std::string text;
  std::string family;
  std::string match;
  std::string words_of_fix;  // a setting the fix must name
};

// One realistic message per family and per kind of error, as the program shows it.
const Case kCases[] = {
    {"Sending reported error (0x800CCC0E): 'Cannot connect to the server.'", "Outlook", "0x800CCC0E", "587"},
    {"Task 'smtp.example.com - Sending' reported error (0x800ccc0f) : 'The connection to the server was "
     "interrupted.'",
     "Outlook", "0x800CCC0F", "antivirus"},
    {"Receiving reported error (0x800CCC13): 'Cannot connect to the network.'", "Outlook", "0x800CCC13",
     "sfc /scannow"},
    {"Sending reported error (0x800CCC1A): Your server does not support the connection encryption type you have "
     "specified.",
     "Outlook", "0x800CCC1A", "STARTTLS"},
    {"Sending reported error (0x800CCC67): 'An unknown error has occurred.'", "Outlook", "0x800CCC67", "587"},
    {"Sending reported error (0x800CCC78): Cannot send the message. Verify the e-mail address in your account "
     "properties. The server responded: 530 Authentication required",
     "Outlook", "0x800CCC78", "requires authentication"},
    {"Sending reported error (0x800CCC79): The server responded: 550 Relaying denied", "Outlook", "0x800CCC79",
     "requires authentication"},
    {"0x800CCC7D: Your SMTP server does not support SSL secured connections.", "Outlook", "0x800CCC7D", "465"},
    {"Receiving reported error (0x800CCC90): 'Your incoming (POP3) e-mail server has reported an internal error.'",
     "Outlook", "0x800CCC90", "995"},
    {"Receiving reported error (0x800CCC92): 'Your e-mail server rejected your login. Verify your user name and "
     "password for this account in Account Settings.'",
     "Outlook", "0x800CCC92", "app password"},
    {"Unknown Error 0x800CCC0B", "Outlook", "0x800CCC0B", "requires authentication"},
    {"Task reported error (0x800CCC18): 'Secure Password Authentication'", "Outlook", "0x800CCC18", "SPA"},
    {"Receiving reported error (0x80042108): 'Outlook is unable to connect to your incoming (POP3) e-mail server.'",
     "Outlook", "0x80042108", "995"},
    {"Sending reported error (0x80042109): 'Outlook is unable to connect to your outgoing (SMTP) e-mail server.'",
     "Outlook", "0x80042109", "587"},
    {"Receiving reported error (0x8004210A): 'The operation timed out waiting for a response from the receiving "
     "(POP) server.'",
     "Outlook", "0x8004210A", "Server Timeouts"},
    {"Sending reported error (0x8004210B): 'The operation timed out waiting for a response from the sending "
     "(SMTP) server.'",
     "Outlook", "0x8004210B", "Server Timeouts"},
    {"Cannot start Microsoft Outlook. The set of folders cannot be opened. 0x8004010F", "Outlook", "0x8004010F",
     "Data Files"},
    {"An unknown error occurred, error code: 0x80040119", "Outlook", "0x80040119", "scanpst.exe"},
    {"An unknown error occurred, error code: 0x80040600", "Outlook", "0x80040600", "scanpst.exe"},
    {"Sending reported error (0x800CCC6A): 'Your outgoing (SMTP) e-mail server has reported an internal error.'",
     "Outlook", "0x800CCC6A", "antivirus"},
    {"Sending of the message failed. The connection to the outgoing server (SMTP) smtp.example.com timed out. "
     "Please try again.",
     "Thunderbird", "The connection to the outgoing server", "587"},
    {"Login to server imap.example.com with username jane@example.com failed.", "Thunderbird", "Login to server",
     "OAuth2"},
    {"Sending of the message failed. The outgoing server (SMTP) smtp.example.com does not seem to support "
     "encrypted passwords.",
     "Thunderbird", "does not seem to support encrypted passwords", "Normal password"},
    {"Cannot send message using the server smtp.example.com.", "Apple Mail", "Cannot send message using the server",
     "Automatically manage connection settings"},
    {"The message was rejected by the server because the sender is not permitted.", "Apple Mail",
     "rejected by the server because the sender is not permitted", "alias"},
    {"Cannot Send Mail. The message was rejected by the server.", "Apple Mail", "The message was rejected by the server",
     "outgoing mail server"},
    {"The user name or password for \"smtp.mail.me.com\" is incorrect.", "Apple Mail", "The user name or password for",
     "app password"},
    {"-ERR [IN-USE] Unable to lock maildrop: Mailbox is locked by POP server", "POP3", "-ERR [IN-USE]",
     "Close the other mail programs"},
    {"-ERR [SYS/TEMP] Service temporarily unavailable", "POP3", "-ERR [SYS/TEMP]", "try again later"},
    {"-ERR [AUTH] Authentication failed.", "POP3", "-ERR [AUTH]", "POP3 access"},
    {"-ERR Authentication failed.", "POP3", "-ERR Authentication failed", "full email address"},
    {"a001 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", "IMAP", "[AUTHENTICATIONFAILED]",
     "app password"},
    {"A003 NO [OVERQUOTA] Quota exceeded (Mailbox is full)", "IMAP", "[OVERQUOTA]", "Trash"},
    {"* NO [UNAVAILABLE] Temporary authentication failure", "IMAP", "[UNAVAILABLE]", "try again later"},
    {"* OK [ALERT] Please log in via your web browser: https://support.example.com/login", "IMAP", "[ALERT]",
     "web mail"},
    {"534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
     "SMTP login", "5.7.9 Application-specific password required", "App passwords"},
    {"535-5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials",
     "SMTP login", "Username and Password not accepted", "app password"},
    {"530 5.7.0 Must issue a STARTTLS command first.", "SMTP login", "Must issue a STARTTLS command first",
     "STARTTLS"},
    {"535 5.7.3 Authentication unsuccessful [AM0PR02CA0001.eurprd02.prod.outlook.com]", "SMTP login",
     "5.7.3 Authentication unsuccessful", "Re-enter your password"},
    {"534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and then "
     "try again.",
     "SMTP login", "Please log in via your web browser", "app password"},
    {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "SMTP login",
     "SmtpClientAuthentication is disabled", "Authenticated SMTP"},
    {"550 5.7.60 SMTP; Client does not have permissions to send as this sender", "SMTP login", "5.7.60",
     "Send As"},
    {"error:1408F10B:SSL routines:ssl3_get_record:wrong version number", "Connection", "wrong version number",
     "465"},
    {"Could not connect to SMTP host: smtp.example.com, port: 25; Connection timed out", "Connection", "port: 25",
     "587"},
};

TEST(ClientErrors, EachFamilyIsRecognisedWithItsFix) {
  for (const Case& c : kCases) {
    const TextExplanation e = explained(c.text);
    ASSERT_FALSE(e.client_errors.empty()) << c.text;
    const auto it = std::find_if(e.client_errors.begin(), e.client_errors.end(),
                                 [&c](const ClientError& error) { return error.family == c.family; });
    ASSERT_NE(it, e.client_errors.end()) << c.text;
    EXPECT_EQ(it->match, c.match) << c.text;
    EXPECT_TRUE(contains(it->fix, c.words_of_fix)) << c.text << "\n fix: " << it->fix;
    EXPECT_EQ(it->side, Side::kSender) << c.text;
    EXPECT_FALSE(it->title.empty());
    EXPECT_FALSE(it->cause.empty());
    EXPECT_EQ(e.side, Side::kSender) << c.text;
    EXPECT_FALSE(e.hard_bounce) << c.text;
    ASSERT_FALSE(e.advice.empty()) << c.text;
  }
}

TEST(ClientErrors, AProgramsOwnErrorLeadsTheExplanation) {
  const TextExplanation e = explained("Sending reported error (0x800CCC0E): 'Cannot connect to the server.'");
  ASSERT_EQ(e.client_errors.size(), 1U);
  EXPECT_TRUE(contains(e.summary, "0x800CCC0E")) << e.summary;
  EXPECT_EQ(e.advice.front(), e.client_errors.front().fix);
  EXPECT_EQ(e.reason, Reason::kUndefined);
}

// The program's own words name no delivery failure, even when they read like one ("timed out").
TEST(ClientErrors, AProgramsOwnWordsDecideNoReason) {
  const TextExplanation e = explained(
      "Sending reported error (0x8004210B): The operation timed out waiting for a response from the sending (SMTP) "
      "server.");
  ASSERT_EQ(e.client_errors.size(), 1U);
  EXPECT_EQ(e.reason, Reason::kUndefined);
  for (const std::string& line : e.advice) EXPECT_FALSE(contains(line, "after the @")) << line;
}

TEST(ClientErrors, AQuotedReplyKeepsItsOwnExplanation) {
  const TextExplanation e = explained(
      "Sending of the message failed. An error occurred while sending mail. The mail server responded: "
      "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown. Please check the message "
      "recipient and try again.");
  ASSERT_EQ(e.client_errors.size(), 1U);
  EXPECT_EQ(e.client_errors.front().family, "Thunderbird");
  EXPECT_EQ(e.reason, Reason::kUserUnknown);
  EXPECT_TRUE(e.hard_bounce);
  EXPECT_EQ(e.side, Side::kRecipient);
  EXPECT_TRUE(contains(e.summary, "bob@example.com")) << e.summary;
}

TEST(ClientErrors, BouncesAndServerRepliesAreNoClientErrors) {
  const std::string bounces[] = {
      "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
      "421 4.4.2 mx.example.com Error: timeout exceeded",
      "connect to mx.example.com[192.0.2.25]:25: Connection timed out",
      "552 5.2.2 The email account that you tried to reach is over quota.",
      "550 5.7.606 Access denied, banned sending IP [192.0.2.225].",
      "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using zen.spamhaus.org",
      "The following message to <jane@example.com> was undeliverable. The reason for the problem: 5.1.0 - "
      "Unknown address error 550-'Mailbox unavailable'",
  };
  for (const std::string& text : bounces) {
    const TextExplanation e = explained(text);
    EXPECT_TRUE(e.client_errors.empty()) << text << " taken for " << e.client_errors.front().title;
  }
}

TEST(ClientErrors, AtMostOnePerFamily) {
  const std::vector<ClientError> found = explain::find_client_errors(
      "-ERR [IN-USE] Mailbox locked; 0x800CCC90 Your incoming (POP3) e-mail server has reported an internal error");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].family, "Outlook");
  EXPECT_EQ(found[1].family, "POP3");
  EXPECT_EQ(found[1].match, "-ERR [IN-USE]") << "the specific line before the general -ERR";
}

}  // namespace
}  // namespace bounceback
