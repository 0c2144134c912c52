// Hostile input: truncated, nested, huge, binary, mislabelled or unreadable messages never crash or
// hang the decoder, stay within their limits, and never cost the other messages of a batch.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bounceback/decoder.h"
#include "bounceback/output.h"
#include "io/batch.h"
#include "io/mbox.h"
#include "mime/decoding.h"
#include "mime/message.h"

namespace bounceback {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = BOUNCEBACK_FIXTURES;
const fs::path kHostile = kFixtures / "hostile";
const fs::path kExamples = kFixtures.parent_path().parent_path() / "examples" / "bounces";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// What a JSON writer needs to frame a line: valid UTF-8 and no raw control characters.
bool json_line_safe(const std::string& json) {
  if (!mime::is_valid_utf8(json)) return false;
  for (const char c : json) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// Every record of a result names its source and renders as a safe JSON line.
void expect_sound(const DecodeResult& result, std::string_view source) {
  for (const Record& record : result.records) {
    EXPECT_EQ(record.source, source);
    std::string json;
    append_json(record, json);
    EXPECT_TRUE(json_line_safe(json)) << json;
  }
}

// Wall time of a call, to assert that no input makes the decoder hang or go quadratic.
template <typename F>
double seconds_taken(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Whether a warning says `words`: each limit reached names itself and the option that raises it.
bool has_warning(const std::vector<std::string>& warnings, std::string_view words) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& warning) { return warning.find(words) != std::string::npos; });
}

std::vector<fs::path> truncation_fixtures() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kExamples)) files.push_back(entry.path());
  for (const char* name : {"exchange2007.eml", "gmail-current.eml", "amazonses-sns.eml", "qmail-two-recipients.eml"}) {
    if (fs::exists(kFixtures / "formats" / name)) files.push_back(kFixtures / "formats" / name);
  }
  return files;
}

TEST(Hostile, EveryTruncationOfRealBouncesDecodesSoundly) {
  const Decoder decoder;
  for (const fs::path& path : truncation_fixtures()) {
    const std::string message = read_file(path);
    ASSERT_FALSE(message.empty()) << path;
    for (size_t length = 0; length <= message.size(); ++length) {
      const DecodeResult result = decoder.decode(std::string_view(message).substr(0, length), "cut");
      EXPECT_FALSE(result.error) << path << " cut at " << length;
      expect_sound(result, "cut");
    }
    EXPECT_TRUE(decoder.decode(message, "whole").is_report) << path;
  }
}

std::string nested_multiparts(int depth) {
  std::string message = "From: a@example.org\nSubject: deep\n";
  for (int level = 0; level < depth; ++level) {
    const std::string boundary = "b" + std::to_string(level);
    message += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n--" + boundary + "\n";
  }
  message += "Content-Type: text/plain\n\n550 5.1.1 deep\n";
  for (int level = depth - 1; level >= 0; --level) message += "\n--b" + std::to_string(level) + "--\n";
  return message;
}

TEST(Hostile, TenThousandNestedMultipartsStopAtTheDepthLimit) {
  const std::string message = nested_multiparts(10'000);
  const Decoder decoder;
  DecodeResult result;
  EXPECT_LT(seconds_taken([&] { result = decoder.decode(message, "deep"); }), 30.0);  // a hang guard, not a benchmark
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(has_warning(result.warnings, "MIME nesting deeper than 32 levels")) << "the depth limit is reported";
  EXPECT_TRUE(has_warning(result.warnings, "(raise it with --max-mime-depth)")) << "with how to raise it";
}

// Found by this suite under ASan: --max-mime-depth 10000 (the CLI's highest) let the recursive
// parser overflow the stack. The nesting followed is capped whatever the limit asks for.
TEST(Hostile, TenThousandNestedMultipartsAtTheHighestDepthLimit) {
  const std::string message = nested_multiparts(10'000);
  Limits limits;
  limits.max_mime_depth = 10'000;
  const mime::Message parsed = mime::parse_message(message, limits);
  EXPECT_GE(parsed.parts.size(), 2u);
  EXPECT_TRUE(has_warning(parsed.warnings, "deeper than 1000 levels"));
  EXPECT_TRUE(has_warning(parsed.warnings, "the deepest the parser follows")) << "no option goes deeper";
}

TEST(Hostile, HundredThousandPartsStopAtThePartLimit) {
  std::string message = "From: a@example.org\nContent-Type: multipart/mixed; boundary=\"p\"\n\n";
  for (int part = 0; part < 100'000; ++part) message += "--p\nContent-Type: text/plain\n\nx\n";
  message += "--p--\n";
  const Decoder decoder;
  DecodeResult result;
  EXPECT_LT(seconds_taken([&] { result = decoder.decode(message, "many"); }), 30.0);  // a hang guard, not a benchmark
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(has_warning(result.warnings, "more than 10000 MIME parts")) << "the part limit is reported";
  EXPECT_TRUE(has_warning(result.warnings, "(raise it with --max-parts)")) << "with how to raise it";
  EXPECT_LE(mime::parse_message(message, Limits{}).parts.size(), Limits{}.max_parts + 1);
}

TEST(Hostile, HundredMegabyteHeaderLineIsCutAtTheHeaderLimit) {
  std::string message = "From: a@example.org\nX-Long: ";
  message.append(size_t{100} << 20, 'a');
  message += "\nSubject: after\n\nbody\n";
  DecodeOptions options;
  options.limits.max_message_bytes = size_t{128} << 20;
  const Decoder decoder(options);
  DecodeResult result;
  EXPECT_LT(seconds_taken([&] { result = decoder.decode(message, "long"); }), 30.0);  // a hang guard, not a benchmark
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(has_warning(result.warnings, "header block larger than 1048576 bytes truncated"))
      << "the cut header block is reported";
  EXPECT_TRUE(has_warning(result.warnings, "(raise it with --max-header-size)")) << "with how to raise it";
}

TEST(Hostile, MessageOverTheSizeLimitIsRefusedNamingTheLimit) {
  DecodeOptions options;
  options.limits.max_message_bytes = 100;
  const DecodeResult result = Decoder(options).decode(std::string(101, 'x'), "big.eml");
  ASSERT_TRUE(result.error);
  EXPECT_NE(result.error->message.find("--max-message-size"), std::string::npos) << result.error->message;
  EXPECT_TRUE(result.records.empty());
}

struct HostileFixture {
  const char* file;
  const char* recipient;  // the record that must survive the damage
};

class HostileFixtures : public testing::TestWithParam<HostileFixture> {};

TEST_P(HostileFixtures, DecodeToSoundRecords) {
  const std::string message = read_file(kHostile / GetParam().file);
  ASSERT_FALSE(message.empty());
  const DecodeResult result = Decoder().decode(message, GetParam().file);
  EXPECT_FALSE(result.error);
  expect_sound(result, GetParam().file);
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].recipient, GetParam().recipient);
}

INSTANTIATE_TEST_SUITE_P(Hostile, HostileFixtures,
                         testing::Values(HostileFixture{"unclosed-boundary.eml", "lost@example.com"},
                                         HostileFixture{"nul-bytes.eml", "nul@example.com"},
                                         HostileFixture{"mislabelled-charset.eml", "caf\xc3\xa9@example.com"},
                                         HostileFixture{"transfer-garbage.eml", "b64@example.com"}));

TEST(Hostile, TransferGarbageDecodesAsFarAsItGoes) {
  EXPECT_EQ(mime::decode_transfer("!!SGVs*bG8=\n====%%", "base64"), "Hello");
  EXPECT_EQ(mime::decode_transfer("a=ZZb=\nc=4", "quoted-printable"), "a=ZZbc=4");
  EXPECT_TRUE(mime::is_valid_utf8(mime::to_utf8("\xe9t\xe9 \x1b$B\xff", "iso-2022-jp")));
  EXPECT_TRUE(mime::is_valid_utf8(mime::to_utf8("\xc3\x28\xed\xa0\x80", "utf-8")));
  EXPECT_TRUE(mime::is_valid_utf8(mime::to_utf8("\xff\xfe", "no-such-charset")));
}

std::vector<io::MboxEntry> split_mbox(std::string_view mbox, size_t piece, size_t limit = size_t{1} << 20) {
  io::MboxSplitter splitter(limit);
  std::vector<io::MboxEntry> entries;
  for (size_t at = 0; at < mbox.size(); at += piece) {
    splitter.feed(mbox.substr(at, piece));
    while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
  }
  splitter.finish();
  while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
  return entries;
}

TEST(Hostile, MboxWithCrlfEscapesAnEmptyMessageAndNoTrailingNewline) {
  const std::string mbox = read_file(kHostile / "crlf-escapes-empty.mbox");
  for (const size_t piece : {size_t{1}, size_t{7}, mbox.size()}) {
    const std::vector<io::MboxEntry> entries = split_mbox(mbox, piece);
    ASSERT_EQ(entries.size(), 3u) << "piece " << piece;
    EXPECT_NE(entries[0].message.find("\r\nFrom the start.\r\n>From quoted twice."), std::string::npos)
        << entries[0].message;
    EXPECT_TRUE(entries[1].message.empty() || entries[1].message == "\r\n") << entries[1].message;
    EXPECT_TRUE(entries[2].message.ends_with("\r\n\r\nend")) << entries[2].message;
  }
}

// Found by fuzz_mbox: fed byte by byte, the first bytes of the next envelope line were counted
// against a message exactly at the limit, which was then refused as too large.
TEST(Hostile, MboxMessageExactlyAtTheLimitIsKeptWhateverTheFeedSize) {
  const std::string first = "From a Tue Mar 10 09:12:44 2026\nSubject: at the limit\n\nbody\n\n";
  const std::string mbox = first + "From b Tue Mar 10 09:12:44 2026\nSubject: next\n\nx\n";
  for (const size_t piece : {size_t{1}, size_t{3}, mbox.size()}) {
    const std::vector<io::MboxEntry> entries = split_mbox(mbox, piece, first.size());
    ASSERT_EQ(entries.size(), 2u) << "piece " << piece;
    EXPECT_FALSE(entries[0].too_large) << "piece " << piece;
    EXPECT_EQ(entries[0].message, "Subject: at the limit\n\nbody\n") << "piece " << piece;
  }
}

// A folder of good bounces beside every kind of unreadable entry: each problem is named, every good
// message is still decoded.
class HostileFolder : public testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("bounceback-hostile-" + std::to_string(getpid()));
    fs::create_directories(folder_ / "sub");
    fs::copy_file(kExamples / "postfix-user-unknown.eml", folder_ / "a-good.eml");
    fs::copy_file(kExamples / "exim-mailbox-full.eml", folder_ / "z-good.eml");
    fs::create_symlink(folder_ / "missing.eml", folder_ / "b-dangling.eml");
    fs::create_symlink(folder_, folder_ / "sub" / "loop");
  }
  void TearDown() override { fs::remove_all(folder_); }

  io::BatchSummary decode_folder(std::string& output) {
    io::BatchOptions options;
    options.paths = {folder_.string()};
    options.threads = 2;
    std::FILE* out = std::tmpfile();
    io::BatchSummary summary = io::run_batch(options, Decoder(), out, nullptr);
    std::rewind(out);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) output.append(buffer, n);
    std::fclose(out);
    return summary;
  }

  static bool names(const std::vector<io::InputProblem>& problems, std::string_view file) {
    for (const io::InputProblem& problem : problems) {
      if (problem.source.find(file) != std::string::npos && !problem.reason.empty()) return true;
    }
    return false;
  }

  fs::path folder_;
};

TEST_F(HostileFolder, DanglingLinksAndLoopsAreNamedAndTheRestDecoded) {
  std::string output;
  const io::BatchSummary summary = decode_folder(output);
  EXPECT_FALSE(summary.complete());
  EXPECT_TRUE(names(summary.unreadable, "b-dangling.eml"));
  EXPECT_TRUE(names(summary.unreadable, "loop"));
  EXPECT_EQ(summary.reports, 2u);
  EXPECT_NE(output.find("a-good.eml"), std::string::npos);
  EXPECT_NE(output.find("z-good.eml"), std::string::npos);
}

TEST_F(HostileFolder, UnreadableFileIsNamedAndTheRestDecoded) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  fs::copy_file(kExamples / "qmail-blocklisted.eml", folder_ / "m-locked.eml");
  fs::permissions(folder_ / "m-locked.eml", fs::perms::none);
  std::string output;
  const io::BatchSummary summary = decode_folder(output);
  EXPECT_TRUE(names(summary.unreadable, "m-locked.eml"));
  EXPECT_EQ(summary.reports, 2u);
}

}  // namespace
}  // namespace bounceback
