// Runs the classifier over evidence extracted from a corpus by bench/classify_eval.py.
// Skipped unless BOUNCEBACK_CLASSIFY_EVIDENCE names a file of tab-separated lines:
//   id, status, reply code, command, action, diagnostic
// and writes "id <TAB> reason <TAB> hard <TAB> status" lines to BOUNCEBACK_CLASSIFY_OUTPUT.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "classify/classifier.h"

namespace bounceback::classify {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

std::optional<int> reply_code(const std::string& field) {
  if (field.size() != 3 || field.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(field);
}

TEST(ClassifyEval, ClassifiesExtractedEvidence) {
  const char* input_path = std::getenv("BOUNCEBACK_CLASSIFY_EVIDENCE");
  const char* output_path = std::getenv("BOUNCEBACK_CLASSIFY_OUTPUT");
  if (input_path == nullptr || output_path == nullptr) GTEST_SKIP() << "run by bench/classify_eval.py";
  std::ifstream input(input_path);
  std::ofstream output(output_path);
  ASSERT_TRUE(input && output);
  std::string line;
  while (std::getline(input, line)) {
    std::vector<std::string> f = split_tabs(line);
    if (f.size() < 6) continue;
    Evidence evidence;
    evidence.status = f[1];
    evidence.reply_code = reply_code(f[2]);
    evidence.command = f[3];
    evidence.action = f[4];
    evidence.diagnostic = f[5];
    const Classification c = classify(evidence);
    output << f[0] << '\t' << to_string(c.reason) << '\t' << (c.hard_bounce ? "true" : "false") << '\t' << c.status
           << '\n';
  }
}

}  // namespace
}  // namespace bounceback::classify
