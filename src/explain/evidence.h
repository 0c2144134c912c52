// Evidence an explanation names that no Record field holds: found in the server's own words.
#pragma once

#include <string>
#include <string_view>

namespace bounceback::explain {

// The part after the last '@' of an address, or "".
std::string_view domain_of(std::string_view address);

// How long delivery was tried, as the text says it: "840 minutes", "4 days"; "" when absent.
std::string find_duration(std::string_view text);

// The host a diagnostic names as the other end of a connection or lookup, with its IP when
// given: "mx.example.com (192.0.2.1)", "example.jp"; "" when none.
std::string find_host(std::string_view text);

// The host name or address a "remote MTA" value starts with, without the root dot:
// "mx.example.jp. (198.51.100.225, the server for the domain example.jp.)" -> "mx.example.jp";
// the whole value when it does not start with one.
std::string_view leading_host(std::string_view value);

// A value from a hostile message made fit for a sentence: one line, no control characters,
// at most a few hundred bytes (cut on a UTF-8 character boundary).
std::string sentence_value(std::string_view value);

// True when sentence_value(value) is `value` itself, so that it can be used without a copy.
bool fits_a_sentence(std::string_view value);

}  // namespace bounceback::explain
