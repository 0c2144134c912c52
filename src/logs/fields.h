// Reading the "key=value" fields MTAs log.
#pragma once

#include <string_view>

namespace bounceback::logs {

// How a field's unquoted value ends: Postfix and Sendmail separate fields with ", " and put
// spaces inside values ("relay=mx.example.com. [192.0.2.1]"); OpenSMTPD separates with spaces.
enum class FieldEnd { kComma, kSpace };

struct Field {
  bool found = false;
  std::string_view value;
};
// The value of `key` ("to", "relay") in `fields`. A key counts only at the start of a field, so
// "orig_to=" is not "to=". Values in double quotes or angle brackets are returned without them, so
// "<>" gives an empty value that was found.
Field find_field(std::string_view fields, std::string_view key, FieldEnd end);

// "mx.example.com[192.0.2.1]:25" (Postfix), "mx.example.com. [192.0.2.1]" (Sendmail),
// "mx.example.com (192.0.2.1)" (OpenSMTPD), "mx.example.com [2001:db8::1]" (Exim).
struct Relay {
  std::string_view host;
  std::string_view ip;
};
Relay parse_relay(std::string_view text);

// The SMTP command a diagnostic says it answered: "(in reply to RCPT TO command)",
// "after end of data", "after MAIL FROM:<...>"; empty when it says none.
std::string_view command_in(std::string_view diagnostic);

// The next run of non-blank characters, skipping blanks before it; `text` advances past it.
std::string_view next_word(std::string_view& text);

// A queue id or Exim message id: letters and digits (and '-' for Exim), of a plausible length.
bool looks_like_queue_id(std::string_view text);

}  // namespace bounceback::logs
