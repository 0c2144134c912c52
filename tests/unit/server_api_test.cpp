// The HTTP API core without sockets: requests in, responses out, over an in-memory store.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <thread>

#include "server/api.h"

namespace bounceback::server {
namespace {

// A minimal RFC 3464 bounce: one failed recipient, user unknown.
constexpr std::string_view kBounce =
    "From: MAILER-DAEMON@mx.sender.test\r\n"
    "To: news@sender.test\r\n"
    "Subject: Delivery Status Notification (Failure)\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Your message could not be delivered.\r\n"
    "--b1\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.sender.test\r\n"
    "\r\n"
    "Final-Recipient: rfc822; ann@rcpt.test\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <ann@rcpt.test>: User unknown\r\n"
    "--b1--\r\n";

// "From: a@b.test\r\n\r\nhello\r\n" in base64: a message that is not a report.
constexpr std::string_view kPlainBase64 = "RnJvbTogYUBiLnRlc3QNCg0KaGVsbG8NCg==";

class FakeStore : public store::Store {
 public:
  Result<std::vector<store::StoreResult>> store_messages(const std::vector<store::MessageRecords>& messages) override {
    std::vector<store::StoreResult> results;
    for (const store::MessageRecords& message : messages) results.push_back(store_one(message.hash, message.records));
    return results;
  }
  store::StoreResult store_one(std::string_view hash, const std::vector<Record>& records) {
    if (hashes_.count(std::string(hash)) != 0) return store::StoreResult{0, records.size(), true};
    hashes_[std::string(hash)] = records.size();
    for (const Record& record : records) {
      store::Suppression s;
      s.recipient = record.recipient.value_or("");
      s.reason = std::string(to_string(record.reason));
      s.bounce_count = 1;
      suppressed_[s.recipient] = s;
      events_.push_back(store::StoredEvent{static_cast<int64_t>(events_.size() + 1), "2026-01-01T00:00:00Z",
                                           std::string(hash), record});
    }
    return store::StoreResult{records.size(), 0, false};
  }
  Result<std::vector<store::StoredEvent>> events(const store::EventQuery& query) override {
    last_event_query = query;
    std::vector<store::StoredEvent> found;
    for (const store::StoredEvent& event : events_)
      if (event.id > query.after_id && static_cast<int>(found.size()) < query.limit) found.push_back(event);
    return found;
  }
  Result<std::vector<store::Suppression>> suppressions(const store::SuppressionQuery& query) override {
    last_suppression_query = query;
    std::vector<store::Suppression> found;
    for (const auto& [recipient, s] : suppressed_) found.push_back(s);
    return found;
  }
  Result<std::optional<store::Suppression>> suppression(std::string_view recipient) override {
    const auto it = suppressed_.find(std::string(recipient));
    if (it == suppressed_.end()) return std::optional<store::Suppression>();
    return std::optional<store::Suppression>(it->second);
  }
  Result<bool> lift(std::string_view recipient) override { return suppressed_.erase(std::string(recipient)) == 1; }

  store::EventQuery last_event_query;
  store::SuppressionQuery last_suppression_query;

 private:
  std::map<std::string, size_t> hashes_;
  std::map<std::string, store::Suppression> suppressed_;
  std::vector<store::StoredEvent> events_;
};

Request request(std::string_view method, std::string_view path, std::string_view body = {}) {
  Request r;
  r.method = method;
  r.path = path;
  r.body = body;
  return r;
}

bool has(const Response& response, std::string_view text) {
  return response.body.find(text) != std::string::npos;
}

std::optional<std::string> header(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return std::nullopt;
}

Request authorized(Request r) {
  r.authorization = "Bearer s3cret";
  return r;
}

class ServerApiTest : public ::testing::Test {
 protected:
  FakeStore store;
  Api api{ApiOptions{1 << 20, "s3cret"}, &store};
  Api storeless{ApiOptions{}, nullptr};
};

TEST_F(ServerApiTest, HealthSaysOk) {
  const Response response = api.handle(request("GET", "/healthz"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"status\":\"ok\"}");
  EXPECT_EQ(response.content_type, "application/json");
}

TEST_F(ServerApiTest, UnknownPathIsA404InTheErrorShape) {
  const Response response = api.handle(request("GET", "/v2/nothing"));
  EXPECT_EQ(response.status, 404);
  EXPECT_TRUE(has(response, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint: /v2/nothing\"}}"));
}

TEST_F(ServerApiTest, WrongMethodIsA405NamingTheAllowedOnes) {
  const Response response = api.handle(request("PUT", "/v1/suppressions/ann@rcpt.test"));
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, DELETE");
}

TEST_F(ServerApiTest, HeadIsServedLikeGet) { EXPECT_EQ(api.handle(request("HEAD", "/healthz")).status, 200); }

TEST_F(ServerApiTest, DecodesARawMessage) {
  Request r = request("POST", "/v1/decode", kBounce);
  r.content_type = "message/rfc822";
  const Response response = api.handle(r);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(has(response, "\"recipient\":\"ann@rcpt.test\""));
  EXPECT_TRUE(has(response, "\"reason\":\"userunknown\""));
  EXPECT_TRUE(has(response, "\"is_report\":true"));
  EXPECT_TRUE(has(response, "\"warnings\":["));
  EXPECT_FALSE(has(response, "\"stored\""));
}

TEST_F(ServerApiTest, DecodesABase64MessageInJson) {
  const std::string body = "{ \"message_base64\" : \"" + std::string(kPlainBase64) + "\" }";
  Request r = request("POST", "/v1/decode", body);
  r.content_type = "application/json; charset=utf-8";
  const Response response = api.handle(r);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(has(response, "{\"records\":[],\"is_report\":false"));
}

TEST_F(ServerApiTest, JsonWithoutTheMessageFieldIsReadAsAWebhookEvent) {
  Request r = request("POST", "/v1/decode",
                      "[{\"email\":\"gone@example.com\",\"event\":\"bounce\",\"type\":\"bounce\",\"status\":\"5.1.1\","
                      "\"reason\":\"550 5.1.1 The email account that you tried to reach does not exist.\","
                      "\"timestamp\":1772000000,\"sg_event_id\":\"e1\",\"sg_message_id\":\"m1\"}]");
  r.content_type = "application/json";
  const Response response = api.handle(r);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(has(response, "\"decoder\":\"sendgrid\""));
  EXPECT_TRUE(has(response, "\"recipient\":\"gone@example.com\""));
}

// A client's encoding bug must not read as "not a bounce".
TEST_F(ServerApiTest, InvalidBase64IsA400NamingTheField) {
  for (const std::string_view bad : {"!!!notbase64", "RnJvbTog=YUBi", "RnJvb", "RnJvbTogYUBiLnRlc3QNCg0KaGVsbG8NCg==="}) {
    const std::string body = "{\"message_base64\":\"" + std::string(bad) + "\"}";
    Request r = request("POST", "/v1/decode", body);
    r.content_type = "application/json";
    const Response response = api.handle(r);
    EXPECT_EQ(response.status, 400) << bad << ": " << response.body;
    EXPECT_TRUE(has(response, "message_base64 is not valid base64")) << response.body;
  }
  // Line breaks, blanks and missing padding are fine.
  for (const std::string_view good : {"RnJvbTogYUBiLnRlc3QN\\r\\nCg0KaGVsbG8NCg==", "RnJvbTogYUBiLnRlc3QNCg0KaGVsbG8NCg"}) {
    const std::string body = "{\"message_base64\":\"" + std::string(good) + "\"}";
    Request r = request("POST", "/v1/decode", body);
    r.content_type = "application/json";
    const Response response = api.handle(r);
    EXPECT_EQ(response.status, 200) << good << ": " << response.body;
  }
}

TEST_F(ServerApiTest, MalformedJsonIsA400) {
  Request r = request("POST", "/v1/decode", "{\"message\":");
  r.content_type = "application/json";
  EXPECT_EQ(api.handle(r).status, 400);
  // Labelled JSON, yet not JSON at all: a client's bug, not "not a report".
  r.body = "not json";
  const Response response = api.handle(r);
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_TRUE(has(response, "is labelled application/json but is not JSON")) << response.body;
}

// Webhook events as JSON lines, one object per line, are read as `decode` reads them.
TEST_F(ServerApiTest, JsonLinesOfWebhookEventsAreDecoded) {
  Request r = request("POST", "/v1/decode",
                      "{\"email\":\"line1@example.net\",\"timestamp\":1764456000,\"event\":\"bounce\","
                      "\"sg_event_id\":\"l1\",\"sg_message_id\":\"m1\",\"reason\":\"550 5.1.1 user unknown\",\"status\":\"5.1.1\",\"type\":\"bounce\"}\n"
                      "{\"email\":\"line2@example.net\",\"timestamp\":1764456001,\"event\":\"dropped\","
                      "\"sg_event_id\":\"l2\",\"sg_message_id\":\"m2\",\"reason\":\"Unsubscribed Address\",\"status\":\"\"}\n");
  r.content_type = "application/json";
  const Response response = api.handle(r);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(has(response, "line1@example.net")) << response.body;
  EXPECT_TRUE(has(response, "line2@example.net")) << response.body;
}

TEST_F(ServerApiTest, EmptyBodyIsA400) { EXPECT_EQ(api.handle(request("POST", "/v1/decode", " \r\n")).status, 400); }

TEST_F(ServerApiTest, OversizedBodyIsA413) {
  Request r = request("POST", "/v1/decode");
  r.body_too_large = true;
  const Response response = api.handle(r);
  EXPECT_EQ(response.status, 413);
  EXPECT_TRUE(has(response, "payload_too_large"));
  EXPECT_TRUE(has(response, "--max-body 1048576"));
}

TEST_F(ServerApiTest, StoringNeedsTheToken) {
  Request r = request("POST", "/v1/decode", kBounce);
  r.query = {{"store", "1"}};
  const Response refused = api.handle(r);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(header(refused, "WWW-Authenticate"), "Bearer");
  r.authorization = "Bearer wrong!";
  EXPECT_EQ(api.handle(r).status, 401);
  r.authorization = "Bearer s3cret";
  const Response first = api.handle(r);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(has(first, "\"stored\":1,\"duplicate\":false}"));
  EXPECT_TRUE(has(api.handle(r), "\"stored\":0,\"duplicate\":true}"));
}

TEST_F(ServerApiTest, StoringWithoutAStoreIsA400) {
  Request r = request("POST", "/v1/decode", kBounce);
  r.query = {{"store", "1"}};
  const Response response = storeless.handle(r);
  EXPECT_EQ(response.status, 400);
  EXPECT_TRUE(has(response, "--no-store"));
}

TEST_F(ServerApiTest, BadFlagValueIsA400) {
  Request r = request("POST", "/v1/decode", kBounce);
  r.query = {{"store", "maybe"}};
  EXPECT_EQ(api.handle(r).status, 400);
}

TEST_F(ServerApiTest, ExplainsAReplyLine) {
  const Response response = api.handle(request("POST", "/v1/explain", "550 5.1.1 <bob@rcpt.test>: User unknown"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(has(response, "\"reason\":\"userunknown\""));
  EXPECT_TRUE(has(response, "\"codes\":[{\"code\":\"550\""));
}

TEST_F(ServerApiTest, ExplainingNothingIsA400) { EXPECT_EQ(api.handle(request("POST", "/v1/explain", "  ")).status, 400); }

TEST_F(ServerApiTest, ListsEveryCode) {
  const Response response = api.handle(request("GET", "/v1/codes"));
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.starts_with("{\"codes\":[{"));
  EXPECT_TRUE(has(response, "\"code\":\"550\""));
  EXPECT_TRUE(has(response, "\"code\":\"X.1.1\""));
}

TEST_F(ServerApiTest, LooksUpOneCode) {
  const Response response = api.handle(request("GET", "/v1/codes/5.7.1"));
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.starts_with("{\"code\":\"5.7.1\""));
}

// The page shows a reason in plain words, not its bare name: every reason, with its usual side.
TEST_F(ServerApiTest, ListsEveryReasonInPlainWords) {
  const Response response = storeless.handle(request("GET", "/v1/reasons"));
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(has(response, "{\"name\":\"userunknown\",\"side\":\"recipient\","
                            "\"description\":\"the address does not exist at the domain\"}"))
      << response.body;
  EXPECT_TRUE(has(response, "{\"name\":\"greylisted\","));
  size_t entries = 0;
  for (size_t at = response.body.find("\"name\":"); at != std::string::npos; at = response.body.find("\"name\":", at + 1))
    ++entries;
  EXPECT_EQ(entries, kReasonCount);
}

TEST_F(ServerApiTest, MalformedOrUnknownCodeIsA404WithTheReason) {
  const Response malformed = api.handle(request("GET", "/v1/codes/abc"));
  EXPECT_EQ(malformed.status, 404);
  EXPECT_TRUE(has(malformed, "abc"));
  const Response unknown = api.handle(request("GET", "/v1/codes/5.9.99"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(has(unknown, "5.9.99"));
}

TEST_F(ServerApiTest, ListsSuppressionsWithValidatedPaging) {
  Request r = authorized(request("GET", "/v1/suppressions"));
  r.query = {{"domain", "rcpt.test"}, {"limit", "5"}, {"offset", "10"}};
  ASSERT_EQ(api.handle(r).status, 200);
  EXPECT_EQ(store.last_suppression_query.domain, "rcpt.test");
  EXPECT_EQ(store.last_suppression_query.limit, 5);
  EXPECT_EQ(store.last_suppression_query.offset, 10);
  for (std::string_view bad : {"0", "1001", "5x", "", "-1"}) {
    r.query = {{"limit", bad}};
    EXPECT_EQ(api.handle(r).status, 400) << bad;
  }
}

TEST_F(ServerApiTest, UnknownParameterIsA400NamingIt) {
  Request r = authorized(request("GET", "/v1/suppressions"));
  r.query = {{"limt", "5"}};
  const Response response = api.handle(r);
  EXPECT_EQ(response.status, 400);
  EXPECT_TRUE(has(response, "'limt'"));
}

TEST_F(ServerApiTest, StoreEndpointsAre404WithoutAStore) {
  EXPECT_EQ(storeless.handle(request("GET", "/v1/suppressions")).status, 404);
  EXPECT_EQ(storeless.handle(request("GET", "/v1/events")).status, 404);
}

TEST_F(ServerApiTest, StoredBounceShowsAsSuppressionAndEventAndCanBeLifted) {
  Request store_request = request("POST", "/v1/decode", kBounce);
  store_request.query = {{"store", "1"}};
  store_request.authorization = "Bearer s3cret";
  ASSERT_EQ(api.handle(store_request).status, 200);

  const Response one = api.handle(authorized(request("GET", "/v1/suppressions/ann@rcpt.test")));
  ASSERT_EQ(one.status, 200);
  EXPECT_TRUE(one.body.starts_with("{\"recipient\":\"ann@rcpt.test\""));

  const Response events = api.handle(authorized(request("GET", "/v1/events")));
  ASSERT_EQ(events.status, 200);
  EXPECT_TRUE(has(events, "{\"events\":[{\"id\":1,"));
  EXPECT_TRUE(has(events, "\"record\":{\"source\":\"http\""));
  EXPECT_TRUE(has(events, "\"next_after_id\":1}"));

  // As copied from the bounce, brackets, blanks and capitals included; the answer names the
  // address as it is kept.
  Request lift = request("DELETE", "/v1/suppressions/ <ANN@rcpt.test>");
  EXPECT_EQ(api.handle(lift).status, 401);
  lift.authorization = "bearer s3cret";
  const Response lifted = api.handle(lift);
  EXPECT_EQ(lifted.status, 200);
  EXPECT_EQ(lifted.body, "{\"lifted\":true,\"recipient\":\"ann@rcpt.test\"}");
  const Response again = api.handle(lift);
  EXPECT_EQ(again.status, 404);
  EXPECT_TRUE(has(again, "ann@rcpt.test is not suppressed")) << again.body;
  EXPECT_EQ(api.handle(authorized(request("GET", "/v1/suppressions/ann@rcpt.test"))).status, 404);
}

// With --token, what is stored (addresses, subjects, the servers' words) is read with the token
// too; what keeps nothing is open.
TEST_F(ServerApiTest, ReadingTheStoreNeedsTheTokenStatelessEndpointsDoNot) {
  for (const std::string_view path : {"/v1/suppressions", "/v1/suppressions/ann@rcpt.test", "/v1/events"}) {
    const Response refused = api.handle(request("GET", path));
    EXPECT_EQ(refused.status, 401) << path;
    EXPECT_EQ(header(refused, "WWW-Authenticate"), "Bearer") << path;
    EXPECT_TRUE(has(refused, "Authorization: Bearer")) << refused.body;
    Request wrong = request("GET", path);
    wrong.authorization = "Bearer s3cre";
    EXPECT_EQ(api.handle(wrong).status, 401) << path;
    EXPECT_NE(api.handle(authorized(request("GET", path))).status, 401) << path;
  }
  EXPECT_EQ(api.handle(request("POST", "/v1/decode", kBounce)).status, 200);
  EXPECT_EQ(api.handle(request("POST", "/v1/explain", "550 5.1.1 no such user")).status, 200);
  EXPECT_EQ(api.handle(request("GET", "/v1/codes/550")).status, 200);
  EXPECT_EQ(api.handle(request("GET", "/v1/reasons")).status, 200);
  EXPECT_EQ(api.handle(request("GET", "/healthz")).status, 200);
  EXPECT_EQ(api.handle(request("GET", "/metrics")).status, 200);
  EXPECT_EQ(api.handle(request("GET", "/")).status, 200);
  // Without a token the server asks for none.
  FakeStore open_store;
  Api open_api{ApiOptions{}, &open_store};
  EXPECT_EQ(open_api.handle(request("GET", "/v1/events")).status, 200);
}

TEST_F(ServerApiTest, EventFiltersAreValidated) {
  Request r = authorized(request("GET", "/v1/events"));
  r.query = {{"reason", "mailboxfull"}, {"kind", "bounce"}, {"since", "2026-01-01T00:00:00Z"}, {"after_id", "7"}};
  ASSERT_EQ(api.handle(r).status, 200);
  EXPECT_EQ(store.last_event_query.reason, "mailboxfull");
  EXPECT_EQ(store.last_event_query.after_id, 7);
  EXPECT_TRUE(has(api.handle(r), "\"next_after_id\":7}"));
  r.query = {{"reason", "nosuchreason"}};
  EXPECT_EQ(api.handle(r).status, 400);
  r.query = {{"kind", "bounced"}};
  EXPECT_EQ(api.handle(r).status, 400);
}

TEST_F(ServerApiTest, MetricsCountRequestsAndRecords) {
  api.handle(request("GET", "/healthz"));
  api.handle(request("GET", "/nope"));
  api.handle(request("POST", "/v1/decode", kBounce));
  const Response response = api.handle(request("GET", "/metrics"));
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.content_type.starts_with("text/plain"));
  EXPECT_TRUE(has(response, "bounceback_http_requests_total{endpoint=\"healthz\",status=\"200\"} 1\n"));
  EXPECT_TRUE(has(response, "bounceback_http_requests_total{endpoint=\"unknown\",status=\"404\"} 1\n"));
  EXPECT_TRUE(has(response, "bounceback_decode_seconds_bucket{le=\"+Inf\"} 1\n"));
  EXPECT_TRUE(has(response, "bounceback_decode_seconds_count 1\n"));
  EXPECT_TRUE(has(response, "bounceback_records_total{reason=\"userunknown\"} 1\n"));
}

TEST_F(ServerApiTest, ConcurrentRequestsAreAllAnsweredAndCounted) {
  constexpr int kThreads = 8;
  constexpr int kRequestsEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < kRequestsEach; ++i) EXPECT_EQ(storeless.handle(request("POST", "/v1/decode", kBounce)).status, 200);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const Response metrics = storeless.handle(request("GET", "/metrics"));
  const std::string total = " " + std::to_string(kThreads * kRequestsEach) + "\n";
  EXPECT_TRUE(has(metrics, "bounceback_http_requests_total{endpoint=\"decode\",status=\"200\"}" + total));
  EXPECT_TRUE(has(metrics, "bounceback_records_total{reason=\"userunknown\"}" + total));
}

TEST_F(ServerApiTest, ServesThePageFromTheEmbeddedFiles) {
  const Response index = api.handle(request("GET", "/"));
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(has(index, "<!doctype html>"));
  bool has_policy = false;
  for (const auto& [name, value] : index.headers) has_policy |= name == "Content-Security-Policy";
  EXPECT_TRUE(has_policy);
  EXPECT_EQ(api.handle(request("GET", "/app.js")).content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(api.handle(request("GET", "/app.css")).content_type, "text/css; charset=utf-8");
}

TEST_F(ServerApiTest, NoPathReachesTheFileSystem) {
  for (std::string_view path : {"/../../etc/passwd", "/index.html/..", "//app.js", "/web/index.html", "/app.js%00"})
    EXPECT_EQ(api.handle(request("GET", path)).status, 404) << path;
}

}  // namespace
}  // namespace bounceback::server
