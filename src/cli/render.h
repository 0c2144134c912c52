// Presentation of code and text explanations for the terminal (text) and for programs (JSON).
#pragma once

#include <string>

#include "bounceback/codes.h"
#include "bounceback/explain.h"

namespace bounceback::cli {

struct Style {
  bool color = false;
};

void render_code_text(const CodeExplanation& code, const Style& style, std::string& out);
void render_code_json(const CodeExplanation& code, std::string& out);
// One line per code for `bounceback codes`.
void render_code_row(const CodeExplanation& code, const Style& style, std::string& out);

void render_explanation_text(const TextExplanation& explanation, const Style& style, std::string& out);
void render_explanation_json(const TextExplanation& explanation, std::string& out);

// Word-wraps `text` to `width` columns, each line starting with `indent`, the first with
// `first_indent` when given (a bullet with a hanging indent).
void append_wrapped(std::string_view text, std::string_view indent, size_t width, std::string& out,
                    std::string_view first_indent = {});

}  // namespace bounceback::cli
