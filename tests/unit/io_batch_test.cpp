// The batch runner: output in input order for any thread count, every format framed once, and a
// summary that counts and names every problem.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bounceback/output.h"
#include "io/batch.h"

namespace bounceback::io {
namespace {

const std::string kFixtures = std::string(BOUNCEBACK_FIXTURES) + "/io/batch";

std::string read_back(std::FILE* file) {
  std::string text;
  std::rewind(file);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  return text;
}

struct BatchRun {
  BatchSummary summary;
  std::string output;
};

BatchRun run(const BatchOptions& options, const Decoder& decoder = Decoder()) {
  std::FILE* out = std::tmpfile();
  BatchRun result{run_batch(options, decoder, out, nullptr), ""};
  result.output = read_back(out);
  std::fclose(out);
  return result;
}

BatchOptions options_for(OutputFormat format, unsigned threads) {
  BatchOptions options;
  options.paths = {kFixtures};
  options.format = format;
  options.threads = threads;
  return options;
}

// What a batch must write: every message in input order, decoded one after the other.
std::string sequential_jsonl(const std::vector<std::string>& paths, bool include_non_reports = false) {
  const Decoder decoder;
  std::string expected;
  read_inputs(paths, SourceOptions{},
              InputHandlers{[&](InputMessage&& message) {
                              const DecodeResult result = decoder.decode(message.bytes, message.source);
                              for (const Record& record : result.records) {
                                append_json(record, expected);
                                expected.push_back('\n');
                              }
                              if (result.records.empty() && include_non_reports) {
                                EXPECT_FALSE(result.error) << message.source;
                                Record none;
                                none.source = message.source;
                                none.summary = "This message is not a delivery report.";
                                append_json(none, expected);
                                expected.push_back('\n');
                              }
                              return true;
                            },
                            [](InputProblem&&) {}});
  return expected;
}

TEST(RunBatch, WritesRecordsInInputOrder) {
  const BatchRun one = run(options_for(OutputFormat::kJsonLines, 1));
  EXPECT_EQ(one.output, sequential_jsonl({kFixtures}));
  EXPECT_EQ(one.summary.messages, 5u);
  EXPECT_TRUE(one.summary.complete());
}

TEST(RunBatch, OutputIsIdenticalForEveryThreadCount) {
  for (OutputFormat format : {OutputFormat::kJsonLines, OutputFormat::kJson, OutputFormat::kCsv, OutputFormat::kText}) {
    BatchOptions sequential = options_for(format, 1);
    sequential.paths = std::vector<std::string>(20, kFixtures);
    const std::string reference = run(sequential).output;
    for (unsigned threads : {2u, 4u, 0u}) {
      // The fixtures several times over, so that threads really overtake each other.
      BatchOptions options = options_for(format, threads);
      options.paths = std::vector<std::string>(20, kFixtures);
      EXPECT_EQ(run(options).output, reference) << "threads " << threads;
    }
  }
}

// The helper threads start with the second message: one message, two, and then an mbox more are
// each decoded once, in order, whatever the thread count.
TEST(RunBatch, DecodesAFewMessagesWithManyThreads) {
  struct Input {
    const char* file;
    size_t messages_so_far;
  };
  std::vector<std::string> files;
  for (const Input input : {Input{"1-dsn-userunknown.eml", 1}, Input{"2-not-a-report.eml", 2}, Input{"3-mixed.mbox", 5}}) {
    files.push_back(kFixtures + "/" + input.file);
    for (unsigned threads : {1u, 2u, 4u}) {
      BatchOptions options = options_for(OutputFormat::kJsonLines, threads);
      options.paths = files;
      options.include_non_reports = true;
      const BatchRun few = run(options);
      EXPECT_EQ(few.output, sequential_jsonl(files, true)) << files.size() << " messages, threads " << threads;
      EXPECT_EQ(few.summary.messages, input.messages_so_far);
    }
  }
}

TEST(RunBatch, ManyMessagesStayInOrder) {
  BatchOptions options = options_for(OutputFormat::kJsonLines, 4);
  options.paths = std::vector<std::string>(200, kFixtures);
  options.include_non_reports = true;
  const BatchRun many = run(options);
  std::string expected;
  const std::string once = sequential_jsonl({kFixtures}, true);
  for (int i = 0; i < 200; ++i) expected += once;
  EXPECT_EQ(many.output, expected);
  EXPECT_EQ(many.summary.messages, 1000u);
}

TEST(RunBatch, CountsMessagesReportsAndRecords) {
  const BatchRun result = run(options_for(OutputFormat::kJsonLines, 2));
  const BatchSummary& s = result.summary;
  EXPECT_EQ(s.messages, 5u);
  EXPECT_EQ(s.reports + s.non_reports + s.decode_errors.size(), s.messages);
  size_t lines = 0;
  for (char c : result.output) lines += c == '\n';
  EXPECT_EQ(s.records, lines);
  EXPECT_GT(s.bytes, 0u);
}

TEST(RunBatch, WritesARecordOfKindNoneForEachNonReportWhenAsked) {
  BatchOptions options = options_for(OutputFormat::kJsonLines, 2);
  options.include_non_reports = true;
  const BatchRun result = run(options);
  EXPECT_EQ(result.output, sequential_jsonl({kFixtures}, true));
  EXPECT_NE(result.output.find(R"({"source":")" + kFixtures + R"(/2-not-a-report.eml","kind":"none")"),
            std::string::npos);
  EXPECT_EQ(result.summary.non_reports, 2u);  // 2-not-a-report.eml and 3-mixed.mbox#2
}

TEST(RunBatch, FramesJsonAsOneArray) {
  const BatchRun result = run(options_for(OutputFormat::kJson, 2));
  const std::string& json = result.output;
  ASSERT_GE(json.size(), 4u);
  EXPECT_EQ(json.substr(0, 3), "[\n{");
  EXPECT_EQ(json.substr(json.size() - 4), "}\n]\n");
  EXPECT_EQ(json.find("}{"), std::string::npos);
  EXPECT_EQ(json.find("}\n{"), std::string::npos);

  BatchOptions nothing = options_for(OutputFormat::kJson, 2);
  nothing.paths = {kFixtures + "/2-not-a-report.eml"};
  EXPECT_EQ(run(nothing).output, "[\n]\n");
}

TEST(RunBatch, WritesTheCsvHeaderOnce) {
  std::string header;
  append_csv_header(header);
  BatchOptions options = options_for(OutputFormat::kCsv, 2);
  options.paths = {kFixtures, kFixtures};
  const std::string csv = run(options).output;
  EXPECT_EQ(csv.substr(0, header.size()), header);
  EXPECT_EQ(csv.find(header, 1), std::string::npos);
}

// One thread reads, decodes and writes in turn; more hand messages over: both must go on past a
// problem input and stop at a failed output.
TEST(RunBatch, ReportsUnreadableInputsAndGoesOn) {
  for (unsigned threads : {1u, 2u}) {
    BatchOptions options = options_for(OutputFormat::kJsonLines, threads);
    options.paths = {kFixtures + "/missing.eml", kFixtures + "/1-dsn-userunknown.eml"};
    const BatchRun result = run(options);
    EXPECT_EQ(result.summary.messages, 1u) << threads;
    ASSERT_EQ(result.summary.unreadable.size(), 1u) << threads;
    EXPECT_EQ(result.summary.unreadable[0].source, kFixtures + "/missing.eml");
    EXPECT_EQ(result.summary.unreadable[0].reason, "cannot open: No such file or directory");
    EXPECT_FALSE(result.summary.complete());
  }
}

TEST(RunBatch, RefusesMessagesOverTheDecoderLimit) {
  DecodeOptions small;
  small.limits.max_message_bytes = 300;
  for (unsigned threads : {1u, 2u}) {
    const BatchRun result = run(options_for(OutputFormat::kJsonLines, threads), Decoder(small));
    EXPECT_EQ(result.summary.messages, 2u) << threads;  // 2-not-a-report.eml and 3-mixed.mbox#2 are small enough
    ASSERT_EQ(result.summary.unreadable.size(), 3u) << threads;
    EXPECT_EQ(result.summary.unreadable[0].source, kFixtures + "/1-dsn-userunknown.eml");
  }
}

TEST(RunBatch, StopsWhenTheOutputFails) {
  for (unsigned threads : {1u, 2u}) {
    std::FILE* full = std::fopen("/dev/full", "w");
    if (full == nullptr) GTEST_SKIP() << "no /dev/full";
    std::setvbuf(full, nullptr, _IONBF, 0);
    BatchOptions options = options_for(OutputFormat::kJsonLines, threads);
    options.paths = std::vector<std::string>(50, kFixtures);
    const BatchSummary summary = run_batch(options, Decoder(), full, nullptr);
    std::fclose(full);
    ASSERT_TRUE(summary.output_error) << threads;
    EXPECT_EQ(*summary.output_error, "cannot write the output: No space left on device");
    EXPECT_LT(summary.messages, 250u) << threads;
    EXPECT_FALSE(summary.complete());
  }
}

TEST(FormatSummary, SaysWhatWasReadAndWritten) {
  BatchSummary s;
  s.messages = 12;
  s.reports = 10;
  s.non_reports = 1;
  s.records = 11;
  s.warnings = 1;
  s.decode_errors = {{"a.mbox#3", "the message is larger than ..."}};
  EXPECT_EQ(format_summary(s),
            "Read 12 messages (10 delivery reports, 1 other message); wrote 11 records.\n"
            "1 warning about damaged or unusual messages.\n"
            "1 message could not be decoded:\n"
            "  a.mbox#3: the message is larger than ...\n");
}

TEST(FormatSummary, ListsTheFirstWarningsWithTheirMessage) {
  BatchSummary s;
  s.messages = 25;
  s.non_reports = 25;
  s.warnings = 25;
  for (int i = 0; i < 20; ++i) s.first_warnings.push_back({"m" + std::to_string(i), "more than 9 MIME parts"});
  const std::string text = format_summary(s);
  EXPECT_NE(text.find("25 warnings about damaged or unusual messages:\n"
                      "  m0: more than 9 MIME parts\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  ... and 5 more\n"), std::string::npos) << text;
}

TEST(FormatSummary, ListsAtMostTwentyProblemsPerKind) {
  BatchSummary s;
  for (int i = 0; i < 25; ++i) s.unreadable.push_back({"m" + std::to_string(i), "cannot open: Permission denied"});
  s.output_error = "cannot write the output: Broken pipe";
  const std::string text = format_summary(s);
  EXPECT_NE(text.find("25 inputs could not be read:\n  m0: cannot open: Permission denied\n"), std::string::npos);
  EXPECT_NE(text.find("  m19: "), std::string::npos);
  EXPECT_EQ(text.find("  m20: "), std::string::npos);
  EXPECT_NE(text.find("  ... and 5 more\n"), std::string::npos);
  EXPECT_NE(text.find("Stopped early: cannot write the output: Broken pipe.\n"), std::string::npos);
}

}  // namespace
}  // namespace bounceback::io
