#include "explain/texts.h"

#include <algorithm>
#include <iterator>

#include "classify/generated_automata.h"

#include "util/text.h"

namespace bounceback::explain {
namespace {

struct ReasonText {
  Reason reason;
  Text text;
};

constexpr ReasonText kReasonTexts[] = {
#define BB_REASON_TEXT(id, summary, advice1, advice2, advice3) \
  {Reason::id, {summary, {advice1, advice2, advice3}}},
#include "explain/reasons_text.def"
#undef BB_REASON_TEXT
};

constexpr bool reason_texts_follow_reasons() {
  for (size_t i = 0; i < std::size(kReasonTexts); ++i) {
    if (kReasonTexts[i].reason != static_cast<Reason>(i)) return false;
  }
  return std::size(kReasonTexts) == kReasonCount;
}
static_assert(reason_texts_follow_reasons(),
              "reasons_text.def needs one entry per reason of reasons.def, in the same order");

struct KindText {
  Kind kind;
  Text text;
};

// Kinds not listed here are told by their reason: delivered, autoreply (vacation), feedback.
constexpr KindText kKindTexts[] = {
    {Kind::kDelay,
     {"Your message[ to {recipient}] has not been delivered yet[: {net_problem}| ({cause})]; the "
      "sending server "
      "keeps trying, usually for a few days, and will tell you if it gives up.",
      {"No action is needed yet: this is a warning, not a failure.",
       "If the delay lasts for days, check the address and tell the person another way.", ""}}},
    {Kind::kRelayed,
     {"The message[ to {recipient}] was passed on[ by {host}] to a system that sends no delivery "
      "reports, so its final delivery cannot be confirmed.",
      {"No action is needed.", "", ""}}},
    {Kind::kExpanded,
     {"The message[ to {recipient}] reached a mailing list or alias, which passed it on to its "
      "members.",
      {"No action is needed.", "", ""}}},
};

struct FeedbackText {
  std::string_view feedback_type;
  Text text;
};

// ARF feedback types: RFC 5965 (abuse, fraud, virus, other), RFC 6591 (auth-failure), and the
// "opt-out" and "not-spam" types mailbox providers send. "other" is told by the feedback reason.
constexpr FeedbackText kFeedbackTexts[] = {
    {"abuse",
     {"[{recipient}|The recipient] marked your message as spam. Stop mailing them.",
      {"Stop mailing [{recipient}|this person] and remove them from all your lists.",
       "Complaints harm your sender reputation: send only to people who asked for your mail, and "
       "make unsubscribing easy.",
       ""}}},
    {"fraud",
     {"[{recipient}|The recipient] reported your message as fraud or phishing (a fake message "
      "meant to trick people).",
      {"Stop mailing [{recipient}|this person] and remove them from all your lists.",
       "If you did not send this message, someone is faking your domain: set up DMARC so that "
       "such mail is refused.",
       ""}}},
    {"virus",
     {"[{recipient}|The recipient] reported that your message carried a virus.",
      {"Scan the computers and servers that send your mail with an up-to-date antivirus program.",
       "Stop mailing [{recipient}|this person] until the cause is found.", ""}}},
    {"opt-out",
     {"[{recipient}|The recipient] asked to stop receiving your mail.",
      {"Remove [{recipient}|this person] from your lists now.", "", ""}}},
    {"not-spam",
     {"[{recipient}|The recipient] marked your message as not spam. Nothing failed.",
      {"No action is needed.", "", ""}}},
    {"auth-failure",
     {"A message sent in your domain's name failed the SPF, DKIM or DMARC checks (the checks that "
      "prove who sent it)[ at {host}]; this is a report of that failure, not a complaint.",
      {"If you sent the message, fix SPF and DKIM for the service that sent it.",
       "If you did not, someone is faking your domain: a DMARC policy of quarantine or reject "
       "has such mail refused.",
       ""}}},
};

struct SideSentence {
  Side side;
  std::string_view sentence;
};

constexpr SideSentence kSideSentences[] = {
    {Side::kSender, "This is on your side, not the recipient's."},
    {Side::kRecipient, "This is on the recipient's side, not yours."},
    {Side::kNetwork, "This is a network or server problem, not a problem with the address."},
};

// For a reason whose own advice already decides about the address.
constexpr Template kNoRetryAdvice;
constexpr Template kHardBounceAdvice{
    "Remove [{recipient}|this address] from your mailing lists: sending to it again will fail "
    "the same way."};
constexpr Template kSoftSenderAdvice{
    "There is no need to remove the address: send the message again once the problem is fixed."};
constexpr Template kSoftAdvice{
    "If it still fails after several tries over a few days, stop sending to "
    "[{recipient}|this address]."};

constexpr Template kLoop{"the message went round in a loop between mail servers"};
constexpr Template kTimeout{
    "[{net_host}|the receiving server] did not answer in time (the connection timed out)"};
constexpr Template kRefused{"[{net_host}|the receiving server] refused the connection"};
constexpr Template kNotInDns{
    "[{net_host}|the receiving domain] could not be found in the DNS (the internet's address book)"};
constexpr Template kUnreachable{"[{net_host}|the receiving server] could not be reached over the network"};
constexpr Template kLostConnection{"the connection to [{net_host}|the receiving server] broke off"};
constexpr Template kNoConnection{"no connection could be made to [{net_host}|the receiving server]"};

// For a phrase that names no network problem and stops the search.
constexpr Template kNoNetworkProblem;

struct NetworkProblem {
  std::string_view phrase;   // matched ignoring case; the first match in table order wins
  const Template* problem;   // kNoNetworkProblem: the phrase names none, stop looking
};

constexpr NetworkProblem kNetworkProblems[] = {
#define BB_NETWORK_PROBLEM(phrase, problem) NetworkProblem{phrase, &(problem)},
#include "explain/network_problems.def"
#undef BB_NETWORK_PROBLEM
};

// Compiled at build time (generated_automata.h), in the order of kNetworkProblems.
const classify::PhraseMatcher& network_problem_matcher() {
  static const classify::PhraseMatcher matcher =
      classify::PhraseMatcher::from_tables(classify::network_problem_automaton_tables());
  return matcher;
}

constexpr Template kListing{"[{blocklist}'s blocklist[ ({zone})]]"};

// "550 User unknown" with nothing tying it to the address (no X.1.1 status, no reply to RCPT): the
// classifier files it as the recipient's filter, as appliances and Japanese carriers refuse senders
// so, but the words may also be true, so the text gives both readings.
constexpr Text kFilteredSaidUnknown = {
    "The receiving server[ {host}] said the address[ {recipient}] does not exist, but nothing else in "
    "the report confirms it: some filters refuse a sender with these same words, so the address may "
    "still work.",
    {"Check the address for typos, and ask the person another way whether it still works.",
     "If it does, ask them to add your address to their contacts or allowed senders.", ""}};

// "Relay access denied" from a server of the recipient's own domain (the record's side says so).
constexpr Text kRelayRefusedForOwnDomain = {
    "The recipient's own mail server[ {host}] refused mail for[ {domain}| its domain], as if it no "
    "longer handled that domain. {side}",
    {"Check that the part of the address after the @ is spelled correctly.",
     "If it is, tell the person another way: their domain's mail server settings (MX records) are "
     "probably out of date.",
     ""}};

// Exchange's refusal for a group or mailbox that takes mail only from its own organisation or an
// allowed list, which Sisimai files as a security error: no login of the sender's fixes it.
constexpr Text kRestrictedRecipient = {
    "The group or mailbox[ {recipient}] accepts mail only from certain senders, for example people in "
    "its own organisation, and your address is not one of them.",
    {"Ask the person who owns the group or mailbox to allow your address.",
     "Or write to someone in that organisation directly.", ""}};

// A mailing list manager (Sympa, Mailman) refused to distribute a post: only its members, or its
// moderators' approval, get a post through. Nothing is wrong with either address.
constexpr Text kListRefusedPost = {
    "The mailing list[ {recipient}] refused your message, so none of its members received it: the "
    "list takes posts only from its members, or only those its moderators approve. Both addresses "
    "are fine.",
    {"Post from the address you subscribed to the list with, or subscribe first.",
     "If you think you should be allowed to post, ask the list's owners (the notice names their address).", ""}};

// A challenge-response filter's automatic reply: the message waits until the sender proves to be a
// person. It is not delivered yet, unlike an out-of-office reply's.
constexpr Text kChallenge = {
    "This is an automatic reply from a spam filter[ ({recipient})]: it holds your message until you "
    "confirm that you are a real sender. The message has not been delivered yet.",
    {"To have it delivered, follow the link or the steps in the reply.",
     "If you send in bulk, do not answer such requests automatically; the address itself is fine.", ""}};

// A message that went round between servers: a setup fault (a forward that leads back, two
// servers that each think the other holds the mailbox), not the network or the content.
constexpr Text kMailLoop = {
    "The message went round in a loop between mail servers[ for {recipient}] and was stopped. This is "
    "a forwarding or server setup problem, most often at the receiving side; sending again will loop "
    "the same way.",
    {"Tell the person another way: their forwarding or mail server settings send mail in a circle.",
     "If the address forwards to another address of yours that forwards back, remove one of the two.", ""}};

// Postfix's "mail for example.org loops back to myself": the domain's MX records name the sending
// server itself, or the server receives for the domain without being set up to. A setup fault
// that no retry mends, on whichever side owns the DNS or the server.
constexpr Text kLoopsBackToSender = {
    "Your mail server found that mail for this domain comes back to itself: the domain's mail (MX) "
    "records point at your own server, or your server is not set up to receive for the domain. "
    "Sending again will fail the same way.",
    {"If the domain is yours, add it to the domains your mail server receives for.",
     "If it is not, tell the domain's owner that its MX records point at the wrong server.",
     "The address itself may be fine: do not remove it for this error."},
    true};

// Postfix's recipient address verification: the server asks the next server whether the address
// exists before it accepts mail for it, and defers until it knows.
constexpr Text kAddressBeingVerified = {
    "The receiving server[ {host}] is still checking with the next server that the address[ "
    "{recipient}] exists, and asked your server to try again later.",
    {"Nothing to do if your server retries by itself: once the check is done, the retry goes "
     "through if the address exists.",
     "If it ends in a bounce saying the address is unknown, remove it then.", ""}};

// RFC 5321's 421 "service not available" and Sendmail's "Connection refused by": Sisimai files
// them as blocked, but the server may as well be down, overloaded or restarting.
constexpr Text kTurnedAway = {
    "The receiving server[ {host}] turned the connection away without taking the message. It may be "
    "down, busy or restarting, or it may refuse your sending server.",
    {"Let your server retry later; it usually does so by itself.",
     "If it keeps happening for days, ask your email provider whether that receiver refuses your "
     "sending server.",
     ""}};

// A greeting refused for its name: a setting of the sending server, nothing to do with spam.
constexpr Text kBadHelo = {
    "The receiving server[ {host}] refused your sending server's greeting: the name it introduces "
    "itself with (HELO/EHLO) must be its full public host name.",
    {"If you run the sending server, set its HELO name to a full host name such as mail.example.com "
     "that exists in DNS.",
     "If you send through a provider, forward this bounce to its support team.", ""}};

// Sisimai files "too many recipients" as too many connections; it is about one message.
constexpr Text kTooManyRecipients = {
    "The receiving server[ {host}] refused because the message was addressed to too many recipients "
    "at once.",
    {"Send the message in smaller batches, with fewer recipients each.",
     "Your server usually sends the rest again later by itself.", ""}};

// An automatic reply saying the person has left: delivered, but nobody will read it.
constexpr Text kPersonLeft = {
    "This is an automatic reply[ from {recipient}]: the person no longer works there, so your message "
    "will probably not be read.",
    {"If the reply names another contact, write to them instead.",
     "Update or remove this address in your lists.", ""}};

// A security error whose words name no login or encryption: RFC 3463's X.7.1 "delivery not
// authorized, message refused", which servers send for any rule of theirs.
constexpr Text kNotAuthorized = {
    "The receiving server[ {host}] refused the message under its own rules (\"not authorized\").",
    {"Read the server's own words in the bounce: they may name the rule (a blocklist, your address, "
     "the content).",
     "If the cause is not clear, ask the person another way whether their server refuses your mail.", ""}};

// Words that say a security error is about logging in or encrypting, as its usual text explains.
constexpr std::string_view kLoginOrEncryptionWords[] = {
    "auth", "login", "log in", "logon", "password", "credential", "sign in", "sign-in",
    "tls", "ssl", "encrypt", "certificate", "secure connection",
};

// Exchange: the account may not send as the address in From.
constexpr Text kSendAsDenied = {
    "Your own mail server refused to send the message: your account may not send as the address "
    "the message is from (\"Send As\" permission). The recipient's address is fine.",
    {"Send from your own address, or ask your administrator for permission to send as this one.", "", ""}};

// Microsoft 365: the sender's organisation forbids automatic forwarding to outside addresses.
constexpr Text kNoExternalForwarding = {
    "Your organisation's mail server does not allow messages to be forwarded automatically to "
    "outside addresses, so this forward was stopped. The recipient's address is fine.",
    {"If you set up the forward, forward to an address inside your organisation instead.",
     "Or ask your IT team to allow forwarding to this address.", ""}};

// Microsoft: the receiving domain takes no mail over IPv6, and this came over IPv6.
constexpr Text kNoIpv6 = {
    "The receiving domain[ {domain}] does not take mail sent over IPv6, and your server sent this "
    "message over IPv6. The recipient's address is fine.",
    {"If you run the sending server, send to this domain over IPv4.",
     "If you send through a provider, forward this bounce to its support team.", ""}};

// Microsoft 365 stopped a whole organisation's outgoing mail for the spam it sent.
constexpr Text kTenantBlocked = {
    "Microsoft has stopped your organisation's outgoing mail for a while, because too much of it "
    "looked like spam (\"tenant has exceeded threshold\").",
    {"Ask your Microsoft 365 administrator to look for hacked accounts and unwanted bulk mail.",
     "Once that is fixed, the administrator can ask Microsoft support to lift the block.", ""}};

// Texts for wording a reason's usual text would misread; the first whose phrase the server's words
// hold (ASCII case ignored) replaces it.
struct WordingText {
  Reason reason;
  std::string_view phrase;
  const Text* text;
};
constexpr WordingText kWordingTexts[] = {
    // Sympa: "You are not allowed to send this message for the following reason: Message
    // distribution in the list is restricted to list subscribers."
    {Reason::kRejected, "you are not allowed to send this message for the following reason", &kListRefusedPost},
    // Mailman 2.1: "You are not allowed to post to this mailing list, and your message has been
    // automatically rejected."
    {Reason::kRejected, "not allowed to post to this mailing list", &kListRefusedPost},
    // Mailman 3: "Your message to the Example mailing-list was rejected for the following reasons:"
    {Reason::kRejected, "mailing-list was rejected for the following", &kListRefusedPost},
    // Mailman 2.1 and 3: "Posting of your message titled "December deals" has been rejected by
    // the list moderator."
    {Reason::kRejected, "rejected by the list moderator", &kListRefusedPost},
    // "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required"
    {Reason::kSecurityError, "resolver.rst.authrequired", &kRestrictedRecipient},
    // Exchange Online: "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required"
    {Reason::kSecurityError, "resolver.rst.sendernotauthenticatedfor", &kRestrictedRecipient},
    // Exchange: "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized" (the recipient accepts only some senders)
    {Reason::kSecurityError, "resolver.rst.notauthorized", &kRestrictedRecipient},
    // Postfix: "mail forwarding loop for jane@example.com" (networkerror, as Sisimai files loops)
    {Reason::kNetworkError, "forwarding loop", &kMailLoop},
    {Reason::kNetworkError, "mail loop", &kMailLoop},       // Gmail: "... this may indicate a mail loop"
    {Reason::kNetworkError, "routing loop", &kMailLoop},    // Domino: "Message probably in a routing loop."
    // Postfix: "450 4.1.1 <x@y>: Recipient address rejected: unverified address: Address verification in progress"
    {Reason::kGreylisted, "address verification in progress", &kAddressBeingVerified},
    // Postfix: "mail for example.org loops back to myself" (systemerror, as Sisimai files it)
    {Reason::kSystemError, "loops back to myself", &kLoopsBackToSender},
    // Exim: "Too many \"Received\" headers - suspected mail loop" (contenterror, as Sisimai files it)
    {Reason::kContentError, "mail loop", &kMailLoop},
    {Reason::kContentError, "routing loop", &kMailLoop},    // "routing loop detected -- too many received: headers"
    // Exchange: "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied"
    {Reason::kSecurityError, "sendasdenied", &kSendAsDenied},
    // "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
    {Reason::kSecurityError, "permissions to send as this sender", &kSendAsDenied},
    // Microsoft 365: "550 5.7.520 Access denied, Your organization does not allow external forwarding."
    {Reason::kSecurityError, "does not allow external forwarding", &kNoExternalForwarding},
    // Outlook.com: "550 5.7.510 Access denied, contoso.com does not accept email over IPv6"
    {Reason::kBlocked, "does not accept email over ipv6", &kNoIpv6},
    // Microsoft 365: "550 5.7.705 Access denied, tenant has exceeded threshold"
    {Reason::kTooManyConn, "tenant has exceeded threshold", &kTenantBlocked},
    // RFC 5321: "421 4.3.2 Service not available, closing transmission channel"
    {Reason::kBlocked, "service not available, closing transmission channel", &kTurnedAway},
    // Sendmail: "Deferred: Connection refused by mx.example.jp."
    {Reason::kBlocked, "connection refused by", &kTurnedAway},
    // Postfix: "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"
    {Reason::kBlocked, "helo command rejected", &kBadHelo},
    // "452 4.5.3 Too many recipients", docomo: "552 Too many recipients"
    {Reason::kTooManyConn, "too many recipients", &kTooManyRecipients},
    // "I have left the company. Please contact procurement@example.com", "... is no longer with Acme"
    {Reason::kVacation, "left the company", &kPersonLeft},
    {Reason::kVacation, "no longer with", &kPersonLeft},
    {Reason::kVacation, "no longer employed", &kPersonLeft},
    {Reason::kVacation, "nicht mehr im unternehmen", &kPersonLeft},   // German: "... ist nicht mehr im Unternehmen tätig"
    {Reason::kVacation, "ne fait plus partie", &kPersonLeft},         // French: "... ne fait plus partie de la société"
    // Spam Arrest: "I now allow incoming messages only from senders I have approved beforehand."
    {Reason::kVacation, "senders i have approved", &kChallenge},
    // "If you would like to be added to my list of approved senders, please fill out the short request form"
    {Reason::kVacation, "list of approved senders", &kChallenge},
    // Challenge-response services: "Please verify that you are a human so that your message is delivered"
    {Reason::kVacation, "verify that you are a human", &kChallenge},
};

struct OtherReportText {
  std::string_view kind;  // as in other_reports.def
  Text text;
};

// Reports that arrive where bounces do but tell of no failed delivery (other_reports.def).
constexpr OtherReportText kOtherReportTexts[] = {
    {"dmarc-aggregate-report",
     {"This is a DMARC aggregate report, not a bounce: a mail provider's daily summary, sent to the "
      "owner of a domain, of the mail it received in that domain's name. Nothing bounced.",
      {"No action is needed for your recipients: no address failed.",
       "To see which servers sent mail in your domain's name and whether they passed SPF and DKIM, open "
       "the attached report with a DMARC report viewer.",
       "If you do not want these reports, remove your address from the rua= tag of your domain's DMARC "
       "record."}}},
    {"tls-report",
     {"This is a TLS report, not a bounce: a mail provider's daily summary of how securely it could "
      "connect to your domain's mail servers. Nothing bounced.",
      {"No action is needed for your recipients: no address failed.",
       "If the report counts failures, ask whoever runs your mail servers to check their TLS "
       "certificates and MTA-STS policy.",
       "If you do not want these reports, remove your address from your domain's _smtp._tls record."}}},
    {"read-receipt",
     {"This is a read receipt, not a bounce: the recipient's mail program tells you what happened to "
      "your message after it arrived. Nothing bounced: the message was delivered.",
      {"No action is needed: the address works.",
       "Even a receipt that says \"deleted without being read\" means the message arrived.",
       ""}}},
};

// A suppression whose cause the provider names: the person opted out or complained (never to be
// mailed again, whatever the address's state), or the address bounced before.
constexpr Text kSuppressedOptOut = {
    "Your sending service did not send the message[ to {recipient}] because the person unsubscribed: "
    "they asked for no more mail. {side}",
    {"Do not send to [{recipient}|this address] again; mark it as unsubscribed in your own list.",
     "Keep it on your sending service's suppression list: mailing someone who opted out breaks anti-spam "
     "law (CAN-SPAM, GDPR) and harms your reputation.",
     ""},
    true};

constexpr Text kSuppressedComplaint = {
    "Your sending service did not send the message[ to {recipient}] because the person marked your "
    "mail as spam: they asked for no more mail. {side}",
    {"Do not send to [{recipient}|this address] again; mark it as unsubscribed in your own list.",
     "Keep it on your sending service's suppression list: mailing someone who complained brings more "
     "complaints and hurts the delivery of all your mail.",
     ""},
    true};

constexpr Text kSuppressedBounced = {
    "Your sending service did not try to send the message[ to {recipient}] because the address bounced "
    "before and is on its suppression list. It will not try again until the address is taken off that list. {side}",
    {"Remove [{recipient}|the address] from your list.",
     "Only if you know the address works again (the person told you so), take it off your sending "
     "service's suppression list before sending.",
     ""},
    true};

// A sending service that refused to send for a fault of the message or of the sender's request:
// no receiving server was asked, and the address is fine.
constexpr Text kServiceSpamCheck = {
    "Your sending service's own spam check judged the message to be spam and did not send it[ to "
    "{recipient}]. The address is fine. {side}",
    {"Remove spam-like content (misleading subject lines, shortened links, big images with little "
     "text), then send again.",
     "There is no need to remove the address.", ""},
    true};

constexpr Text kServiceVirus = {
    "Your sending service found a virus or other harmful content in the message and did not send it[ "
    "to {recipient}]. The address is fine. {side}",
    {"Scan the attachments and the computer or system that built the message with an up-to-date "
     "antivirus program.",
     "Send the message again without the harmful part; there is no need to remove the address.", ""},
    true};

constexpr Text kServiceTemplate = {
    "Your sending service could not build the message[ to {recipient}] from your template, so it sent "
    "nothing. The address is fine. {side}",
    {"Fix the template or the data your software sends with it: the service's own words name the "
     "missing or broken part.",
     "Send again once the message builds; there is no need to remove the address.", ""},
    true};

constexpr Text kServiceRequest = {
    "Your sending service did not send the message[ to {recipient}] because the request your software "
    "made to it was malformed. The address is fine. {side}",
    {"Check what your software sends to the service (its API call, SMTP commands or X-SMTPAPI "
     "header): the service's own words name the fault.",
     "Send again once the request is fixed; there is no need to remove the address.", ""},
    true};

struct ServiceRefusalText {
  std::string_view provider_type;
  std::string_view subtype;  // how the provider's subtype starts; "" for any
  const Text* text;
};

constexpr ServiceRefusalText kServiceRefusalTexts[] = {
    // SendGrid dropped "Spam Content (if spam checker app enabled)"
    {"dropped", "Spam Content", &kServiceSpamCheck},
    // SendGrid dropped "Invalid SMTPAPI header"
    {"dropped", "Invalid SMTPAPI header", &kServiceRequest},
    // Amazon SES {"eventType":"Reject","reject":{"reason":"Bad content"}}: a virus
    {"Reject", "", &kServiceVirus},
    // Amazon SES "Rendering Failure": "Attribute 'attributeName' is not present in the rendering data."
    {"Rendering Failure", "", &kServiceTemplate},
    // SparkPost generation_failure: "554 5.3.3 [internal] Error while rendering part html"
    {"generation_failure", "", &kServiceTemplate},
    // Postmark "TemplateRenderingFailed": "Template variable 'first_name' was not provided"
    {"Bounce", "TemplateRenderingFailed", &kServiceTemplate},
    // Postmark "SMTPApiError": "Invalid 'To' address: 'jane@'"
    {"Bounce", "SMTPApiError", &kServiceRequest},
};

struct SuppressionText {
  std::string_view cause;  // how the provider's subtype starts, compared case-insensitively
  const Text* text;
};

constexpr SuppressionText kSuppressionTexts[] = {
    {"Unsubscribe", &kSuppressedOptOut},           // SendGrid dropped "Unsubscribed Address"; Postmark "Unsubscribe"
    {"suppress-unsubscribe", &kSuppressedOptOut},  // Mailgun 605 "Not delivering to previously unsubscribed address"
    {"Spam Reporting", &kSuppressedComplaint},     // SendGrid dropped "Spam Reporting Address"
    {"suppress-complaint", &kSuppressedComplaint},  // Mailgun 607 "Not delivering to a user who marked your messages as spam"
    {"Bounced", &kSuppressedBounced},              // SendGrid dropped "Bounced Address"
    {"Invalid", &kSuppressedBounced},              // SendGrid dropped "Invalid": on its invalid-address list
    {"suppress-bounce", &kSuppressedBounced},      // Mailgun 605 "Not delivering to previously bounced address"
    // SES "Suppressed": "... suppressed sending to this address because it has a recent history of
    // bouncing as an invalid address"
    {"Suppressed", &kSuppressedBounced},
};

constexpr Text kUnexplained = {
    "No SMTP code, failure wording or delivery report was found in this text.",
    {"If this is from a bounce, paste all of it, including the line with a three-digit code such "
     "as 550 or a status such as 5.1.1.",
     "", ""}};

}  // namespace

const Text& reason_text(Reason reason) {
  const auto index = static_cast<size_t>(reason);
  return index < std::size(kReasonTexts) ? kReasonTexts[index].text
                                         : reason_text(Reason::kUndefined);
}

const Text* kind_text(Kind kind) {
  for (const KindText& entry : kKindTexts) {
    if (entry.kind == kind) return &entry.text;
  }
  return nullptr;
}

const Text* feedback_text(std::string_view feedback_type) {
  const std::string_view type = util::trim(feedback_type);
  for (const FeedbackText& entry : kFeedbackTexts) {
    if (util::iequals(entry.feedback_type, type)) return &entry.text;
  }
  return nullptr;
}

std::string_view side_sentence(Side side) {
  for (const SideSentence& entry : kSideSentences) {
    if (entry.side == side) return entry.sentence;
  }
  return {};
}

const Template& retry_advice(Reason reason, bool hard_bounce, Side side) {
  // A suppression list entry is itself the decision to stop sending; its advice says so. A
  // greylisting is retried by the sending server itself: there is nothing to fix.
  if (reason == Reason::kSuppressed || reason == Reason::kGreylisted) return kNoRetryAdvice;
  if (hard_bounce) return kHardBounceAdvice;
  return side == Side::kSender ? kSoftSenderAdvice : kSoftAdvice;
}

const Template& network_problem(std::string_view diagnostic) {
  size_t first = std::size(kNetworkProblems);
  network_problem_matcher().match(diagnostic, [&first](size_t index, size_t) { first = std::min(first, index); });
  return first < std::size(kNetworkProblems) ? *kNetworkProblems[first].problem : kNoNetworkProblem;
}

FactSet facts_named_by_network_problems() {
  static constexpr unsigned long long kNamed = [] {
    unsigned long long named = 0;
    for (const NetworkProblem& entry : kNetworkProblems) named |= fact_bits_named(entry.problem->text());
    return named;
  }();
  return FactSet(kNamed);
}

const Template& listing_template() { return kListing; }

const Text& filtered_said_unknown_text() { return kFilteredSaidUnknown; }

const Text& relay_refused_for_own_domain_text() { return kRelayRefusedForOwnDomain; }

const Text* wording_text(Reason reason, std::string_view words) {
  for (const WordingText& entry : kWordingTexts) {
    if (entry.reason == reason && util::icontains(words, entry.phrase)) return entry.text;
  }
  return nullptr;
}

const Text* service_refusal_text(std::string_view provider_type, std::string_view provider_subtype) {
  for (const ServiceRefusalText& entry : kServiceRefusalTexts) {
    if (entry.provider_type == provider_type && util::istarts_with(provider_subtype, entry.subtype)) return entry.text;
  }
  return nullptr;
}

const Text& suppressed_text(std::string_view provider_subtype) {
  for (const SuppressionText& entry : kSuppressionTexts) {
    if (util::istarts_with(provider_subtype, entry.cause)) return *entry.text;
  }
  return reason_text(Reason::kSuppressed);
}

const Text* security_text(std::string_view words) {
  for (std::string_view word : kLoginOrEncryptionWords) {
    if (util::icontains(words, word)) return nullptr;
  }
  return &kNotAuthorized;
}

const Text& unexplained_text() { return kUnexplained; }

const Text* other_report_text(std::string_view kind) {
  for (const OtherReportText& entry : kOtherReportTexts) {
    if (entry.kind == kind) return &entry.text;
  }
  return nullptr;
}

std::vector<std::string_view> all_templates() {
  std::vector<std::string_view> templates;
  const auto add_text = [&templates](const Text& text) {
    templates.push_back(text.summary.text());
    for (const Template& line : text.advice) templates.push_back(line.text());
  };
  for (const ReasonText& entry : kReasonTexts) add_text(entry.text);
  for (const KindText& entry : kKindTexts) add_text(entry.text);
  for (const FeedbackText& entry : kFeedbackTexts) add_text(entry.text);
  add_text(kFilteredSaidUnknown);
  add_text(kRelayRefusedForOwnDomain);
  add_text(kRestrictedRecipient);
  add_text(kChallenge);
  add_text(kMailLoop);
  add_text(kLoopsBackToSender);
  add_text(kAddressBeingVerified);
  add_text(kTurnedAway);
  add_text(kBadHelo);
  add_text(kTooManyRecipients);
  add_text(kPersonLeft);
  add_text(kNotAuthorized);
  add_text(kSendAsDenied);
  add_text(kNoExternalForwarding);
  add_text(kNoIpv6);
  add_text(kTenantBlocked);
  add_text(kListRefusedPost);
  add_text(kUnexplained);
  add_text(kSuppressedOptOut);
  add_text(kSuppressedComplaint);
  add_text(kSuppressedBounced);
  add_text(kServiceSpamCheck);
  add_text(kServiceVirus);
  add_text(kServiceTemplate);
  add_text(kServiceRequest);
  for (const OtherReportText& entry : kOtherReportTexts) add_text(entry.text);
  for (const NetworkProblem& entry : kNetworkProblems) templates.push_back(entry.problem->text());
  for (const Template* tmpl : {&kHardBounceAdvice, &kSoftSenderAdvice, &kSoftAdvice, &kListing}) {
    templates.push_back(tmpl->text());
  }
  return templates;
}

}  // namespace bounceback::explain
