// Small ASCII text helpers shared by every layer. Locale-free, allocation-free unless they return
// a std::string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bounceback::util {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
bool iends_with(std::string_view text, std::string_view suffix);
// Position of `needle` in `text` ignoring ASCII case, or npos.
size_t ifind(std::string_view text, std::string_view needle, size_t from = 0);
bool icontains(std::string_view text, std::string_view needle);

std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);
// Collapses every run of white space (including newlines) into one space and trims.
std::string collapse_space(std::string_view text);

// Splits on '\n'; the views point into `text`. A trailing '\n' yields no empty last line.
std::vector<std::string_view> split_lines(std::string_view text);

// Iterates over lines without allocating: while (next_line(text, pos, line)) {...}
bool next_line(std::string_view text, size_t& pos, std::string_view& line);

}  // namespace bounceback::util
