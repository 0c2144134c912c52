// Helpers shared by the unit tests: fixtures read from tests/fixtures, line-ending conversion.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string>

namespace bounceback::testing {

// The bytes of tests/fixtures/<path>; a missing file fails the test that asked for it.
inline std::string read_fixture(const std::string& path) {
  std::ifstream in(std::string(BOUNCEBACK_FIXTURES) + "/" + path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The same text with CRLF line endings, as Windows MTAs and SMTP itself write them.
inline std::string with_crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// A fixture's text with LF line endings, then the same with CRLF: a decoder must read both alike.
inline std::array<std::string, 2> with_lf_and_crlf(const std::string& path) {
  std::string bare = read_fixture(path);
  std::erase(bare, '\r');
  std::string crlf = with_crlf(bare);
  return {std::move(bare), std::move(crlf)};
}

}  // namespace bounceback::testing
