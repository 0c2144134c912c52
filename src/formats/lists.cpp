#include "formats/lists.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "formats/sections.h"
#include "mime/message.h"
#include "formats/signals.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

// Sympa's notices to a list's owners about bounces, which list the bouncing members' addresses
// and attach no bounce. Matched in the subject or the notice, ASCII case ignored. (Mailman's
// notices are known by their headers: see written_by_mailman_itself.)
constexpr std::array<std::string_view, 3> kSympaOwnerNoticeWords = {
    // automatic_bounce_management.tt2: "Because we received MANY non-delivery reports, the 3
    // subscribers listed below have been removed from list customers:"
    "because we received many non-delivery reports",
    // its subject: "List customers automatic bounce management"
    "automatic bounce management",
    // listowner_notification.tt2 (bounce_rate): "WARNING: bounce rate too high in list customers"
    "bounce rate too high in list",
};

struct RefusalWords {
  std::string_view words;
  std::string_view manager;  // the record's `decoder`
  // Where the list says why, when not in the paragraph of `words`.
  std::string_view reason_words = words;
};
// Words of a list manager's refusal to distribute a post, sent back to its author.
constexpr std::array<RefusalWords, 4> kRefusalWords = {{
    // Sympa 6.2 delivery_status_notification.tt2 (status 5.7.1) and 6.1 message_report.tt2: "Your
    // message for list 'customers' (attached below) was rejected.\nYou are not allowed to send
    // this message for the following reason:"
    {"you are not allowed to send this message", "sympa"},
    // Mailman 2.1 Moderate.py: "You are not allowed to post to this mailing list, and your
    // message has been automatically rejected."
    {"you are not allowed to post to this mailing list", "mailman"},
    // Mailman 3 list:user:notice:rejected: "Your message to the Example mailing-list was rejected
    // for the following\nreasons:" (the template breaks the line there)
    {"mailing-list was rejected for the following", "mailman"},
    // Mailman 2.1 and 3 refuse.txt for a post: "Your request to the members@example.org mailing
    // list\n\n    Posting of your message titled "December deals"\n\nhas been rejected by the list
    // moderator.  The moderator gave the following reason for rejecting your request:"
    {"posting of your message titled", "mailman", "has been rejected by the list moderator"},
}};

// Mailman writes X-Mailman-Version on all it sends. On the messages it writes itself (notices,
// refusals, hold notices, not the posts it distributes) Mailman 2.1 adds "X-List-Administrivia:
// yes" (CookHeaders.py), and Mailman 3 "Precedence: bulk" (UserNotification) and no List-Post
// (rfc_2369.py, reduced_list_headers), where its posts carry "Precedence: list" and a List-Post.
bool written_by_mailman_itself(const mime::Headers& headers) {
  if (headers.has("X-List-Administrivia")) return true;
  return headers.has("X-Mailman-Version") && util::iequals(util::trim(headers.get("Precedence")), "bulk") &&
         !headers.has("List-Post");
}

// Sympa writes an X-Loop naming itself ("X-Loop: sympa@lists.example.org") and a From of "SYMPA
// <sympa@lists.example.org>".
bool written_by_sympa(const report::Context& context) {
  return from_contains(context, "sympa") || util::icontains(context.message.root().headers.get("X-Loop"), "sympa");
}

bool says_sympa_owner_notice(const report::Context& context) {
  for (std::string_view words : kSympaOwnerNoticeWords) {
    if (subject_contains(context, words) || util::icontains(context.notice, words)) return true;
  }
  return false;
}

const RefusalWords* refusal_in(std::string_view notice) {
  for (const RefusalWords& refusal : kRefusalWords) {
    if (util::icontains(notice, refusal.words)) return &refusal;
  }
  return nullptr;
}

// The paragraph of the notice that holds the refusal, with the next when it only announces it
// ("... for the following reason:").
std::string refusal_diagnostic(std::string_view notice, std::string_view words) {
  const size_t at = util::ifind(notice, words);
  const size_t blank = notice.rfind("\n\n", at);
  std::string_view rest = notice.substr(blank == std::string_view::npos ? 0 : blank + 2);
  const std::string_view paragraph = first_paragraph(rest);
  const std::string_view trimmed = util::trim(paragraph);
  if (trimmed.empty() || trimmed.back() != ':') return util::collapse_space(paragraph);
  rest.remove_prefix(static_cast<size_t>(paragraph.data() - rest.data()) + paragraph.size());
  return util::collapse_space(std::string(paragraph) + "\n" + std::string(first_paragraph(rest)));
}

// The list's posting address. Mailman sends the refusal from the list's owner address
// ("example-list-owner@lists.example.org"); otherwise the refused post was addressed to the list.
std::string list_address(const report::Context& context) {
  static constexpr std::array<std::string_view, 3> kOwnSuffixes = {"-owner", "-request", "-bounces"};
  const std::optional<std::string> from = mime::first_address(context.from);
  if (const size_t at = from ? from->rfind('@') : std::string::npos; at != std::string::npos) {
    const std::string_view local = std::string_view(*from).substr(0, at);
    for (std::string_view suffix : kOwnSuffixes) {
      if (local.size() > suffix.size() && util::iends_with(local, suffix)) {
        return std::string(local.substr(0, local.size() - suffix.size())) + from->substr(at);
      }
    }
  }
  return report::find_original_message(context, report::OriginalTo::kRead).to;
}

}  // namespace

ListNotice list_notice(const report::Context& context) {
  // A report a list distributed as a post (Mailman 2.0 sent bounces to a list on to its members)
  // is still the report; Sympa 6.2's refusals are DSNs too, refusals first.
  const bool is_own_report = context.delivery_status_part >= 0 || context.feedback_report_part >= 0;
  const bool by_mailman = written_by_mailman_itself(context.message.root().headers);
  const bool by_sympa = !by_mailman && written_by_sympa(context);
  if (!by_mailman && !by_sympa) return ListNotice::kNone;
  if (refusal_in(context.notice) != nullptr) return ListNotice::kRefusedPost;
  if (is_own_report) return ListNotice::kNone;
  // Whatever else Mailman writes itself is a notice ("Bounce action notification", "Uncaught
  // bounce notification", "...'s subscription disabled on ..."), never an MTA's report; Sympa
  // also sends real DSNs of its own ("List unknown"), read as reports.
  if (by_mailman || says_sympa_owner_notice(context)) return ListNotice::kOwnerNotice;
  return ListNotice::kNone;
}

bool extract_refused_post(const report::Context& context, report::Report& report) {
  const RefusalWords* refusal = refusal_in(context.notice);
  if (refusal == nullptr) return false;
  if (report.recipients.empty()) {
    std::string list = list_address(context);
    if (list.empty()) return false;
    report::RecipientEvidence& r = report.recipients.emplace_back();
    r.recipient = std::move(list);
    r.action = "failed";
  }
  // A bounce of the list's address, reason `rejected`: the post reached no member, which the
  // sender must hear (kind none would drop it unsaid, and an auto-reply would say it was
  // delivered), and the list refused the sender, not a mailbox: a post from the subscribed
  // address, or after subscribing, goes through. `rejected` is never hard, so one refusal does
  // not suppress the list. The list's own words say why; the Diagnostic-Code of its DSN only
  // names the status (Sympa 6.2: "X-Sympa; Delivery not authorized, message refused").
  std::string_view reason_words = refusal->reason_words;
  if (!util::icontains(context.notice, reason_words)) reason_words = refusal->words;
  const std::string diagnostic = refusal_diagnostic(context.notice, reason_words);
  for (report::RecipientEvidence& r : report.recipients) {
    r.format_reason = Reason::kRejected;
    r.diagnostic = diagnostic;
  }
  report.decoder = std::string(refusal->manager);
  return true;
}

}  // namespace bounceback::formats
