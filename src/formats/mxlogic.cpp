// MXLogic (McAfee SaaS email protection): Exim's layout, "A message that you have sent could
// not be delivered to one or more recipients.", a Message-Id of "<mxl~...>"; read as Exim.
#include "formats/families.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {

bool claims_mxlogic(const report::Context& context) {
  if (!claims_exim(context)) return false;
  const std::string message_id = context.message.root().headers.get("Message-Id");
  return util::istarts_with(message_id, "<mxl~") || from_contains(context, "mxlogic.net");
}

bool extract_mxlogic(const report::Context& context, report::Report& report) {
  return extract_exim(context, report);
}

}  // namespace bounceback::formats
