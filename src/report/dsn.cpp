// RFC 3464 message/delivery-status (and RFC 6533 message/global-delivery-status).
#include "report/report.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

using util::iequals;

struct Field {
  std::string_view name;
  std::string value;  // unfolded
};

// The fields of a delivery-status body in order. Blank lines separate the per-message group
// from the per-recipient groups, but broken reports omit them, so groups are not relied on:
// a new recipient starts at each Final-Recipient (or Original-Recipient when the current one
// already has its own).
std::vector<Field> read_fields(std::string_view body) {
  std::vector<Field> fields;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(body, pos, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!fields.empty()) {
        fields.back().value.push_back(' ');
        fields.back().value.append(util::trim(line));
      }
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const std::string_view name = util::trim(line.substr(0, colon));
    if (name.find(' ') != std::string_view::npos) continue;
    fields.push_back({name, std::string(util::trim(line.substr(colon + 1)))});
  }
  return fields;
}

void split_remote_mta(std::string_view value, RecipientEvidence& r) {
  std::string_view text = util::trim(field_text(value));
  const size_t bracket = text.find('[');
  if (bracket != std::string_view::npos) {
    const size_t close = text.find(']', bracket);
    if (close != std::string_view::npos) r.remote_ip = std::string(text.substr(bracket + 1, close - bracket - 1));
    text = util::trim(text.substr(0, bracket));
  }
  r.remote_mta = std::string(text);
}

void apply_recipient_field(const Field& f, RecipientEvidence& r) {
  if (iequals(f.name, "Final-Recipient")) {
    r.recipient = std::string(util::trim(field_text(f.value)));
  } else if (iequals(f.name, "Original-Recipient")) {
    r.original_recipient = std::string(util::trim(field_text(f.value)));
  } else if (iequals(f.name, "X-Actual-Recipient")) {
    if (r.original_recipient.empty()) r.original_recipient = std::string(util::trim(field_text(f.value)));
  } else if (iequals(f.name, "Action")) {
    r.action = util::to_lower(util::trim(f.value));
    const size_t space = r.action.find_first_of(" (;");
    if (space != std::string::npos) r.action.resize(space);
  } else if (iequals(f.name, "Status")) {
    r.status = leading_status(f.value);
  } else if (iequals(f.name, "Diagnostic-Code")) {
    r.diagnostic = std::string(util::trim(field_text(f.value)));
  } else if (iequals(f.name, "Remote-MTA")) {
    split_remote_mta(f.value, r);
  } else if (iequals(f.name, "Last-Attempt-Date")) {
    r.last_attempt = f.value;
  }
}

bool starts_new_recipient(const Field& f, const RecipientEvidence* current) {
  if (iequals(f.name, "Final-Recipient")) return current == nullptr || !current->recipient.empty();
  if (iequals(f.name, "Original-Recipient")) {
    return current == nullptr || !current->original_recipient.empty();
  }
  return false;
}

}  // namespace

std::string_view field_text(std::string_view value) {
  const size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return util::trim(value);
  // Only a short atom before ';' is an address or diagnostic type ("rfc822", "smtp", "X-Unix").
  const std::string_view type = util::trim(value.substr(0, semicolon));
  if (type.empty() || type.size() > 16 || type.find(' ') != std::string_view::npos) return util::trim(value);
  return util::trim(value.substr(semicolon + 1));
}

std::string leading_status(std::string_view text) {
  text = util::trim(text);
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') {
    return {};
  }
  size_t i = 2;
  size_t digits = 0;
  while (i < text.size() && util::is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || i >= text.size() || text[i] != '.') return {};
  ++i;
  digits = 0;
  while (i < text.size() && util::is_digit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0) return {};
  if (i < text.size() && (util::is_digit(text[i]) || text[i] == '.')) return {};
  return std::string(text.substr(0, i));
}

bool parse_delivery_status(std::string_view body, Report& report) {
  const std::vector<Field> fields = read_fields(body);
  RecipientEvidence* current = nullptr;
  for (const Field& f : fields) {
    if (starts_new_recipient(f, current)) {
      report.recipients.emplace_back();
      current = &report.recipients.back();
    }
    if (current == nullptr) {
      if (iequals(f.name, "Reporting-MTA")) report.reporting_mta = std::string(field_text(f.value));
      if (iequals(f.name, "Arrival-Date")) report.arrival_date = f.value;
      continue;
    }
    apply_recipient_field(f, *current);
  }
  std::erase_if(report.recipients, [](const RecipientEvidence& r) {
    return r.recipient.empty() && r.original_recipient.empty();
  });
  for (RecipientEvidence& r : report.recipients) {
    if (r.recipient.empty()) r.recipient = r.original_recipient;
  }
  return !report.recipients.empty();
}

}  // namespace bounceback::report
