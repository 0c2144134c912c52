// The store's behaviour, once for each back end: SQLite always; PostgreSQL when
// BOUNCEBACK_TEST_PG_URL names a server (scripts/pg-test-server start prints one), else skipped.
// Every test gets a database of its own, removed afterwards, so parallel runs do not meet.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bounceback/output.h"
#include "store/postgres_db.h"
#include "store/store.h"

namespace bounceback::store {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPostgresUrlVariable = "BOUNCEBACK_TEST_PG_URL";

enum class Backend { kSqlite, kPostgresql };

const char* name_of(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgresql"; }
void PrintTo(Backend backend, std::ostream* out) { *out << name_of(backend); }

std::string test_name() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

// The URL of another database on the server of `url`: its path replaced by `/database`.
std::string with_database(const std::string& url, const std::string& database) {
  const size_t authority = url.find("://") + 3;
  const size_t path = url.find_first_of("/?", authority);
  const size_t query = path == std::string::npos ? std::string::npos : url.find('?', path);
  std::string result = url.substr(0, path) + "/" + database;
  if (query != std::string::npos) result += url.substr(query);
  return result;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      dir_ = fs::temp_directory_path() / ("bounceback-store-" + std::to_string(getpid()) + "-" + test_name());
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "test.db").string();
      return;
    }
    const char* server = std::getenv(kPostgresUrlVariable);
    if (server == nullptr || *server == '\0') {
      GTEST_SKIP() << "PostgreSQL back end not tested: set " << kPostgresUrlVariable
                   << " to a server's URL, e.g. export " << kPostgresUrlVariable
                   << "=$(scripts/pg-test-server start)";
    }
    admin_url_ = server;
    database_ = "bounceback_test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device()()) + "_" +
                test_name();
    database_ = database_.substr(0, 63);  // PostgreSQL's limit on names
    run_on_server("CREATE DATABASE \"" + database_ + "\"");
    url_ = with_database(admin_url_, database_);
  }

  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
    if (!database_.empty()) run_on_server("DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
  }

  // Database names are made here from digits and letters: no value of a test's own reaches SQL.
  void run_on_server(const std::string& sql) {
    Result<pg::Connection> server = pg::Connection::open(admin_url_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    const auto error = server.value().execute(sql.c_str());
    ASSERT_FALSE(error.has_value()) << error->message;
  }

  std::unique_ptr<Store> open(SuppressionPolicy policy = {}) {
    Result<std::unique_ptr<Store>> store = open_store(url_, policy);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path dir_;
  std::string admin_url_;
  std::string database_;
  std::string url_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         [](const ::testing::TestParamInfo<Backend>& backend) { return name_of(backend.param); });

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

TEST_P(StoreTest, StoresEventsOncePerMessage) {
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
TEST_P(StoreTest, RecordsReadBackWhole) {
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

TEST_P(StoreTest, HardBounceSuppressesAtOnce) {
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

TEST_P(StoreTest, FeedbackSuppressesAtOnce) {
  auto store = open();
  Record complaint = of_kind(Kind::kFeedback, "reader@example.org", "2026-03-10T09:00:00Z");
  complaint.reason = Reason::kFeedback;
  store_each(*store, {complaint});
  const auto found = store->suppression("reader@example.org");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->complaint_count, 1);
  EXPECT_EQ((*found)->reason, "feedback");
}

TEST_P(StoreTest, TwoSoftBouncesDoNotSuppress) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-02T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_P(StoreTest, ThreeSoftBouncesWithinTheWindowSuppress) {
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

TEST_P(StoreTest, ThreeSoftBouncesSpreadOverMoreThanTheWindowDoNot) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-05T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-09T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_P(StoreTest, ThePolicyIsConfigurable) {
  auto store = open(SuppressionPolicy{2, 3600});
  store_each(*store, {bounce("a@example.com", false, "2026-03-01T00:00:00Z"),
                      bounce("a@example.com", false, "2026-03-01T00:30:00Z")});
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

TEST_P(StoreTest, LaterDeliveryLiftsAndRestartsTheCount) {
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

TEST_P(StoreTest, EarlierDeliveryDoesNotLift) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true, "2026-03-05T00:00:00Z"),
                      of_kind(Kind::kDelivered, "a@example.com", "2026-03-01T00:00:00Z")});
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

TEST_P(StoreTest, LiftRemovesASuppression) {
  auto store = open();
  store_each(*store, {bounce("a@example.com", true)});
  // As copied from a bounce: brackets, blanks and capitals are not part of the address.
  const Result<bool> lifted = store->lift(" <A@Example.com> ");
  ASSERT_TRUE(lifted.ok());
  EXPECT_TRUE(*lifted);
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
  const Result<bool> again = store->lift("a@example.com");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_P(StoreTest, ReportsOlderThanALiftDoNotSuppressAgain) {
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

TEST_P(StoreTest, BouncesAfterSuppressionAddToTheCounts) {
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

// A person who reported spam stays suppressed whatever is delivered to them afterwards (erin: an
// ARF, then a delivered DSN of a receipt); only a lift removes the suppression.
TEST_P(StoreTest, AComplaintIsNotLiftedByADelivery) {
  auto store = open();
  Record complaint = of_kind(Kind::kFeedback, "erin@example.com", "2026-11-24T10:00:00Z");
  complaint.reason = Reason::kFeedback;
  store_each(*store, {complaint, of_kind(Kind::kDelivered, "erin@example.com", "2026-11-27T10:00:00Z")});
  EXPECT_TRUE(suppressed(*store, "erin@example.com"));

  // A complaint older than a delivery stored before it suppresses too: the delivery did not undo it.
  Record late = of_kind(Kind::kFeedback, "olga@example.com", "2026-11-24T10:00:00Z");
  late.reason = Reason::kFeedback;
  store_each(*store, {of_kind(Kind::kDelivered, "olga@example.com", "2026-11-27T10:00:00Z"), late});
  EXPECT_TRUE(suppressed(*store, "olga@example.com"));

  const Result<bool> lifted = store->lift("erin@example.com");
  ASSERT_TRUE(lifted.ok() && *lifted);
  EXPECT_FALSE(suppressed(*store, "erin@example.com"));
}

// Refusals of the sender (our IP on Spamhaus, our authentication, our rate) say nothing about the
// address: gina, blocked three times, stays mailable. Network-side soft bounces count as before.
TEST_P(StoreTest, SoftBouncesOnTheSendersSideNeverCount) {
  auto store = open();
  const auto blocked = [](std::string timestamp) {
    Record record = bounce("gina@example.com", false, std::move(timestamp));
    record.reason = Reason::kBlocked;
    record.side = Side::kSender;
    return record;
  };
  store_each(*store, {blocked("2026-11-23T00:00:00Z"), blocked("2026-11-24T00:00:00Z"),
                      blocked("2026-11-25T00:00:00Z"), blocked("2026-11-26T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "gina@example.com"));
  // Nor do they make up the count with soft bounces of the recipient's side.
  Record full = bounce("gina@example.com", false, "2026-11-25T12:00:00Z");
  full.side = Side::kRecipient;
  store_each(*store, {full});
  EXPECT_FALSE(suppressed(*store, "gina@example.com"));

  const auto unreachable = [](std::string timestamp) {
    Record record = bounce("hal@example.com", false, std::move(timestamp));
    record.reason = Reason::kNetworkError;
    record.side = Side::kNetwork;
    return record;
  };
  store_each(*store, {unreachable("2026-11-23T00:00:00Z"), unreachable("2026-11-24T00:00:00Z"),
                      unreachable("2026-11-25T00:00:00Z")});
  EXPECT_TRUE(suppressed(*store, "hal@example.com"));
}

// One Gmail bounce to carol delivered again with an extra Received line, and once more with CRLF:
// other bytes, other message hashes, but one report. It counts once.
TEST_P(StoreTest, TheSameReportInOtherBytesIsStoredOnce) {
  auto store = open(SuppressionPolicy{2, int64_t{7} * 24 * 3600});
  Record report = bounce("carol@example.com", false, "2026-11-20T06:03:12Z");
  report.message_id = "<20261120060312.A1@mx.shop.example>";
  Record other_recipient = report;
  other_recipient.recipient = "dan@example.com";

  const auto first = store->store_message(message_hash("the bounce"), {report, other_recipient});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->events_stored, 2u);
  EXPECT_EQ(first->events_stored_before, 0u);
  EXPECT_FALSE(first->duplicate);

  Record copy = report;
  copy.message_id = " 20261120060312.A1@mx.shop.example ";  // the same id, read from other bytes
  copy.recipient = "Carol@Example.com";
  const auto again = store->store_message(message_hash("Received: one more\nthe bounce"), {copy});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->events_stored, 0u);
  EXPECT_EQ(again->events_stored_before, 1u);
  EXPECT_TRUE(again->duplicate);
  const auto batch = store->store_messages({{message_hash("the bounce\r\n"), {report, other_recipient}},
                                            {message_hash("Received: two more\nthe bounce"), {report}}});
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_TRUE((*batch)[0].duplicate);
  EXPECT_EQ((*batch)[0].events_stored_before, 2u);
  EXPECT_TRUE((*batch)[1].duplicate);

  EXPECT_FALSE(suppressed(*store, "carol@example.com"));
  const auto events = store->events({});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 2u);

  // Another kind of record about the same report and recipient is another event.
  Record delay = report;
  delay.kind = Kind::kDelay;
  const auto delayed = store->store_message(message_hash("the delay"), {delay});
  ASSERT_TRUE(delayed.ok());
  EXPECT_EQ(delayed->events_stored, 1u);

  // Without a Message-ID only the bytes identify a message: each copy counts.
  Record anonymous = bounce("erik@example.com", false, "2026-11-20T06:03:12Z");
  store_each(*store, {anonymous, anonymous});
  EXPECT_TRUE(suppressed(*store, "erik@example.com"));
}

// bob's three mailbox-full bounces of 20, 22 and 25 November suppress him whatever order they are
// stored in: an older report stored later checks every window it falls in.
TEST_P(StoreTest, SoftBouncesSuppressInAnyOrderOfArrival) {
  auto store = open();
  std::vector<std::string> days = {"2026-11-20T08:00:00Z", "2026-11-22T08:00:00Z", "2026-11-25T08:00:00Z"};
  std::sort(days.begin(), days.end());
  int permutation = 0;
  do {
    const std::string address = "bob" + std::to_string(++permutation) + "@example.com";
    std::vector<Record> records;
    for (const std::string& day : days) records.push_back(bounce(address, false, day));
    store_each(*store, records);
    const auto found = store->suppression(address);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << "not suppressed when stored in the order " << days[0] << ", " << days[1]
                                    << ", " << days[2];
    EXPECT_EQ((*found)->soft_count, 3);
    EXPECT_EQ((*found)->first_bounce, "2026-11-20T08:00:00Z");
    EXPECT_EQ((*found)->last_bounce, "2026-11-25T08:00:00Z");
  } while (std::next_permutation(days.begin(), days.end()));
  EXPECT_EQ(permutation, 6);

  // Still never over more than the window, in any order.
  store_each(*store, {bounce("far@example.com", false, "2026-11-29T00:00:00Z"),
                      bounce("far@example.com", false, "2026-11-15T00:00:00Z"),
                      bounce("far@example.com", false, "2026-11-22T12:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "far@example.com"));
}

TEST_P(StoreTest, AutorepliesAndDelaysNeverCount) {
  auto store = open();
  for (const Kind kind : {Kind::kAutoreply, Kind::kDelay}) {
    store_each(*store, {of_kind(kind, "a@example.com", "2026-03-01T00:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T01:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T02:00:00Z"),
                        of_kind(kind, "a@example.com", "2026-03-01T03:00:00Z")});
  }
  EXPECT_FALSE(suppressed(*store, "a@example.com"));
}

TEST_P(StoreTest, EventsFilterAndPaginate) {
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

TEST_P(StoreTest, SuppressionsFilterAndPage) {
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

TEST_P(StoreTest, CreatesTheSchemaAndReopens) {
  if (GetParam() == Backend::kSqlite) {
    // An empty file is a new database, not a damaged one.
    std::FILE* empty = std::fopen((dir_ / "test.db").c_str(), "w");
    ASSERT_NE(empty, nullptr);
    std::fclose(empty);
  }
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

// A database migrated by a newer bounceback is refused rather than written in a shape it does not know.
TEST_P(StoreTest, ASchemaNewerThanThisBouncebackIsRefused) {
  open().reset();
  const char* newer = "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01T00:00:00Z')";
  if (GetParam() == Backend::kSqlite) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "test.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, newer, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    Result<pg::Connection> db = pg::Connection::open(url_);
    ASSERT_TRUE(db.ok());
    EXPECT_FALSE(db.value().execute(newer).has_value());
  }
  const auto refused = open_store(url_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kIoError);
  EXPECT_NE(refused.error().message.find("schema version 99"), std::string::npos) << refused.error().message;
}

// A database that version 1 of the schema wrote (no side, no report key) opens migrated: its events
// get both from their records, of two copies of one report the first keeps the key, and the report
// stored again with other bytes is known.
TEST_P(StoreTest, AVersion1DatabaseIsMigrated) {
  // A quoted local part: the stored JSON escapes its quotes and backslash, the key must not.
  const std::string kQuotedId = "<\"r 1\\x\"@mx.example>";
  {
    auto store = open();
    Record report = bounce("carol@example.com", false, "2026-11-20T06:03:12Z");
    report.message_id = kQuotedId;
    Record blocked = bounce("gina@example.com", false, "2026-11-20T06:03:12Z");
    blocked.side = Side::kSender;
    blocked.reason = Reason::kBlocked;
    store_each(*store, {report, blocked});
  }
  const std::vector<std::string> to_version_1 = {
      "DROP INDEX events_by_report", "ALTER TABLE events DROP COLUMN report_key", "ALTER TABLE events DROP COLUMN side",
      // A copy of carol's report as version 1 stored it again from other bytes.
      "INSERT INTO events (stored_at, message_hash, source, kind, recipient, domain, reason, hard_bounce, status,"
      " reply_code, timestamp, occurred_at, record) SELECT stored_at, message_hash, source, kind, recipient, domain,"
      " reason, hard_bounce, status, reply_code, timestamp, occurred_at, record FROM events"
      " WHERE recipient = 'carol@example.com'",
      "DELETE FROM schema_version WHERE version > 1"};
  for (const std::string& sql : to_version_1) {
    if (GetParam() == Backend::kSqlite) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "test.db").c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
      sqlite3_close(db);
    } else {
      Result<pg::Connection> db = pg::Connection::open(url_);
      ASSERT_TRUE(db.ok());
      const auto error = db.value().execute(sql.c_str());
      EXPECT_FALSE(error.has_value()) << sql << ": " << error->message;
    }
  }

  auto store = open();
  ASSERT_NE(store, nullptr);
  const auto events = store->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(events->size(), 3u);

  Record copy = bounce("carol@example.com", false, "2026-11-20T06:03:12Z");
  copy.message_id = kQuotedId;
  const auto again = store->store_message(message_hash("Received: one more"), {copy});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);

  // gina's old refusal was on the sender's side: with two soft bounces of her own it is not three.
  store_each(*store, {bounce("gina@example.com", false, "2026-11-21T00:00:00Z"),
                      bounce("gina@example.com", false, "2026-11-22T00:00:00Z")});
  EXPECT_FALSE(suppressed(*store, "gina@example.com"));
  store_each(*store, {bounce("gina@example.com", false, "2026-11-23T00:00:00Z")});
  EXPECT_TRUE(suppressed(*store, "gina@example.com"));
}

// Several nodes starting at once against a new database: one creates the schema, none fails.
TEST_P(StoreTest, StoresOpenedAtOnceShareOneSchema) {
  constexpr int kOpeners = 4;
  std::atomic<int> opened = 0;
  std::vector<std::thread> openers;
  for (int i = 0; i < kOpeners; ++i) {
    openers.emplace_back([&] {
      const auto store = open_store(url_);
      EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
      if (store.ok()) ++opened;
    });
  }
  for (std::thread& opener : openers) opener.join();
  EXPECT_EQ(opened, kOpeners);
}

TEST_P(StoreTest, ConcurrentWritersLoseNothing) {
  auto store = open();
  constexpr int kThreads = 4;
  constexpr int kMessagesPerThread = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kMessagesPerThread; ++i) {
        const std::string address = "t" + std::to_string(t) + "m" + std::to_string(i) + "@example.com";
        const auto stored = store->store_message(message_hash(address), {bounce(address, true)});
        EXPECT_TRUE(stored.ok() && !stored->duplicate) << (stored.ok() ? "" : stored.error().message);
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

// Nodes of their own (one Store each, as separate processes have) storing the same messages in
// different orders and batches: each message is stored once, and the shared recipient's counters
// add up exactly.
TEST_P(StoreTest, RacingNodesStoreEachMessageOnceAndCountExactly) {
  constexpr int kNodes = 4;
  constexpr int kMessages = 40;
  std::vector<MessageRecords> messages;
  for (int i = 0; i < kMessages; ++i) {
    const std::string own = "own" + std::to_string(i) + "@example.com";
    messages.push_back(MessageRecords{message_hash("race " + std::to_string(i)),
                                      {bounce("shared@example.com", false, "2026-03-10T09:00:00Z"),
                                       bounce(own, true, "2026-03-10T09:00:00Z")}});
  }
  std::atomic<int> stored = 0;
  std::vector<std::thread> nodes;
  for (int n = 0; n < kNodes; ++n) {
    nodes.emplace_back([&, n] {
      auto store = open();
      if (!store) return;
      std::vector<MessageRecords> mine = messages;
      std::shuffle(mine.begin(), mine.end(), std::mt19937(static_cast<unsigned>(n)));
      for (size_t from = 0; from < mine.size(); from += 3) {
        const std::vector<MessageRecords> batch(mine.begin() + from, mine.begin() + std::min(from + 3, mine.size()));
        const auto results = store->store_messages(batch);
        ASSERT_TRUE(results.ok()) << results.error().message;
        for (const StoreResult& result : *results) stored += result.duplicate ? 0 : 1;
      }
    });
  }
  for (std::thread& node : nodes) node.join();
  EXPECT_EQ(stored, kMessages);

  auto store = open();
  ASSERT_NE(store, nullptr);
  EventQuery all;
  all.limit = 1000;
  const auto events = store->events(all);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), static_cast<size_t>(2 * kMessages));
  const auto shared = store->suppression("shared@example.com");
  ASSERT_TRUE(shared.ok() && shared->has_value());
  EXPECT_EQ((*shared)->soft_count, kMessages);
  EXPECT_EQ((*shared)->bounce_count, kMessages);
  SuppressionQuery list;
  list.limit = 1000;
  const auto suppressions = store->suppressions(list);
  ASSERT_TRUE(suppressions.ok());
  EXPECT_EQ(suppressions->size(), static_cast<size_t>(kMessages + 1));
}

TEST_P(StoreTest, ABatchStoresEachNewMessageOnce) {
  auto store = open();
  ASSERT_TRUE(store->store_message(message_hash("old"), {bounce("old@example.com", true)}).ok());
  const std::vector<MessageRecords> batch = {
      {message_hash("new"), {bounce("a@example.com", true), bounce("b@example.com", true)}},
      {message_hash("old"), {bounce("old@example.com", true)}},
      {message_hash("new"), {bounce("a@example.com", true), bounce("b@example.com", true)}},
      {message_hash("not a report"), {}},
  };
  const auto results = store->store_messages(batch);
  ASSERT_TRUE(results.ok()) << results.error().message;
  ASSERT_EQ(results->size(), 4u);
  EXPECT_FALSE((*results)[0].duplicate);
  EXPECT_EQ((*results)[0].events_stored, 2u);
  EXPECT_TRUE((*results)[1].duplicate);
  EXPECT_TRUE((*results)[2].duplicate);
  EXPECT_FALSE((*results)[3].duplicate);
  EXPECT_EQ((*results)[3].events_stored, 0u);
  const auto nothing = store->store_messages({});
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
  const auto again = store->store_messages({{message_hash("not a report"), {}}});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->front().duplicate);

  const auto events = store->events({});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 3u);
  const auto a = store->suppression("a@example.com");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->hard_count, 1);
}

// One transaction for many messages decides exactly as one transaction per message does.
TEST_P(StoreTest, ABatchDecidesAsMessageByMessage) {
  const auto scenario = [](const std::string& prefix) {
    const auto at = [&](const std::string& who) { return prefix + who + "@example.com"; };
    return std::vector<Record>{
        bounce(at("hard"), true, "2026-03-01T00:00:00Z"),
        bounce(at("hard"), false, "2026-03-02T00:00:00Z"),
        bounce(at("back"), true, "2026-03-01T00:00:00Z"),
        of_kind(Kind::kDelivered, at("back"), "2026-03-02T00:00:00Z"),
        bounce(at("back"), true, "2026-03-01T12:00:00Z"),  // older than the delivery: history
        bounce(at("soft"), false, "2026-03-01T00:00:00Z"),
        bounce(at("soft"), false, "2026-03-02T00:00:00Z"),
        of_kind(Kind::kAutoreply, at("soft"), "2026-03-02T06:00:00Z"),
        bounce(at("soft"), false, "2026-03-03T00:00:00Z"),
        bounce(at("soft"), false, "2026-03-04T00:00:00Z"),
        bounce(at("reset"), false, "2026-03-01T00:00:00Z"),
        bounce(at("reset"), false, "2026-03-01T01:00:00Z"),
        of_kind(Kind::kDelivered, at("reset"), "2026-03-01T02:00:00Z"),
        bounce(at("reset"), false, "2026-03-01T03:00:00Z"),
        of_kind(Kind::kFeedback, at("complaint"), "2026-03-01T00:00:00Z"),
    };
  };
  auto store = open();
  store_each(*store, scenario("each-"));
  std::vector<MessageRecords> batch;
  int n = 0;
  for (const Record& record : scenario("batch-")) batch.push_back({message_hash("batched " + std::to_string(++n)), {record}});
  ASSERT_TRUE(store->store_messages(batch).ok());

  const auto listed = [&](const std::string& prefix) {
    SuppressionQuery all;
    all.limit = 1000;
    const auto found = store->suppressions(all);
    EXPECT_TRUE(found.ok());
    std::vector<std::string> lines;
    for (const Suppression& s : found.value()) {
      if (!s.recipient.starts_with(prefix)) continue;
      lines.push_back(s.recipient.substr(prefix.size()) + " " + s.reason + " " + s.first_bounce + " " + s.last_bounce +
                      " " + std::to_string(s.bounce_count) + "/" + std::to_string(s.soft_count) + "/" +
                      std::to_string(s.hard_count) + "/" + std::to_string(s.complaint_count));
    }
    return lines;
  };
  const std::vector<std::string> each = listed("each-");
  EXPECT_EQ(each, (std::vector<std::string>{
                      "complaint@example.com mailboxfull 2026-03-01T00:00:00Z 2026-03-01T00:00:00Z 1/0/0/1",
                      "hard@example.com userunknown 2026-03-01T00:00:00Z 2026-03-02T00:00:00Z 2/1/1/0",
                      "soft@example.com mailboxfull 2026-03-01T00:00:00Z 2026-03-04T00:00:00Z 4/4/0/0",
                  }));
  EXPECT_EQ(listed("batch-"), each);
}

TEST_P(StoreTest, EventsPageNewestFirst) {
  auto store = open();
  std::vector<Record> records;
  for (int i = 0; i < 5; ++i) records.push_back(bounce("user" + std::to_string(i) + "@example.com", true));
  store_each(*store, records);

  EventQuery newest;
  newest.order = EventQuery::Order::kNewestFirst;
  newest.limit = 2;
  const auto page1 = store->events(newest);
  ASSERT_TRUE(page1.ok()) << page1.error().message;
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ(page1->front().record.recipient, "user4@example.com");
  EXPECT_EQ(page1->back().record.recipient, "user3@example.com");
  newest.before_id = page1->back().id;
  const auto page2 = store->events(newest);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ(page2->front().record.recipient, "user2@example.com");
  newest.before_id = page2->back().id;
  const auto page3 = store->events(newest);
  ASSERT_TRUE(page3.ok());
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ(page3->front().record.recipient, "user0@example.com");
  newest.before_id = page3->back().id;
  const auto past_the_oldest = store->events(newest);
  ASSERT_TRUE(past_the_oldest.ok());
  EXPECT_TRUE(past_the_oldest->empty());

  // Filters apply as in the oldest-first order.
  EventQuery one;
  one.order = EventQuery::Order::kNewestFirst;
  one.recipient = "user1@example.com";
  const auto filtered = store->events(one);
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ(filtered->front().record.recipient, "user1@example.com");
}

TEST_P(StoreTest, HostileAddressesAreStoredVerbatim) {
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

// Bytes that a PostgreSQL text value cannot hold (invalid UTF-8, NUL) are stored, not refused.
TEST_P(StoreTest, BrokenBytesInARecordAreStoredNotRefused) {
  auto store = open();
  Record record = bounce(std::string("bro\\xffken@example.com"), true);
  record.diagnostic = std::string("550 \\xc3 no such user\\0 here", 26);
  const auto stored = store->store_message(message_hash("broken"), {record});
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  const auto events = store->events({});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_NE(events->front().record.diagnostic->find("no such user"), std::string::npos);
  EXPECT_TRUE(suppressed(*store, std::string("bro\\xffken@example.com")));
}

// A server restart or failover drops every connection: the next write goes through on new ones.
TEST_P(StoreTest, WritesGoOnAfterTheServerDropsItsConnections) {
  if (GetParam() != Backend::kPostgresql) GTEST_SKIP() << "SQLite has no server connections";
  auto store = open();
  store_each(*store, {bounce("a@example.com", true)});
  run_on_server("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database_ +
                "' AND pid <> pg_backend_pid()");
  store_each(*store, {bounce("b@example.com", true)});
  EXPECT_TRUE(suppressed(*store, "b@example.com"));
  // Reads too: one connection in use, the others idle and dropped behind the pool's back.
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back([&] { EXPECT_TRUE(suppressed(*store, "b@example.com")); });
  for (std::thread& reader : readers) reader.join();
  run_on_server("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database_ +
                "' AND pid <> pg_backend_pid()");
  const auto events = store->events({});
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(events->size(), 2u);
  EXPECT_TRUE(suppressed(*store, "a@example.com"));
}

// Eight processes opening one new SQLite file, again and again: each asks to switch the file to
// WAL, and SQLite fails one of two that ask at the same moment without waiting (eight `ingest`
// processes started together once lost seven). None may fail. (Threads of one process do not
// race this way: SQLite orders them itself.)
TEST(OpenStore, ManyProcessesOpeningANewSqliteFileAllSucceed) {
  const fs::path dir = fs::temp_directory_path() / ("bounceback-openers-" + std::to_string(getpid()));
  fs::create_directories(dir);
  constexpr int kRounds = 100;
  constexpr int kOpeners = 8;
  int failed = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string url = "sqlite:" + (dir / ("new-" + std::to_string(round) + ".db")).string();
    std::vector<pid_t> openers;
    for (int i = 0; i < kOpeners; ++i) {
      const pid_t pid = fork();
      ASSERT_NE(pid, -1);
      if (pid == 0) _exit(open_store(url).ok() ? 0 : 1);
      openers.push_back(pid);
    }
    for (pid_t pid : openers) {
      int status = 0;
      waitpid(pid, &status, 0);
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  }
  fs::remove_all(dir);
  EXPECT_EQ(failed, 0) << "of " << kRounds * kOpeners << " opens failed";
}

TEST(OpenStore, AnUnusableSqliteFileIsAnErrorNamingIt) {
  const auto missing = open_store("sqlite:/proc/nonexistent/x.db");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
  EXPECT_NE(missing.error().message.find("/proc/nonexistent/x.db"), std::string::npos);
}

TEST(OpenStore, AnUnreachableServerNamesHostAndDatabaseButNotThePassword) {
  for (const char* url : {"postgresql://bounce:s3cret@127.0.0.1:1/bounces", "postgres://bounce:s3cret@127.0.0.1:1/bounces"}) {
    const auto unreachable = open_store(url);
    ASSERT_FALSE(unreachable.ok());
    EXPECT_EQ(unreachable.error().code, ErrorCode::kIoError);
    const std::string& message = unreachable.error().message;
    EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
    EXPECT_NE(message.find("bounces"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
}

TEST(OpenStore, PrintableUrlsHideThePassword) {
  EXPECT_EQ(printable_store_url("postgresql://bounce:s3cret@db.example:5432/bounces?sslmode=require"),
            "postgresql://bounce:***@db.example:5432/bounces?sslmode=require");
  EXPECT_EQ(printable_store_url("postgres://bounce:s3cret@db.example"), "postgres://bounce:***@db.example");
  EXPECT_EQ(printable_store_url("postgresql://db.example/bounces?user=bounce&password=s3cret&sslmode=require"),
            "postgresql://db.example/bounces?user=bounce&password=***&sslmode=require");
  EXPECT_EQ(printable_store_url("postgresql://bounce@db.example/bounces?application_name=a:b@c"),
            "postgresql://bounce@db.example/bounces?application_name=a:b@c");
  EXPECT_EQ(printable_store_url("sqlite:./user:pass@x.db"), "sqlite:./user:pass@x.db");
}

TEST(OpenStore, AMalformedUrlIsAnErrorWithoutThePassword) {
  const auto malformed = open_store("postgresql://bounce:s3cret%zz@127.0.0.1:1/bounces");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(malformed.error().message.find("s3cret"), std::string::npos) << malformed.error().message;
}

}  // namespace
}  // namespace bounceback::store
