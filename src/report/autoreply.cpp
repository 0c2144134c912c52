// RFC 3834 automatic responses (vacation, out of office): not failures, reported as autoreply.
#include <array>

#include "report/report.h"
#include "util/text.h"

namespace bounceback::report {
namespace {

// Header fields that mark an automatic reply whatever their value (X-Autoreply: yes, ...).
constexpr std::array<std::string_view, 5> kAutoReplyHeaders = {
    "X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation", "X-Mail-Autoreply"};

// Subject prefixes of out-of-office replies, in the languages mail clients use.
constexpr std::array<std::string_view, 23> kAutoReplySubjects = {
    "Auto:",                    // Lotus Notes, Outlook short form
    "Automatic reply",          // Microsoft Outlook / Exchange
    "Autoreply",
    "Auto-Reply",
    "Auto Reply",
    "AutoRespon",               // "AutoResponse", "AutoRespons"
    "Out of Office",
    "Out of the office",
    "Away until",
    "Vacation",
    "On vacation",
    "Abwesenheitsnotiz",        // German Outlook
    "Automatische Antwort",     // German
    "Réponse automatique",      // French
    "Absence du bureau",        // French
    "Respuesta automática",     // Spanish
    "Fuera de la oficina",      // Spanish
    "Risposta automatica",      // Italian
    "Resposta automática",      // Portuguese
    "Automatisch antwoord",     // Dutch
    "自動応答",                 // Japanese
    "自動返信",                 // Japanese: "【自動返信】お問い合わせありがとうございます"
    "自动回复",                 // Chinese
};

// Japanese and Chinese subjects set the words off in brackets: "【自動返信】", "[自动回复]".
std::string_view without_opening_bracket(std::string_view subject) {
  for (std::string_view bracket : {std::string_view("\xE3\x80\x90"), std::string_view("[")}) {  // 【 or [
    if (subject.starts_with(bracket)) return util::trim(subject.substr(bracket.size()));
  }
  return subject;
}

bool has_auto_reply_subject(std::string_view subject) {
  subject = without_opening_bracket(util::trim(subject));
  for (std::string_view prefix : kAutoReplySubjects) {
    if (util::istarts_with(subject, prefix)) return true;
  }
  return false;
}

}  // namespace

bool is_auto_reply(const Context& context) {
  // A delivery report is no reply, whatever its headers: Postfix marks its bounces
  // "Auto-Submitted: auto-replied".
  if (context.delivery_status_part >= 0) return false;
  const mime::Headers& headers = context.message.root().headers;
  // RFC 3834: "auto-replied" is a response; "auto-generated" is what bounces use.
  if (util::istarts_with(util::trim(headers.get("Auto-Submitted")), "auto-replied")) return true;
  for (std::string_view name : kAutoReplyHeaders) {
    if (headers.has(name)) return true;
  }
  const std::string precedence = headers.get("Precedence");
  if (util::iequals(precedence, "auto_reply")) return true;
  return has_auto_reply_subject(context.subject);
}

}  // namespace bounceback::report
