// Sendmail 8 and the MTAs that copy its notice: the failed addresses under a dashed banner, the
// SMTP session transcript under another, and usually an RFC 3464 part.
//
//      ----- The following addresses had permanent fatal errors -----
//   <user@example.net>
//       (reason: 550 5.1.1 <user@example.net>... User unknown)
//
//      ----- Transcript of session follows -----
//   ... while talking to mx.example.net.:
//   >>> RCPT To:<user@example.net>
//   <<< 550 5.1.1 <user@example.net>... User unknown
//   550 5.1.1 <user@example.net>... User unknown
//
// The transcript gives what the RFC 3464 part lacks: the command the server refused, and its
// words where the part only holds a local mailer's exit status ("Diagnostic-Code: X-Unix; 255").
#include <algorithm>
#include <array>

#include "bounceback/codes.h"
#include "formats/families.h"
#include "formats/sections.h"
#include "formats/signals.h"
#include "formats/transcript.h"
#include "util/text.h"

namespace bounceback::formats {
namespace {

constexpr std::string_view kTranscriptBanner = "----- Transcript of session follows -----";

// "   ----- The following addresses had permanent fatal errors -----" and its siblings, with the
// RFC 3464 action each stands for.
struct Banner {
  std::string_view words;
  std::string_view action;
};
constexpr std::array<Banner, 3> kListBanners = {{
    {"----- The following addresses had permanent fatal errors -----", "failed"},
    {"----- The following addresses had transient non-fatal errors -----", "delayed"},  // warning
    {"----- The following addresses have delivery notifications -----", "delivered"},  // receipts
}};
constexpr auto kBannerClaims = claim_phrases(kListBanners, &Banner::words);

// The detail lines Sendmail prints under a listed address.
constexpr std::string_view kReasonLead = "(reason: ";
constexpr std::string_view kExpandedLead = "(expanded from: ";

struct Listed {
  std::string address;
  std::string_view action;
  std::string reason;         // "(reason: 550 5.1.1 ...)" without the parentheses
  std::string expanded_from;  // "(expanded from: <alias@example.com>)"
};

std::string_view inside_parentheses(std::string_view line, std::string_view lead) {
  std::string_view rest = util::trim(line).substr(lead.size());
  if (rest.ends_with(')')) rest.remove_suffix(1);
  return util::trim(rest);
}

// The addresses under the banners, each with the "(reason: ...)" lines that follow it.
std::vector<Listed> listed_addresses(const report::Context& context) {
  std::vector<Listed> listed;
  for (size_t b = 0; b != kListBanners.size(); ++b) {
    const Banner& banner = kListBanners[b];
    const std::optional<std::string_view> section = after_line_with(context, kBannerClaims[b]);
    if (!section) continue;
    size_t pos = 0;
    std::string_view line;
    while (util::next_line(*section, pos, line)) {
      const std::string_view trimmed = util::trim(line);
      if (trimmed.empty() || trimmed.starts_with("-----")) break;
      if (util::istarts_with(trimmed, kReasonLead) && !listed.empty()) {
        listed.back().reason = std::string(inside_parentheses(trimmed, kReasonLead));
      } else if (util::istarts_with(trimmed, kExpandedLead) && !listed.empty()) {
        listed.back().expanded_from = address_in(trimmed);
      } else if (indentation(line) == 0 && trimmed.find(' ') == std::string_view::npos) {
        // "<a@b>", "a@b", or a program: "\"|/home/user/bin/filter\""
        Listed& entry = listed.emplace_back();
        entry.action = banner.action;
        entry.address = address_in(trimmed);
        if (entry.address.empty()) entry.address = std::string(trimmed);
      }
    }
  }
  return listed;
}

const Listed* listed_for(const std::vector<Listed>& listed, std::string_view address) {
  for (const Listed& entry : listed) {
    if (util::iequals(entry.address, address)) return &entry;
  }
  return nullptr;
}

// "mail.local: unknown user: jane", "procmail: Quota exceeded": a program name, a colon, its words.
bool is_program_complaint(std::string_view line) {
  const size_t colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0 || line.starts_with("<<<") || line.starts_with(">>>")) return false;
  const std::string_view program = line.substr(0, colon);
  return util::is_alpha(program.front()) && std::ranges::all_of(program, [](char c) {
           return util::is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '/';
         });
}

// "554 <jane@example.com>... Service unavailable (mail.local: unknown user: jane)": the reply stays
// first, where its code is read.
std::string joined(std::string_view cause, std::string_view verdict) {
  if (cause.empty()) return std::string(verdict);
  return std::string(verdict) + " (" + std::string(cause) + ")";
}

// Sendmail's own verdict lines in the transcript, which no "<<< " marks: "550 5.1.1
// <a@b>... User unknown", "<a@b>... Deferred: Connection refused by mx.example.net.",
// "554 5.3.0 unknown mailer error 255". The one naming `recipient`, else the last.
// With a local delivery program's own complaint on the line before it, that complaint says why:
//     mail.local: unknown user: jane
//     554 <jane@example.com>... Service unavailable
std::string verdict_for(std::string_view transcript, std::string_view recipient) {
  std::string_view last;
  std::string_view cause;
  std::string_view previous;
  size_t pos = 0;
  std::string_view line;
  while (util::next_line(transcript, pos, line)) {
    const std::string_view trimmed = util::trim(line);
    const bool coded = trimmed.size() > 4 && (trimmed[0] == '4' || trimmed[0] == '5') &&
                       util::is_digit(trimmed[1]) && util::is_digit(trimmed[2]) && trimmed[3] == ' ';
    const bool addressed = trimmed.find("... ") != std::string_view::npos && trimmed.find('@') != std::string_view::npos;
    const std::string_view before = previous;
    previous = trimmed;
    if (!coded && !addressed) continue;
    const std::string_view program_says = is_program_complaint(before) ? before : std::string_view();
    if (!recipient.empty() && util::icontains(trimmed, recipient)) return joined(program_says, trimmed);
    last = trimmed;
    cause = program_says;
  }
  return joined(cause, last);
}

bool is_exit_status(std::string_view diagnostic) {
  diagnostic = util::trim(diagnostic);
  return diagnostic.empty() || diagnostic.find_first_not_of("0123456789") == std::string_view::npos;
}

// The status the remote server's reply gives, else the reported one. Sendmail's Status field is
// its own mapping of the reply ("550 5.7.1 IP address blacklisted" becomes 5.1.1 at RCPT, any
// expired deferral 4.4.7), so the server's own code says more.
std::string specific_status(std::string_view reported, std::string_view diagnostic) {
  for (const FoundCode& code : find_codes(diagnostic)) {
    if (code.type == CodeType::kStatus && !code.code.ends_with(".0.0")) return code.code;
  }
  return std::string(reported);
}

// Sendmail's Diagnostic-Code keeps only the first line of a multi-line reply: "550-5.7.1
// Unauthenticated email from example.com is not accepted due to domain's" (the transcript's "<<<"
// lines hold the rest: "... DMARC policy.").
bool is_first_of_several_lines(std::string_view diagnostic) {
  diagnostic = util::trim(diagnostic);
  return diagnostic.size() > 4 && util::is_digit(diagnostic[0]) && util::is_digit(diagnostic[1]) &&
         util::is_digit(diagnostic[2]) && diagnostic[3] == '-';
}

struct Notice {
  std::vector<Listed> listed;
  std::string_view transcript;
  std::vector<SmtpExchange> exchanges;
};

void refine(const Notice& notice, size_t recipient_count, report::RecipientEvidence& r) {
  // "Final-Recipient: RFC822; @mx.example.org": the notice lists the whole address.
  if (r.recipient.starts_with('@') && notice.listed.size() == 1) r.recipient = notice.listed.front().address;
  const Listed* listed = listed_for(notice.listed, r.recipient);
  const std::string_view reported = !r.diagnostic.empty() ? std::string_view(r.diagnostic)
                                    : listed != nullptr  ? std::string_view(listed->reason)
                                                         : std::string_view();
  const TranscriptRefusal refusal = refusal_for(notice.exchanges, r.recipient, reported);
  if (is_exit_status(r.diagnostic)) {
    if (!refusal.reply.empty() && (refusal.certain || recipient_count == 1)) {
      r.diagnostic = refusal.reply;
    } else if (const std::string verdict = verdict_for(notice.transcript, r.recipient); !verdict.empty()) {
      r.diagnostic = verdict;
    } else if (listed != nullptr && !is_exit_status(listed->reason)) {
      r.diagnostic = listed->reason;
    }
  } else if (is_first_of_several_lines(r.diagnostic) && refusal.reply.size() > r.diagnostic.size() &&
             util::istarts_with(util::collapse_space(refusal.reply), util::collapse_space(r.diagnostic))) {
    r.diagnostic = refusal.reply;
  }
  if (r.command.empty() && (refusal.certain || recipient_count == 1)) r.command = refusal.command;
  r.status = specific_status(r.status, r.diagnostic);
  if (r.original_recipient.empty() && listed != nullptr) r.original_recipient = listed->expanded_from;
  // "X-Actual-Recipient: X-Unix; |/usr/local/bin/filter": the failure was a local program's.
  if (!r.format_reason && r.original_recipient.starts_with('|')) r.format_reason = Reason::kMailerError;
}

}  // namespace

bool claims_sendmail(const report::Context& context) {
  if (notice_contains(context, ClaimPhrase(kTranscriptBanner))) return true;
  return notice_contains_any(context, kBannerClaims);
}

bool extract_sendmail(const report::Context& context, report::Report& report) {
  Notice notice;
  notice.listed = listed_addresses(context);
  notice.transcript = after_line_with(context, ClaimPhrase(kTranscriptBanner)).value_or(std::string_view());
  notice.exchanges = smtp_transcript(notice.transcript);
  if (report.recipients.empty()) {
    // Without an RFC 3464 part the banner's list names the recipients; a notice with neither is
    // Sendmail 5's (v5sendmail.cpp).
    for (const Listed& entry : notice.listed) {
      if (entry.address.find('@') == std::string::npos) continue;
      report::RecipientEvidence& r = evidence_for(report.recipients, entry.address);
      r.diagnostic = entry.reason;
      r.action = std::string(entry.action);
    }
    if (report.recipients.empty()) return false;
  }
  for (report::RecipientEvidence& r : report.recipients) refine(notice, report.recipients.size(), r);
  return true;
}

}  // namespace bounceback::formats
