// The ASCII helpers every layer uses; ifind is checked against a naive search.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cctype>
#include <random>
#include <string>

#include "util/byte_masks.h"
#include "util/text.h"

namespace bounceback::util {
namespace {

size_t naive_ifind(std::string_view text, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  for (size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

TEST(UtilText, IfindIgnoresAsciiCase) {
  EXPECT_EQ(ifind("Mailbox FULL", "full"), 8u);
  EXPECT_EQ(ifind("User unknown", "USER"), 0u);
  EXPECT_EQ(ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(ifind("aaa", "a", 3), std::string_view::npos);
  EXPECT_EQ(ifind("aaa", "", 3), 3u);
  EXPECT_EQ(ifind("550 5.1.1", "5.1", 1), 4u);
  EXPECT_EQ(ifind("x", "x", 5), std::string_view::npos);
}

// Texts long enough for any block-wise search, needles of up to a dozen bytes, and bytes that
// differ from letters or from each other by 0x20 only ('@' and '`', '[' and '{', 0xC1 and 0xE1).
TEST(UtilText, IfindAgreesWithANaiveSearch) {
  std::mt19937 rng(11);
  const std::string alphabet = "aAzZ@`[{ .5\xC1\xE1x";
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 90, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    std::string needle(1 + rng() % 12, ' ');
    for (char& c : needle) c = alphabet[rng() % alphabet.size()];
    // Half the needles are cut from the text, with their case changed, so that most are found.
    if (round % 2 == 0 && needle.size() <= text.size()) {
      const size_t at = rng() % (text.size() - needle.size() + 1);
      for (size_t i = 0; i < needle.size(); ++i) {
        const char c = text[at + i];
        needle[i] = rng() % 2 && is_alpha(c) ? static_cast<char>(c ^ 0x20) : c;
      }
    }
    const size_t from = rng() % (text.size() + 2);
    ASSERT_EQ(ifind(text, needle, from), naive_ifind(text, needle, from)) << text << " / " << needle << " / " << from;
  }
}

// iequals compares eight bytes at a time, the last word overlapping, and shorter texts byte by
// byte; every byte value, at every place in and around a word.
TEST(UtilText, IequalsFoldsExactlyAsciiLettersAtEveryOffset) {
  auto reference = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
  };
  for (size_t length : {1u, 3u, 4u, 5u, 7u, 8u, 9u, 12u, 16u, 19u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int x = 0; x < 256; ++x) {
        std::string a(length, 'q'), b(length, 'Q');
        a[at] = static_cast<char>(x);
        for (int y : {x, x ^ 0x20, x ^ 0x80, (x + 1) & 0xFF}) {
          b[at] = static_cast<char>(y);
          ASSERT_EQ(iequals(a, b), reference(a, b)) << length << " " << at << " " << x << " " << y;
        }
      }
    }
  }
  EXPECT_TRUE(iequals("Diagnostic-Code: SMTP", "diagnostic-code: smtp"));
  EXPECT_FALSE(iequals("Diagnostic-Code: SMTP", "diagnostic-code: smtq"));
  EXPECT_FALSE(iequals("[", "{"));  // '[' + 0x20 is '{': only letters fold
  EXPECT_FALSE(iequals("@@@@@@@@", "````````"));
}

constexpr std::string_view kSomeNames[] = {"From", "Date", "Subject", "Message-ID", "X-PowerMTA-BounceCategory"};
constexpr NameSet kSomeNameSet(kSomeNames);

TEST(UtilText, NameSetFindsEachNameInAnyCaseAndNothingElse) {
  for (size_t i = 0; i < std::size(kSomeNames); ++i) {
    EXPECT_EQ(kSomeNameSet.find(kSomeNames[i]), i);
    EXPECT_EQ(kSomeNameSet.find(to_lower(kSomeNames[i])), i);
  }
  EXPECT_EQ(kSomeNameSet.find("DATE"), 1u);  // same length as From: both are compared
  EXPECT_EQ(kSomeNameSet.find("Dote"), NameSet::kNone);
  EXPECT_EQ(kSomeNameSet.find(""), NameSet::kNone);
  EXPECT_EQ(kSomeNameSet.find(std::string(40, 'x')), NameSet::kNone);
  EXPECT_FALSE(kSomeNameSet.contains("Received"));
  EXPECT_TRUE(kSomeNameSet.contains("message-id"));
}

// The bit test against the C locale's isspace, for every byte value.
TEST(UtilText, IsSpaceIsTheCLocalesWhiteSpace) {
  for (int byte = 0; byte < 256; ++byte) {
    EXPECT_EQ(is_space(static_cast<char>(byte)), std::isspace(byte) != 0) << byte;
  }
}

// The eight-byte class tests of util/byte_masks.h against one byte at a time: every byte value at
// every place in a word, beside bytes that sit just inside and just outside the class.
TEST(ByteMasks, MarkExactlyTheBytesOfTheirClass) {
  const auto marked = [](uint64_t marks, size_t index) {
    return std::bit_cast<std::array<unsigned char, 8>>(marks & kHigh)[index] != 0;
  };
  for (size_t index = 0; index < 8; ++index) {
    for (int value = 0; value < 256; ++value) {
      std::array<unsigned char, 8> bytes{'0', '9', 'A', 'Z', '/', ':', '@', '['};
      bytes[index] = static_cast<unsigned char>(value);
      const uint64_t word = load8(reinterpret_cast<const char*>(bytes.data()));
      for (size_t i = 0; i < 8; ++i) {
        const unsigned char b = bytes[i];
        ASSERT_EQ(marked(bytes_in_range(word, '0', '9'), i), b >= '0' && b <= '9') << index << " " << value;
        ASSERT_EQ(marked(bytes_in_range(word, 'A', 'Z'), i), b >= 'A' && b <= 'Z') << index << " " << value;
        ASSERT_EQ(marked(bytes_in_range(word, 0x7F, 0x7F), i), b == 0x7F) << index << " " << value;
        ASSERT_EQ(marked(bytes_equal(word, broadcast(':')), i), b == ':') << index << " " << value;
        ASSERT_EQ(marked(blanks_in(word), i), b == ' ') << index << " " << value;
        ASSERT_EQ(marked(controls_in(word), i), b < 0x20) << index << " " << value;
      }
    }
  }
}

// Against one byte at a time, over texts long enough for the eight-byte steps and their tail.
TEST(UtilText, FindsAControlCharacterOrTwoBlanksTogether) {
  const auto naive = [](std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte < ' ' || byte == 0x7F || (byte == ' ' && i + 1 < text.size() && text[i + 1] == ' ')) return true;
    }
    return false;
  };
  std::mt19937 rng(5);
  const std::string alphabet = "ab  .\t\x7F\x80\xC3";
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 40, 'a');
    for (char& c : text) c = rng() % 4 == 0 ? alphabet[rng() % alphabet.size()] : 'x';
    ASSERT_EQ(has_control_or_blank_pair(text), naive(text)) << text;
  }
  EXPECT_FALSE(has_control_or_blank_pair("550 5.1.1 <jane@example.com>: Recipient address rejected"));
  EXPECT_TRUE(has_control_or_blank_pair("550 5.1.1 <jane@example.com>:  Recipient address rejected"));
  EXPECT_TRUE(has_control_or_blank_pair("550 5.1.1 <jane@example.com>:\r\n Recipient address rejected"));
}

TEST(UtilText, TrimAndCollapse) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim(" \t a b \n "), "a b");
  EXPECT_EQ(collapse_space(" 550-5.1.1 no\n  such\tuser "), "550-5.1.1 no such user");
  EXPECT_EQ(collapse_space(""), "");
  EXPECT_EQ(collapse_space(" \r\n "), "");
  EXPECT_EQ(collapse_space("a"), "a");
  EXPECT_EQ(collapse_space(" leading blank then words "), "leading blank then words");
  EXPECT_EQ(collapse_space("eight by  tes and more"), "eight by tes and more");
  EXPECT_EQ(collapse_space("abcdefg \x01" "abcdefgh"), "abcdefg \x01" "abcdefgh");  // a control byte is no space
}

// collapse_space copies eight single-spaced bytes at once: blanks, other white space and control
// bytes at every place around such a word.
TEST(UtilText, CollapseSpaceAgreesWithAByteByByteCollapse) {
  const auto naive = [](std::string_view text) {
    std::string out;
    bool pending = false;
    for (const char c : text) {
      if (is_space(c)) {
        pending = !out.empty();
        continue;
      }
      if (pending) out.push_back(' ');
      pending = false;
      out.push_back(c);
    }
    return out;
  };
  std::mt19937 rng(5);
  const std::string alphabet = "ab  \t\n\r\v\f\x01\x7F\xC3.";
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) c = rng() % 3 == 0 ? alphabet[rng() % alphabet.size()] : 'x';
    ASSERT_EQ(collapse_space(text), naive(text)) << text;
  }
}

TEST(UtilText, NextLineWalksWithoutAllocating) {
  std::string_view text = "a\nb\n\nc";
  size_t pos = 0;
  std::string_view line;
  std::vector<std::string_view> lines;
  while (next_line(text, pos, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[3], "c");
}

}  // namespace
}  // namespace bounceback::util
