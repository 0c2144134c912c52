// The bounced message's own headers: sender, Message-ID, Subject, X-Original-To.
#include <optional>
#include <string_view>
#include <utility>

#include "report/report.h"

namespace bounceback::report {
namespace {

const mime::Headers* attached_headers(const Context& context) {
  if (context.original_part < 0) return nullptr;
  const mime::Part& part = context.message.parts[static_cast<size_t>(context.original_part)];
  if (!part.children.empty()) return &context.message.parts[static_cast<size_t>(part.children.front())].headers;
  return nullptr;
}

// The fields read from the original's header, each the first of its name (Headers::first_fields).
struct OriginalFields {
  std::optional<std::string_view> from;
  std::optional<std::string_view> return_path;
  std::optional<std::string_view> sender;
  std::optional<std::string_view> to;
  std::optional<std::string_view> message_id;
  std::optional<std::string_view> subject;
  std::optional<std::string_view> x_original_to;

  // The names' lengths differ, so a field is compared with one name at most.
  std::optional<std::string_view>* slot_for(const mime::HeaderField& field) {
    switch (field.name.size()) {
      case 2: return field.is("To") ? &to : nullptr;
      case 4: return field.is("From") ? &from : nullptr;
      case 6: return field.is("Sender") ? &sender : nullptr;
      case 7: return field.is("Subject") ? &subject : nullptr;
      case 10: return field.is("Message-ID") ? &message_id : nullptr;
      case 11: return field.is("Return-Path") ? &return_path : nullptr;
      case 13: return field.is("X-Original-To") ? &x_original_to : nullptr;
      default: return nullptr;
    }
  }
};

OriginalMessage from_headers(const mime::Headers& headers, OriginalTo to_wanted) {
  const OriginalFields fields = headers.first_fields(OriginalFields{});
  OriginalMessage original;
  for (const std::optional<std::string_view>& value : {fields.from, fields.return_path, fields.sender}) {
    if (!value) continue;
    if (auto address = mime::first_address(*value)) {
      original.from = std::move(*address);
      break;
    }
  }
  if (fields.to && to_wanted == OriginalTo::kRead) {
    if (auto address = mime::first_address(*fields.to)) original.to = std::move(*address);
  }
  if (fields.message_id) {
    std::string decoded;
    original.message_id = mime::decode_header_value(*fields.message_id, decoded);
  }
  if (fields.subject) original.subject = mime::decode_header_value(*fields.subject);
  if (fields.x_original_to) {
    if (auto address = mime::first_address(*fields.x_original_to)) original.x_original_to = std::move(*address);
  }
  return original;
}

}  // namespace

OriginalMessage find_original_message(const Context& context) {
  return find_original_message(context, OriginalTo::kRead);
}

OriginalMessage find_original_message(const Context& context, OriginalTo to) {
  if (const mime::Headers* headers = attached_headers(context)) return from_headers(*headers, to);
  std::string_view text;
  std::string decoded;
  if (context.original_part >= 0) {
    // text/rfc822-headers, or a message/rfc822 the parser kept as a leaf.
    text = mime::transfer_decoded_body(context.message.parts[static_cast<size_t>(context.original_part)], decoded);
  } else {
    text = context.inline_original;
  }
  // Inline copies are often indented or preceded by blank lines.
  size_t start = 0;
  while (start < text.size() && (text[start] == '\n' || text[start] == ' ')) ++start;
  const mime::HeaderBlock block = mime::parse_header_block(text.substr(start), text.size(), nullptr);
  return from_headers(block.headers, to);
}

}  // namespace bounceback::report
