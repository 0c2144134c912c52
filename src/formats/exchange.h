// The non-delivery report layout Microsoft Exchange 2007 and later and Exchange Online
// (Office 365, Outlook.com) share; the exchange2007 and office365 formats differ only in who sent it.
#pragma once

#include "report/report.h"

namespace bounceback::formats {

// Whether the notice is in the Exchange 2007+ NDR layout (any of its localised headings).
bool is_exchange_ndr(const report::Context& context);

// Reads the recipients and the administrators' diagnostic section, or refines the recipients of
// the report's RFC 3464 part with them. False when the notice holds no recipient.
bool read_exchange_ndr(const report::Context& context, report::Report& report);

}  // namespace bounceback::formats
