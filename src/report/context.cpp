// Building the per-message Context: the notice text, the report parts and the inline original.
#include <array>

#include "report/report.h"
#include "util/html.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

// Lines after which a notice quotes the original message inline (no MIME part of its own).
// Matched case-insensitively at the start of a trimmed line.
constexpr std::array<std::string_view, 21> kOriginalMessageMarkers = {
    "--- Below this line is a copy of the message.",            // qmail
    "------ This is a copy of the message, including all the headers.",  // Exim
    "------ This is a copy of the message's headers.",          // Exim, headers only
    "------ The body of the message is",                        // Exim, large message
    "----- Original message -----",                             // generic
    "-----Original Message-----",                               // Outlook
    "--- Original message follows.",                            // Novell GroupWise
    "----- Original message follows -----",
    "Original message follows.",
    "------- Returned Message --------",                        // Sun Messaging Server
    "----- Unsent message follows -----",                       // Sendmail v5
    "----- Message header follows -----",                       // Sendmail v5
    "--- Original message header follows.",
    "Original message headers:",                                // Exchange 2007
    "------ Original message -------",                          // Yahoo
    "--------Original Message--------",                         // Yahoo (older)
    "------ Original Message ------",
    "-- The header and top 20 lines of the message follows --", // Imail
    "Message headers follow.",                                  // DragonFly Mail Agent
    "Headers of the original message:",
    "|------------------------- Message text follows:",         // Smail
};

// Position of the line that starts an inline copy of the original message, or npos.
size_t find_inline_original(std::string_view notice) {
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(notice, pos, line)) return std::string_view::npos;
    const std::string_view trimmed = util::trim(line);
    if (trimmed.size() < 10) continue;
    for (std::string_view marker : kOriginalMessageMarkers) {
      if (util::istarts_with(trimmed, marker)) return line_start;
    }
  }
}

bool inside_embedded_message(const mime::Message& message, int index) {
  for (int p = message.parts[static_cast<size_t>(index)].parent; p >= 0;
       p = message.parts[static_cast<size_t>(p)].parent) {
    if (message.parts[static_cast<size_t>(p)].is_embedded_message()) return true;
  }
  return false;
}

bool is_original_message_type(const mime::ContentType& type) {
  return type.is("message", "rfc822") || type.is("message", "global") ||
         type.is("text", "rfc822-headers") || type.is("message", "global-headers") ||
         type.is("message", "partial");
}

bool is_attachment(const mime::Part& part) {
  const auto disposition = part.headers.raw("Content-Disposition");
  return disposition && util::istarts_with(util::trim(*disposition), "attachment");
}

// A text part, or a multipart whose boundary never appears (the parser keeps it as a leaf): some
// PMDF and Sendmail reports declare multipart/report and write plain text.
bool is_readable_leaf(const mime::Part& part) {
  if (!part.children.empty() || is_attachment(part)) return false;
  return part.content_type.type == "text" || part.is_multipart();
}

void append_paragraph(std::string& to, std::string_view text) {
  if (!to.empty() && to.back() != '\n') to.push_back('\n');
  to.append(text);
}

}  // namespace

Context make_context(const mime::Message& message) {
  Context context{message, message.root().headers.get("From"),
                  message.root().headers.get("Subject"), {}, {}, -1, -1, -1, {}};
  std::string html_notice;
  for (size_t i = 0; i < message.parts.size(); ++i) {
    const mime::Part& part = message.parts[i];
    const int index = static_cast<int>(i);
    if (inside_embedded_message(message, index)) continue;
    const mime::ContentType& type = part.content_type;
    if (type.is("message", "delivery-status") || type.is("message", "global-delivery-status")) {
      if (context.delivery_status_part < 0) context.delivery_status_part = index;
    } else if (type.is("message", "feedback-report")) {
      if (context.feedback_report_part < 0) context.feedback_report_part = index;
    } else if (is_original_message_type(type)) {
      if (context.original_part < 0) context.original_part = index;
    } else if (is_readable_leaf(part)) {
      if (type.subtype == "html") {
        if (html_notice.empty()) html_notice = util::html_to_text(mime::decode_text(part));
      } else if (context.original_part < 0) {
        append_paragraph(context.notice, mime::decode_text(part));
      }
    }
  }
  if (context.notice.empty()) context.notice = std::move(html_notice);

  const size_t copy = find_inline_original(context.notice);
  if (copy != std::string_view::npos) {
    const size_t after_marker = context.notice.find('\n', copy);
    if (after_marker != std::string::npos) {
      context.inline_original = context.notice.substr(after_marker + 1);
    }
    context.notice.resize(copy);
  }
  return context;
}

}  // namespace bounceback::report
