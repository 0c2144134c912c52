#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bounceback/output.h"
#include "store/store.h"

namespace bounceback::store {
namespace {

namespace fs = std::filesystem;

// A fresh database file per test, removed with its WAL files afterwards.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("bounceback-store-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "test.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> open(SuppressionPolicy policy = {}) {
    Result<std::unique_ptr<Store>> store = open_store(url_, policy);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path dir_;
  std::string url_;
};

Record bounce(std::string recipient, bool hard, std::string timestamp = "2026-03-10T09:00:00Z") {
  Record record;
  record.source = "test.eml";
  record.kind = Kind::kBounce;
  record.recipient = std::move(recipient);
  record.hard_bounce = hard;
  record.reason = hard ? Reason::kUserUnknown : Reason::kMailboxFull;
  record.status = hard ? "5.1.1" : "4.2.2";
  record.timestamp = std::move(timestamp);
  return record;
}

Record of_kind(Kind kind, std::string recipient, std::string timestamp) {
  Record record = bounce(std::move(recipient), false, std::move(timestamp));
  record.kind = kind;
  return record;
}

// Stores each record as its own message, as separate bounce messages would be.
void store_each(Store& store, const std::vector<Record>& records) {
  static int counter = 0;
  for (const Record& record : records) {
    const Result<StoreResult> stored = store.store_message(message_hash("message " + std::to_string(++counter)), {record});
    ASSERT_TRUE(stored.ok()) << stored.error().message;
  }
}

bool suppressed(Store& store, std::string_view recipient) {
  const Result<std::optional<Suppression>> found = store.suppression(recipient);
  EXPECT_TRUE(found.ok());
  return found.ok() && found->has_value();
}

TEST_F(SqliteStoreTest, StoresEventsOncePerMessage) {
  auto store = open();
  const std::string hash = message_hash("the bounce");
  Record record = bounce("jane@example.com", true);
  record.advice = {"Remove the address.", "Check for typos."};
  record.blocklist = Blocklist{"Spamhaus", "zen.spamhaus.org", "192.0.2.1"};
  record.reply_code = 550;

  const Result<StoreResult> first = store->store_message(hash, {record, bounce("bob@example.com", true)});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->events_stored, 2u);
  EXPECT_FALSE(first->duplicate);

  const Result<StoreResult> again = store->store_message(hash, {record});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->events_stored, 0u);

  const auto events = store->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 2u);
  const StoredEvent& event = events->front();
  EXPECT_EQ(event.message_hash, hash);
  EXPECT_EQ(event.record.recipient, "jane@example.com");
  EXPECT_EQ(event.record.kind, Kind::kBounce);
  EXPECT_EQ(event.record.reason, Reason::kUserUnknown);
  EXPECT_TRUE(event.record.hard_bounce);
  EXPECT_EQ(event.record.reply_code, 550);
  EXPECT_EQ(event.record.status, "5.1.1");
  EXPECT_EQ(event.record.timestamp, "2026-03-10T09:00:00Z");
  EXPECT_EQ(event.record.advice, record.advice);
  ASSERT_TRUE(event.record.blocklist.has_value());
  EXPECT_EQ(event.record.blocklist->zone, "zen.spamhaus.org");
  EXPECT_EQ(event.record.blocklist->listed_ip, "192.0.2.1");
}

// Every field comes back as stored: the JSON of the record read equals the JSON written.
TEST_F(SqliteStoreTest, RecordsReadBackWhole) {
  Record full;
  full.source = "box.mbox#3";
  full.kind = Kind::kBounce;
  full.recipient = "jane@example.com";
  full.original_recipient = "rfc822;Jane@Example.com";
  full.sender = "news@shop.example";
  full.action = "failed";
  full.status = "5.7.1";
  full.status_inferred = true;
  full.reply_code = 554;
  full.command = "DATA";
  full.reason = Reason::kBlocked;
  full.hard_bounce = false;
  full.side = Side::kSender;
  full.diagnostic = "554 5.7.1 Service unavailable; \"quoted\" \xc3\xa9";
  full.reporting_mta = "mx.shop.example";
  full.remote_mta = "mx.example.com";
  full.remote_ip = "192.0.2.7";
  full.blocklist = Blocklist{"Spamhaus", "zen.spamhaus.org", "192.0.2.44"};
  full.decoder = "postfix";
  full.message_id = "<1@mx>";
  full.original_message_id = "<2@shop>";
  full.subject = "Undelivered Mail";
  full.timestamp = "2026-03-10T09:12:44Z";
  full.feedback_type = "abuse";
  full.provider_type = "smtp";
  full.provider_subtype = "blocklist";
  full.summary = "Blocked by a list.";
  full.advice = {"Ask for delisting.", "Check your IP."};

  auto store = open();
  ASSERT_TRUE(store->store_message(message_hash("full"), {full}).ok());
  const auto events = store->events({});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  std::string written;
  std::string read;
  append_json(full, written);
  append_json(events->front().record, read);
  EXPECT_EQ(read, written);
}

TEST_F(SqliteStoreTest, HardBounceSuppressesAtOnce) {
  auto store = open();
  store_each(*store, {bounce("Jane@Example.com", true)});
  const auto found = store->suppression("jane@example.com");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const Suppression& s = **found;
  EXPECT_EQ(s.recipient, "jane@example.com");
  EXPECT_EQ(s.domain, "example.com");
  EXPECT_EQ(s.reason, "userunknown");
  EXPECT_EQ(s.first_bounce, "2026-03-10T09:00:00Z");
  EXPECT_EQ(s.hard_count, 1);
  EXPECT_EQ(s.bounce_count, 1);
}

TEST_F(SqliteStoreTest, FeedbackSuppressesAtOnce) {
  auto store = open();
  Record complaint = of_kind(Kind::kFeedback, "reader@example.org", "2026-03-10T09:00:00Z");
  complaint.reason = Reason::kFeedback;
  store_each(*store, {complaint});
  const auto found = store->suppression("reader@example.org");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->complaint_count, 1);
  EXPECT_EQ((*found)->reason, "feedback");
}

TEST_F(SqliteStoreTest, TwoSoftBouncesDoNotSuppress) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-02T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, ThreeSoftBouncesWithinTheWindowSuppress) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-04T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-07T00:00:00Z")});
  const auto found = store->suppression("a@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->soft_count, 3);
  EXPECT_EQ((*found)->first_bounce, "2026-03-01T00:00:00Z");
  EXPECT_EQ((*found)->last_bounce, "2026-03-07T00:00:00Z");
  EXPECT_EQ((*found)->reason, "mailboxfull");
}

TEST_F(SqliteStoreTest, ThreeSoftBouncesSpreadOverMoreThanTheWindowDoNot) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-05T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-09T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, ThePolicyIsConfigurable) {
  auto store = open(SuppressionPolicy{2, 3600});
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-01T00:30:00Z")});
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, LaterDeliveryLiftsAndRestartsTheCount) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true, "2026-03-01T00:00:00Z"),
                      bounce("b@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("b@example.com", false, "2026-03-01T01:00:00Z")});
  store_each(*store, {of_kind(Kind::kDelivered, "a@example.com", "2026-03-02T00:00:00Z"),
                      of_kind(Kind::kDelivered, "b@example.com", "2026-03-02T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
  // The soft bounces before the delivery no longer count: one more is not three.
  store_each(*store, {bounce("b@example.com", false, "2026-03-03T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "b@example.com"));
}

TEST_F(SqliteStoreTest, EarlierDeliveryDoesNotLift) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true, "2026-03-05T00:00:00Z"),
                      of_kind(Kind::kDelivered, "a@example.com", "2026-03-01T00:00:00Z")});
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, LiftRemovesASuppression) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true)});
  const Result<bool> lifted = store->lift("A@example.com");
  ASSERT_TRUE(lifted.ok());
  EXPECT_TRUE(*lifted);
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
  const Result<bool> again = store->lift("a@example.com");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_F(SqliteStoreTest, ReportsOlderThanALiftDoNotSuppressAgain) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true, "2026-03-01T00:00:00Z")});
  ASSERT_TRUE(store->lift("a@example.com").ok());
  // A late copy of an old bounce: history.
  store_each(*store, {bounce("a@example.com", true, "2026-03-02T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
  // A bounce without a time is taken as new.
  Record fresh = bounce("a@example.com", true);
  fresh.timestamp.reset();
  store_each(*store, {fresh});
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, BouncesAfterSuppressionAddToTheCounts) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-02T00:00:00Z")});
  const auto found = store->suppression("a@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->bounce_count, 2);
  EXPECT_EQ((*found)->hard_count, 1);
  EXPECT_EQ((*found)->soft_count, 1);
  EXPECT_EQ((*found)->reason, "userunknown");
  EXPECT_EQ((*found)->last_bounce, "2026-03-02T00:00:00Z");
}

TEST_F(SqliteStoreTest, AutorepliesAndDelaysNeverCount) {
  auto store = open();
  for (const Kind kind : {Kind::kAutoreply, Kind::kDelay}) {
    store_each(*store, {of_kind(kind, "a@example.com", "2026-03-01T00:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T01:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T02:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T03:00:00Z")});
  }
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_F(SqliteStoreTest, EventsFilterAndPaginate) {
  auto store = open();
  std::vector<Record> records;
  for (int i = 0; i < 5; ++i) records.push_back(bounce("user" + std::to_string(i) + "@one.example", true));
  records.push_back(bounce("x@two.example", false, "2026-04-01T00:00:00Z"));
  store_each(*store, records);

  EventQuery by_domain;
  by_domain.domain = "one.example";
  by_domain.limit = 2;
  const auto page1 = store->events(by_domain);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 2u);
  by_domain.after_id = page1->back().id;
  const auto page2 = store->events(by_domain);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_GT(page2->front().id, page1->back().id);
  by_domain.after_id = page2->back().id;
  const auto page3 = store->events(by_domain);
  ASSERT_TRUE(page3.ok());
  EXPECT_EQ(page3->size(), 1u);

  EventQuery by_reason;
  by_reason.reason = "mailboxfull";
  const auto soft = store->events(by_reason);
  ASSERT_TRUE(soft.ok());
  ASSERT_EQ(soft->size(), 1u);
  EXPECT_EQ(soft->front().record.recipient, "x@two.example");

  EventQuery by_time;
  by_time.since = "2026-03-15T00:00:00Z";
  const auto recent = store->events(by_time);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->size(), 1u);
  by_time.since.reset();
  by_time.until = "2026-03-15T00:00:00Z";
  const auto older = store->events(by_time);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->size(), 5u);

  EventQuery by_recipient;
  by_recipient.recipient = "USER3@one.example";
  by_recipient.kind = "bounce";
  const auto one = store->events(by_recipient);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);

  EventQuery bad_time;
  bad_time.since = "yesterday";
  const auto refused = store->events(bad_time);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, SuppressionsFilterAndPage) {
  auto store = open();
  store_each(*store, {bounce("a@one.example", true), bounce("b@one.example", true), bounce("c@two.example", true)});
  SuppressionQuery query;
  query.domain = "one.example";
  const auto one = store->suppressions(query);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 2u);
  EXPECT_EQ(one->front().recipient, "a@one.example");
  SuppressionQuery paged;
  paged.offset = 2;
  paged.limit = 2;
  const auto rest = store->suppressions(paged);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().recipient, "c@two.example");
}

TEST_F(SqliteStoreTest, CreatesTheSchemaInAnEmptyFileAndReopens) {
  std::FILE* empty = std::fopen((dir_ / "test.db").c_str(), "w");
  ASSERT_NE(empty, nullptr);
  std::fclose(empty);
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    store_each(*store, {bounce("a@example.com", true)});
  }
  auto reopened = open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(suppressed(*reopened, "a@example.com"));
  const auto events = reopened->events({});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

TEST_F(SqliteStoreTest, OpenFailsWithAnErrorNotACrash) {
  const auto missing = open_store("sqlite:/proc/nonexistent/x.db");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
  EXPECT_NE(missing.error().message.find("/proc/nonexistent/x.db"), std::string::npos);

  const auto postgres = open_store("postgresql://db.example/bounces");
  ASSERT_FALSE(postgres.ok());
  EXPECT_EQ(postgres.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ConcurrentWritersLoseNothing) {
  auto store = open();
  constexpr int kThreads = 4;
  constexpr int kMessagesPerThread = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kMessagesPerThread; ++i) {
        const std::string address = "t" + std::to_string(t) + "m" + std::to_string(i) + "@example.com";
        const auto stored = store->store_message(message_hash(address), {bounce(address, true)});
        EXPECT_TRUE(stored.ok() && !stored->duplicate);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  SuppressionQuery all;
  all.limit = 1000;
  const auto list = store->suppressions(all);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), static_cast<size_t>(kThreads * kMessagesPerThread));
}

TEST_F(SqliteStoreTest, HostileAddressesAreStoredVerbatim) {
  auto store = open();
  const std::string address = "x'); drop table suppressions; --\"@example.com";
  store_each(*store, {bounce(address, true)});
  const auto found = store->suppression(address);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->recipient, address);
  EventQuery query;
  query.recipient = address;
  const auto events = store->events(query);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().record.recipient, address);
}

}  // namespace
}  // namespace bounceback::store
