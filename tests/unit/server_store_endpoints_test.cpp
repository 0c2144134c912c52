// GET /v1/events over a real store (SQLite in a temporary file): both orders and their cursors,
// and the times it filters by.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server/api.h"
#include "store/store.h"

namespace bounceback::server {
namespace {

namespace fs = std::filesystem;

class EventsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bounceback-events-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<store::Store>> opened = store::open_store("sqlite:" + (dir_ / "events.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    std::vector<store::MessageRecords> messages;
    for (int i = 1; i <= 5; ++i) {
      Record record;
      record.source = "test";
      record.kind = Kind::kBounce;
      record.recipient = "user" + std::to_string(i) + "@example.com";
      record.timestamp = "2026-11-2" + std::to_string(i) + "T12:00:00Z";
      messages.push_back({store::message_hash(*record.recipient), {record}});
    }
    ASSERT_TRUE(store_->store_messages(messages).ok());
    api_ = std::make_unique<Api>(ApiOptions{}, store_.get());
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  Response get(std::vector<std::pair<std::string_view, std::string_view>> query) {
    Request request;
    request.method = "GET";
    request.path = "/v1/events";
    request.query = std::move(query);
    return api_->handle(request);
  }

  // The recipients of a response's events, in order.
  static std::vector<std::string> recipients(const Response& response) {
    std::vector<std::string> found;
    const std::string key = "\"recipient\":\"";
    for (size_t at = response.body.find(key); at != std::string::npos; at = response.body.find(key, at)) {
      at += key.size();
      found.push_back(response.body.substr(at, response.body.find('"', at) - at));
    }
    return found;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Api> api_;
};

TEST_F(EventsEndpointTest, NewestFirstPagesBackwardWithBeforeId) {
  const Response first = get({{"order", "desc"}, {"limit", "2"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(recipients(first), (std::vector<std::string>{"user5@example.com", "user4@example.com"}));
  EXPECT_NE(first.body.find("\"next_before_id\":4}"), std::string::npos) << first.body;

  const Response second = get({{"order", "desc"}, {"limit", "2"}, {"before_id", "4"}});
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(recipients(second), (std::vector<std::string>{"user3@example.com", "user2@example.com"}));
  EXPECT_NE(second.body.find("\"next_before_id\":2}"), std::string::npos) << second.body;

  const Response last = get({{"order", "desc"}, {"limit", "2"}, {"before_id", "2"}});
  EXPECT_EQ(recipients(last), (std::vector<std::string>{"user1@example.com"}));
  const Response past = get({{"order", "desc"}, {"before_id", "1"}});
  EXPECT_TRUE(recipients(past).empty());
  EXPECT_NE(past.body.find("\"next_before_id\":1}"), std::string::npos) << past.body;
}

TEST_F(EventsEndpointTest, OldestFirstStaysTheDefault) {
  const Response response = get({{"limit", "2"}});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(recipients(response), (std::vector<std::string>{"user1@example.com", "user2@example.com"}));
  EXPECT_NE(response.body.find("\"next_after_id\":2}"), std::string::npos);
  const Response asc = get({{"order", "asc"}, {"after_id", "4"}});
  EXPECT_EQ(recipients(asc), (std::vector<std::string>{"user5@example.com"}));
}

TEST_F(EventsEndpointTest, AnUnknownOrderOrAMixedCursorIsA400) {
  const Response bogus = get({{"order", "newest"}});
  EXPECT_EQ(bogus.status, 400);
  EXPECT_NE(bogus.body.find("order must be asc"), std::string::npos);
  EXPECT_EQ(get({{"order", "desc"}, {"after_id", "3"}}).status, 400);
  EXPECT_EQ(get({{"before_id", "3"}}).status, 400);
  EXPECT_EQ(get({{"order", "desc"}, {"before_id", "-1"}}).status, 400);
}

// A time that is not one is the caller's mistake (400, naming the parameter and the forms it
// takes), not a server outage (503).
TEST_F(EventsEndpointTest, ATimeThatIsNotOneIsA400NamingTheParameter) {
  for (const auto& [name, value] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"since", "yesterday"}, {"until", "2026-13-45T00:00:00Z"}, {"since", "2026-11-25x"}, {"until", "1764000000"}}) {
    const Response response = get({{name, value}});
    EXPECT_EQ(response.status, 400) << name << "=" << value << ": " << response.body;
    EXPECT_NE(response.body.find(std::string(name) + " is not a time"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("RFC 3339"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find("a date such as 2026-11-25"), std::string::npos) << response.body;
  }
}

// A plain date means its start, 00:00:00Z.
TEST_F(EventsEndpointTest, APlainDateIsItsStartInUtc) {
  const Response from_date = get({{"since", "2026-11-23"}, {"until", "2026-11-25"}});
  ASSERT_EQ(from_date.status, 200) << from_date.body;
  EXPECT_EQ(recipients(from_date), (std::vector<std::string>{"user3@example.com", "user4@example.com"}));
  const Response exact = get({{"since", "2026-11-22T12:00:00Z"}, {"until", "2026-11-23T12:00:01+00:00"}});
  EXPECT_EQ(recipients(exact), (std::vector<std::string>{"user2@example.com", "user3@example.com"}));
}

}  // namespace
}  // namespace bounceback::server
