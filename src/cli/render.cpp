#include "cli/render.h"

#include "bounceback/output.h"

namespace bounceback::cli {
namespace {

constexpr size_t kWidth = 80;

std::string paint(std::string_view text, std::string_view ansi, const Style& style) {
  if (!style.color) return std::string(text);
  return std::string("\033[") + std::string(ansi) + "m" + std::string(text) + "\033[0m";
}

std::string_view verdict(const CodeExplanation& code) {
  if (code.permanent) return "permanent failure";
  if (code.temporary) return "temporary failure";
  if (!code.code.empty() && code.code[0] == '2') return "success";
  if (!code.code.empty() && code.code[0] == '3') return "intermediate";
  return "class not given";
}

std::string_view verdict_color(const CodeExplanation& code) {
  if (code.permanent) return "1;31";
  if (code.temporary) return "1;33";
  return "1;32";
}

std::string_view side_words(Side side, bool failed) {
  switch (side) {
    case Side::kSender: return "on the sender's side (your mail server, your message or your settings)";
    case Side::kRecipient: return "on the recipient's side (their address, mailbox or server)";
    case Side::kNetwork: return "in between (the network, DNS or a server that did not answer)";
    case Side::kNone: return failed ? "on no side in particular: the code alone does not tell" : "nowhere: nothing failed";
  }
  return "unknown";
}

bool is_failure(Reason reason) {
  return reason != Reason::kDelivered && reason != Reason::kVacation && reason != Reason::kFeedback;
}

void append_field(std::string_view name, std::string_view value, std::string& out) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(value, out);
}

void append_advice_json(const std::vector<std::string>& advice, std::string& out) {
  out += ",\"advice\":[";
  for (size_t i = 0; i < advice.size(); ++i) {
    if (i) out += ',';
    append_json_string(advice[i], out);
  }
  out += ']';
}

}  // namespace

void append_wrapped(std::string_view text, std::string_view indent, size_t width, std::string& out,
                    std::string_view first_indent) {
  size_t column = 0;
  size_t pos = 0;
  bool first_line = true;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\t')) ++pos;
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') ++end;
    const std::string_view word = text.substr(pos, end - pos);
    if (column == 0 || column + 1 + word.size() > width) {
      if (column != 0) out += '\n';
      const std::string_view lead = first_line && !first_indent.empty() ? first_indent : indent;
      out += lead;
      column = lead.size();
      first_line = false;
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    pos = end;
  }
  if (column) out += '\n';
}

void render_code_text(const CodeExplanation& code, const Style& style, std::string& out) {
  out += paint(code.code, "1", style);
  out += "  ";
  out += paint(verdict(code), verdict_color(code), style);
  if (!code.standard) out += "  (non-standard)";
  out += '\n';
  append_wrapped(code.title, "  ", kWidth, out);
  out += '\n';
  append_wrapped(code.explanation, "  ", kWidth, out);
  out += '\n';
  append_wrapped(std::string("Class: ") + code.class_meaning, "  ", kWidth, out);
  append_wrapped(std::string("Subject: ") + code.subject_meaning, "  ", kWidth, out);
  const bool failed = code.permanent || code.temporary;
  append_wrapped(std::string("Usually ") + std::string(side_words(code.side, failed)) + ".", "  ", kWidth, out);
  if (!code.basic_codes.empty()) append_wrapped("Sent with reply codes: " + code.basic_codes, "  ", kWidth, out);
  if (!code.reference.empty()) append_wrapped("Defined in: " + code.reference, "  ", kWidth, out);
  if (!code.advice.empty()) {
    out += "\n  What to do:\n";
    for (const std::string& advice : code.advice) append_wrapped(advice, "      ", kWidth, out, "    - ");
  }
}

void render_code_row(const CodeExplanation& code, const Style& style, std::string& out) {
  std::string row = code.code;
  row.resize(8, ' ');
  out += paint(row, verdict_color(code), style);
  out += code.title;
  if (!code.standard) out += " (non-standard)";
  out += '\n';
}

void render_code_json(const CodeExplanation& code, std::string& out) {
  out += "{\"code\":";
  append_json_string(code.code, out);
  out += code.type == CodeType::kReply ? ",\"type\":\"reply\"" : ",\"type\":\"status\"";
  out += code.known ? ",\"known\":true" : ",\"known\":false";
  out += code.standard ? ",\"standard\":true" : ",\"standard\":false";
  out += code.permanent ? ",\"permanent\":true" : ",\"permanent\":false";
  out += code.temporary ? ",\"temporary\":true" : ",\"temporary\":false";
  append_field("class", code.class_meaning, out);
  append_field("subject", code.subject_meaning, out);
  append_field("title", code.title, out);
  append_field("explanation", code.explanation, out);
  append_field("reference", code.reference, out);
  append_field("basic_codes", code.basic_codes, out);
  append_field("side", to_string(code.side), out);
  append_advice_json(code.advice, out);
  out += '}';
}

namespace {

void render_client_errors_text(const std::vector<ClientError>& errors, std::string& out) {
  for (const ClientError& error : errors) {
    out += '\n';
    append_wrapped("Mail-program error (" + error.family + ", \"" + error.match + "\"): " + error.title + ".", "",
                   kWidth, out);
    append_wrapped("Cause: " + error.cause, "    ", kWidth, out, "  ");
    append_wrapped("Fix: " + error.fix, "    ", kWidth, out, "  ");
  }
}

void render_client_errors_json(const std::vector<ClientError>& errors, std::string& out) {
  out += ",\"client_errors\":[";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) out += ',';
    out += "{\"match\":";
    append_json_string(errors[i].match, out);
    append_field("family", errors[i].family, out);
    append_field("title", errors[i].title, out);
    append_field("cause", errors[i].cause, out);
    append_field("fix", errors[i].fix, out);
    append_field("side", to_string(errors[i].side), out);
    out += '}';
  }
  out += ']';
}

}  // namespace

void render_explanation_text(const TextExplanation& explanation, const Style& style, std::string& out) {
  if (!explanation.records.empty()) {
    for (const Record& record : explanation.records) {
      append_text(record, out, TextStyle{style.color});
      out += '\n';
    }
    return;
  }
  append_wrapped(explanation.summary, "", kWidth, out);
  // A report of another kind (a DMARC report, a read receipt) is no bounce: no verdict on an address.
  if (!explanation.not_a_bounce.empty()) {
    out += "\nWhat to do:\n";
    for (const std::string& advice : explanation.advice) append_wrapped(advice, "    ", kWidth, out, "  - ");
    return;
  }
  // A mail program's own error is no bounce: no verdict on the address, its cause and fix instead.
  if (!explanation.client_errors.empty() && explanation.reason == Reason::kUndefined) {
    render_client_errors_text(explanation.client_errors, out);
    return;
  }
  out += '\n';
  std::string verdict_line = explanation.hard_bounce ? "Hard bounce: retrying will not help."
                                                     : "Not a hard bounce: the address itself may still work.";
  out += paint(verdict_line, explanation.hard_bounce ? "1;31" : "1;33", style);
  out += '\n';
  append_wrapped("Reason: " + std::string(to_string(explanation.reason)) + " - " +
                     std::string(describe(explanation.reason)) + ".",
                 "", kWidth, out);
  append_wrapped("The problem is " + std::string(side_words(explanation.side, is_failure(explanation.reason))) + ".", "", kWidth, out);
  if (explanation.blocklist) {
    const Blocklist& b = *explanation.blocklist;
    std::string line = "Blocklist: " + b.name;
    if (!b.zone.empty()) line += " (" + b.zone + ")";
    if (!b.listed_ip.empty()) line += ", listing " + b.listed_ip;
    append_wrapped(line, "", kWidth, out);
  }
  if (!explanation.advice.empty()) {
    out += "\nWhat to do:\n";
    for (const std::string& advice : explanation.advice) append_wrapped(advice, "    ", kWidth, out, "  - ");
  }
  render_client_errors_text(explanation.client_errors, out);
  // What each code means in any reply, which the verdict above may overrule for this one ("550:
  // usually the recipient's side" under a refusal of the sender).
  if (!explanation.codes.empty()) out += "\nWhat the codes mean in general (the verdict above is for this reply):\n";
  for (const CodeExplanation& code : explanation.codes) {
    out += '\n';
    render_code_text(code, style, out);
  }
}

void render_explanation_json(const TextExplanation& explanation, std::string& out) {
  out += "{\"reason\":";
  append_json_string(to_string(explanation.reason), out);
  out += explanation.hard_bounce ? ",\"hard_bounce\":true" : ",\"hard_bounce\":false";
  append_field("side", to_string(explanation.side), out);
  out += ",\"blocklist\":";
  if (explanation.blocklist) {
    out += "{\"name\":";
    append_json_string(explanation.blocklist->name, out);
    out += ",\"zone\":";
    append_json_string(explanation.blocklist->zone, out);
    out += ",\"listed_ip\":";
    append_json_string(explanation.blocklist->listed_ip, out);
    out += '}';
  } else {
    out += "null";
  }
  append_field("summary", explanation.summary, out);
  append_advice_json(explanation.advice, out);
  out += ",\"not_a_bounce\":";
  if (explanation.not_a_bounce.empty()) {
    out += "null";
  } else {
    append_json_string(explanation.not_a_bounce, out);
  }
  render_client_errors_json(explanation.client_errors, out);
  out += ",\"codes\":[";
  for (size_t i = 0; i < explanation.codes.size(); ++i) {
    if (i) out += ',';
    render_code_json(explanation.codes[i], out);
  }
  out += "],\"records\":[";
  for (size_t i = 0; i < explanation.records.size(); ++i) {
    if (i) out += ',';
    append_json(explanation.records[i], out);
  }
  out += "]}";
}

}  // namespace bounceback::cli
