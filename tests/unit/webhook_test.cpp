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
  EXPECT_TRUE(result.warnings.empty());
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
