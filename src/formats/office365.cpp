// Exchange Online (Office 365, Outlook.com): the Exchange 2007+ NDR layout (exchange2007.cpp)
// sent by Microsoft's hosted service, e.g. "From: Microsoft Outlook <postmaster@outlook.com>",
// "Generating server: BN6PR01MB1234.namprd01.prod.outlook.com", "When Office 365 tried to send
// the message, the external email server returned the error below."
#include <array>

#include "formats/exchange.h"
#include "formats/families.h"
#include "formats/signals.h"

namespace bounceback::formats {
namespace {

// Host names and product names only Microsoft's hosted service puts in its notices.
constexpr std::array<std::string_view, 3> kHostedMarks = {".prod.outlook.com", "Office 365", "protection.outlook.com"};

bool sent_by_exchange_online(const report::Context& context) {
  if (from_contains(context, "@outlook.com") || from_contains(context, "Microsoft Outlook")) return true;
  static constexpr auto kHostedClaims = claim_phrases(kHostedMarks);
  return notice_contains_any(context, kHostedClaims) || context.message.root().headers.has("X-MS-Exchange-CrossTenant-Id");
}

}  // namespace

bool claims_office365(const report::Context& context) {
  return is_exchange_ndr(context) && sent_by_exchange_online(context);
}

bool extract_office365(const report::Context& context, report::Report& report) {
  return read_exchange_ndr(context, report);
}

}  // namespace bounceback::formats
