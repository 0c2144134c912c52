// MTA log reading: syslog frames and dates, fields, the four MTAs, queue joins, gzip, limits.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "logs/fields.h"
#include "logs/line_reader.h"
#include "logs/log_line.h"
#include "logs/log_scanner.h"
#include "logs/log_summary.h"
#include "logs/log_time.h"

namespace bounceback::logs {
namespace {

const std::string kFixtures = std::string(BOUNCEBACK_FIXTURES) + "/logs/";

// Syslog dates are local time: the tests read them in UTC.
class LogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

std::time_t utc(int year, int month, int day) {
  std::tm t{};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  return timegm(&t);
}

struct Scan {
  std::vector<Record> records;
  ScanStats stats;
};

Scan scan_file(const std::string& name, ScanOptions options = {}) {
  Scan out;
  Result<LineReader> reader = LineReader::open(kFixtures + name);
  EXPECT_TRUE(reader.ok()) << name;
  if (!reader.ok()) return out;
  LogScanner scanner(options);
  std::string error;
  EXPECT_TRUE(scanner.scan(reader.value(), name, [&](const Record& r) { out.records.push_back(r); }, error));
  out.stats = scanner.stats();
  return out;
}

Scan scan_text(const std::vector<std::string>& lines, ScanOptions options = {}) {
  Scan out;
  LogScanner scanner(options);
  uint64_t number = 0;
  for (const std::string& line : lines) {
    scanner.scan_line(line, "test.log", ++number, utc(2026, 6, 1), [&](const Record& r) { out.records.push_back(r); });
  }
  out.stats = scanner.stats();
  return out;
}

const Record* find(const Scan& scan, std::string_view source) {
  for (const Record& r : scan.records) {
    if (r.source == source) return &r;
  }
  return nullptr;
}

// ---- dates ----

TEST_F(LogsTest, SyslogDateTakesTheReferenceYear) {
  std::string_view text = "Mar  9 23:59:01 mail1 postfix/local[1]: x";
  const auto time = parse_syslog_time(text);
  ASSERT_TRUE(time);
  EXPECT_EQ(text, " mail1 postfix/local[1]: x");
  EXPECT_EQ(to_rfc3339(*time, utc(2026, 11, 29)), "2026-03-09T23:59:01Z");
}

TEST_F(LogsTest, DecemberLinesInAJanuaryLogAreFromTheYearBefore) {
  std::string_view text = "Dec 31 23:59:59 host";
  const auto time = parse_syslog_time(text);
  ASSERT_TRUE(time);
  EXPECT_EQ(to_rfc3339(*time, utc(2026, 1, 2)), "2025-12-31T23:59:59Z");
}

TEST_F(LogsTest, IsoDatesKeepTheirYearAndZone) {
  std::string_view rsyslog = "2026-03-10T09:12:44.123456+01:00 mail1";
  auto time = parse_iso_time(rsyslog);
  ASSERT_TRUE(time);
  EXPECT_EQ(to_rfc3339(*time, 0), "2026-03-10T08:12:44Z");
  std::string_view exim = "2026-03-10 09:12:44 -0230 1w2x3y-000AbC-7Z";
  time = parse_iso_time(exim);
  ASSERT_TRUE(time);
  EXPECT_EQ(exim, " 1w2x3y-000AbC-7Z");
  EXPECT_EQ(to_rfc3339(*time, 0), "2026-03-10T11:42:44Z");
}

TEST_F(LogsTest, ImplausibleDatesAreNoDates) {
  std::string_view text = "Foo 10 09:12:44 x";
  EXPECT_FALSE(parse_syslog_time(text));
  text = "2026-13-10 09:12:44";
  EXPECT_FALSE(parse_iso_time(text));
  text = "Mar 10 25:12:44";
  EXPECT_FALSE(parse_syslog_time(text));
  text = "Ma";
  EXPECT_FALSE(parse_syslog_time(text));
}

// ---- fields ----

TEST(LogFields, KeysCountOnlyAtAFieldStart) {
  const std::string_view fields = "to=<a@example.com>, orig_to=<b@example.com>, relay=none, dsn=5.1.1, ";
  EXPECT_EQ(find_field(fields, "to", FieldEnd::kComma).value, "a@example.com");
  EXPECT_EQ(find_field(fields, "orig_to", FieldEnd::kComma).value, "b@example.com");
  EXPECT_EQ(find_field(fields, "dsn", FieldEnd::kComma).value, "5.1.1");
  EXPECT_FALSE(find_field(fields, "o", FieldEnd::kComma).found);
  const Field null_sender = find_field("from=<>, size=1", "from", FieldEnd::kComma);
  EXPECT_TRUE(null_sender.found);
  EXPECT_TRUE(null_sender.value.empty());
}

TEST(LogFields, QuotedValuesAndSendmailLists) {
  const std::string_view smtpd =
      R"x(to=<a@example.com> relay="mx.example.com (192.0.2.1)" result=Ok stat="250 2.0.0 Ok")x";
  EXPECT_EQ(find_field(smtpd, "relay", FieldEnd::kSpace).value, "mx.example.com (192.0.2.1)");
  EXPECT_EQ(find_field(smtpd, "result", FieldEnd::kSpace).value, "Ok");
  EXPECT_EQ(find_field(smtpd, "stat", FieldEnd::kSpace).value, "250 2.0.0 Ok");
  EXPECT_EQ(find_field("to=<a@x.example>,<b@y.example>, delay=1", "to", FieldEnd::kComma).value,
            "a@x.example>,<b@y.example");
  EXPECT_EQ(find_field("relay=\"unterminated", "relay", FieldEnd::kSpace).value, "unterminated");
  EXPECT_EQ(find_field("to=<unterminated", "to", FieldEnd::kSpace).value, "unterminated");
}

TEST(LogFields, RelaysOfEveryMta) {
  Relay r = parse_relay("mx.example.com[192.0.2.1]:25");
  EXPECT_EQ(r.host, "mx.example.com");
  EXPECT_EQ(r.ip, "192.0.2.1");
  r = parse_relay("mx.example.net. [IPv6:2001:db8::25]");
  EXPECT_EQ(r.host, "mx.example.net");
  EXPECT_EQ(r.ip, "2001:db8::25");
  r = parse_relay("mx.example.org (2001:db8::80)");
  EXPECT_EQ(r.host, "mx.example.org");
  EXPECT_EQ(r.ip, "2001:db8::80");
  r = parse_relay("mail1.example.com[private/dovecot-lmtp]");
  EXPECT_EQ(r.host, "mail1.example.com");
  EXPECT_EQ(r.ip, "");
  r = parse_relay("192.0.2.7");
  EXPECT_EQ(r.ip, "192.0.2.7");
  r = parse_relay("[");
  EXPECT_EQ(r.ip, "");
}

TEST(LogFields, CommandsNamedInDiagnostics) {
  EXPECT_EQ(command_in("550 5.1.1 User unknown (in reply to RCPT TO command)"), "RCPT");
  EXPECT_EQ(command_in("552 too big (in reply to end of DATA command)"), "DATA");
  EXPECT_EQ(command_in("SMTP error from remote mail server after MAIL FROM:<s@example.com> SIZE=10: 550"), "MAIL");
  EXPECT_EQ(command_in("Connection timed out"), "");
}

// ---- the four MTAs, from the fixtures ----

TEST_F(LogsTest, PostfixJoinsQueueLinesAndBounces) {
  const Scan scan = scan_file("postfix.log");
  EXPECT_EQ(scan.stats.lines, 21u);
  EXPECT_EQ(scan.stats.records, 9u);
  EXPECT_EQ(scan.stats.unrecognised, 2u);  // a kernel line and plain text
  EXPECT_EQ(scan.stats.skipped, 3u);       // connect from, client=, the bounce notice
  EXPECT_EQ(scan.stats.malformed, 2u);     // no recipient; an unknown status
  ASSERT_EQ(scan.stats.malformed_examples.size(), 2u);
  EXPECT_NE(scan.stats.malformed_examples[0].find("postfix.log:18: "), std::string::npos);

  const Record* jane = find(scan, "postfix.log:5");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->kind, Kind::kBounce);
  EXPECT_EQ(jane->recipient, "jane.doe@example.com");  // domain lower-cased
  EXPECT_EQ(jane->sender, "news@shop.example");        // from qmgr
  EXPECT_EQ(jane->original_message_id, "<spring-2026-0042@shop.example>");  // from cleanup
  EXPECT_EQ(jane->status, "5.1.1");
  EXPECT_EQ(jane->reply_code, 550);
  EXPECT_EQ(jane->command, "RCPT");
  EXPECT_EQ(jane->reason, Reason::kUserUnknown);
  EXPECT_TRUE(jane->hard_bounce);
  EXPECT_EQ(jane->remote_mta, "mx.example.com");
  EXPECT_EQ(jane->remote_ip, "192.0.2.1");
  EXPECT_EQ(jane->reporting_mta, "mail1");
  EXPECT_EQ(jane->decoder, "postfix-log");
  EXPECT_FALSE(jane->summary.empty());
  EXPECT_FALSE(jane->advice.empty());

  EXPECT_EQ(find(scan, "postfix.log:6"), nullptr) << "sent is left out by default";
  const Record* greylisted = find(scan, "postfix.log:7");
  ASSERT_NE(greylisted, nullptr);
  EXPECT_EQ(greylisted->kind, Kind::kDelay);

  const Record* local = find(scan, "postfix.log:9");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->original_recipient, "postmaster@shop.example");
  EXPECT_EQ(local->reason, Reason::kMailboxFull);
  EXPECT_FALSE(local->remote_mta.has_value()) << "relay=local is no host";

  const Record* spaced = find(scan, "postfix.log:10");
  ASSERT_NE(spaced, nullptr) << "odd spacing";
  EXPECT_EQ(spaced->recipient, "carol@shop.example");
  EXPECT_EQ(spaced->command, "DATA");
  EXPECT_FALSE(spaced->remote_ip.has_value()) << "a socket is no IP";

  const Record* expired = find(scan, "postfix.log:13");
  ASSERT_NE(expired, nullptr) << "qmgr's status=expired bounces the deferred recipient";
  EXPECT_EQ(expired->kind, Kind::kBounce);
  EXPECT_EQ(expired->recipient, "dave@gone.example");
  EXPECT_EQ(expired->reason, Reason::kExpired);
  EXPECT_EQ(expired->sender, "alerts@shop.example");
  EXPECT_EQ(expired->timestamp, "2026-03-15T09:14:02Z");

  const Record* pipe = find(scan, "postfix.log:16");
  ASSERT_NE(pipe, nullptr);
  EXPECT_FALSE(pipe->remote_mta.has_value()) << "relay=mailman is a transport";
}

TEST_F(LogsTest, PostfixDeliveredRecordsOnRequest) {
  ScanOptions options;
  options.include_delivered = true;
  const Scan scan = scan_file("postfix.log", options);
  EXPECT_EQ(scan.stats.records, 10u);
  const Record* sent = find(scan, "postfix.log:6");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->kind, Kind::kDelivered);
  EXPECT_EQ(sent->remote_ip, "2001:db8::25");
}

// relay=none: the host Postfix could not reach is in its words.
TEST_F(LogsTest, PostfixNamesTheHostItCouldNotReach) {
  const Scan scan = scan_text(
      {"Mar 10 09:00:02 h postfix/smtp[2]: AAAAA11111: to=<x@example.org>, relay=none, delay=30, dsn=4.4.1, "
       "status=deferred (connect to mx1.example.org[192.0.2.200]:25: Connection timed out)",
       "Mar 10 09:00:03 h postfix/smtp[2]: BBBBB22222: to=<y@example.org>, relay=none, delay=1, dsn=5.4.4, "
       "status=bounced (Host or domain name not found. Name service error for name=example.org type=A)"});
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_EQ(scan.records[0].remote_mta, "mx1.example.org");
  EXPECT_EQ(scan.records[0].remote_ip, "192.0.2.200");
  EXPECT_FALSE(scan.records[1].remote_mta.has_value());
  EXPECT_FALSE(scan.records[1].remote_ip.has_value());
}

TEST_F(LogsTest, EximMainLog) {
  ScanOptions options;
  options.include_delivered = true;
  const Scan scan = scan_file("exim_mainlog", options);
  EXPECT_EQ(scan.stats.malformed, 1u);
  EXPECT_EQ(scan.stats.unrecognised, 1u);  // "Start queue run"

  const Record* jane = find(scan, "exim_mainlog:2");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->decoder, "exim-log");
  EXPECT_EQ(jane->reason, Reason::kUserUnknown);
  EXPECT_EQ(jane->command, "RCPT");
  EXPECT_EQ(jane->remote_mta, "mx.example.com");
  EXPECT_EQ(jane->remote_ip, "192.0.2.1");
  EXPECT_EQ(jane->sender, "news@shop.example");
  EXPECT_EQ(jane->original_message_id, "<spring-2026-0042@shop.example>");
  EXPECT_EQ(jane->timestamp, "2026-03-10T09:12:44Z");

  const Record* alias = find(scan, "exim_mainlog:4");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->kind, Kind::kDelivered);
  EXPECT_EQ(alias->original_recipient, "tom@example.net");
  EXPECT_EQ(alias->remote_ip, "2001:db8::25");

  const Record* deferred = find(scan, "exim_mainlog:5");
  ASSERT_NE(deferred, nullptr);
  EXPECT_EQ(deferred->kind, Kind::kDelay);
  EXPECT_EQ(deferred->reason, Reason::kMailboxFull);

  const Record* expired = find(scan, "exim_mainlog:8");
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->reason, Reason::kExpired);
  EXPECT_EQ(expired->timestamp, "2026-03-10T08:13:01Z") << "log_timezone +0100 and a pid";
  EXPECT_FALSE(expired->sender.has_value()) << "the null sender <>";

  const Record* spam = find(scan, "exim_mainlog:9");
  ASSERT_NE(spam, nullptr) << "a 4.97 message id, odd spacing";
  EXPECT_EQ(spam->recipient, "sales@example.org");
  EXPECT_EQ(spam->original_recipient, "info@example.org");
  EXPECT_EQ(spam->command, "DATA");
  EXPECT_EQ(spam->reason, Reason::kSpamDetected);
}

TEST_F(LogsTest, Sendmail) {
  ScanOptions options;
  options.include_delivered = true;
  const Scan scan = scan_file("sendmail.log", options);
  EXPECT_EQ(scan.stats.records, 4u);
  EXPECT_EQ(scan.stats.malformed, 1u);
  const Record* jane = find(scan, "sendmail.log:2");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->decoder, "sendmail-log");
  EXPECT_EQ(jane->reason, Reason::kUserUnknown);
  EXPECT_EQ(jane->remote_mta, "mx.example.com");
  EXPECT_EQ(jane->sender, "news@shop.example");
  EXPECT_EQ(jane->original_message_id, "<spring-2026-0042@shop.example>");
  int deferred = 0;
  for (const Record& r : scan.records) {
    if (r.source != "sendmail.log:3") continue;
    ++deferred;
    EXPECT_EQ(r.kind, Kind::kDelay);
    EXPECT_EQ(r.remote_ip, "2001:db8::25");
  }
  EXPECT_EQ(deferred, 2) << "one record per address of the to= list";
  const Record* sent = find(scan, "sendmail.log:4");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->kind, Kind::kDelivered);
}

TEST_F(LogsTest, OpenSmtpd) {
  const Scan scan = scan_file("opensmtpd.log");
  EXPECT_EQ(scan.stats.records, 2u);
  EXPECT_EQ(scan.stats.malformed, 1u);
  const Record* jane = find(scan, "opensmtpd.log:2");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->decoder, "opensmtpd-log");
  EXPECT_EQ(jane->reason, Reason::kUserUnknown);
  EXPECT_EQ(jane->sender, "news@shop.example");
  EXPECT_EQ(jane->remote_mta, "mx.example.com");
  const Record* temp = find(scan, "opensmtpd.log:3");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(temp->kind, Kind::kDelay);
  EXPECT_EQ(temp->original_recipient, "info@example.net");
  EXPECT_EQ(temp->remote_ip, "2001:db8::25");
}

TEST_F(LogsTest, EximThroughSyslogAndRsyslogDates) {
  const Scan scan = scan_text({
      "Mar 10 09:12:44 mx2 exim[4242]: 1w2x3y-000AbC-7Z ** jane@example.com R=dnslookup T=remote_smtp "
      "H=mx.example.com [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<jane@example.com>: "
      "550 5.1.1 User unknown",
      "2026-03-10T09:12:44.123456+01:00 mail1 postfix/smtp[2]: AAAAA11111: to=<x@example.org>, "
      "relay=mx.example.org[192.0.2.80]:25, dsn=5.7.1, status=bounced (host mx.example.org[192.0.2.80] said: "
      "554 5.7.1 Service unavailable; client host [198.51.100.7] blocked using zen.spamhaus.org "
      "(in reply to RCPT TO command))",
  });
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_EQ(scan.records[0].decoder, "exim-log");
  EXPECT_EQ(scan.records[0].reporting_mta, "mx2");
  EXPECT_EQ(scan.records[0].reason, Reason::kUserUnknown);
  EXPECT_EQ(scan.records[0].timestamp, "2026-03-10T09:12:44Z");
  EXPECT_EQ(scan.records[1].timestamp, "2026-03-10T08:12:44Z");
  EXPECT_EQ(scan.records[1].reason, Reason::kBlocked);
  ASSERT_TRUE(scan.records[1].blocklist.has_value());
  EXPECT_EQ(scan.records[1].blocklist->zone, "zen.spamhaus.org");
}

TEST_F(LogsTest, EximThroughSyslogKeepsItsOwnDate) {
  const Scan scan = scan_file("exim_syslog.log");
  EXPECT_EQ(scan.stats.records, 4u);
  EXPECT_EQ(scan.stats.skipped, 2u) << "retry time not reached; a frozen message";
  EXPECT_EQ(scan.stats.unrecognised, 1u) << "Start queue run, as in the main log";
  EXPECT_EQ(scan.stats.malformed, 0u);
  const Record* dated = find(scan, "exim_syslog.log:2");
  ASSERT_NE(dated, nullptr) << "syslog_timestamp's date before the message id";
  EXPECT_EQ(dated->recipient, "rcpt-d@example.org");
  EXPECT_EQ(dated->reason, Reason::kUserUnknown);
  EXPECT_EQ(dated->sender, "dora@example.com") << "the <= line, dated too, opened the message";
  EXPECT_EQ(dated->original_message_id, "<from-mxd@example.com>");
  for (const std::string_view source : {"exim_syslog.log:3", "exim_syslog.log:4", "exim_syslog.log:5"}) {
    const Record* record = find(scan, source);
    ASSERT_NE(record, nullptr) << source << ": a date with a zone, a [pid], no date";
    EXPECT_EQ(record->kind, Kind::kBounce) << source;
  }
  EXPECT_EQ(find(scan, "exim_syslog.log:3")->timestamp, "2026-11-29T21:50:02Z") << "Exim's zone is exact";
  EXPECT_EQ(find(scan, "exim_syslog.log:7"), nullptr) << "no delivery was tried";
}

TEST_F(LogsTest, EximRetryTimeNotReachedIsNoDelay) {
  const Scan scan = scan_text({
      "2026-11-29 22:36:01 1vQxYz-000AbC-1D == ex-defer@example.net R=dnslookup T=remote_smtp defer (-53): "
      "retry time not reached for any host for 'example.net'",
      "2026-11-29 22:36:02 1vQxYz-000AbC-1E == local@example.net R=localuser T=local_delivery defer (-52): "
      "retry time not reached",
      "2026-11-29 22:36:03 1vQxYz-000AbC-1F == slow@example.org R=dnslookup T=remote_smtp defer (110): "
      "Connection timed out",
  });
  EXPECT_EQ(scan.stats.skipped, 2u);
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_EQ(scan.records[0].recipient, "slow@example.org") << "a delivery that was tried stays a delay";
}

TEST_F(LogsTest, Rfc5424Lines) {
  const Scan scan = scan_file("rfc5424.log");
  EXPECT_EQ(scan.stats.records, 4u);
  EXPECT_EQ(scan.stats.unrecognised, 2u) << "systemd; structured data never closed";
  const Record* frank = find(scan, "rfc5424.log:2");
  ASSERT_NE(frank, nullptr);
  EXPECT_EQ(frank->recipient, "frank@example.com");
  EXPECT_EQ(frank->reason, Reason::kAuthFailure);
  EXPECT_EQ(frank->reporting_mta, "mx1");
  EXPECT_EQ(frank->sender, "news@example.com") << "joined with the qmgr line under the same host";
  EXPECT_EQ(frank->timestamp, "2026-11-29T22:31:00Z");
  const Record* gina = find(scan, "rfc5424.log:3");
  ASSERT_NE(gina, nullptr) << "structured data with escaped quotes and brackets";
  EXPECT_EQ(gina->reason, Reason::kUserUnknown);
  EXPECT_EQ(gina->remote_ip, "203.0.113.30");
  const Record* hank = find(scan, "rfc5424.log:4");
  ASSERT_NE(hank, nullptr) << "no host, no PROCID";
  EXPECT_EQ(hank->decoder, "sendmail-log");
  EXPECT_FALSE(hank->reporting_mta.has_value());
  const Record* ivan = find(scan, "rfc5424.log:6");
  ASSERT_NE(ivan, nullptr) << "a BSD syslog line with its priority kept";
  EXPECT_EQ(ivan->kind, Kind::kDelay);
}

TEST_F(LogsTest, Rfc5424PrefixesNeverReadPastTheLine) {
  const std::string line =
      "<22>1 2026-11-29T22:32:00Z mx1 postfix/smtp 2108 - [a b=\"x\\\"\\]\"][c] 5Ag9Rl0Aa0a0: to=<g@example.net>, "
      "dsn=5.1.1, status=bounced (x)";
  std::vector<std::string> prefixes;
  for (size_t size = 0; size <= line.size(); ++size) prefixes.push_back(line.substr(0, size));
  const Scan scan = scan_text(prefixes);
  EXPECT_EQ(scan.stats.lines, line.size() + 1);
  ASSERT_FALSE(scan.records.empty()) << "the whole line";
  for (const Record& record : scan.records) EXPECT_EQ(record.recipient, "g@example.net") << record.source;
}

TEST_F(LogsTest, PostfixExpiryOfAMessageFirstSeenDeferred) {
  const Scan scan = scan_file("postfix_midqueue.log");
  const Record* expired = find(scan, "postfix_midqueue.log:4");
  ASSERT_NE(expired, nullptr) << "no qmgr from= line before the deferral";
  EXPECT_EQ(expired->kind, Kind::kBounce);
  EXPECT_EQ(expired->recipient, "grace@example.org");
  EXPECT_EQ(expired->sender, "news@example.com");
  EXPECT_EQ(scan.stats.unrecognised, 1u) << "the rest of a split reply";
  EXPECT_EQ(scan.stats.skipped, 1u) << "connect from";
  EXPECT_EQ(scan.stats.records, 3u);
}

TEST_F(LogsTest, PostfixExpiryWithoutItsDeferralsIsSkipped) {
  const Scan scan = scan_text({
      "Nov 29 22:40:07 mx2 postfix/qmgr[2999]: 5B2C3D4E5F: from=<news@example.com>, status=expired, returned to sender",
  });
  EXPECT_TRUE(scan.records.empty());
  EXPECT_EQ(scan.stats.skipped, 1u) << "counted, not lost";
}

TEST_F(LogsTest, SendmailLocalRecipientsAreNamedAsWritten) {
  const Scan scan = scan_file("sendmail_local.log");
  const Record* local = find(scan, "sendmail_local.log:2");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->recipient, "localuser");
  EXPECT_NE(local->summary.find("localuser"), std::string::npos) << local->summary;
  EXPECT_EQ(local->reason, Reason::kUserUnknown);
  EXPECT_EQ(local->sender, "app@example.com");
  const Record* root = find(scan, "sendmail_local.log:3");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->recipient, "root");
  const Record* pipe = find(scan, "sendmail_local.log:4");
  ASSERT_NE(pipe, nullptr);
  EXPECT_FALSE(pipe->recipient.has_value()) << "a program is no mailbox";
}

// ---- joins, limits and hostile lines ----

TEST_F(LogsTest, OpenMessagesAreBounded) {
  const std::vector<std::string> lines = {
      "Mar 10 09:00:00 h postfix/qmgr[1]: AAAAA11111: from=<first@example.com>, size=1, nrcpt=1 (queue active)",
      "Mar 10 09:00:01 h postfix/qmgr[1]: BBBBB22222: from=<second@example.com>, size=1, nrcpt=1 (queue active)",
      "Mar 10 09:00:02 h postfix/smtp[2]: AAAAA11111: to=<x@example.org>, relay=none, dsn=5.4.4, "
      "status=bounced (Host not found)",
      "Mar 10 09:00:03 h postfix/smtp[2]: BBBBB22222: to=<y@example.org>, relay=none, dsn=5.4.4, "
      "status=bounced (Host not found)",
  };
  ScanOptions options;
  options.max_open_messages = 1;
  const Scan scan = scan_text(lines, options);
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_FALSE(scan.records[0].sender.has_value()) << "evicted by the newer message";
  EXPECT_EQ(scan.records[1].sender, "second@example.com");
}

TEST_F(LogsTest, RemovedMessagesAreForgotten) {
  const Scan scan = scan_text({
      "Mar 10 09:00:00 h postfix/qmgr[1]: AAAAA11111: from=<first@example.com>, size=1, nrcpt=1 (queue active)",
      "Mar 10 09:00:01 h postfix/qmgr[1]: AAAAA11111: removed",
      "Mar 10 09:00:02 h postfix/smtp[2]: AAAAA11111: to=<x@example.org>, relay=none, dsn=5.4.4, status=bounced (x)",
  });
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_FALSE(scan.records[0].sender.has_value());
}

TEST_F(LogsTest, QueueIdsOfDifferentHostsDoNotMix) {
  const Scan scan = scan_text({
      "Mar 10 09:00:00 a postfix/qmgr[1]: AAAAA11111: from=<first@example.com>, size=1, nrcpt=1 (queue active)",
      "Mar 10 09:00:02 b postfix/smtp[2]: AAAAA11111: to=<x@example.org>, relay=none, dsn=5.4.4, status=bounced (x)",
  });
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_FALSE(scan.records[0].sender.has_value());
}

TEST_F(LogsTest, HostileLinesNeverCrash) {
  const Scan scan = scan_text({
      "",
      "Mar",
      "Mar 10 09:00:00",
      "Mar 10 09:00:00 h",
      "Mar 10 09:00:00 h postfix/smtp[",
      "Mar 10 09:00:00 h postfix/smtp[1]:",
      "Mar 10 09:00:00 h postfix/smtp[1]: A:",
      "Mar 10 09:00:00 h postfix/smtp[1]: AAAAA11111: to=",
      "Mar 10 09:00:00 h postfix/smtp[1]: AAAAA11111: to=<a@b.example>, status=",
      "Mar 10 09:00:00 h postfix/smtp[1]: AAAAA11111: to=<a@b.example>, relay=[, status=bounced (",
      "Mar 10 09:00:00 h postfix/qmgr[1]: AAAAA11111: from=<",
      "Mar 10 09:00:00 h sendmail[1]: AAAAA11111: to=<a@b.example>, stat=",
      "Mar 10 09:00:00 h smtpd[1]: x mta delivery to=<a@b.example> result=\"",
      "Mar 10 09:00:00 h exim[1]: 1w2x3y-000AbC-7Z ** a@b.example H=[: x",
      "2026-03-10 09:12:44 1w2x3y-000AbC-7Z **",
      "2026-03-10 09:12:44 1w2x3y-000AbC-7Z ** <",
      "2026-03-10 09:12:44 1w2x3y-000AbC-7Z <=",
  });
  EXPECT_EQ(scan.stats.lines, 17u);
  EXPECT_GE(scan.stats.malformed, 4u);
}

TEST_F(LogsTest, MalformedExamplesCarryNoControlCharacters) {
  const Scan scan = scan_text({"Mar 10 09:00:00 h postfix/smtp[1]: AAAAA11111: to=<a@b.example>, \x1b[2J"});
  ASSERT_EQ(scan.stats.malformed_examples.size(), 1u);
  EXPECT_EQ(scan.stats.malformed_examples[0].find('\x1b'), std::string::npos);
  EXPECT_NE(scan.stats.malformed_examples[0].find("?[2J"), std::string::npos);
}

// ---- reading ----

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/bounceback_logs_" + std::to_string(::getpid()) + "_" + name;
}

TEST_F(LogsTest, GzipLogsReadLikePlainOnes) {
  const std::string path = temp_path("mail.log.2.gz");
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  const std::string text =
      "Mar 10 09:00:02 h postfix/smtp[2]: AAAAA11111: to=<x@example.org>, relay=none, dsn=5.4.4, "
      "status=bounced (Host or domain name not found)\r\nlast line without a newline";
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);

  Result<LineReader> reader = LineReader::open(path);
  ASSERT_TRUE(reader.ok());
  std::string_view line;
  ASSERT_TRUE(reader.value().next(line));
  EXPECT_EQ(line.back(), ')') << "CR removed";
  ASSERT_TRUE(reader.value().next(line));
  EXPECT_EQ(line, "last line without a newline");
  EXPECT_FALSE(reader.value().next(line));
  EXPECT_FALSE(reader.value().error());
  std::remove(path.c_str());
}

TEST_F(LogsTest, OverlongLinesAreCutAndReported) {
  const std::string path = temp_path("long.log");
  std::FILE* out = std::fopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  const std::string huge(LineReader::kMaxLineBytes + 100, 'x');
  std::fprintf(out, "%s\nshort\n", huge.c_str());
  std::fclose(out);

  Result<LineReader> reader = LineReader::open(path);
  ASSERT_TRUE(reader.ok());
  LogScanner scanner;
  std::string error;
  EXPECT_TRUE(scanner.scan(reader.value(), "long.log", [](const Record&) {}, error));
  EXPECT_EQ(scanner.stats().lines, 2u);
  EXPECT_EQ(scanner.stats().malformed, 1u);
  EXPECT_EQ(scanner.stats().unrecognised, 1u) << "the line after the cut one is read whole";
  std::remove(path.c_str());
}

TEST_F(LogsTest, MissingFilesAreErrors) {
  const Result<LineReader> reader = LineReader::open(kFixtures + "no-such.log");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("no-such.log"), std::string::npos);
  EXPECT_FALSE(LineReader::open(kFixtures).ok()) << "a directory";
}

// ---- summary ----

TEST(LogSummaryTest, DiagnosticPatternsHideAddresses) {
  EXPECT_EQ(diagnostic_pattern("550 5.1.1 <jane@example.com>: User unknown"), "550 5.1.1 <address>: User unknown");
  EXPECT_EQ(diagnostic_pattern("unknown user: jane@example.com"), "unknown user: <address>");
  EXPECT_EQ(diagnostic_pattern("a @ b and @@ and x@"), "a @ b and @@ and x@");
}

TEST(LogSummaryTest, TallyIsBoundedAndSorted) {
  Tally tally(2);
  for (const char* key : {"b", "a", "b", "c", "a", "b"}) tally.add(key);
  const auto top = tally.top(5);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, "b");
  EXPECT_EQ(top[0].second, 3u);
  EXPECT_EQ(top[1].first, "a");
  EXPECT_EQ(top[1].second, 2u);
  EXPECT_EQ(tally.other(), 1u);
}

TEST_F(LogsTest, SummaryCountsWhatAPostmasterReads) {
  LogSummary summary;
  const Scan scan = scan_file("postfix.log");
  for (const Record& r : scan.records) summary.add(r);
  const std::string text = summary.text(scan.stats);
  EXPECT_NE(text.find("7 bounced"), std::string::npos) << text;
  EXPECT_NE(text.find("By reason:"), std::string::npos);
  EXPECT_NE(text.find("mailboxfull"), std::string::npos);
  EXPECT_NE(text.find("shop.example"), std::string::npos);
  const std::string json = summary.json(scan.stats);
  EXPECT_NE(json.find("\"reasons\":[{\"reason\":"), std::string::npos) << json;
}

}  // namespace
}  // namespace bounceback::logs
