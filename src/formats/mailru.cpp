// Mail.Ru: Exim underneath, with a Russian paragraph before Exim's own ("Это письмо создано
// автоматически сервером Mail.Ru") and the failed addresses listed in both; read as Exim.
#include "formats/families.h"
#include "formats/signals.h"

namespace bounceback::formats {

bool claims_mailru(const report::Context& context) {
  // From: mailer-daemon@corp.mail.ru, "Mail.Ru" named in the notice.
  // Exim's claim, bit tests only, goes first: most messages are not Exim's.
  return claims_exim(context) && (notice_contains(context, ClaimPhrase("Mail.Ru")) || from_contains(context, "mail.ru"));
}

bool extract_mailru(const report::Context& context, report::Report& report) {
  return extract_exim(context, report);
}

}  // namespace bounceback::formats
