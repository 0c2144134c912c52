// Turning one recipient's evidence into a finished record: addresses normalised, classified,
// explained. Shared by the message decoder and the MTA log reader so both give the same records.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bounceback/record.h"
#include "report/report.h"

namespace bounceback::pipeline {

// Lower-cases the domain of an address and drops the brackets and quotes MTAs wrap it in;
// nullopt when no address can be found at all.
std::optional<std::string> normalize_address(std::string_view raw);
// The same for a value the caller is done with: the address is made in its buffer, not copied.
std::optional<std::string> take_normalized_address(std::string&& raw);

// Inline: a record's optional fields are each set through it, a dozen per record.
inline std::optional<std::string> non_empty(std::string value) {
  if (value.empty()) return std::nullopt;
  return value;
}

// `base` carries the fields every record of one report shares (source, decoder, sender, ids...);
// the result adds the recipient's own fields, the classification and the explanation. A caller
// done with `base` moves it in, which spares copying its strings.
Record make_record(Record base, const report::Report& report, const report::RecipientEvidence& e);
// The same in place: `record` holds the shared fields and gets the rest. A record built where it
// is kept (in a result's vector) is not moved on the way.
void complete_record(Record& record, const report::Report& report, const report::RecipientEvidence& e);
// The same for evidence the caller is done with: its strings are taken over, not copied.
void complete_record(Record& record, const report::Report& report, report::RecipientEvidence&& e);

}  // namespace bounceback::pipeline
