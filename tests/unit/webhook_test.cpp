// Webhook JSON from sending services decoded through the public Decoder, one fixture per
// provider and event type, plus the JSON reader beneath it and malformed input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "bounceback/decoder.h"
#include "formats/json_scan.h"
#include "webhook/json_fields.h"

namespace bounceback {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(BOUNCEBACK_FIXTURES) + "/webhook/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view without_trailing_blanks(const std::string& text) {
  const size_t last = text.find_last_not_of(" \t\r\n");
  return std::string_view(text).substr(0, last == std::string::npos ? 0 : last + 1);
}

DecodeResult decode_fixture(const std::string& name) { return Decoder().decode(read_fixture(name), name); }

// The one record a fixture of one event must give.
Record only_record(const std::string& name) {
  DecodeResult result = decode_fixture(name);
  EXPECT_FALSE(result.error) << name << ": " << (result.error ? result.error->message : "");
  EXPECT_TRUE(result.is_report) << name;
  EXPECT_EQ(result.records.size(), 1U) << name;
  return result.records.empty() ? Record{} : result.records.front();
}

// The summary and advice of a record, as one text to search.
std::string all_text(const Record& r) {
  std::string text = r.summary;
  for (const std::string& line : r.advice) text += "\n" + line;
  return text;
}

bool any_warning_has(const DecodeResult& result, std::string_view words) {
  for (const std::string& warning : result.warnings) {
    if (warning.find(words) != std::string::npos) return true;
  }
  return false;
}

// The advice that lifts a suppression or gives up on an address: wrong for an opt-out, and wrong
// for an address that is fine.
void expect_keeps_the_address(const Record& r) {
  const std::string text = all_text(r);
  EXPECT_EQ(text.find("The receiving server"), std::string::npos) << "no server was asked: " << text;
  EXPECT_EQ(text.find("remove it from your sending service's suppression list"), std::string::npos) << text;
  EXPECT_EQ(text.find("take it off your sending service's suppression list"), std::string::npos) << text;
  EXPECT_EQ(text.find("Remove " + r.recipient.value_or("?") + " from your list"), std::string::npos) << text;
  EXPECT_EQ(text.find("stop sending to"), std::string::npos) << text;
}

// ---- Amazon SES ----

TEST(WebhookSes, SnsBounceGivesOneRecordPerRecipient) {
  const DecodeResult result = decode_fixture("ses-sns-bounce.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 2U);
  const Record& r = result.records[0];
  EXPECT_EQ(r.source, "ses-sns-bounce.json");
  EXPECT_EQ(r.decoder, "ses");
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient, "jane.doe@example.com");
  EXPECT_EQ(r.sender, "news@shop.example");
  EXPECT_EQ(r.action, "failed");
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_FALSE(r.status_inferred);
  EXPECT_EQ(r.reply_code, 550);
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.side, Side::kRecipient);
  EXPECT_EQ(r.diagnostic,
            "550 5.1.1 <jane.doe@example.com>: Recipient address rejected: User unknown in virtual mailbox table");
  EXPECT_EQ(r.reporting_mta, "a8-12.smtp-out.eu-west-1.amazonses.com");
  EXPECT_EQ(r.remote_ip, "192.0.2.25");
  EXPECT_EQ(r.original_message_id, "<spring-2026-000123@shop.example>");
  EXPECT_EQ(r.subject, "Spring sale \u2014 20% off");
  EXPECT_EQ(r.timestamp, "2026-03-02T10:15:03Z");
  EXPECT_EQ(r.provider_type, "Permanent");
  EXPECT_EQ(r.provider_subtype, "General");
  EXPECT_FALSE(r.feedback_type);
  EXPECT_NE(r.summary.find("jane.doe@example.com"), std::string::npos) << r.summary;
  EXPECT_FALSE(r.advice.empty());

  const Record& disabled = result.records[1];
  EXPECT_EQ(disabled.recipient, "old.team@example.org");
  EXPECT_EQ(disabled.status, "5.2.1");
  EXPECT_EQ(disabled.reason, Reason::kSuspend);
}

TEST(WebhookSes, SuppressedKeepsTheProviderClassification) {
  const Record r = only_record("ses-event-suppressed.json");
  EXPECT_EQ(r.decoder, "ses");
  EXPECT_EQ(r.recipient, "gone@example.net");
  EXPECT_EQ(r.reason, Reason::kSuppressed);
  EXPECT_EQ(r.side, Side::kSender);
  EXPECT_EQ(r.provider_type, "Permanent");
  EXPECT_EQ(r.provider_subtype, "Suppressed");
  EXPECT_EQ(r.reporting_mta, "amazonses.com");
  EXPECT_EQ(r.original_message_id, "0102018e-mail-0002");
  EXPECT_EQ(r.subject, "Your order");
}

// SES's Reject (a virus) and Rendering Failure mean it sent nothing: a record for each
// destination, never silence. Opens and subscriptions are counted in a warning.
TEST(WebhookSes, RefusalsAreRecordsAndOtherEventsAreCounted) {
  const DecodeResult result = decode_fixture("ses-refusals.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 3U);
  const Record& suppressed = result.records[0];
  EXPECT_EQ(suppressed.reason, Reason::kSuppressed);
  EXPECT_NE(suppressed.summary.find("bounced before"), std::string::npos) << suppressed.summary;
  EXPECT_EQ(suppressed.original_message_id, "<orig-3@example.com>") << "the sender's Message-ID, not SES's id";

  const Record& rejected = result.records[1];
  EXPECT_EQ(rejected.recipient, "ses-reject@example.org");
  EXPECT_EQ(rejected.kind, Kind::kBounce);
  EXPECT_EQ(rejected.reason, Reason::kVirusDetected);
  EXPECT_EQ(rejected.provider_type, "Reject");
  EXPECT_EQ(rejected.diagnostic, "Bad content");
  EXPECT_EQ(rejected.timestamp, "2026-11-29T22:00:11Z");

  const Record& rendering = result.records[2];
  EXPECT_EQ(rendering.recipient, "ses-render@example.org");
  EXPECT_EQ(rendering.reason, Reason::kContentError);
  EXPECT_EQ(rendering.side, Side::kSender);
  expect_keeps_the_address(rendering);

  EXPECT_TRUE(any_warning_has(result, "2 events not about a delivery failure gave no record: Open (1), Subscription (1)"));
}

TEST(WebhookSes, MailboxFullIsSoft) {
  const Record r = only_record("ses-bounce-mailbox-full.json");
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
  EXPECT_FALSE(r.hard_bounce);
  EXPECT_EQ(r.reply_code, 552);
  EXPECT_EQ(r.provider_type, "Transient");
  EXPECT_EQ(r.provider_subtype, "MailboxFull");
}

TEST(WebhookSes, ComplaintIsFeedback) {
  const Record r = only_record("ses-complaint.json");
  EXPECT_EQ(r.kind, Kind::kFeedback);
  EXPECT_EQ(r.reason, Reason::kFeedback);
  EXPECT_EQ(r.recipient, "annoyed@example.com");
  EXPECT_EQ(r.feedback_type, "abuse");
  EXPECT_EQ(r.provider_type, "Complaint");
  EXPECT_FALSE(r.provider_subtype);
  EXPECT_EQ(r.timestamp, "2026-03-03T08:30:00Z");
  EXPECT_FALSE(r.summary.empty());
}

TEST(WebhookSes, DeliveryIsDelivered) {
  const Record r = only_record("ses-delivery.json");
  EXPECT_EQ(r.kind, Kind::kDelivered);
  EXPECT_EQ(r.reason, Reason::kDelivered);
  EXPECT_EQ(r.side, Side::kNone);
  EXPECT_EQ(r.recipient, "happy@example.com");
  EXPECT_EQ(r.diagnostic, "250 2.6.0 Message received");
  EXPECT_EQ(r.reply_code, 250);
  EXPECT_EQ(r.remote_ip, "198.51.100.7");
  EXPECT_EQ(r.provider_type, "Delivery");
}

TEST(WebhookSes, DeliveryDelayIsDelay) {
  const Record r = only_record("ses-delivery-delay.json");
  EXPECT_EQ(r.kind, Kind::kDelay);
  EXPECT_EQ(r.action, "delayed");
  EXPECT_EQ(r.recipient, "slow@example.com");
  EXPECT_EQ(r.status, "4.4.2") << "the remote server's own code beats SES's summary 4.4.7";
  EXPECT_EQ(r.reply_code, 421);
  EXPECT_FALSE(r.hard_bounce);
  EXPECT_EQ(r.provider_type, "DeliveryDelay");
  EXPECT_EQ(r.provider_subtype, "TransientCommunicationFailure");
}

// ---- SendGrid ----

// SNS's first post to a new endpoint is no event, but the subscription waits for its URL.
TEST(WebhookSes, SnsSubscriptionConfirmationSaysWhatToDo) {
  const DecodeResult result = Decoder().decode(
      R"({"Type":"SubscriptionConfirmation","MessageId":"165545c9","Token":"2336412f37f","TopicArn":)"
      R"("arn:aws:sns:us-west-2:123456789012:bounces","Message":"You have chosen to subscribe to the topic.",)"
      R"("SubscribeURL":"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription"})",
      "confirm.json");
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("SubscribeURL"), std::string::npos) << result.warnings[0];
}

TEST(WebhookSendGrid, EveryDeliveryEventOfTheArray) {
  const DecodeResult result = decode_fixture("sendgrid-events.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.warnings.size(), 1U);
  EXPECT_TRUE(any_warning_has(result, "1 event not about a delivery failure gave no record: open (1)"))
      << result.warnings[0];
  ASSERT_EQ(result.records.size(), 6U) << "the open event is not about delivery";
  for (const Record& r : result.records) EXPECT_EQ(r.decoder, "sendgrid");

  const Record& bounce = result.records[0];
  EXPECT_EQ(bounce.kind, Kind::kBounce);
  EXPECT_EQ(bounce.recipient, "jane.doe@example.com");
  EXPECT_EQ(bounce.status, "5.1.1");
  EXPECT_EQ(bounce.reply_code, 550);
  EXPECT_EQ(bounce.reason, Reason::kUserUnknown);
  EXPECT_TRUE(bounce.hard_bounce);
  EXPECT_EQ(bounce.original_message_id, "<spring-2026-000123@shop.example>");
  EXPECT_EQ(bounce.timestamp, "2026-03-02T10:15:03Z");
  EXPECT_EQ(bounce.provider_type, "bounce");
  EXPECT_EQ(bounce.provider_subtype, "bounce");

  const Record& blocked = result.records[1];
  EXPECT_EQ(blocked.reason, Reason::kBlocked);
  EXPECT_EQ(blocked.side, Side::kSender);
  ASSERT_TRUE(blocked.blocklist);
  EXPECT_EQ(blocked.blocklist->zone, "zen.spamhaus.org");
  EXPECT_EQ(blocked.provider_subtype, "blocked");

  const Record& dropped = result.records[2];
  EXPECT_EQ(dropped.recipient, "former@example.net");
  EXPECT_EQ(dropped.reason, Reason::kSuppressed);
  EXPECT_EQ(dropped.diagnostic, "Bounced Address");
  EXPECT_EQ(dropped.original_message_id, "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.2");

  const Record& deferred = result.records[3];
  EXPECT_EQ(deferred.kind, Kind::kDelay);
  EXPECT_EQ(deferred.reply_code, 421);
  EXPECT_FALSE(deferred.hard_bounce);

  EXPECT_EQ(result.records[4].kind, Kind::kDelivered);
  EXPECT_EQ(result.records[4].reply_code, 250);
  EXPECT_EQ(result.records[5].kind, Kind::kFeedback);
  EXPECT_EQ(result.records[5].feedback_type, "abuse");
}

// SendGrid's "reason" says why it dropped the message: a suppression list (bounced, invalid,
// unsubscribed, spam report), its spam checker, or a malformed X-SMTPAPI header from the sender.
TEST(WebhookSendGrid, DroppedTakesItsCauseFromTheReason) {
  const DecodeResult result = decode_fixture("sendgrid-dropped.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 6U);
  const Record& bounced = result.records[0];
  EXPECT_EQ(bounced.reason, Reason::kSuppressed);
  EXPECT_EQ(bounced.provider_subtype, "Bounced Address");
  EXPECT_NE(bounced.summary.find("bounced before"), std::string::npos) << bounced.summary;
  EXPECT_NE(all_text(bounced).find("Only if you know the address works again"), std::string::npos);

  for (const Record* opted_out : {&result.records[1], &result.records[2]}) {
    EXPECT_EQ(opted_out->reason, Reason::kSuppressed);
    EXPECT_NE(opted_out->summary.find("asked for no more mail"), std::string::npos) << opted_out->summary;
    EXPECT_NE(all_text(*opted_out).find("Do not send to"), std::string::npos);
    expect_keeps_the_address(*opted_out);
  }
  EXPECT_NE(result.records[1].summary.find("unsubscribed"), std::string::npos);
  EXPECT_NE(result.records[2].summary.find("marked your mail as spam"), std::string::npos);

  const Record& invalid = result.records[3];
  EXPECT_EQ(invalid.reason, Reason::kSuppressed);
  EXPECT_EQ(invalid.provider_subtype, "Invalid");

  const Record& spam_content = result.records[4];
  EXPECT_EQ(spam_content.reason, Reason::kSpamDetected);
  EXPECT_EQ(spam_content.side, Side::kSender);
  expect_keeps_the_address(spam_content);

  const Record& bad_header = result.records[5];
  EXPECT_EQ(bad_header.reason, Reason::kContentError);
  EXPECT_EQ(bad_header.side, Side::kSender);
  EXPECT_FALSE(bad_header.hard_bounce);
  expect_keeps_the_address(bad_header);

  EXPECT_TRUE(any_warning_has(result, "group_unsubscribe (1), open (1)"));
}

// The sending service refused over the message or the request: the service says so, and the
// address is fine.
TEST(WebhookInput, TheServicesOwnRefusalIsToldAsSuch) {
  const struct {
    const char* fixture;
    size_t index;
    const char* words;
  } kCases[] = {
      {"sendgrid-dropped.json", 4, "Your sending service's own spam check"},
      {"sendgrid-dropped.json", 5, "the request your software made to it was malformed"},
      {"ses-refusals.json", 1, "Your sending service found a virus"},
      {"ses-refusals.json", 2, "could not build the message to ses-render@example.org from your template"},
      {"sparkpost-generation.json", 0, "from your template"},
      {"postmark-not-recipient-failures.json", 0, "from your template"},
      {"postmark-not-recipient-failures.json", 1, "the request your software made to it was malformed"},
  };
  for (const auto& c : kCases) {
    const DecodeResult result = decode_fixture(c.fixture);
    ASSERT_GT(result.records.size(), c.index) << c.fixture;
    const Record& r = result.records[c.index];
    EXPECT_NE(r.summary.find(c.words), std::string::npos) << c.fixture << ": " << r.summary;
    EXPECT_NE(r.summary.find("The address is fine."), std::string::npos) << r.summary;
    EXPECT_NE(all_text(r).find("no need to remove the address"), std::string::npos) << all_text(r);
  }
}

// Windows tools write a byte order mark before the JSON.
TEST(WebhookInput, AByteOrderMarkIsSkipped) {
  const Record r = only_record("sendgrid-bom.json");
  EXPECT_EQ(r.decoder, "sendgrid");
  EXPECT_EQ(r.recipient, "bom@example.net");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
}

// Capture tools save one event object per line.
TEST(WebhookInput, JsonLinesAreReadAsABatch) {
  const DecodeResult result = decode_fixture("sendgrid-json-lines.json");
  ASSERT_FALSE(result.error) << result.error->message;
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[0].recipient, "line1@example.net");
  EXPECT_EQ(result.records[0].reason, Reason::kUserUnknown);
  EXPECT_EQ(result.records[1].recipient, "line2@example.net");
  EXPECT_EQ(result.records[1].reason, Reason::kSuppressed);
}

TEST(WebhookInput, ABrokenJsonLineNamesItsByte) {
  const std::string lines = read_fixture("sendgrid-json-lines-broken.json");
  const DecodeResult result = Decoder().decode(lines, "broken.json");
  ASSERT_TRUE(result.error);
  const size_t second_line = lines.find('\n') + 1;
  const size_t end_of_input = without_trailing_blanks(lines).size();
  EXPECT_NE(result.error->message.find("not valid JSON at byte "), std::string::npos) << result.error->message;
  const size_t offset = std::stoul(result.error->message.substr(result.error->message.find("byte ") + 5));
  EXPECT_GE(offset, second_line) << result.error->message;
  EXPECT_LE(offset, end_of_input + 1) << result.error->message;
  EXPECT_NE(result.error->message.find("one whole event object on each line"), std::string::npos);
}

// ---- Mailgun ----

TEST(WebhookMailgun, PermanentFailure) {
  const Record r = only_record("mailgun-failed-permanent.json");
  EXPECT_EQ(r.decoder, "mailgun");
  EXPECT_EQ(r.kind, Kind::kBounce);
  EXPECT_EQ(r.recipient, "jane.doe@example.com");
  EXPECT_EQ(r.sender, "bounce+776c9a.b7f3@mg.shop.example");
  EXPECT_EQ(r.reply_code, 550);
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.remote_mta, "mx.example.com");
  EXPECT_EQ(r.original_message_id, "20260302101503.1.C4D2@mg.shop.example");
  EXPECT_EQ(r.subject, "Spring sale");
  EXPECT_EQ(r.timestamp, "2026-03-02T10:15:03Z");
  EXPECT_EQ(r.provider_type, "failed");
  EXPECT_EQ(r.provider_subtype, "permanent");
}

TEST(WebhookMailgun, TemporaryFailureIsADelay) {
  const Record r = only_record("mailgun-failed-temporary.json");
  EXPECT_EQ(r.kind, Kind::kDelay);
  EXPECT_EQ(r.reply_code, 452);
  EXPECT_EQ(r.reason, Reason::kMailboxFull);
  EXPECT_FALSE(r.hard_bounce);
  EXPECT_EQ(r.provider_subtype, "temporary");
}

TEST(WebhookMailgun, SuppressionListRefusal) {
  const Record r = only_record("mailgun-suppressed.json");
  EXPECT_EQ(r.reason, Reason::kSuppressed);
  EXPECT_EQ(r.diagnostic, "Not delivering to previously bounced address");
  // reply_code is an SMTP basic reply code (DESIGN.md); Mailgun's own 605 is none.
  EXPECT_FALSE(r.reply_code.has_value());
}

TEST(WebhookMailgun, AnUnsubscribeOrComplaintIsNeverToBeLifted) {
  for (const char* name : {"mailgun-suppress-unsubscribe.json", "mailgun-suppress-complaint.json"}) {
    const Record r = only_record(name);
    EXPECT_EQ(r.reason, Reason::kSuppressed) << name;
    EXPECT_FALSE(r.reply_code.has_value()) << name;
    EXPECT_NE(r.summary.find("asked for no more mail"), std::string::npos) << r.summary;
    expect_keeps_the_address(r);
  }
  EXPECT_EQ(only_record("mailgun-suppress-unsubscribe.json").provider_subtype, "suppress-unsubscribe");
  const Record bounced = only_record("mailgun-suppressed.json");
  EXPECT_EQ(bounced.provider_subtype, "suppress-bounce");
  EXPECT_NE(bounced.summary.find("bounced before"), std::string::npos) << bounced.summary;
}

// Mailgun's "old" with its own code 498 ("Too old"): it gave up after retrying.
TEST(WebhookMailgun, TooOldIsExpiredWithNoReplyCode) {
  const Record r = only_record("mailgun-too-old.json");
  EXPECT_EQ(r.reason, Reason::kExpired);
  EXPECT_FALSE(r.reply_code.has_value());
  EXPECT_EQ(r.summary.find("498"), std::string::npos) << r.summary;
}

// A code is the server's reply only with the server's words, and words of the same class.
TEST(WebhookMailgun, ACodeWithoutMatchingWordsIsNoReplyCode) {
  const auto reply_code_of = [](std::string_view status) {
    const std::string json = R"({"event-data":{"event":"failed","severity":"permanent","recipient":"a@example.org",)"
                             R"("log-level":"error","delivery-status":)" + std::string(status) + "}}";
    const DecodeResult result = Decoder().decode(json, "mg.json");
    return result.records.size() == 1 ? result.records[0].reply_code : std::optional<int>(-1);
  };
  EXPECT_EQ(reply_code_of(R"({"code":550,"message":"5.1.1 no such user"})"), 550);
  EXPECT_EQ(reply_code_of(R"({"code":550,"message":"","description":"mailbox unavailable"})"), 550);
  EXPECT_EQ(reply_code_of(R"({"code":550,"message":"","description":""})"), std::nullopt);
  EXPECT_EQ(reply_code_of(R"({"code":450,"message":"5.1.1 no such user"})"), std::nullopt);
  EXPECT_EQ(reply_code_of(R"({"code":498,"message":"","description":"Too old"})"), std::nullopt);
  EXPECT_EQ(reply_code_of(R"({"code":"abc","message":"x"})"), std::nullopt);
}

TEST(WebhookMailgun, ComplaintAndDelivery) {
  const Record complaint = only_record("mailgun-complained.json");
  EXPECT_EQ(complaint.kind, Kind::kFeedback);
  EXPECT_EQ(complaint.recipient, "annoyed@example.com");
  const Record delivered = only_record("mailgun-delivered.json");
  EXPECT_EQ(delivered.kind, Kind::kDelivered);
  EXPECT_EQ(delivered.reply_code, 250);
}

// ---- Postmark ----

TEST(WebhookPostmark, HardBounce) {
  const Record r = only_record("postmark-hard-bounce.json");
  EXPECT_EQ(r.decoder, "postmark");
  EXPECT_EQ(r.recipient, "jane.doe@example.com") << "not the Email inside Metadata";
  EXPECT_EQ(r.sender, "news@shop.example");
  EXPECT_EQ(r.diagnostic, "550 5.1.1 The email account that you tried to reach does not exist.");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.timestamp, "2026-03-02T10:15:03Z") << "the +01:00 offset converted to UTC";
  EXPECT_EQ(r.original_message_id, "883953f4-6105-42a2-a16a-77a8eac79483");
  EXPECT_EQ(r.provider_type, "Bounce");
  EXPECT_EQ(r.provider_subtype, "HardBounce");
}

TEST(WebhookPostmark, SoftBounceComplaintDelivery) {
  const Record soft = only_record("postmark-soft-bounce.json");
  EXPECT_EQ(soft.kind, Kind::kBounce);
  EXPECT_EQ(soft.reason, Reason::kMailboxFull);
  EXPECT_FALSE(soft.hard_bounce);
  EXPECT_EQ(soft.provider_subtype, "SoftBounce");

  const Record complaint = only_record("postmark-spam-complaint.json");
  EXPECT_EQ(complaint.kind, Kind::kFeedback);
  EXPECT_EQ(complaint.recipient, "annoyed@example.com");

  const Record delivered = only_record("postmark-delivery.json");
  EXPECT_EQ(delivered.kind, Kind::kDelivered);
  EXPECT_EQ(delivered.recipient, "happy@example.com");
  EXPECT_EQ(delivered.timestamp, "2026-03-02T10:40:00Z");
}

// Postmark files subscription requests, relay tests and inbound errors as bounces; none is a
// failure to deliver to the recipient. Template and SMTP API errors are the sender's own.
TEST(WebhookPostmark, TypesThatAreNoRecipientFailure) {
  const DecodeResult result = decode_fixture("postmark-not-recipient-failures.json");
  ASSERT_FALSE(result.error);
  EXPECT_TRUE(any_warning_has(result, "4 events not about a delivery failure gave no record: Subscribe (1), "
                                      "OpenRelayTest (1), InboundError (1), Unconfirmed (1)"));
  ASSERT_EQ(result.records.size(), 4U);
  const Record& template_failed = result.records[0];
  EXPECT_EQ(template_failed.provider_subtype, "TemplateRenderingFailed");
  EXPECT_EQ(template_failed.reason, Reason::kContentError);
  EXPECT_EQ(template_failed.side, Side::kSender);
  expect_keeps_the_address(template_failed);
  const Record& api_error = result.records[1];
  EXPECT_EQ(api_error.provider_subtype, "SMTPApiError");
  EXPECT_EQ(api_error.reason, Reason::kSyntaxError);
  EXPECT_EQ(api_error.side, Side::kSender);
  expect_keeps_the_address(api_error);

  const Record& unsubscribed = result.records[2];
  EXPECT_EQ(unsubscribed.reason, Reason::kSuppressed);
  EXPECT_NE(unsubscribed.summary.find("unsubscribed"), std::string::npos) << unsubscribed.summary;
  expect_keeps_the_address(unsubscribed);
  const Record& deactivated = result.records[3];
  EXPECT_EQ(deactivated.reason, Reason::kSuppressed);
  EXPECT_NE(all_text(deactivated).find("do not send to"), std::string::npos) << "cause unknown: both cases";
}

// ---- SparkPost ----

TEST(WebhookSparkPost, MessageEventsOfTheArray) {
  const DecodeResult result = decode_fixture("sparkpost-events.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 5U) << "the click is not about delivery";
  const Record& bounce = result.records[0];
  EXPECT_EQ(bounce.decoder, "sparkpost");
  EXPECT_EQ(bounce.recipient, "jane.doe@example.com");
  EXPECT_EQ(bounce.diagnostic, "550 5.1.1 <jane.doe@example.com>... User unknown") << "the raw reason";
  EXPECT_EQ(bounce.reply_code, 550);
  EXPECT_EQ(bounce.reason, Reason::kUserUnknown);
  EXPECT_EQ(bounce.subject, "Spring sale");
  EXPECT_EQ(bounce.timestamp, "2026-03-02T10:15:03Z");
  EXPECT_EQ(bounce.provider_type, "bounce");
  EXPECT_EQ(bounce.provider_subtype, "10");

  EXPECT_EQ(result.records[1].kind, Kind::kDelay);
  EXPECT_EQ(result.records[1].reply_code, 451);
  EXPECT_EQ(result.records[2].kind, Kind::kDelivered);
  EXPECT_EQ(result.records[3].kind, Kind::kFeedback);
  EXPECT_EQ(result.records[3].feedback_type, "abuse");
  const Record& out_of_band = result.records[4];
  EXPECT_EQ(out_of_band.kind, Kind::kBounce);
  EXPECT_EQ(out_of_band.reason, Reason::kMailboxFull);
  EXPECT_EQ(out_of_band.provider_type, "out_of_band");
}

TEST(WebhookSparkPost, APolicyRejectionIsSparkPostsOwnRefusal) {
  const DecodeResult result = Decoder().decode(
      R"([{"msys":{"message_event":{"type":"policy_rejection","bounce_class":"25","rcpt_to":"gone@example.net",)"
      R"("raw_reason":"550 5.7.1 [internal] Recipient address was suppressed due to system policy",)"
      R"("error_code":"550","timestamp":"1772446503"}}}])",
      "policy.json");
  ASSERT_EQ(result.records.size(), 1U);
  EXPECT_EQ(result.records[0].recipient, "gone@example.net");
  EXPECT_EQ(result.records[0].reason, Reason::kSuppressed);
  EXPECT_EQ(result.records[0].provider_type, "policy_rejection");
}

TEST(WebhookSparkPost, GenerationEventsAreRecordsNotSilence) {
  const DecodeResult result = decode_fixture("sparkpost-generation.json");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.records.size(), 3U);
  EXPECT_EQ(result.records[0].recipient, "sp-genfail@example.org");
  EXPECT_EQ(result.records[0].reason, Reason::kContentError);
  expect_keeps_the_address(result.records[0]);
  EXPECT_EQ(result.records[1].recipient, "sp-genrej@example.org");
  EXPECT_EQ(result.records[1].reason, Reason::kSuppressed);
  EXPECT_EQ(result.records[2].reason, Reason::kBlocked);
  EXPECT_TRUE(any_warning_has(result, "link_unsubscribe (1)"));
}

// ---- Brevo ----

TEST(WebhookBrevo, EachEventType) {
  const Record hard = only_record("brevo-hard-bounce.json");
  EXPECT_EQ(hard.decoder, "brevo");
  EXPECT_EQ(hard.recipient, "jane.doe@example.com");
  EXPECT_EQ(hard.reason, Reason::kUserUnknown);
  EXPECT_TRUE(hard.hard_bounce);
  EXPECT_EQ(hard.original_message_id, "<202603021015.12345678901@smtp-relay.mailin.fr>");
  EXPECT_EQ(hard.timestamp, "2026-03-02T10:15:03Z");
  EXPECT_EQ(hard.provider_type, "hard_bounce");

  const Record soft = only_record("brevo-soft-bounce.json");
  EXPECT_EQ(soft.reason, Reason::kMailboxFull);
  EXPECT_FALSE(soft.hard_bounce);

  const Record blocked = only_record("brevo-blocked.json");
  EXPECT_EQ(blocked.reason, Reason::kSuppressed);
  EXPECT_EQ(blocked.side, Side::kSender);

  EXPECT_EQ(only_record("brevo-spam.json").kind, Kind::kFeedback);
  EXPECT_EQ(only_record("brevo-delivered.json").kind, Kind::kDelivered);
}

// ---- Malformed and unknown JSON ----

TEST(WebhookInput, MalformedJsonNamesTheSourceAndOffset) {
  const DecodeResult result = decode_fixture("malformed.json");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error->message, "not valid JSON at byte 76: expected ',' or '}' in an object");
  EXPECT_TRUE(result.records.empty());
}

TEST(WebhookInput, TruncatedAndHostileJson) {
  const Decoder decoder;
  EXPECT_TRUE(decoder.decode("{\"event\":\"bounce\",\"email\":\"a@b", "-").error);
  EXPECT_TRUE(decoder.decode("[1,2,", "-").error);
  EXPECT_TRUE(decoder.decode(std::string(100000, '['), "-").error) << "deep nesting is refused, not followed";
  EXPECT_TRUE(decoder.decode("{\"a\":tru}", "-").error);
  EXPECT_TRUE(decoder.decode("{\"a\":\"\\x\"}", "-").error);
  EXPECT_TRUE(decoder.decode("{} {}", "-").error);
}

// Every prefix of every fixture is either refused as malformed or decoded: never a crash or a
// read past the end (run under the sanitizers in the fuzz build).
TEST(WebhookInput, EveryTruncationIsHandled) {
  const std::string fixtures[] = {"ses-sns-bounce.json", "sendgrid-events.json", "mailgun-failed-permanent.json",
                                  "postmark-hard-bounce.json", "sparkpost-events.json", "brevo-hard-bounce.json"};
  const Decoder decoder;
  for (const std::string& name : fixtures) {
    const std::string json = read_fixture(name);
    const std::string_view whole = without_trailing_blanks(json);
    for (size_t length = 1; length < whole.size(); ++length) {
      const DecodeResult result = decoder.decode(whole.substr(0, length), name);
      EXPECT_TRUE(result.error.has_value()) << name << " cut at " << length;
    }
    EXPECT_FALSE(decoder.decode(whole, name).error) << name;
  }
}

TEST(WebhookInput, UnknownShapeIsNotAReport) {
  const DecodeResult result = Decoder().decode("  {\"hello\":\"world\",\"n\":[1,2.5e3,null,true]}", "x.json");
  EXPECT_FALSE(result.error);
  EXPECT_FALSE(result.is_report);
  EXPECT_TRUE(result.records.empty());
  ASSERT_EQ(result.warnings.size(), 1U);
  EXPECT_NE(result.warnings[0].find("match no known webhook"), std::string::npos);
}

TEST(WebhookInput, MailMessagesStillGoToTheMessageParser) {
  const DecodeResult result = Decoder().decode("From: a@b.example\r\nSubject: [test]\r\n\r\n{}", "m.eml");
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(result.warnings.empty() || result.warnings[0].find("JSON") == std::string::npos);
}

// ---- The JSON reader ----

TEST(WebhookJson, MemberIsReadAtItsOwnLevel) {
  namespace json = formats::json;
  const std::string_view object = R"({"meta":{"id":"inner"},"id":"outer","n":42,"list":[1,{"id":3}]})";
  EXPECT_EQ(json::member_of(object, "id"), "\"outer\"");
  EXPECT_EQ(json::member_of(object, "n"), "42");
  EXPECT_EQ(json::member_of(object, "list"), "[1,{\"id\":3}]");
  EXPECT_EQ(json::member_of(object, "missing"), "");
  EXPECT_EQ(json::member_of("[1]", "id"), "");
  EXPECT_EQ(webhook::text(webhook::member(object, {"meta"}, "id")), "inner");
  EXPECT_EQ(webhook::integer(json::member_of(object, "n")), 42);
  EXPECT_FALSE(webhook::integer(json::member_of(object, "id")));
}

TEST(WebhookJson, TimestampsToRfc3339Utc) {
  EXPECT_EQ(webhook::rfc3339_utc("2026-03-02T10:15:03.412Z"), "2026-03-02T10:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("2026-03-02T00:15:03-04:00"), "2026-03-02T04:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("2026-03-01T23:15:03.1+0100"), "2026-03-01T22:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("2026-03-02 10:15:03"), "2026-03-02T10:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("1772446503"), "2026-03-02T10:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("1772446503.999"), "2026-03-02T10:15:03Z");
  EXPECT_EQ(webhook::rfc3339_utc("0"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(webhook::rfc3339_utc("2026-13-02T10:15:03Z"), "");
  EXPECT_EQ(webhook::rfc3339_utc("yesterday"), "");
  EXPECT_EQ(webhook::rfc3339_utc("99999999999999999999"), "");
}

}  // namespace
}  // namespace bounceback
