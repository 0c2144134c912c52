// Input sources: mbox splitting, folders, Maildirs, stdin, and every kind of unreadable input.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "io/mbox.h"
#include "io/sources.h"

namespace bounceback::io {
namespace {

namespace fs = std::filesystem;

// ---- the mbox splitter ----

std::vector<MboxEntry> split(std::string_view mbox, size_t limit = 1 << 20, size_t chunk = 0) {
  MboxSplitter splitter(limit);
  std::vector<MboxEntry> entries;
  const size_t step = chunk == 0 ? mbox.size() : chunk;
  for (size_t pos = 0; pos < mbox.size(); pos += step) {
    splitter.feed(mbox.substr(pos, step));
    while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
  }
  splitter.finish();
  while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
  return entries;
}

std::vector<std::string> messages_of(const std::vector<MboxEntry>& entries) {
  std::vector<std::string> messages;
  for (const MboxEntry& entry : entries) messages.push_back(entry.too_large ? "<too large>" : entry.message);
  return messages;
}

constexpr std::string_view kThreeMessages =
    "From MAILER-DAEMON Fri Mar  1 10:00:00 2024\n"
    "Subject: one\n"
    "\n"
    "first body\n"
    ">From the quoted envelope\n"
    ">>From twice quoted\n"
    "\n"
    "From MAILER-DAEMON Fri Mar  1 10:00:01 2024\n"
    "Subject: two\n"
    "\n"
    "text\n"
    "From here, not an envelope: no blank line before\n"
    "From here neither\n"
    "\n"
    "From postmaster@example.com Fri Mar  1 10:00:02 2024\n"
    "Subject: three\n"
    "\n"
    "last\n"
    "\n";

TEST(MboxSplitter, SplitsOnEnvelopeLinesAfterBlankLines) {
  EXPECT_EQ(messages_of(split(kThreeMessages)),
            (std::vector<std::string>{
                "Subject: one\n\nfirst body\nFrom the quoted envelope\n>From twice quoted\n",
                "Subject: two\n\ntext\nFrom here, not an envelope: no blank line before\nFrom here neither\n",
                "Subject: three\n\nlast\n"}));
}

TEST(MboxSplitter, NumbersMessagesFromOne) {
  const auto entries = split(kThreeMessages);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].number, 1u);
  EXPECT_EQ(entries[2].number, 3u);
}

TEST(MboxSplitter, AnyChunkingGivesTheSameMessages) {
  const auto whole = messages_of(split(kThreeMessages));
  for (size_t chunk : {1, 2, 3, 5, 7, 8, 13, 64}) {
    EXPECT_EQ(messages_of(split(kThreeMessages, 1 << 20, chunk)), whole) << "chunk " << chunk;
  }
}

TEST(MboxSplitter, AcceptsCrlfLineEndings) {
  const std::string_view mbox =
      "From a@example.com Fri Mar  1 10:00:00 2024\r\n"
      "Subject: one\r\n\r\nbody\r\n>From x\r\n\r\n"
      "From b@example.com Fri Mar  1 10:00:01 2024\r\n"
      "Subject: two\r\n\r\nbody\r\n\r\n";
  for (size_t chunk : {0, 1, 3}) {
    EXPECT_EQ(messages_of(split(mbox, 1 << 20, chunk)),
              (std::vector<std::string>{"Subject: one\r\n\r\nbody\r\nFrom x\r\n", "Subject: two\r\n\r\nbody\r\n"}));
  }
}

TEST(MboxSplitter, AcceptsAMissingFinalNewline) {
  EXPECT_EQ(messages_of(split("From a\nSubject: one\n\nbody\n\nFrom b\nSubject: two\n\nno newline")),
            (std::vector<std::string>{"Subject: one\n\nbody\n", "Subject: two\n\nno newline"}));
}

TEST(MboxSplitter, KeepsEmptyMessages) {
  EXPECT_EQ(messages_of(split("From a\n\nFrom b\n\nFrom c\nSubject: x\n\nbody\n")),
            (std::vector<std::string>{"", "", "Subject: x\n\nbody\n"}));
  EXPECT_EQ(messages_of(split("From only-the-envelope")), (std::vector<std::string>{""}));
}

TEST(MboxSplitter, RefusesOversizeMessagesAndGoesOn) {
  const std::string big(5000, 'x');
  const std::string mbox = "From a\nSubject: small\n\n" "From b\n" + big + "\n\nFrom c\nSubject: after\n\n";
  for (size_t chunk : {0, 1, 100, 4096}) {
    const auto entries = split(mbox, 1000, chunk);
    EXPECT_EQ(messages_of(entries), (std::vector<std::string>{"Subject: small\n", "<too large>", "Subject: after\n"}))
        << "chunk " << chunk;
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[1].number, 2u);
    EXPECT_EQ(entries[2].number, 3u);
  }
}

TEST(MboxSplitter, ReadsIntoItsOwnSpaceAndRestartsForAnotherMbox) {
  MboxSplitter splitter(1 << 20);
  const auto split_in_place = [&](std::string_view mbox) {
    splitter.restart();
    std::vector<MboxEntry> entries;
    for (size_t pos = 0; pos < mbox.size(); pos += 3) {
      const std::string_view piece = mbox.substr(pos, 3);
      const std::span<char> space = splitter.space_for(piece.size());
      ASSERT_GE(space.size(), piece.size());
      std::copy(piece.begin(), piece.end(), space.begin());
      splitter.appended(piece.size());
      while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
    }
    splitter.finish();
    while (auto entry = splitter.next()) entries.push_back(std::move(*entry));
    EXPECT_EQ(messages_of(entries), messages_of(split(mbox)));
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.front().number, 1u);
  };
  split_in_place(kThreeMessages);
  split_in_place("From a\nSubject: after a restart\n\n>From quoted\n");
}

TEST(MboxSplitter, SplitsAnotherMboxAfterALargeMessage) {
  MboxSplitter splitter(size_t{16} << 20);
  const std::string large(size_t{5} << 20, 'x');
  splitter.feed("From a\n" + large + "\n");
  splitter.finish();
  const auto first = splitter.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->message, large + "\n");
  splitter.restart();
  splitter.feed("From b\nSubject: small\n");
  splitter.finish();
  const auto second = splitter.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->number, 1u);
  EXPECT_EQ(second->message, "Subject: small\n");
  EXPECT_FALSE(splitter.next().has_value());
}

TEST(MboxSplitter, UnquotesOnlyLinesThatStartWithTheQuotedEnvelope) {
  EXPECT_EQ(messages_of(split("From a\nx >From here\n>>From there\n\nFrom b\nplain >From\n")),
            (std::vector<std::string>{"x >From here\n>From there\n", "plain >From\n"}));
}

TEST(MboxSplitter, WritesEachMessageIntoTheMemoryItIsGiven) {
  MboxSplitter splitter(1 << 20);
  splitter.feed(kThreeMessages);
  splitter.finish();
  std::vector<std::string> messages;
  for (;;) {
    std::string memory;
    memory.reserve(4096);
    const char* const reused = memory.data();
    std::optional<MboxEntry> entry = splitter.next(memory);
    if (!entry) break;
    EXPECT_EQ(entry->message.data(), reused);
    messages.push_back(entry->message);
  }
  EXPECT_EQ(messages, messages_of(split(kThreeMessages)));
}

TEST(MboxUnquote, RemovesOneLevelOfQuoting) {
  EXPECT_EQ(unquote_mbox_message("From x\n>From a\n>>From b\n>>>From c\n> From d\n>Fromage\n"),
            "From a\n>From b\n>>From c\n> From d\n>Fromage\n");
  // A lone message saved with classic Mac OS line ends keeps its body after the envelope line.
  EXPECT_EQ(unquote_mbox_message("From x Tue\rSubject: a\r\rbody\r"), "Subject: a\r\rbody\r");
}

// ---- message buffers ----

TEST(MessageBuffers, HandsBackTheMemoryOfAMessageEmpty) {
  MessageBuffers buffers;
  EXPECT_EQ(buffers.take().capacity(), std::string().capacity());
  std::string spent(5000, 'x');
  const char* const memory = spent.data();
  buffers.give_back(std::move(spent));
  const std::string taken = buffers.take();
  EXPECT_TRUE(taken.empty());
  EXPECT_EQ(taken.data(), memory);
  EXPECT_GE(taken.capacity(), 5000u);
}

TEST(MessageBuffers, KeepsNeitherTinyNorHugeBuffers) {
  MessageBuffers buffers;
  buffers.give_back(std::string(10, 'x'));
  buffers.give_back(std::string(size_t{4} << 20, 'x'));
  EXPECT_EQ(buffers.take().capacity(), std::string().capacity());
}

TEST(MessageBuffers, KeepsABoundedNumber) {
  MessageBuffers buffers;
  for (int i = 0; i < 1000; ++i) buffers.give_back(std::string(1000, 'x'));
  size_t kept = 0;
  while (buffers.take().capacity() >= 1000) ++kept;
  EXPECT_GT(kept, 0u);
  EXPECT_LE(kept, 64u);
}

// ---- reading paths ----

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "bounceback-io-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path_, ignored);
  }
  std::string path(std::string_view relative = {}) const {
    return relative.empty() ? path_ : path_ + "/" + std::string(relative);
  }
  std::string write(std::string_view relative, std::string_view content) const {
    const fs::path file = path(relative);
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  std::string mkdir(std::string_view relative) const {
    fs::create_directories(path(relative));
    return path(relative);
  }
  void symlink(std::string_view target, std::string_view relative) const {
    fs::create_symlink(std::string(target), path(relative));
  }

 private:
  std::string path_;
};

struct Collected {
  std::vector<InputMessage> messages;
  std::vector<InputProblem> problems;

  std::vector<std::string> sources() const {
    std::vector<std::string> names;
    for (const auto& m : messages) names.push_back(m.source);
    return names;
  }
  std::string problem_for(const std::string& source) const {
    for (const auto& p : problems) {
      if (p.source == source) return p.reason;
    }
    return "<no problem>";
  }
};

std::vector<std::string> messages_of_input(const Collected& collected) {
  std::vector<std::string> messages;
  for (const InputMessage& message : collected.messages) messages.push_back(message.bytes);
  return messages;
}

Collected read(const std::vector<std::string>& paths, SourceOptions options = {}) {
  Collected collected;
  read_inputs(paths, options,
              InputHandlers{[&](InputMessage&& m) {
                              collected.messages.push_back(std::move(m));
                              return true;
                            },
                            [&](InputProblem&& p) { collected.problems.push_back(std::move(p)); }});
  return collected;
}

TEST(ReadInputs, ReadsAFileAsOneMessage) {
  TempDir dir;
  const std::string file = dir.write("one.eml", "Subject: hi\n\nbody\n");
  const Collected got = read({file});
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].source, file);
  EXPECT_EQ(got.messages[0].bytes, "Subject: hi\n\nbody\n");
  EXPECT_TRUE(got.problems.empty());
}

TEST(ReadInputs, ReadsAnEmptyFileAsAnEmptyMessage) {
  TempDir dir;
  const Collected got = read({dir.write("empty.eml", "")});
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].bytes, "");
}

TEST(ReadInputs, ReadsFoldersRecursivelyInNameOrder) {
  TempDir dir;
  dir.write("b.eml", "b");
  dir.write("a.eml", "a");
  dir.write("sub/c.eml", "c");
  dir.write("sub/deeper/d.eml", "d");
  dir.write("z.eml", "z");
  const Collected got = read({dir.path() + "/"});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("a.eml"), dir.path("b.eml"), dir.path("sub/c.eml"),
                                                     dir.path("sub/deeper/d.eml"), dir.path("z.eml")}));
}

TEST(ReadInputs, ReadsMaildirCurAndNewButNotTmpOrBookkeeping) {
  TempDir dir;
  dir.write("box/cur/1700000000.1.host:2,S", "seen");
  dir.write("box/new/1700000001.2.host", "unseen");
  dir.write("box/tmp/1700000002.3.host", "being delivered");
  dir.write("box/dovecot-uidlist", "3 V1 N4");
  dir.write("box/.Sent/cur/1700000003.4.host:2,S", "sent folder");
  dir.write("box/.Sent/maildirfolder", "");
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("box/.Sent/cur/1700000003.4.host:2,S"),
                                                     dir.path("box/cur/1700000000.1.host:2,S"),
                                                     dir.path("box/new/1700000001.2.host")}));
  EXPECT_TRUE(got.problems.empty());
}

TEST(ReadInputs, SplitsMboxFilesAndNumbersTheirMessages) {
  TempDir dir;
  const std::string mbox = dir.write("bounces.mbox", kThreeMessages);
  const Collected got = read({mbox});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{mbox + "#1", mbox + "#2", mbox + "#3"}));
  EXPECT_EQ(got.messages[0].bytes, "Subject: one\n\nfirst body\nFrom the quoted envelope\n>From twice quoted\n");
}

TEST(ReadInputs, SplitsMboxMessagesAcrossReadWindows) {
  TempDir dir;
  std::string mbox;
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string message = "Subject: " + std::to_string(i) + "\n\n" + std::string(7919 + i, 'a' + i % 26) + "\n";
    mbox += "From sender Fri Mar  1 10:00:00 2024\n" + message + "\n";
    expected.push_back(message);
  }
  const Collected got = read({dir.write("big.mbox", mbox)});
  ASSERT_EQ(got.messages.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got.messages[i].bytes, expected[i]) << i;
}

TEST(ReadInputs, ReadsFilesOfAndAroundTheReadWindowWhole) {
  TempDir dir;
  for (const size_t size : {size_t{1} << 20, (size_t{1} << 20) - 1, (size_t{3} << 20) + 7}) {
    std::string message = "Subject: big\n\n";
    message.resize(size, 'b');
    const Collected got = read({dir.write("big-" + std::to_string(size) + ".eml", message)});
    ASSERT_EQ(got.messages.size(), 1u) << size;
    EXPECT_EQ(got.messages[0].bytes, message) << size;
  }
}

// A file in /proc says its size is 0 but has content: it is read to its end all the same.
TEST(ReadInputs, ReadsFilesThatUnderstateTheirSize) {
  if (!fs::exists("/proc/self/status")) GTEST_SKIP() << "no /proc";
  const Collected got = read({"/proc/self/status"});
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_TRUE(got.messages[0].bytes.starts_with("Name:")) << got.messages[0].bytes;
  EXPECT_TRUE(got.messages[0].bytes.ends_with("\n")) << got.messages[0].bytes;
}

TEST(ReadInputs, ReadsPlainFilesAndMboxesInAnyOrderWithoutMixingThem) {
  TempDir dir;
  const std::string first = dir.write("1.mbox", kThreeMessages);
  const std::string plain = dir.write("2.eml", "Subject: plain\n\nshort\n");
  const std::string second = dir.write("3.mbox", "From a\nSubject: last\n\n");
  const Collected got = read({first, plain, second});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{first + "#1", first + "#2", first + "#3", plain, second + "#1"}));
  ASSERT_EQ(got.messages.size(), 5u);
  EXPECT_EQ(got.messages[3].bytes, "Subject: plain\n\nshort\n");
  EXPECT_EQ(got.messages[4].bytes, "Subject: last\n");
}

TEST(ReadInputs, ReadsStandardInputHandedOverAFewBytesAtATime) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    for (size_t pos = 0; pos < kThreeMessages.size(); pos += 2) {
      const size_t n = std::min<size_t>(2, kThreeMessages.size() - pos);
      EXPECT_EQ(::write(fds[1], kThreeMessages.data() + pos, n), static_cast<ssize_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(fds[1]);
  });
  SourceOptions options;
  options.stdin_fd = fds[0];
  const Collected got = read({"-"}, options);
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(got.sources(), (std::vector<std::string>{"-#1", "-#2", "-#3"}));
  EXPECT_EQ(messages_of_input(got), messages_of(split(kThreeMessages)));
}

TEST(ReadInputs, ReadsStandardInput) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    EXPECT_EQ(::write(fds[1], kThreeMessages.data(), kThreeMessages.size()),
              static_cast<ssize_t>(kThreeMessages.size()));
    ::close(fds[1]);
  });
  SourceOptions options;
  options.stdin_fd = fds[0];
  const Collected got = read({"-"}, options);
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(got.sources(), (std::vector<std::string>{"-#1", "-#2", "-#3"}));
}

TEST(ReadInputs, ReadsASingleMessageFromStandardInput) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "Subject: x\n\ny\n", 14), 14);
  ::close(fds[1]);
  SourceOptions options;
  options.stdin_fd = fds[0];
  const Collected got = read({"-"}, options);
  ::close(fds[0]);
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].source, "-");
  EXPECT_EQ(got.messages[0].bytes, "Subject: x\n\ny\n");
}

TEST(ReadInputs, ReportsAMissingPathAndGoesOn) {
  TempDir dir;
  const std::string good = dir.write("good.eml", "x");
  const Collected got = read({dir.path("missing.eml"), good});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{good}));
  EXPECT_EQ(got.problem_for(dir.path("missing.eml")), "cannot open: No such file or directory");
}

TEST(ReadInputs, ReportsABrokenSymbolicLink) {
  TempDir dir;
  dir.write("box/a.eml", "a");
  dir.symlink(dir.path("nowhere.eml"), "box/dangling.eml");
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("box/a.eml")}));
  EXPECT_EQ(got.problem_for(dir.path("box/dangling.eml")), "broken symbolic link: its target does not exist");
}

TEST(ReadInputs, ReportsASymbolicLinkToItself) {
  TempDir dir;
  dir.mkdir("box");
  dir.symlink("self", "box/self");
  const Collected got = read({dir.path("box")});
  EXPECT_TRUE(got.messages.empty());
  EXPECT_EQ(got.problem_for(dir.path("box/self")), "cannot open: Too many levels of symbolic links");
}

TEST(ReadInputs, FollowsLinksButNotLoopsBackToAFolderBeingRead) {
  TempDir dir;
  dir.write("box/sub/a.eml", "a");
  dir.write("elsewhere/b.eml", "b");
  dir.symlink("..", "box/sub/up");
  dir.symlink(dir.path("elsewhere"), "box/linked");
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("box/linked/b.eml"), dir.path("box/sub/a.eml")}));
  EXPECT_EQ(got.problem_for(dir.path("box/sub/up")),
            "not read: a symbolic link loop leads back to a folder being read");
}

TEST(ReadInputs, ReadsLinksToFilesInsideAFolderUnderTheLinksName) {
  TempDir dir;
  dir.write("elsewhere/real.eml", "Subject: linked\n");
  dir.write("box/a.eml", "a");
  dir.symlink(dir.path("elsewhere/real.eml"), "box/b.eml");
  dir.write("box/c.eml", "c");
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("box/a.eml"), dir.path("box/b.eml"), dir.path("box/c.eml")}));
  EXPECT_EQ(messages_of_input(got), (std::vector<std::string>{"a", "Subject: linked\n", "c"}));
}

TEST(ReadInputs, TakesAMaildirWhoseCurIsALinkForAMaildir) {
  TempDir dir;
  dir.write("store/1700000000.1.host:2,S", "seen");
  dir.mkdir("box");
  dir.symlink(dir.path("store"), "box/cur");
  dir.write("box/dovecot-uidlist", "3 V1 N4");
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.sources(), (std::vector<std::string>{dir.path("box/cur/1700000000.1.host:2,S")}));
}

// Files are opened relative to their folder, yet a deep tree must not hold every folder on the
// way open (descriptors are limited).
TEST(ReadInputs, HoldsFewDescriptorsOpenHoweverDeepTheTree) {
  const auto open_descriptors = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{});
  };
  if (!fs::exists("/proc/self/fd")) GTEST_SKIP() << "no /proc";
  TempDir dir;
  std::string folder = "tree";
  for (int depth = 0; depth < 40; ++depth) {
    dir.write(folder + "/a.eml", "a");
    dir.write(folder + "/z.eml", "z");
    folder += "/sub";
  }
  const auto before = open_descriptors();
  decltype(open_descriptors()) most = 0;
  size_t messages = 0;
  read_inputs({dir.path("tree")}, SourceOptions{},
              InputHandlers{[&](InputMessage&&) {
                              most = std::max(most, open_descriptors());
                              ++messages;
                              return true;
                            },
                            [](InputProblem&&) {}});
  EXPECT_EQ(messages, 80u);
  EXPECT_LE(most - before, 3);
}

TEST(ReadInputs, ReportsAPipeInsideAFolder) {
  TempDir dir;
  dir.mkdir("box");
  ASSERT_EQ(::mkfifo(dir.path("box/fifo").c_str(), 0600), 0);
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.problem_for(dir.path("box/fifo")), "not a regular file or folder");
}

TEST(ReadInputs, ReportsUnreadableFilesAndFolders) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  TempDir dir;
  const std::string file = dir.write("box/secret.eml", "x");
  const std::string folder = dir.mkdir("box/locked");
  ::chmod(file.c_str(), 0);
  ::chmod(folder.c_str(), 0);
  const Collected got = read({dir.path("box")});
  EXPECT_EQ(got.problem_for(file), "cannot open: Permission denied");
  EXPECT_EQ(got.problem_for(folder), "cannot read folder: Permission denied");
  ::chmod(folder.c_str(), 0700);
}

TEST(ReadInputs, RefusesFilesOverTheSizeLimitNamingTheOption) {
  TempDir dir;
  const std::string at_limit = dir.write("at.eml", std::string(100, 'x'));
  const std::string over = dir.write("over.eml", std::string(101, 'x'));
  SourceOptions options;
  options.max_message_bytes = 100;
  const Collected got = read({at_limit, over}, options);
  EXPECT_EQ(got.sources(), (std::vector<std::string>{at_limit}));
  EXPECT_EQ(got.problem_for(over),
            "larger than the message size limit of 100 bytes (raise it with --max-message-size)");
}

TEST(ReadInputs, RefusesOversizeMboxMessagesOneByOne) {
  TempDir dir;
  const std::string mbox =
      dir.write("x.mbox", "From a\nSubject: 1\n\nFrom b\n" + std::string(3000, 'y') + "\n\nFrom c\nSubject: 3\n");
  SourceOptions options;
  options.max_message_bytes = 1024;
  const Collected got = read({mbox}, options);
  EXPECT_EQ(got.sources(), (std::vector<std::string>{mbox + "#1", mbox + "#3"}));
  EXPECT_EQ(got.problem_for(mbox + "#2"),
            "larger than the message size limit of 1 KiB (raise it with --max-message-size)");
}

// Each message's bytes go back for the next messages to be read into: none may show bytes of an
// earlier, larger one.
TEST(ReadInputs, ReadsMessagesIntoTheBuffersGivenBackIdentically) {
  TempDir dir;
  dir.write("a-large.eml", "Subject: large\n\n" + std::string(20000, 'L') + "\n");
  dir.write("b-small.eml", "Subject: small\n\nshort\n");
  dir.write("c.mbox", kThreeMessages);
  dir.write("d-empty.eml", "");
  dir.write("e-medium.eml", "Subject: medium\n\n" + std::string(3000, 'M') + "\n");
  const Collected fresh = read({dir.path()});
  MessageBuffers buffers;
  std::vector<std::string> reused;
  size_t read_into_memory_given_back = 0;
  const char* given_back = nullptr;
  read_inputs({dir.path()}, SourceOptions{},
              InputHandlers{[&](InputMessage&& m) {
                              if (given_back != nullptr && m.bytes.data() == given_back) ++read_into_memory_given_back;
                              reused.push_back(m.bytes);
                              given_back = m.bytes.capacity() > std::string().capacity() ? m.bytes.data() : nullptr;
                              buffers.give_back(std::move(m.bytes));
                              return true;
                            },
                            [](InputProblem&&) {}, &buffers});
  EXPECT_EQ(reused, messages_of_input(fresh));
  EXPECT_GE(read_into_memory_given_back, 4u);
}

TEST(ReadInputs, StopsWhenTheConsumerSaysSo) {
  TempDir dir;
  dir.write("a.eml", "a");
  dir.write("b.eml", "b");
  size_t seen = 0;
  const bool finished = read_inputs({dir.path()}, SourceOptions{},
                                    InputHandlers{[&](InputMessage&&) { return ++seen < 1; }, [](InputProblem&&) {}});
  EXPECT_FALSE(finished);
  EXPECT_EQ(seen, 1u);
}

TEST(DescribeSize, UsesTheLargestExactUnit) {
  EXPECT_EQ(describe_size(size_t{64} << 20), "64 MiB");
  EXPECT_EQ(describe_size(2048), "2 KiB");
  EXPECT_EQ(describe_size(1500), "1500 bytes");
  EXPECT_EQ(describe_size(1), "1 byte");
}

}  // namespace
}  // namespace bounceback::io
