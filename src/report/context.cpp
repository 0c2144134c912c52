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

bool is_marker_line(std::string_view line) {
  const std::string_view trimmed = util::trim(line);
  if (trimmed.size() < 10) return false;
  for (std::string_view marker : kOriginalMessageMarkers) {
    if (util::istarts_with(trimmed, marker)) return true;
  }
  return false;
}

// The header fields that open a copied message. A paragraph made only of header fields, with From
// and at least three of these, is a copy whatever language the line announcing it is in ("Kopf der
// ursprünglichen Nachricht:", "元のメッセージのヘッダ").
constexpr std::array<std::string_view, 10> kOriginalHeaderFields = {
    "from:", "to:", "cc:", "subject:", "date:", "message-id:", "received:", "return-path:",
    "mime-version:", "reply-to:"};
constexpr int kOriginalFieldsNeeded = 3;

bool is_original_header_field(std::string_view line) {
  for (std::string_view field : kOriginalHeaderFields) {
    if (util::istarts_with(line, field)) return true;
  }
  return false;
}

// "Name: value" from the first column, as in any header.
bool is_header_field(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (util::is_alnum(line[i]) || line[i] == '-')) ++i;
  return i > 0 && i < line.size() && line[i] == ':';
}

// Whether the paragraph starting at `pos` is a header block: fields and their folded lines only,
// with enough of the fields a copied message starts with. `scanned_to` is left at the line that
// ended the look: a block starting later but before it holds fewer fields and cannot be one either.
bool opens_header_block(std::string_view notice, size_t pos, size_t& scanned_to) {
  std::string_view line;
  int known = 0;
  bool has_from = false;
  for (scanned_to = pos; util::next_line(notice, pos, line) && !util::trim(line).empty(); scanned_to = pos) {
    const bool folded = line.front() == ' ' || line.front() == '\t';
    if (folded) continue;
    if (!is_header_field(line)) return false;
    if (is_original_header_field(line)) ++known;
    has_from = has_from || util::istarts_with(line, "from:");
  }
  return has_from && known >= kOriginalFieldsNeeded;
}

// A line that announces what follows: "Kopf der ursprünglichen Nachricht:", "---- En-têtes ----".
bool announces(std::string_view line) {
  const std::string_view trimmed = util::trim(line);
  return !trimmed.empty() && (trimmed.back() == ':' || trimmed.front() == '-');
}

struct InlineCopy {
  size_t notice_end = std::string_view::npos;  // npos: the notice quotes no original
  size_t copy_begin = std::string_view::npos;
};

InlineCopy after_line(std::string_view notice, size_t line_start) {
  const size_t newline = notice.find('\n', line_start);
  return {line_start, newline == std::string_view::npos ? notice.size() : newline + 1};
}

// Where the notice ends and an inline copy of the original message begins: after a marker line,
// or at a header block that opens a paragraph (with the last line before it when that announces it).
InlineCopy find_inline_original(std::string_view notice) {
  size_t pos = 0;
  std::string_view line;
  size_t previous_start = 0;
  std::string_view previous;
  bool paragraph_start = true;
  size_t scanned_to = 0;
  while (true) {
    const size_t line_start = pos;
    if (!util::next_line(notice, pos, line)) return {};
    if (is_marker_line(line)) return after_line(notice, line_start);
    const bool blank = util::trim(line).empty();
    if (paragraph_start && !blank && line_start >= scanned_to && opens_header_block(notice, line_start, scanned_to)) {
      return {announces(previous) ? previous_start : line_start, line_start};
    }
    paragraph_start = blank || announces(line);
    if (!blank) {
      previous_start = line_start;
      previous = line;
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

  const InlineCopy copy = find_inline_original(context.notice);
  if (copy.notice_end != std::string_view::npos) {
    context.inline_original = context.notice.substr(copy.copy_begin);
    context.notice.resize(copy.notice_end);
  }
  return context;
}

}  // namespace bounceback::report
