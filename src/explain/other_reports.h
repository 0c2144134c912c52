// Reports that are not bounces but arrive where bounces do: DMARC aggregate reports, TLS reports
// and read receipts. Explaining one as a bounce ("SPF, DKIM or DMARC failed") misleads.
#pragma once

#include <string_view>

namespace bounceback::explain {

// What kind of report `text` is ("dmarc-aggregate-report", "tls-report", "read-receipt", as in
// other_reports.def), or "" when it is none of these.
std::string_view other_report_kind(std::string_view text);

}  // namespace bounceback::explain
