// The code knowledge: SMTP basic reply codes (RFC 5321 and extensions) and enhanced status
// codes (RFC 3463 and the IANA registry), plus non-standard codes seen in the wild.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bounceback/result.h"
#include "bounceback/types.h"

namespace bounceback {

// A basic three-digit reply code, e.g. 550.
struct ReplyCodeInfo {
  int code;
  bool standard;                  // false: seen in the wild but defined by no RFC
  std::string_view title;         // "Mailbox unavailable"
  std::string_view explanation;   // plain words for a non-expert
  std::string_view reference;     // "RFC 5321", or where the non-standard use comes from
  Side side;
  std::string_view advice[3];     // empty entries are unused
};

// An enhanced status code detail "subject.detail", e.g. 1.1 of 5.1.1. The class digit (2, 4 or 5)
// is applied when explaining: the same detail is temporary under 4 and permanent under 5.
struct StatusCodeInfo {
  int subject;
  int detail;
  bool standard;                  // false: used by servers but not in the IANA registry
  std::string_view title;         // "Bad destination mailbox address"
  std::string_view explanation;
  std::string_view reference;     // "RFC 3463"
  std::string_view basic_codes;   // associated basic reply codes, "550, 553"
  Side side;
  std::string_view advice[3];
};

// Lookups over the built-in tables; nullptr when the code is not known.
const ReplyCodeInfo* find_reply_code(int code);
const StatusCodeInfo* find_status_code(int subject, int detail);
std::span<const ReplyCodeInfo> all_reply_codes();
std::span<const StatusCodeInfo> all_status_codes();

// The meaning of one digit position.
std::string_view reply_class_meaning(int first_digit);     // 2 success ... 5 permanent failure
std::string_view reply_subject_meaning(int second_digit);  // 0 syntax ... 5 mail system
std::string_view status_class_meaning(int class_digit);    // 2, 4, 5
std::string_view status_subject_meaning(int subject);      // 0 other ... 7 security or policy

enum class CodeType { kReply, kStatus };

// A code explained for a person: everything the CLI, JSON output and the web page show.
struct CodeExplanation {
  CodeType type;
  std::string code;       // normalised: "550" or "5.1.1"; "X.1.1" when no class was given
  bool known;             // false: explained by its digits only
  bool standard;
  bool permanent;         // class 5
  bool temporary;         // class 4
  std::string class_meaning;
  std::string subject_meaning;
  std::string title;
  std::string explanation;
  std::string reference;
  std::string basic_codes;  // status codes only
  Side side;
  std::vector<std::string> advice;
};

// Parses and explains "550", "5.1.1", "X.7.1", "#5.7.1", "4.2.2". An input that is not a code
// shape at all is an kInvalidArgument error naming it.
Result<CodeExplanation> explain_code(std::string_view code);

// A code found in free text.
struct FoundCode {
  CodeType type;
  std::string code;     // "550" or "5.1.1"
  size_t offset;        // byte offset in the text
  size_t length;
};

// Every reply code and enhanced status code in an SMTP reply or a diagnostic text, in order of
// appearance, each once. Numbers inside IP addresses, dates, times, message IDs, ports and sizes
// are not codes. Never throws, linear in the text.
std::vector<FoundCode> find_codes(std::string_view text);

}  // namespace bounceback
