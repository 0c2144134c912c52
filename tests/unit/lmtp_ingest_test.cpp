// The one function behind `bounceback ingest` and the LMTP listener: decode, store once, and say
// what the MTA should do. Runs against a real SQLite store in a temporary folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "pipeline/ingest.h"
#include "support.h"

namespace bounceback::pipeline {
namespace {

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/bounceback-ingest-XXXXXX";
    ASSERT_NE(mkdtemp(path), nullptr);
    folder_ = path;
    Result<std::unique_ptr<store::Store>> opened = store::open_store("sqlite:" + folder_ + "/test.db");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened).value();
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  IngestOutcome ingest(std::string_view message, const Decoder& decoder = Decoder()) {
    return ingest_message(decoder, message, "lmtp", [this]() -> Result<store::Store*> {
      ++opened_;
      return store_.get();
    });
  }

  std::string folder_;
  std::unique_ptr<store::Store> store_;
  int opened_ = 0;
};

TEST_F(IngestTest, StoresABounceOnceAndSuppressesItsAddress) {
  const std::string bounce = testing::read_fixture("lmtp/postfix-local-unknown-user.eml");
  const IngestOutcome first = ingest(bounce);
  EXPECT_EQ(first.status, IngestStatus::kStored);
  EXPECT_EQ(first.records, 1u);
  const Result<std::optional<store::Suppression>> suppressed = store_->suppression("no.such.user@mx.lmtp.test");
  ASSERT_TRUE(suppressed);
  ASSERT_TRUE(suppressed->has_value());
  EXPECT_EQ((*suppressed)->reason, "userunknown");

  const IngestOutcome again = ingest(bounce);
  EXPECT_EQ(again.status, IngestStatus::kDuplicate);
  EXPECT_EQ(again.records, 1u);
}

TEST_F(IngestTest, MessageWithoutAReportNeedsNoStore) {
  const IngestOutcome outcome = ingest(testing::read_fixture("lmtp/not-a-bounce.eml"));
  EXPECT_EQ(outcome.status, IngestStatus::kNotAReport);
  EXPECT_EQ(opened_, 0) << "a pipe opens no store for it";
}

TEST_F(IngestTest, EmptyOrOversizedMessagesCanNeverBeProcessed) {
  EXPECT_EQ(ingest("").status, IngestStatus::kUnprocessable);
  EXPECT_EQ(ingest(" \r\n\n\t").status, IngestStatus::kUnprocessable);
  DecodeOptions small;
  small.limits.max_message_bytes = 100;
  const IngestOutcome outcome = ingest(testing::read_fixture("lmtp/postfix-local-unknown-user.eml"), Decoder(small));
  EXPECT_EQ(outcome.status, IngestStatus::kUnprocessable);
  EXPECT_NE(outcome.detail.find("max-message-size"), std::string::npos) << outcome.detail;
  EXPECT_EQ(opened_, 0);
}

TEST_F(IngestTest, AStoreThatCannotBeOpenedIsATemporaryFailure) {
  const IngestOutcome outcome = ingest_message(Decoder(), testing::read_fixture("lmtp/postfix-local-unknown-user.eml"),
                                               "-", []() -> Result<store::Store*> {
                                                 return Error{ErrorCode::kIoError, "cannot open x.db"};
                                               });
  EXPECT_EQ(outcome.status, IngestStatus::kStoreFailed);
  EXPECT_EQ(outcome.detail, "cannot open x.db");
}

TEST_F(IngestTest, AStoreThatCannotWriteIsATemporaryFailure) {
  const std::string path = folder_ + "/broken.db";
  Result<std::unique_ptr<store::Store>> opened = store::open_store("sqlite:" + path);
  ASSERT_TRUE(opened);
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(65536, 'x');
  }
  const IngestOutcome outcome = ingest_message(Decoder(), testing::read_fixture("lmtp/postfix-local-unknown-user.eml"),
                                               "-", [&]() -> Result<store::Store*> { return opened.value().get(); });
  EXPECT_EQ(outcome.status, IngestStatus::kStoreFailed) << outcome.detail;
  EXPECT_FALSE(outcome.detail.empty());
}

}  // namespace
}  // namespace bounceback::pipeline
