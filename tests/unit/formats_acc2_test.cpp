// Reasons and server words that bounce formats state themselves, decoded end to end through the
// public Decoder from short messages in each format's layout (own addresses and hosts).
#include <gtest/gtest.h>

#include <string>

#include "bounceback/decoder.h"

namespace bounceback {
namespace {

Record decode_one(const std::string& message) {
  const DecodeResult result = Decoder().decode(message, "test");
  EXPECT_EQ(result.records.size(), 1u);
  return result.records.empty() ? Record{} : result.records.front();
}

std::string dsn_report(const std::string& from, const std::string& notice, const std::string& fields) {
  return "From: " + from +
         "\nTo: ann@sender.example\nSubject: Delivery failure\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
         "--b1\nContent-Type: text/plain\n\n" +
         notice + "\n--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; out.sender.example\n\n" +
         fields + "\n--b1--\n";
}

std::string plain_notice(const std::string& from, const std::string& subject, const std::string& body) {
  return "From: " + from + "\nTo: ann@sender.example\nSubject: " + subject + "\n\n" + body;
}

TEST(PowerMtaCategory, NamesTheReason) {
  const Record r = decode_one(dsn_report("mailer-daemon@pmta.sender.example", "Hello, this is the mail server.\n",
                                         "Final-Recipient: rfc822;tom@mail.example.net\nAction: failed\n"
                                         "Status: 5.0.0\nDiagnostic-Code: smtp;554 delivery error: dd not an account\n"
                                         "X-PowerMTA-BounceCategory: bad-mailbox\n"));
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
}

TEST(GmailHeading, OnlyTheSpecificHeadingNamesAMissingAddress) {
  const std::string specific = plain_notice(
      "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)",
      "** Address not found **\n\nYour message wasn't delivered to tom@mail.example.net because the address "
      "couldn't be found. Check for typos or unnecessary spaces and try again.\n\n"
      "The response from the remote server was:\n550 no mailbox here by that name\n");
  EXPECT_EQ(decode_one(specific).reason, Reason::kUserUnknown);
  const std::string broad = plain_notice(
      "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)",
      "** Address not found **\n\nYour message wasn't delivered to tom@mail.example.net because the address "
      "couldn't be found, or is unable to receive mail.\n\n"
      "The response from the remote server was:\n550 5.7.1 Message refused\n");
  EXPECT_NE(decode_one(broad).reason, Reason::kUserUnknown);
}

TEST(GmailState, ARefusalInTheDataStateIsTheRecipientsFilter) {
  const Record r = decode_one(plain_notice(
      "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)",
      "Delivery to the following recipient failed permanently:\n\n     tom@mail.example.net\n\n"
      "Technical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by "
      "the recipient domain. The error that the other server returned was: 554 554 5.7.0 Bad header (state 18).\n"));
  EXPECT_EQ(r.reason, Reason::kFiltered);
  EXPECT_EQ(r.command.value_or(""), "DATA");
}

TEST(InterScan, ItsOwnSentenceNamesAMissingAddress) {
  const Record r = decode_one(plain_notice(
      "InterScan MSS <postmaster@gw.sender.example>", "Mail could not be delivered",
      "The following mail could not be delivered.\n"
      "Reason:  Unable to deliver message to <tom@mail.example.net> (and other recipients in the same domain).\n"));
  EXPECT_EQ(r.recipient.value_or(""), "tom@mail.example.net");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(VerizonGateway, ItsErrorHeadlineNamesAMissingSubscriber) {
  const Record r = decode_one(plain_notice(
      "sysadmin@mms.vzwpix.com", "Returned mail: see transcript for details",
      "Message could not be delivered to mobile.\nError: No valid recipients for this MM\n\n\n"
      "Original Message:\nFrom: Ann <ann@sender.example>\nTo: 5550100@vzwpix.com\nSubject: hello\n"));
  EXPECT_EQ(r.recipient.value_or(""), "5550100@vzwpix.com");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(MessageLabs, ItsAddressCheckNamesAMissingAddress) {
  const std::string notice =
      "This is the mail delivery agent at messagelabs.com.\n\nI was unable to deliver your message to the "
      "following addresses:\n\ntom@mail.example.net\n\nReason: 542 tom@mail.example.net Rejected\n";
  const Record r = decode_one(dsn_report("MAILER-DAEMON@messagelabs.com", notice,
                                         "Action: failed\nFinal-Recipient: rfc822; tom@mail.example.net\n"
                                         "Diagnostic-Code: smtp; 542 tom@mail.example.net Rejected\nStatus: 5.0.0\n"));
  EXPECT_EQ(r.decoder, "messagelabs");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(MessageLabs, OtherRefusalsKeepTheirWords) {
  const std::string notice = "This is the mail delivery agent at messagelabs.com.\n";
  const Record r = decode_one(dsn_report("MAILER-DAEMON@messagelabs.com", notice,
                                         "Action: failed\nFinal-Recipient: rfc822; tom@mail.example.net\n"
                                         "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\nStatus: 5.2.2\n"));
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
}

TEST(AmazonSes, ItsSummaryStatusStandsWhenTheQuotedReplyHasNone) {
  const Record r = decode_one(dsn_report(
      "MAILER-DAEMON@amazonses.com", "The following message to <tom@mail.example.net> was undeliverable.\n",
      "Final-Recipient: rfc822;tom@mail.example.net\nAction: failed\nStatus: 5.0.0 (permanent failure)\n"
      "Diagnostic-Code: smtp; 5.3.0 - Other mail system problem 550-'Mailbox unavailable' (delivery attempts: 0)\n"));
  EXPECT_EQ(r.status.value_or(""), "5.3.0");
  EXPECT_EQ(r.reply_code.value_or(0), 550);
}

TEST(AmazonSes, AnExpiryReportsTheLastReply) {
  const Record r = decode_one(dsn_report(
      "MAILER-DAEMON@amazonses.com", "The following message to <tom@mail.example.net> was undeliverable.\n",
      "Final-Recipient: rfc822;tom@mail.example.net\nAction: failed\nStatus: 5.0.0 (permanent failure)\n"
      "Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 600 minutes.<421 4.4.2 Timed out>\n"));
  EXPECT_EQ(r.status.value_or(""), "4.4.2");
  EXPECT_EQ(r.reply_code.value_or(0), 421);
  EXPECT_EQ(r.reason, Reason::kExpired);
}

TEST(FoldedWords, AnAddressLineKeepsItsIndentedContinuation) {
  const Record r = decode_one(plain_notice(
      "MAILER-DAEMON@out.sender.example (Mail Delivery System)", "Undelivered Mail Returned to Sender",
      "This is the mail system at host out.sender.example.\n\nI'm sorry to have to inform you that your message "
      "could not\nbe delivered to one or more recipients.\n\n"
      "<tom@mail.example.net>: Name service error for domain mail.example.net: Host not\n    found, try again\n"));
  EXPECT_EQ(r.diagnostic.value_or(""),
            "Name service error for domain mail.example.net: Host not found, try again");
}

TEST(RemoteHost, AContinuationMarkerIsNotPartOfTheName) {
  const Record r = decode_one(dsn_report(
      "MAILER-DAEMON@relay.sender.example", "Your message could not be delivered.\n",
      "Final-Recipient: rfc822; tom@mail.example.net\nAction: failed\nStatus: 5.7.1\n"
      "Diagnostic-Code: smtp; 550-Relaying needs authentication.\n"
      " 550-gw.sender.example [192.0.2.7]:2525 is not permitted to\n 550 relay through this server.\n"));
  EXPECT_NE(r.remote_mta.value_or("").substr(0, 4), "550-");
}

TEST(PostfixLostReport, ABounceMarkedAutoRepliedIsStillABounce) {
  const std::string message =
      "From: MAILER-DAEMON@out.sender.example (Mail Delivery System)\nTo: ann@sender.example\n"
      "Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b2\"\n\n"
      "--b2\nContent-Type: text/plain\n\nThis is the mail system at host out.sender.example.\n\n"
      "\t--- Delivery report unavailable ---\n\n"
      "--b2\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; out.sender.example\n"
      "X-Postfix-Queue-ID: 4AB12C\n\n"
      "--b2\nContent-Type: message/rfc822\n\nFrom: ann@sender.example\nTo: tom@mail.example.net\n"
      "Subject: hello\n\nhi\n--b2--\n";
  const Record r = decode_one(message);
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient.value_or(""), "tom@mail.example.net");
  EXPECT_EQ(r.reason, Reason::kUndefined);
}

TEST(PostfixNotice, AFoldedCommandIsRead) {
  const std::string notice =
      "This is the mail system at host out.sender.example.\n\n"
      "<tom@mail.example.net>: host mx.mail.example.net[192.0.2.5] said: 550\n"
      "    <tom@mail.example.net>: Recipient address rejected. (in reply to RCPT\n    TO command)\n";
  const Record r = decode_one(dsn_report("MAILER-DAEMON@out.sender.example", notice,
                                         "Final-Recipient: rfc822; tom@mail.example.net\nAction: failed\n"
                                         "Status: 5.0.0\nDiagnostic-Code: smtp; 550 <tom@mail.example.net>: "
                                         "Recipient address rejected.\n"));
  EXPECT_EQ(r.command.value_or(""), "RCPT");
}

TEST(PostfixSmtpd, TheFailedReplyOfTheSessionIsTheDiagnostic) {
  const Record r = decode_one(plain_notice(
      "MAILER-DAEMON@mx.sender.example (Mail Delivery System)", "Postfix SMTP server: errors from gw[192.0.2.9]",
      "Transcript of session follows.\n\n Out: 220 mx.sender.example ESMTP\n In:  EHLO gw.example\n"
      " Out: 250 mx.sender.example\n In:  MAIL FROM:<ann@sender.example>\n Out: 250 2.1.0 Ok\n"
      " In:  RCPT TO:<tom@mail.example.net>\n Out: 250 2.1.5 Ok\n In:  DATA\n"
      " Out: 354 End data with <CR><LF>.<CR><LF>\n Out: 452 4.3.1 Insufficient system storage\n"
      " In:  QUIT\n Out: 221 2.0.0 Bye\n"));
  EXPECT_EQ(r.decoder, "postfix");
  EXPECT_EQ(r.reply_code.value_or(0), 452);
  EXPECT_EQ(r.command.value_or(""), "DATA");
  EXPECT_EQ(r.diagnostic.value_or(""), "452 4.3.1 Insufficient system storage");
}

TEST(SendmailTranscript, TheLocalMailersComplaintIsKept) {
  const std::string notice =
      "The original message was received at Mon, 3 Mar 2003 10:00:00 +0100\n\n"
      "   ----- The following addresses had permanent fatal errors -----\n<tom@mail.example.net>\n\n"
      "   ----- Transcript of session follows -----\nmail.local: unknown user: tom\n"
      "554 <tom@mail.example.net>... Service unavailable\n";
  const Record r = decode_one(dsn_report("MAILER-DAEMON@mail.example.net", notice,
                                         "Final-Recipient: RFC822; <tom@mail.example.net>\nAction: failed\n"
                                         "Status: 5.5.0\n"));
  EXPECT_EQ(r.diagnostic.value_or(""),
            "554 <tom@mail.example.net>... Service unavailable (mail.local: unknown user: tom)");
  EXPECT_EQ(r.reply_code.value_or(0), 554);
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

TEST(SmailNotice, TheFailedAddressLineCarriesTheWords) {
  const Record r = decode_one(plain_notice(
      "<MAILER-DAEMON@relay.sender.example>", "mail failed, returning to sender",
      "|------------------------- Message log follows: -------------------------|\n"
      " no valid recipients were found for this message\n"
      "|------------------------- Failed addresses follow: ---------------------|\n"
      " tom@nowhere.example.net ... unknown host\n"
      "|------------------------- Message text follows: ------------------------|\n"
      "From: ann@sender.example\nTo: tom@nowhere.example.net\nSubject: hi\n\nhello\n"));
  EXPECT_EQ(r.recipient.value_or(""), "tom@nowhere.example.net");
  EXPECT_EQ(r.diagnostic.value_or(""), "unknown host");
  EXPECT_EQ(r.reason, Reason::kHostUnknown);
}

TEST(ProseNotice, ItsFirstParagraphIsTheDiagnostic) {
  const Record r = decode_one(plain_notice("MAILER-DAEMON@relay.sender.example", "Returned mail: hello",
                                           "User's mailbox is full: <tom@mail.example.net>\n"
                                           "Unable to deliver mail.\n"));
  EXPECT_EQ(r.recipient.value_or(""), "tom@mail.example.net");
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
}

TEST(SendmailTranscript, AReplyCutToItsFirstLineIsReadWhole) {
  const std::string notice =
      "   ----- Transcript of session follows -----\n... while talking to mx.mail.example.net.:\n>>> DATA\n"
      "<<< 550-5.7.1 Unauthenticated email from sender.example is not accepted due to domain's\n"
      "<<< 550 5.7.1 DMARC policy.\n554 5.0.0 Service unavailable\n";
  const Record r = decode_one(dsn_report(
      "MAILER-DAEMON@relay.sender.example", notice,
      "Final-Recipient: RFC822; tom@mail.example.net\nAction: failed\nStatus: 5.7.1\n"
      "Diagnostic-Code: SMTP; 550-5.7.1 Unauthenticated email from sender.example is not accepted due to domain's\n"));
  EXPECT_NE(r.diagnostic.value_or("").find("DMARC policy"), std::string::npos);
  EXPECT_EQ(r.command.value_or(""), "DATA");
}

}  // namespace
}  // namespace bounceback
