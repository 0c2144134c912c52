// `bounceback code`, `bounceback codes` and `bounceback explain`.
#include <cstdio>
#include <iostream>
#include <span>

#include "bounceback/codes.h"
#include "bounceback/explain.h"
#include "cli/commands.h"
#include "cli/render.h"

namespace bounceback::cli {
namespace {

void write(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

}  // namespace

std::optional<std::string> read_stdin() {
  std::string data;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) data.append(buffer, n);
  if (std::ferror(stdin)) return std::nullopt;
  return data;
}

int run_code(const std::vector<std::string>& codes, const OutputOptions& output) {
  std::string out;
  int exit_code = kExitOk;
  const bool json = output.format == "json";
  if (json && codes.size() > 1) out += '[';
  bool first = true;
  for (const std::string& text : codes) {
    const Result<CodeExplanation> code = explain_code(text);
    if (!code) {
      std::fprintf(stderr, "bounceback code: %s\n", code.error().message.c_str());
      exit_code = kExitInput;
      continue;
    }
    if (json) {
      if (!first) out += ',';
      render_code_json(*code, out);
    } else {
      if (!first) out += '\n';
      render_code_text(*code, Style{output.color}, out);
    }
    first = false;
  }
  if (json && codes.size() > 1) out += ']';
  if (json && !first) out += '\n';
  write(out);
  return exit_code;
}

int run_codes(std::optional<int> class_digit, std::optional<int> subject_digit, const OutputOptions& output) {
  std::string out;
  const bool json = output.format == "json";
  if (json) out += '[';
  bool first = true;
  auto emit = [&](const std::string& code) {
    const Result<CodeExplanation> explained = explain_code(code);
    if (!explained) return;
    if (json) {
      if (!first) out += ',';
      render_code_json(*explained, out);
    } else {
      render_code_row(*explained, Style{output.color}, out);
    }
    first = false;
  };
  for (const ReplyCodeInfo& info : all_reply_codes()) {
    if (class_digit && info.code / 100 != *class_digit) continue;
    if (subject_digit && info.code / 10 % 10 != *subject_digit) continue;
    emit(std::to_string(info.code));
  }
  // A status detail means the same under every class: list it once as "X.s.d", or under the
  // class asked for.
  const std::string prefix = class_digit ? std::to_string(*class_digit) : std::string("X");
  for (const StatusCodeInfo& info : all_status_codes()) {
    if (class_digit && *class_digit != 2 && *class_digit != 4 && *class_digit != 5) break;
    if (subject_digit && info.subject != *subject_digit) continue;
    emit(prefix + "." + std::to_string(info.subject) + "." + std::to_string(info.detail));
  }
  if (json) out += "]\n";
  write(out);
  return kExitOk;
}

int run_explain(const std::vector<std::string>& words, const OutputOptions& output) {
  std::string text;
  if (words.size() == 1 && words.front() == "-") {
    auto input = read_stdin();
    if (!input) {
      std::fprintf(stderr, "bounceback explain: cannot read standard input\n");
      return kExitInput;
    }
    text = std::move(*input);
  } else {
    text = join(words);
  }
  const Result<TextExplanation> explanation = explain_text(text);
  if (!explanation) {
    std::fprintf(stderr, "bounceback explain: %s\n", explanation.error().message.c_str());
    return kExitUsage;
  }
  std::string out;
  if (output.format == "json") {
    render_explanation_json(*explanation, out);
    out += '\n';
  } else {
    render_explanation_text(*explanation, Style{output.color}, out);
  }
  write(out);
  return kExitOk;
}

}  // namespace bounceback::cli
