// The bounced message's own headers: sender, Message-ID, Subject.
#include <utility>

#include "report/report.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

const mime::Headers* attached_headers(const Context& context) {
  if (context.original_part < 0) return nullptr;
  const mime::Part& part = context.message.parts[static_cast<size_t>(context.original_part)];
  if (!part.children.empty()) return &context.message.parts[static_cast<size_t>(part.children.front())].headers;
  return nullptr;
}

OriginalMessage from_headers(const mime::Headers& headers, OriginalTo to_wanted) {
  OriginalMessage original;
  for (std::string_view name : {"From", "Return-Path", "Sender"}) {
    if (const auto value = headers.raw(name)) {
      if (auto address = mime::first_address(*value)) {
        original.from = std::move(*address);
        break;
      }
    }
  }
  if (const auto to = to_wanted == OriginalTo::kRead ? headers.raw("To") : std::nullopt) {
    if (auto address = mime::first_address(*to)) original.to = std::move(*address);
  }
  original.message_id = std::string(util::trim(headers.get("Message-ID")));
  original.subject = headers.get("Subject");
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
    const mime::Part& part = context.message.parts[static_cast<size_t>(context.original_part)];
    decoded = mime::decode_transfer(part.raw_body, part.transfer_encoding);
    text = decoded;
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
