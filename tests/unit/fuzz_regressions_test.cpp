// Every input a fuzz target ever failed on, replayed through the same entry point and checks
// (fuzz/entry_points.cpp): tests/fixtures/fuzz-regressions/<target>/<finding>. A regression
// aborts this executable, or trips the sanitizers in the asan preset. The hand-written HTTP seeds
// (fuzz/seeds/<target>/) are replayed too, so the HTTP harness itself is kept working.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "entry_points.h"

namespace bounceback::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(BOUNCEBACK_FIXTURES) / "fuzz-regressions";
// Hand-written inputs, laid out the same way: fuzz/seeds/<target>/<input>.
const fs::path kSeeds = fs::path(BOUNCEBACK_FIXTURES) / ".." / ".." / "fuzz" / "seeds";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

struct Case {
  std::string target;
  fs::path input;
};

std::vector<Case> cases_under(const fs::path& root) {
  std::vector<Case> cases;
  if (!fs::is_directory(root)) return cases;
  for (const fs::directory_entry& target : fs::directory_iterator(root)) {
    if (!target.is_directory()) continue;
    for (const fs::directory_entry& input : fs::directory_iterator(target.path()))
      cases.push_back({target.path().filename().string(), input.path()});
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.input < b.input; });
  return cases;
}

std::vector<Case> all_cases() {
  std::vector<Case> cases = cases_under(kRegressions);
  const std::vector<Case> seeds = cases_under(kSeeds);
  cases.insert(cases.end(), seeds.begin(), seeds.end());
  return cases;
}

class FuzzRegression : public testing::TestWithParam<Case> {};

TEST_P(FuzzRegression, ReplaysWithoutAFinding) {
  const EntryPoint run = entry_point(GetParam().target);
  ASSERT_NE(run, nullptr) << "no fuzz target named " << GetParam().target;
  run(read_file(GetParam().input));
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.target + "_" + info.param.input.filename().string();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(FindingsAndSeeds, FuzzRegression, testing::ValuesIn(all_cases()), case_name);

TEST(FuzzRegressions, TheHttpSeedsAreFound) {
  const std::vector<Case> seeds = cases_under(kSeeds);
  EXPECT_GE(std::count_if(seeds.begin(), seeds.end(), [](const Case& c) { return c.target == "http"; }), 5);
}

}  // namespace
}  // namespace bounceback::fuzz
