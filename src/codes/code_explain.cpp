// What each digit of a code means, and explain_code(): a code parsed from what a person typed and
// explained from the tables, or from its digits alone when the exact code is not known.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "bounceback/codes.h"
#include "util/text.h"

namespace bounceback {
namespace {

constexpr std::string_view kShapeHint = "expected a reply code such as 550 or a status code such as 5.1.1";
constexpr size_t kMaxEchoedInput = 40;

// RFC 3463 names of the status subjects, used to title a code that is not in the registry.
std::string_view status_subject_name(int subject) {
  switch (subject) {
    case 0: return "other or undefined status";
    case 1: return "addressing status";
    case 2: return "mailbox status";
    case 3: return "mail system status";
    case 4: return "network and routing status";
    case 5: return "mail delivery protocol status";
    case 6: return "message content or media status";
    case 7: return "security or policy status";
    default: return "status";
  }
}

// The input as the error message shows it: quoted, and cut short so that a hostile input does not
// flood a log.
std::string echoed(std::string_view input) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "'" + std::string.
  std::string out(1, '\'');
  out.append(input.substr(0, kMaxEchoedInput));
  if (input.size() > kMaxEchoedInput) out.append("...");
  out.push_back('\'');
  return out;
}

Error invalid(std::string_view input, std::string_view problem) {
  return Error{ErrorCode::kInvalidArgument, echoed(input) + " is not a valid code: " + std::string(problem)};
}

// A number of 1 to `max_digits` ASCII digits, or nullopt.
std::optional<int> parse_number(std::string_view digits, size_t max_digits) {
  if (digits.empty() || digits.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : digits) {
    if (!util::is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

void add_advice(std::vector<std::string>& advice, const std::string_view (&table_advice)[3]) {
  for (std::string_view line : table_advice) {
    if (!line.empty()) advice.emplace_back(line);
  }
}

// Prepended to the table's explanation of a code that servers use although no standard defines it.
constexpr std::string_view kNonStandardNote = "This code is not part of the mail standards. ";
constexpr std::string_view kReadTheWords =
    "Read the server's own words that came with the code: they usually say more.";
constexpr std::string_view kAskPostmaster = "If they do not help, ask the recipient's mail administrator (postmaster).";
constexpr std::string_view kWait =
    "Wait: the sending server tries again by itself for a while, and the message may still arrive.";
constexpr std::string_view kNothingToDo = "No action is needed: the code reports success.";

// The class digit's framing of a status detail, which the tables write class-neutral.
std::string_view status_class_framing(int class_digit) {
  switch (class_digit) {
    case 2: return "Because the code starts with 2, it reports success.";
    case 4:
      return "Because the code starts with 4, the failure is temporary: the sending server keeps trying for a "
             "while, often several days, and the message may still arrive.";
    case 5:
      return "Because the code starts with 5, the failure is permanent: the message was not delivered, and "
             "sending it again unchanged will fail the same way.";
    default: return "Under class 4 the failure would be temporary; under class 5, permanent.";
  }
}

// A status code as typed: its class is 0 when given as X.
struct StatusDigits {
  int class_digit;
  int subject;
  int detail;
};

Result<StatusDigits> parse_status(std::string_view input, std::string_view code) {
  std::string_view parts[3];
  size_t count = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = code.find('.', start);
    const std::string_view part = code.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (count < 3) parts[count] = part;
    ++count;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count == 4 && !code.ends_with('.')) {
    return invalid(input,
                   "it has four numbers, like an IP address or a version; a status code has three, "
                   "class.subject.detail, such as 5.1.1");
  }
  if (count != 3) return invalid(input, "a status code has three numbers, class.subject.detail, such as 5.1.1");

  int class_digit = 0;
  if (!util::iequals(parts[0], "x")) {
    const std::optional<int> klass = parse_number(parts[0], 1);
    if (!klass || (*klass != 2 && *klass != 4 && *klass != 5)) {
      return invalid(input, "the class, the first number of a status code, must be 2, 4, 5 or X");
    }
    class_digit = *klass;
  }
  const std::optional<int> subject = parse_number(parts[1], 3);
  const std::optional<int> detail = parse_number(parts[2], 3);
  if (!subject || !detail) {
    return invalid(input, "the subject and the detail of a status code must be numbers of one to three digits");
  }
  return StatusDigits{class_digit, *subject, *detail};
}

Result<int> parse_reply(std::string_view input, std::string_view code) {
  if (!std::all_of(code.begin(), code.end(), util::is_digit)) return invalid(input, kShapeHint);
  if (code.size() != 3) return invalid(input, "a reply code has exactly three digits, such as 550");
  if (code[0] < '2' || code[0] > '5') return invalid(input, "the first digit of a reply code must be 2, 3, 4 or 5");
  const int number = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  // Old Exchange servers send "571 5.7.1 Unable to relay": a table entry overrides the RFC's rule.
  if (code[1] > '5' && !find_reply_code(number)) {
    return invalid(input, "the second digit of a reply code must be 0 to 5");
  }
  return number;
}

std::string status_code_text(const StatusDigits& digits) {
  const std::string klass = digits.class_digit == 0 ? "X" : std::to_string(digits.class_digit);
  return klass + "." + std::to_string(digits.subject) + "." + std::to_string(digits.detail);
}

void explain_known_status(const StatusCodeInfo& info, CodeExplanation& e) {
  e.known = true;
  e.standard = info.standard;
  e.title = info.title;
  e.explanation = info.standard ? std::string() : std::string(kNonStandardNote);
  e.explanation += info.explanation;
  e.reference = info.reference;
  e.basic_codes = info.basic_codes;
  e.side = info.side;
}

// A detail the registry does not have: the digits say what they can, and the subject's "other"
// entry (X.s.0) gives the usual side and advice.
void explain_unknown_status(const StatusDigits& digits, CodeExplanation& e) {
  const StatusCodeInfo* other = find_status_code(digits.subject, 0);
  e.title = "Unregistered " + std::string(status_subject_name(digits.subject)) + " code";
  e.explanation = "The exact code " + e.code +
                  " is not in the IANA registry of enhanced status codes, so only its digits can be read.";
  if (other) e.explanation += " Its subject " + e.subject_meaning;
  e.side = other ? other->side : Side::kNone;
}

std::vector<std::string> status_advice(int class_digit, const StatusCodeInfo* info) {
  std::vector<std::string> advice;
  if (class_digit == 2) {
    advice.emplace_back(kNothingToDo);
    return advice;
  }
  if (class_digit == 4) advice.emplace_back(kWait);
  if (info) {
    add_advice(advice, info->advice);
  } else {
    advice.emplace_back(kReadTheWords);
    advice.emplace_back(kAskPostmaster);
  }
  return advice;
}

CodeExplanation explain_status(const StatusDigits& digits) {
  CodeExplanation e{};
  e.type = CodeType::kStatus;
  e.code = status_code_text(digits);
  e.permanent = digits.class_digit == 5;
  e.temporary = digits.class_digit == 4;
  e.class_meaning = status_class_meaning(digits.class_digit);
  e.subject_meaning = status_subject_meaning(digits.subject);
  const StatusCodeInfo* info = find_status_code(digits.subject, digits.detail);
  if (info) {
    explain_known_status(*info, e);
  } else {
    explain_unknown_status(digits, e);
  }
  e.explanation += ' ';
  e.explanation += status_class_framing(digits.class_digit);
  // A detail the registry lacks still gets the advice of its subject's "other" entry.
  e.advice = status_advice(digits.class_digit, info ? info : find_status_code(digits.subject, 0));
  return e;
}

// The side of a reply code that is in no table, from what its digits say.
Side reply_side_from_digits(int first, int second) {
  if (first < 4) return Side::kNone;
  if (second == 0) return Side::kSender;
  if (second == 2) return Side::kNetwork;
  return Side::kNone;
}

CodeExplanation explain_reply(int code) {
  const int first = code / 100;
  const int second = code / 10 % 10;
  CodeExplanation e{};
  e.type = CodeType::kReply;
  e.code = std::to_string(code);
  e.permanent = first == 5;
  e.temporary = first == 4;
  e.class_meaning = reply_class_meaning(first);
  e.subject_meaning = reply_subject_meaning(second);
  if (const ReplyCodeInfo* info = find_reply_code(code)) {
    e.known = true;
    e.standard = info->standard;
    e.title = info->title;
    e.explanation = info->standard ? std::string() : std::string(kNonStandardNote);
    e.explanation += info->explanation;
    e.reference = info->reference;
    e.side = info->side;
    add_advice(e.advice, info->advice);
    return e;
  }
  e.title = "Unregistered reply code";
  e.explanation = "The code " + e.code +
                  " is not defined by the mail standards and is not one servers commonly send, so only its "
                  "digits can be read. The first digit " +
                  e.class_meaning + " The second digit " + e.subject_meaning;
  e.side = reply_side_from_digits(first, second);
  if (first < 4) {
    e.advice.emplace_back(kNothingToDo);
  } else {
    if (first == 4) e.advice.emplace_back(kWait);
    e.advice.emplace_back(kReadTheWords);
    e.advice.emplace_back(kAskPostmaster);
  }
  return e;
}

}  // namespace

std::string_view reply_class_meaning(int first_digit) {
  switch (first_digit) {
    case 2: return "2 means success: the server did what was asked.";
    case 3: return "3 means the server accepted the command and waits for more, such as the message text.";
    case 4: return "4 means a temporary failure: it may work if tried again later.";
    case 5: return "5 means a permanent failure: trying again unchanged will fail the same way.";
    default: return "This first digit has no meaning in SMTP replies.";
  }
}

std::string_view reply_subject_meaning(int second_digit) {
  switch (second_digit) {
    case 0: return "0 means syntax: a command was malformed, unknown or out of order.";
    case 1: return "1 means information, such as status or help.";
    case 2: return "2 means the connection between the two servers.";
    case 3:
      return "3 has no meaning fixed by the standard; servers use it for logins and for the start of the "
             "message text.";
    case 4: return "4 has no meaning fixed by the standard.";
    case 5: return "5 means the receiving mail system: a mailbox, the message or the requested mail action.";
    default: return "This second digit has no meaning in SMTP replies.";
  }
}

std::string_view status_class_meaning(int class_digit) {
  switch (class_digit) {
    case 2: return "2 means success: the message was delivered or the action completed.";
    case 4: return "4 means a temporary failure: the condition may clear and the sending server keeps trying.";
    case 5: return "5 means a permanent failure: something must be fixed before the message can get through.";
    default: return "No class was given: under 4 the code is temporary, under 5 permanent.";
  }
}

std::string_view status_subject_meaning(int subject) {
  switch (subject) {
    case 0: return "0 means other or undefined: the code gives no more detail.";
    case 1: return "1 means addressing: about the recipient's or the sender's address.";
    case 2: return "2 means mailbox: about the recipient's mailbox, which the recipient controls.";
    case 3: return "3 means mail system: about the receiving mail system, which its administrator controls.";
    case 4: return "4 means network and routing: about the way between the servers, such as DNS or connections.";
    case 5: return "5 means mail delivery protocol: about the conversation between the two mail servers.";
    case 6:
      return "6 means message content or media: about the content of the message, such as its format or "
             "encoding.";
    case 7:
      return "7 means security or policy: about rules such as spam filters, blocklists, authentication or "
             "permissions.";
    default: return "This subject number has no meaning defined by the standard.";
  }
}

Result<CodeExplanation> explain_code(std::string_view input) {
  std::string_view code = util::trim(input);
  if (!code.empty() && code.front() == '#') code = util::trim(code.substr(1));  // qmail writes "#5.7.1"
  if (code.empty()) return invalid(input, std::string("it is empty; ") + std::string(kShapeHint));
  if (std::any_of(code.begin(), code.end(), util::is_space)) {
    return invalid(input, "it holds more than one word; give one code at a time, such as 550 or 5.1.1");
  }

  if (code.find('.') != std::string_view::npos) {
    Result<StatusDigits> digits = parse_status(input, code);
    if (!digits) return digits.error();
    return explain_status(*digits);
  }
  Result<int> reply = parse_reply(input, code);
  if (!reply) return reply.error();
  return explain_reply(*reply);
}

}  // namespace bounceback
