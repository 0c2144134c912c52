// `decode --store`: the batch runner hands every decoded message to a record sink, keyed on the
// decoding threads and kept in input order by whichever thread writes, then flushes the sink once.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "io/batch.h"
#include "store/store.h"

namespace bounceback::io {
namespace {

const std::string kFixtures = std::string(BOUNCEBACK_FIXTURES) + "/io/batch";

struct Kept {
  std::string key;
  std::vector<std::string> sources;
};

BatchSummary run_with_sink(unsigned threads, RecordSink sink) {
  BatchOptions options;
  options.paths = {kFixtures};
  options.threads = threads;
  options.sink = std::move(sink);
  std::FILE* out = std::tmpfile();
  const BatchSummary summary = run_batch(options, Decoder(), out, nullptr);
  std::fclose(out);
  return summary;
}

std::vector<Kept> keep_all(unsigned threads) {
  std::vector<Kept> kept;
  const BatchSummary summary = run_with_sink(
      threads, RecordSink{[](std::string_view message) { return store::message_hash(message); },
                          [&](const std::string& key, const std::vector<Record>& records) {
                            Kept entry{key, {}};
                            for (const Record& record : records) entry.sources.push_back(record.source);
                            kept.push_back(std::move(entry));
                            return std::optional<std::string>();
                          },
                          {}});
  EXPECT_TRUE(summary.complete());
  EXPECT_EQ(kept.size(), summary.messages - summary.decode_errors.size());
  return kept;
}

TEST(BatchSink, KeepsEveryMessageInInputOrderForAnyThreadCount) {
  const std::vector<Kept> one = keep_all(1);
  const std::vector<Kept> four = keep_all(4);
  ASSERT_FALSE(one.empty());
  ASSERT_EQ(one.size(), four.size());
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].key, four[i].key);
    EXPECT_EQ(one[i].sources, four[i].sources);
    EXPECT_EQ(one[i].key.size(), 64u);
  }
}

TEST(BatchSink, ASinkErrorStopsTheBatch) {
  const BatchSummary summary =
      run_with_sink(2, RecordSink{[](std::string_view) { return std::string("key"); },
                                  [](const std::string&, const std::vector<Record>&) {
                                    return std::optional<std::string>("cannot store the records: disk full");
                                  },
                                  {}});
  EXPECT_FALSE(summary.complete());
  ASSERT_TRUE(summary.output_error.has_value());
  EXPECT_EQ(*summary.output_error, "cannot store the records: disk full");
}

// A sink that gathers messages (into transactions) gets one flush, after every message was kept.
TEST(BatchSink, FlushesOnceAfterTheLastMessage) {
  size_t kept = 0;
  std::vector<size_t> kept_at_flush;
  const BatchSummary summary = run_with_sink(
      3, RecordSink{[](std::string_view message) { return store::message_hash(message); },
                    [&](const std::string&, const std::vector<Record>&) {
                      ++kept;
                      return std::optional<std::string>();
                    },
                    [&] {
                      kept_at_flush.push_back(kept);
                      return std::optional<std::string>();
                    }});
  EXPECT_TRUE(summary.complete());
  ASSERT_GT(kept, 0u);
  EXPECT_EQ(kept_at_flush, std::vector<size_t>{kept});
}

TEST(BatchSink, AFlushErrorFailsTheBatch) {
  const BatchSummary summary =
      run_with_sink(2, RecordSink{[](std::string_view) { return std::string("key"); },
                                  [](const std::string&, const std::vector<Record>&) { return std::optional<std::string>(); },
                                  [] { return std::optional<std::string>("cannot store the records: server gone"); }});
  EXPECT_FALSE(summary.complete());
  ASSERT_TRUE(summary.output_error.has_value());
  EXPECT_EQ(*summary.output_error, "cannot store the records: server gone");
}

// After a failed keep() the batch stops without a flush: what was not stored stays unstored.
TEST(BatchSink, AKeepErrorSkipsTheFlush) {
  bool flushed = false;
  const BatchSummary summary = run_with_sink(
      2, RecordSink{[](std::string_view) { return std::string("key"); },
                    [](const std::string&, const std::vector<Record>&) { return std::optional<std::string>("full"); },
                    [&] {
                      flushed = true;
                      return std::optional<std::string>();
                    }});
  EXPECT_FALSE(summary.complete());
  EXPECT_FALSE(flushed);
}

}  // namespace
}  // namespace bounceback::io
