// Mail.Ru: Exim underneath, with a Russian paragraph before Exim's own ("Это письмо создано
// автоматически сервером Mail.Ru") and the failed addresses listed in both; read as Exim.
#include "formats/families.h"
#include "formats/signals.h"

namespace bounceback::formats {

bool claims_mailru(const report::Context& context) {
  // From: mailer-daemon@corp.mail.ru, "Mail.Ru" named in the notice.
  return (from_contains(context, "mail.ru") || notice_contains(context, "Mail.Ru")) && claims_exim(context);
}

bool extract_mailru(const report::Context& context, report::Report& report) {
  return extract_exim(context, report);
}

}  // namespace bounceback::formats
