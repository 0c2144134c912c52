// A small tolerant reader for the JSON that providers mail as notifications (Amazon SES via SNS).
// It builds no tree: it finds a key and reads the string, object or array that follows. Broken or
// truncated JSON yields what can be read, never an error; every read stays inside the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bounceback::formats::json {

// The string value of the first `"key":` in `json` (at any depth), unescaped to UTF-8;
// nullopt when the key is absent or its value is not a string.
std::optional<std::string> string_of(std::string_view json, std::string_view key);

// The object or array value of the first `"key":` in `json`, brackets included; empty when the
// key is absent or its value is neither. An unbalanced value runs to the end of the text.
std::string_view composite_of(std::string_view json, std::string_view key);

// The top-level elements of an array `[...]`, each trimmed; strings stay quoted.
std::vector<std::string_view> elements_of(std::string_view array);

// An element that is a JSON string ("\"a@b\"") unescaped; nullopt for anything else.
std::optional<std::string> as_string(std::string_view element);

// The raw value of the member `key` of `object` itself, not of the objects nested in it: a quoted
// string, a number, a literal, or an object or array with its brackets; empty when `object` is
// not an object or has no such member. Keys are compared as written, escapes undecoded.
std::string_view member_of(std::string_view object, std::string_view key);

// Where and why a text is not well-formed JSON (RFC 8259).
struct SyntaxError {
  size_t offset;          // byte offset of the first offending byte
  std::string_view what;  // "expected ':' after an object key", ...
};

// The first syntax error in `json`, or nullopt when it is one well-formed value (blanks around it
// allowed). The scanners above tolerate broken JSON; callers that must refuse it check here first.
// Nesting deeper than `max_depth` is reported as an error rather than followed.
std::optional<SyntaxError> find_syntax_error(std::string_view json, int max_depth = 64);

}  // namespace bounceback::formats::json
