// Building the per-message Context: the notice text, the report parts and the inline original.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

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

// For each lower-cased first byte, which phrases of a list start with it (bit i for phrase i):
// most lines are rejected on their first byte, the others compared only with those phrases.
template <size_t N>
constexpr std::array<uint32_t, 256> phrases_by_first_byte(const std::array<std::string_view, N>& phrases) {
  static_assert(N <= 32, "one bit per phrase");
  std::array<uint32_t, 256> starts{};
  for (size_t i = 0; i < N; ++i) {
    starts[static_cast<unsigned char>(util::ascii_lower(phrases[i].front()))] |= uint32_t{1} << i;
  }
  return starts;
}

template <size_t N>
bool starts_with_any(std::string_view text, const std::array<std::string_view, N>& phrases,
                     const std::array<uint32_t, 256>& by_first_byte) {
  if (text.empty()) return false;
  for (uint32_t candidates = by_first_byte[static_cast<unsigned char>(util::ascii_lower(text.front()))];
       candidates != 0; candidates &= candidates - 1) {
    const std::string_view phrase = phrases[static_cast<size_t>(std::countr_zero(candidates))];
    // One middle byte compared inline rules out most phrases sharing the first byte ("-----").
    const size_t middle = phrase.size() / 2;
    if (text.size() >= phrase.size() && util::ascii_lower(text[middle]) == util::ascii_lower(phrase[middle]) &&
        util::istarts_with(text, phrase)) {
      return true;
    }
  }
  return false;
}

constexpr std::array<uint32_t, 256> kMarkerFirstBytes = phrases_by_first_byte(kOriginalMessageMarkers);

bool is_marker_line(std::string_view trimmed_line) {
  return trimmed_line.size() >= 10 && starts_with_any(trimmed_line, kOriginalMessageMarkers, kMarkerFirstBytes);
}

// The header fields that open a copied message. A paragraph made only of header fields, with From
// and at least three of these, is a copy whatever language the line announcing it is in ("Kopf der
// ursprünglichen Nachricht:", "元のメッセージのヘッダ").
constexpr std::string_view kOriginalHeaderNames[] = {
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version", "reply-to"};
constexpr util::NameSet kOriginalHeaderNameSet(kOriginalHeaderNames);
constexpr int kOriginalFieldsNeeded = 3;

// The bytes of a header field's name as this reader takes one: letters, digits and '-'. A table,
// since every byte of every name in a header block is looked up.
constexpr std::array<bool, 256> kFieldNameBytes = [] {
  std::array<bool, 256> bytes{};
  for (int c = 0; c < 256; ++c) bytes[static_cast<size_t>(c)] = util::is_alnum(static_cast<char>(c)) || c == '-';
  return bytes;
}();

// The name of the field `line` opens ("Name: value" from the first column, as in any header), or
// an empty view when the line opens none.
std::string_view field_name(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && kFieldNameBytes[static_cast<unsigned char>(line[i])]) ++i;
  return i < line.size() && line[i] == ':' ? line.substr(0, i) : std::string_view();
}

bool has_text(std::string_view line) {
  for (const char c : line) {
    if (!util::is_space(c)) return true;
  }
  return false;
}

// Whether the paragraph starting at `pos` is a header block: fields and their folded lines only,
// with enough of the fields a copied message starts with. `scanned_to` is left at the line that
// ended the look: a block starting later but before it holds fewer fields and cannot be one either.
bool opens_header_block(std::string_view notice, size_t pos, size_t& scanned_to) {
  std::string_view line;
  int known = 0;
  bool has_from = false;
  for (scanned_to = pos; util::next_line(notice, pos, line) && has_text(line); scanned_to = pos) {
    const bool folded = line.front() == ' ' || line.front() == '\t';
    if (folded) continue;
    const std::string_view name = field_name(line);
    if (name.empty()) return false;
    if (kOriginalHeaderNameSet.contains(name)) ++known;
    has_from = has_from || util::iequals(name, "from");
  }
  return has_from && known >= kOriginalFieldsNeeded;
}

// Whether a paragraph whose first line is `line` (not blank) can be a header block: that line opens
// a field, or is folded and opens_header_block reads on. Most paragraphs are prose, which this
// tells from the first word without finding the line again.
bool may_open_header_block(std::string_view line) {
  return line.front() == ' ' || line.front() == '\t' || !field_name(line).empty();
}

// A line that announces what follows: "Kopf der ursprünglichen Nachricht:", "---- En-têtes ----".
bool announces(std::string_view trimmed_line) {
  return !trimmed_line.empty() && (trimmed_line.back() == ':' || trimmed_line.front() == '-');
}

struct InlineCopy {
  size_t notice_end = std::string_view::npos;  // npos: the notice quotes no original
  size_t copy_begin = std::string_view::npos;
};

// Where the line starting at `line_start` ends (its '\n', or the end of the text).
size_t line_end_at(std::string_view text, size_t line_start) {
  const void* newline = std::memchr(text.data() + line_start, '\n', text.size() - line_start);
  return newline == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(newline) - text.data());
}

// Where the notice ends and an inline copy of the original message begins: after a marker line,
// or at a header block that opens a paragraph (with the last line before it when that announces it).
// Every line of every notice is read here: each line's end is found once.
InlineCopy find_inline_original(std::string_view notice) {
  size_t previous_start = 0;
  std::string_view previous;  // trimmed
  bool paragraph_start = true;
  size_t scanned_to = 0;
  for (size_t line_start = 0, next_start = 0; line_start < notice.size(); line_start = next_start) {
    const size_t line_end = line_end_at(notice, line_start);
    next_start = line_end == notice.size() ? line_end : line_end + 1;
    const std::string_view line = notice.substr(line_start, line_end - line_start);
    const std::string_view trimmed = util::trim(line);
    if (is_marker_line(trimmed)) return {line_start, next_start};
    const bool blank = trimmed.empty();
    if (paragraph_start && !blank && line_start >= scanned_to && may_open_header_block(line) &&
        opens_header_block(notice, line_start, scanned_to)) {
      return {announces(previous) ? previous_start : line_start, line_start};
    }
    paragraph_start = blank || announces(trimmed);
    if (!blank) {
      previous_start = line_start;
      previous = trimmed;
    }
  }
  return {};
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

// Decoded straight into the notice: a text part is not copied twice.
void append_paragraph(std::string& to, const mime::Part& part) {
  if (!to.empty() && to.back() != '\n') to.push_back('\n');
  mime::append_decoded_text(part, to);
}

bool is_readable_html(const mime::Message& message, size_t index) {
  const mime::Part& part = message.parts[index];
  return part.content_type.subtype == "html" && is_readable_leaf(part) &&
         !inside_embedded_message(message, static_cast<int>(index));
}

// The notice when no plain text part gives one: the first HTML part with any text. Only then are
// HTML parts decoded, since most notices that have one have a plain text alternative too.
std::string html_notice(const mime::Message& message) {
  for (size_t i = 0; i < message.parts.size(); ++i) {
    if (!is_readable_html(message, i)) continue;
    std::string text = util::html_to_text(mime::decode_text(message.parts[i]));
    if (!text.empty()) return text;
  }
  return {};
}

// The report's own fields the context holds, each the first of its name (Headers::first_fields).
struct OwnFields {
  std::optional<std::string_view> from;
  std::optional<std::string_view> subject;
  std::optional<std::string_view> message_id;
  std::optional<std::string_view> date;

  // The names' lengths differ but for From and Date, so a field is compared with two names at most.
  std::optional<std::string_view>* slot_for(const mime::HeaderField& field) {
    switch (field.name.size()) {
      case 4: return field.is("From") ? &from : field.is("Date") ? &date : nullptr;
      case 7: return field.is("Subject") ? &subject : nullptr;
      case 10: return field.is("Message-ID") ? &message_id : nullptr;
      default: return nullptr;
    }
  }
};

// As Headers::get gives it: unfolded, decoded and trimmed; "" when absent.
std::string decoded(std::optional<std::string_view> raw) {
  return raw ? mime::decode_header_value(*raw) : std::string();
}

}  // namespace

Context make_context(const mime::Message& message) {
  const OwnFields own = message.root().headers.first_fields(OwnFields{});
  Context context{message, decoded(own.from), decoded(own.subject), {}, {}, -1, -1, -1, {}, own.message_id, own.date};
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
      if (type.subtype != "html" && context.original_part < 0) {
        append_paragraph(context.notice, part);
      }
    }
  }
  if (context.notice.empty()) context.notice = html_notice(message);

  const InlineCopy copy = find_inline_original(context.notice);
  if (copy.notice_end != std::string_view::npos) {
    context.inline_original = context.notice.substr(copy.copy_begin);
    context.notice.resize(copy.notice_end);
  }
  return context;
}

}  // namespace bounceback::report
