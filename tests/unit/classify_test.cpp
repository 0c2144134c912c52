// The classifier on diagnostics written in the style of each MTA and provider.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "classify/classifier.h"

namespace bounceback::classify {
namespace {

struct Case {
  std::string_view name;
  std::string_view status;
  std::optional<int> reply_code;
  std::string_view command;
  std::string_view diagnostic;
  Reason reason;
  bool hard;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Permanent failures, reported as "failed".
const std::vector<Case> kFailedCases = {
    // --- userunknown
    {"postfix_local_table", "5.1.1", 550, "RCPT",
     "host mx.example.com[192.0.2.10] said: 550 5.1.1 <jane@example.com>: Recipient address rejected: "
     "User unknown in local recipient table (in reply to RCPT TO command)",
     Reason::kUserUnknown, true},
    {"postfix_virtual_table", "5.1.1", 550, "RCPT",
     "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
     Reason::kUserUnknown, true},
    {"sendmail_user_unknown", "5.1.1", 550, "RCPT", "550 5.1.1 <carol@example.net>... User unknown",
     Reason::kUserUnknown, true},
    {"exim_unknown_local_part", "", 550, "RCPT",
     "SMTP error from remote mail server after RCPT TO:<dan@example.com>: 550 Unknown local part dan in "
     "<dan@example.com>",
     Reason::kUserUnknown, true},
    {"qmail_no_mailbox", "", 550, "RCPT",
     "Remote host said: 550 sorry, no mailbox here by that name. (#5.1.1)", Reason::kUserUnknown, true},
    // qmail's own words for an address its owner closed, whatever command it answers.
    {"qmail_address_closed_without_command", "", std::nullopt, "", "This address no longer accepts mail.",
     Reason::kUserUnknown, true},
    {"gmail_does_not_exist", "5.1.1", 550, "RCPT",
     "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
     "550-5.1.1 double-checking the recipient's email address for typos or\n"
     "550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser x1si - gsmtp",
     Reason::kUserUnknown, true},
    {"exchange_recip_not_found", "5.1.1", 550, "",
     "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", Reason::kUserUnknown, true},
    {"office365_recipient_not_found_5_1_10", "5.1.10", 550, "",
     "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
     Reason::kUserUnknown, true},
    {"outlook_mailbox_unavailable", "5.5.0", 550, "RCPT",
     "550 Requested action not taken: mailbox unavailable (-2147467259:3203:-2147467259)",
     Reason::kUserUnknown, true},
    {"yahoo_no_account", "", 554, "DATA",
     "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1001.mail.bf1.yahoo.com",
     Reason::kUserUnknown, true},
    {"icloud_inactive", "5.1.1", 550, "RCPT",
     "550 5.1.1 <x@icloud.com>: inactive email address", Reason::kUserUnknown, true},
    {"mailru_no_such_user", "", 550, "RCPT",
     "550 Message was not accepted -- invalid mailbox.  Local mailbox x@mail.ru is unavailable: user not found",
     Reason::kUserUnknown, true},
    {"yandex_no_such_user", "5.7.1", 550, "RCPT", "550 5.7.1 No such user!", Reason::kUserUnknown, true},
    {"zoho_invalid_address", "", 550, "RCPT",
     "Invalid Address, ERROR_CODE :550, ERROR_CODE :Requested action not taken: mailbox unavailable",
     Reason::kUserUnknown, true},
    {"orange_invalid_recipient", "5.1.1", 550, "RCPT",
     "550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]",
     Reason::kUserUnknown, true},
    {"generic_code_then_text_status", "5.0.0", 550, "RCPT", "550 5.1.1 <x@example.jp>... User Unknown",
     Reason::kUserUnknown, true},
    {"status_only", "5.1.1", std::nullopt, "", "", Reason::kUserUnknown, true},
    {"german_unknown_recipient", "", 550, "RCPT", "550 Unbekannter Empf\xC3\xA4nger <x@example.de>",
     Reason::kUserUnknown, true},
    // --- filtered: user-unknown wording after DATA is the recipient's filter (Japanese carriers)
    {"docomo_unknown_user_after_data", "5.0.0", 550, "DATA",
     "host mfsmax.docomo.ne.jp[203.0.113.2] said: 550 Unknown user x@docomo.ne.jp (in reply to end of DATA command)",
     Reason::kFiltered, false},
    {"facebook_recipient_preferences", "5.1.1", 550, "",
     "550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes?ip=192.0.2.1#rcp Refused due to recipient preferences",
     Reason::kFiltered, false},
    {"ses_message_filtered", "5.2.0", 550, "", "550 5.2.0 Message Filtered", Reason::kFiltered, false},
    // --- hostunknown
    {"postfix_host_not_found", "5.4.4", std::nullopt, "",
     "Host or domain name not found. Name service error for name=example.invalid type=A: Host not found",
     Reason::kHostUnknown, true},
    {"sendmail_host_unknown", "5.1.2", 550, "",
     "550 5.1.2 <x@example.org>... Host unknown (Name server: mx.example.org: no data known)", Reason::kHostUnknown, true},
    {"exim_unrouteable", "", std::nullopt, "", "Unrouteable address", Reason::kHostUnknown, true},
    {"courier_no_such_domain", "5.0.0", std::nullopt, "", "No such domain.", Reason::kHostUnknown, true},
    // --- hasmoved
    {"icloud_no_longer_on_server", "5.1.6", 550, "",
     "550 5.1.6 recipient no longer on server: x@example.jp", Reason::kHasMoved, true},
    {"qmail_replaced", "", std::nullopt, "", "x@example.org has been replaced by y@example.net", Reason::kHasMoved, true},
    // --- notaccept
    {"postfix_null_mx", "5.1.10", std::nullopt, "",
     "Domain example.com does not accept mail (nullMX)", Reason::kNotAccept, true},
    {"gmail_null_mx", "4.0.0", std::nullopt, "",
     "DNS Error: 1234 DNS type 'mx' lookup of example.org responded with code NOERROR The domain example.org "
     "doesn't receive email according to the administrator: returned Null MX https://www.rfc-editor.org/info/rfc7505",
     Reason::kNotAccept, false},
    {"qmail_no_mail_exchanger", "5.4.4", std::nullopt, "",
     "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", Reason::kNotAccept, true},
    {"reply_556_only", "", 556, "RCPT", "556 5.1.10 Recipient address has null MX", Reason::kNotAccept, true},
    // --- mailboxfull
    {"sendmail_mailbox_full", "5.2.2", 550, "RCPT", "550 5.2.2 <x@example.jp>... Mailbox Full",
     Reason::kMailboxFull, false},
    {"dovecot_quota", "5.2.2", 552, "DATA",
     "host smtp3.example.com[private/dovecot-lmtp] said: 552 5.2.2 <x@example.org> Quota exceeded (mailbox for "
     "user is full) (in reply to end of DATA command)",
     Reason::kMailboxFull, false},
    {"gmail_over_quota", "5.2.2", 552, "RCPT",
     "552-5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to\n"
     "552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm",
     Reason::kMailboxFull, false},
    {"generic_code_specific_words", "5.0.0", 550, "", "550 5.0.0 <x@example.com>... mailbox full",
     Reason::kMailboxFull, false},
    {"userunknown_code_but_full_words", "5.1.1", 550, "RCPT", "550 5.1.1 Sorry, mailbox is full",
     Reason::kMailboxFull, false},
    {"exim_quota", "", std::nullopt, "", "mailbox is full: retry timeout exceeded", Reason::kMailboxFull, false},
    {"orange_mailbox_full", "5.2.2", 552, "RCPT",
     "552 5.2.2 Boite du destinataire pleine. Recipient mailbox full. OFR_417", Reason::kMailboxFull, false},
    // --- exceedlimit and mesgtoobig
    {"exchange_recip_size_limit", "5.2.3", 550, "",
     "#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##", Reason::kExceedLimit, false},
    {"sendmail_fixed_maximum", "5.2.3", 552, "MAIL",
     "552 5.2.3 Message size exceeds fixed maximum message size (10485760)", Reason::kExceedLimit, false},
    {"size_words_under_recipient_limit_code", "5.2.3", 552, "DATA", "552 5.2.3 Message too big",
     Reason::kExceedLimit, false},
    {"postfix_fixed_limit", "5.3.4", 552, "DATA", "552 5.3.4 Message size exceeds fixed limit",
     Reason::kMesgTooBig, false},
    {"gmail_size", "5.3.4", 552, "DATA",
     "552-5.3.4 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError",
     Reason::kMesgTooBig, false},
    // --- suspend
    {"gmail_disabled", "5.2.1", 550, "RCPT",
     "550 5.2.1 The email account that you tried to reach is disabled. https://support.google.com/mail/?p=DisabledUser",
     Reason::kSuspend, false},
    {"yahoo_disabled", "", 554, "DATA",
     "554 delivery error: dd Sorry your message to x@yahoo.co.jp cannot be delivered. This account has been "
     "disabled or discontinued [#102]. - mta1.mail.example",
     Reason::kSuspend, false},
    {"iua_frozen", "", 550, "RCPT", "550 Mailbox is frozen. See http://mail.i.ua/err/3/", Reason::kSuspend, false},
    {"user_account_disabled_code", "5.7.13", 550, "RCPT", "550 5.7.13 User account disabled", Reason::kSuspend, false},
    // --- norelaying
    {"postfix_relay_denied", "5.7.1", 554, "RCPT", "554 5.7.1 <x@example.com>: Relay access denied",
     Reason::kNoRelaying, false},
    {"qmail_rcpthosts", "", 553, "RCPT",
     "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", Reason::kNoRelaying, false},
    {"exchange_unable_to_relay", "5.7.54", 550, "RCPT",
     "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", Reason::kNoRelaying, false},
    // --- rejected (the sender)
    {"sendmail_sender_domain", "5.1.8", 553, "MAIL",
     "553 5.1.8 <x@nowhere.example>... Domain of sender address x@nowhere.example does not exist",
     Reason::kRejected, false},
    {"exim_sender_verify", "", 550, "MAIL",
     "SMTP error from remote mail server after MAIL FROM:<x@example.com> SIZE=1024: 550 Sender verify failed",
     Reason::kRejected, false},
    {"postfix_sender_address", "5.1.7", 553, "MAIL",
     "553 5.1.7 <x@example>: Sender address rejected: need fully-qualified address", Reason::kRejected, false},
    {"sender_wording_at_rcpt_with_user_code", "5.1.1", 550, "RCPT",
     "550 5.1.1 Invalid sender or recipient: user unknown", Reason::kUserUnknown, true},
    {"null_mx_sender_code", "5.7.27", 550, "MAIL", "550 5.7.27 Sender address has null MX", Reason::kRejected, false},
    // --- blocked
    {"postfix_spamhaus", "5.7.1", 554, "RCPT",
     "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; "
     "https://www.spamhaus.org/query/ip/192.0.2.1",
     Reason::kBlocked, false},
    {"spamcop_with_user_code", "5.1.1", 550, "RCPT",
     "550 5.1.1 Client host [192.0.2.7] blocked using bl.spamcop.net; Blocked - see "
     "https://www.spamcop.net/bl.shtml?192.0.2.7",
     Reason::kBlocked, false},
    {"office365_banned_ip", "5.7.606", 550, "RCPT",
     "550 5.7.606 Access denied, banned sending IP [192.0.2.225]. To request removal from this list please visit "
     "https://sender.office.com/ and follow the directions.",
     Reason::kBlocked, false},
    {"outlook_block_list", "5.7.1", 550, "RCPT",
     "550 5.7.1 Unfortunately, messages from [192.0.2.9] weren't sent. Please contact your Internet service "
     "provider since part of their network is on our block list (S3140).",
     Reason::kBlocked, false},
    {"proofpoint_refused", "", 554, "CONN",
     "host mx0a.pphosted.com[198.51.100.18] refused to talk to me: 554 Blocked - see "
     "https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.225",
     Reason::kBlocked, false},
    {"exchange_transport_rule_content", "5.7.1", 550, "DATA", "550 5.7.1 Message rejected due to content restrictions",
     Reason::kPolicyViolation, false},
    {"spf_does_not_pass_under_5_7_27", "5.7.27", 550, "DATA",
     "550-5.7.27 This mail has been blocked: SPF does not pass for the sending domain", Reason::kAuthFailure, false},
    {"dkim_does_not_pass_under_5_7_30", "5.7.30", 550, "DATA", "550-5.7.30 This message was blocked: DKIM does not pass",
     Reason::kAuthFailure, false},
    {"outlook_no_ipv6", "5.7.510", 550, "RCPT", "550 5.7.510 Access denied, contoso.com does not accept email over IPv6",
     Reason::kBlocked, false},
    {"exchange_send_as_denied", "5.2.0", 554, "DATA",
     "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process "
     "message due to a permanent exception",
     Reason::kSecurityError, false},
    {"outlook_banned_sender", "5.7.511", 550, "",
     "550 5.7.511 Access denied, banned sender[203.0.113.5]. To request removal from this list, forward this message "
     "to delist@microsoft.com",
     Reason::kBlocked, false},
    {"outlook_708_from_its_host", "5.7.708", 550, "",
     "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. "
     "[AM0PR01MB1234.eurprd01.prod.outlook.com]",
     Reason::kBlocked, false},
    {"comcast_spam_block_at_connection", "", 554, "CONN",
     "554 resimta-po-29v.sys.comcast.net resimta-po-29v.sys.comcast.net 203.0.113.47 Comcast block for spam. Please "
     "see http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
     Reason::kBlocked, false},
    {"ses_account_suppression_list_under_5_1_1", "5.1.1", 550, "",
     "550 5.1.1 Amazon SES did not send the message to this address because it is on the suppression list for your "
     "account.",
     Reason::kSuppressed, false},
    {"tonline_block_list", "", 554, "",
     "host mx00.t-online.de[194.25.134.8] refused to talk to me: 554 IP=203.0.113.19 - A problem occurred. (Ask "
     "your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)",
     Reason::kBlocked, false},
    {"att_rbl", "", 553, "CONN",
     "553 5.3.0 flpd575 - DNSBL:ATTRBL 521< 192.0.2.21 >_is_blocked.For assistance forward this email to "
     "abuse_rbl@abuse-att.net",
     Reason::kBlocked, false},
    {"orange_blocked_ip", "", 550, "CONN",
     "550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. "
     "OFR006_102 Ref http://csi.cloudmark.com/reset-request/?ip=192.0.2.3",
     Reason::kBlocked, false},
    {"greeting_refused_no_words", "", 421, "CONN", "421 closing connection", Reason::kBlocked, false},
    {"barracuda_rbl", "", 554, "RCPT",
     "554 Service unavailable; Client host [192.0.2.8] blocked using b.barracudacentral.org; "
     "http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.8",
     Reason::kBlocked, false},
    {"cox_code", "5.1.0", 550, "MAIL",
     "550 5.1.0 <x@example.com> sender rejected. Refer to Error Codes section at "
     "https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CXBL",
     Reason::kBlocked, false},
    // --- requireptr, authfailure, badreputation
    {"postfix_no_hostname", "4.7.1", 450, "RCPT",
     "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.4]", Reason::kRequirePtr, false},
    {"gmail_ptr", "5.7.25", 550, "DATA",
     "550-5.7.25 [192.0.2.202] The IP address sending this message does not have a PTR record setup, or the "
     "corresponding forward DNS entry does not point to the sending IP.",
     Reason::kRequirePtr, false},
    {"gmail_dmarc", "5.7.26", 550, "DATA",
     "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy.",
     Reason::kAuthFailure, false},
    {"outlook_dmarc", "5.7.509", 550, "DATA",
     "550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification and has a DMARC "
     "policy of reject.",
     Reason::kAuthFailure, false},
    {"gmail_dmarc_wrapped", "5.7.26", 550, "DATA",
     "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's\n"
     "550-5.7.26 DMARC policy. Please contact the administrator of example.jp domain if\n"
     "550 5.7.26 this was a legitimate mail.",
     Reason::kAuthFailure, false},
    {"gmail_rfc5322_wrapped", "5.7.1", 550, "DATA",
     "550-5.7.1 [192.0.2.1 13] Messages with multiple\n550 5.7.1 addresses in From: header are not accepted.",
     Reason::kNotCompliantRfc, false},
    {"mailru_dmarc", "5.7.1", 550, "DATA",
     "550 5.7.1 This message was not accepted due to domain (example.org) owner DMARC policy (RFC 7489)",
     Reason::kAuthFailure, false},
    {"spf_code_only", "5.7.23", 550, "DATA", "550 5.7.23 Message rejected", Reason::kAuthFailure, false},
    {"gmail_low_reputation", "5.7.1", 550, "DATA",
     "550-5.7.1 [192.0.2.22] Our system has detected that this message is likely suspicious due to the very low "
     "reputation of the sending IP address.",
     Reason::kBadReputation, false},
    // --- content
    {"gmail_spam", "5.7.1", 550, "DATA",
     "550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the "
     "amount of spam sent to Gmail, this message has been blocked.",
     Reason::kSpamDetected, false},
    {"barracuda_ube", "5.7.1", 550, "DATA", "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
     Reason::kSpamDetected, false},
    {"amavis_spam", "5.7.0", 554, "DATA", "554 5.7.0 Reject, id=12345-09 - SPAM", Reason::kSpamDetected, false},
    {"spam_words_with_media_code", "5.6.0", 554, "DATA",
     "554 5.6.0 This message has been scored as spam with a probability of more than 90%",
     Reason::kSpamDetected, false},
    {"virus", "", 550, "DATA", "550 Virus Detected; Content Rejected", Reason::kVirusDetected, false},
    {"yahoo_policy", "5.7.9", 554, "DATA",
     "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes",
     Reason::kPolicyViolation, false},
    {"gmail_attachment", "5.7.0", 552, "DATA",
     "552-5.7.0 This message was blocked because its content presents a potential security issue.",
     Reason::kPolicyViolation, false},
    {"gmail_rfc5322", "5.7.1", 550, "DATA",
     "550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject headers.",
     Reason::kNotCompliantRfc, false},
    {"ses_duplicate_header", "", 554, "DATA",
     "554 Transaction failed: Duplicate header 'DKIM-Signature'.", Reason::kNotCompliantRfc, false},
    {"sendmail_8bit", "5.6.9", 550, "DATA", "550 5.6.9 improper use of 8-bit data in message header",
     Reason::kContentError, false},
    // --- rate and connections
    {"gmail_rate", "4.2.1", 450, "RCPT",
     "450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages "
     "from being delivered.",
     Reason::kSpeeding, false},
    {"gmail_unsolicited_rate_with_guidelines_link", "4.7.28", 421, "",
     "421-4.7.28 [203.0.113.7] Our system has detected an unusual rate of unsolicited mail originating from your IP "
     "address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. "
     "Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders "
     "Guidelines. a1-20020a170902 - gsmtp",
     Reason::kSpeeding, false},
    {"exchange_per_hour_receive_limit", "5.2.121", 550, "RCPT",
     "550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded", Reason::kSpeeding, false},
    {"outlook_server_busy_throttle", "4.7.500", 451, "",
     "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77714)", Reason::kSpeeding, false},
    {"godaddy_per_hour", "5.1.1", 550, "RCPT",
     "550 5.1.1 <x@example.com> - 192.0.2.225 has sent to too many recipients this hour. IB607",
     Reason::kSpeeding, false},
    {"postfix_connection_rate", "4.3.2", 452, "MAIL", "452 4.3.2 Connection rate limit exceeded.",
     Reason::kTooManyConn, false},
    {"qq_frequency", "", 550, "DATA", "550 Ip frequency limited [Blocked IP 192.0.2.22].", Reason::kTooManyConn, false},
    {"docomo_too_many_recipients", "", 552, "RCPT", "552 Too many recipients", Reason::kTooManyConn, false},
    // --- the session and the systems
    {"sasl", "", 530, "MAIL", "530 5.7.0 Authentication required", Reason::kSecurityError, false},
    {"sendgrid_unauthenticated", "", 550, "MAIL", "550 Unauthenticated senders not allowed",
     Reason::kSecurityError, false},
    {"starttls_required", "", 530, "MAIL", "530 5.7.0 STARTTLS is required to send mail", Reason::kFailedStartTls, false},
    {"broad_security_code", "5.7.1", 550, "DATA", "550 5.7.1 Delivery not authorized", Reason::kSecurityError, false},
    {"sequence_error", "", 503, "DATA", "503 Improper sequence of commands", Reason::kSyntaxError, false},
    {"bare_50x", "", 501, "", "501 5.5.2 Syntax: MAIL FROM:<address>", Reason::kSyntaxError, false},
    {"sendmail_internal", "5.3.5", 550, "", "550 5.3.5 <x@example.org>... Internal System Error",
     Reason::kSystemError, false},
    {"qmail_ldap", "4.4.3", std::nullopt, "",
     "Unable to contact LDAP server. (#4.4.3)I'm not going to try again; this message has been in the queue too long.",
     Reason::kSystemError, false},
    {"system_full", "4.4.5", 452, "MAIL", "452 4.4.5 Insufficient disk space; try again later", Reason::kSystemFull, false},
    {"routing_loop", "5.4.6", 554, "", "554 5.4.6 Too many hops", Reason::kNetworkError, false},
    {"domino_loop", "5.0.0", std::nullopt, "",
     "Error transferring to mx.example.org; Maximum hop count exceeded. Message probably in a routing loop.",
     Reason::kNetworkError, false},
    {"exim_pipe", "5.0.0", std::nullopt, "", "pipe to |/usr/local/bin/handler x@example.com", Reason::kMailerError, false},
    {"sendmail_mailer", "", 554, "", "554 5.3.0 unknown mailer error 255", Reason::kMailerError, false},
    {"ses_suppression", "", std::nullopt, "",
     "Amazon SES did not send the message to this address because it is on the account-level suppression list",
     Reason::kSuppressed, false},
    {"expired_queue", "4.4.7", std::nullopt, "",
     "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>",
     Reason::kExpired, false},
    {"qmail_timeout", "", std::nullopt, "",
     "unable to connect to remote server [192.0.2.222:25]: Operation timed out I'm not going to try again; this "
     "message has been in the queue too long.",
     Reason::kExpired, false},
    {"opensmtpd_envelope_expired", "", std::nullopt, "", "Envelope expired", Reason::kExpired, false},
    {"sender_is_the_recipient", "", 550, "",
     "550 Your E-Mail is redundant. You cannot send E-Mail to yourself (kim@example.jp).", Reason::kRejected, false},
    {"postgrey_greylisted", "4.2.0", 450, "RCPT",
     "450 4.2.0 <jane@example.com>: Recipient address rejected: Greylisted, see "
     "http://postgrey.schweikert.ch/help/example.com.html",
     Reason::kGreylisted, false},
    {"greylisting_in_action", "4.7.1", 451, "RCPT", "451 4.7.1 Greylisting in action, please come back later",
     Reason::kGreylisted, false},
    {"gmail_mail_loop", "5.6.0", 554, "DATA", "554-5.6.0 Message exceeded 50 hops, this may indicate a mail loop.",
     Reason::kNetworkError, false},
    {"gmail_temporary_system_problem", "4.3.0", 421, "", "421-4.3.0 Temporary System Problem. Try again later.",
     Reason::kSystemError, false},
    {"gmail_tls_required", "4.7.0", 421, "RCPT", "421-4.7.0 TLS required for RCPT domain, closing connection.",
     Reason::kFailedStartTls, false},
    {"gmail_not_authorized_directly", "5.7.1", 550, "RCPT",
     "550-5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized to send email directly to our "
     "servers. Please use the SMTP relay at your service provider instead.",
     Reason::kBlocked, false},
    {"yahoo_tss09", "5.7.2", 553, "", "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; "
     "Retrying will NOT succeed.", Reason::kBlocked, false},
    {"yahoo_size", "", 554, "DATA", "554 30 Sorry, your message size exceeds 41943040 bytes.", Reason::kMesgTooBig,
     false},
    {"microsoft_traffic_not_accepted", "5.7.708", 550, "",
     "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", Reason::kBlocked, false},
    {"postfix_connection_refused", "4.4.1", std::nullopt, "",
     "connect to mx.example.com[192.0.2.1]:25: Connection refused", Reason::kNetworkError, false},
    {"postfix_lost_connection", "4.4.2", std::nullopt, "RCPT",
     "lost connection with mx.example.com[192.0.2.1] while sending RCPT TO", Reason::kNetworkError, false},
    {"tls_handshake", "4.7.5", std::nullopt, "", "Cannot start TLS: handshake failure", Reason::kFailedStartTls, false},
    {"gmail_ip_not_in_whitelist", "4.7.0", 421, "RCPT",
     "421-4.7.0 [192.0.2.1] IP not in whitelist for RCPT domain, closing connection.", Reason::kBlocked, false},
    {"gmail_domain_policy", "5.7.1", 550, "DATA",
     "550-5.7.1 The user or domain that you are sending to (or from) has a policy that prohibited the mail that you "
     "sent.", Reason::kPolicyViolation, false},
    {"gmail_no_from", "5.7.1", 550, "DATA",
     "550-5.7.1 Messages missing a valid address in From: header, or having no From: header, are not accepted.",
     Reason::kNotCompliantRfc, false},
    {"gmail_unauthenticated_domain", "5.7.1", 550, "DATA",
     "550-5.7.1 Unauthenticated email is not accepted from this domain.", Reason::kAuthFailure, false},
    {"gmail_temporarily_rejected", "4.3.0", 451, "DATA", "451-4.3.0 Mail server temporarily rejected message.",
     Reason::kSystemError, false},
    {"cloudflare_upstream_error", "5.3.0", 521, "DATA",
     "521 5.3.0 Upstream error, please check https://developers.cloudflare.com/email-routing/postmaster/#errors "
     "for possible fixes.", Reason::kSystemError, false},
    {"yandex_suspicion_of_spam", "5.7.1", 550, "DATA",
     "550 5.7.1 Message rejected under suspicion of SPAM; https://ya.cc/1IrBc 1620731234-aBcD",
     Reason::kSpamDetected, false},
    {"gmx_uce", "5.7.1", 554, "DATA", "554 5.7.1 Message rejected by recipient's GMX mail server (UCE content)",
     Reason::kSpamDetected, false},
    {"sender_spf_policy", "5.7.1", 550, "", "550 5.7.1 Email rejected due to the sender's SPF policy",
     Reason::kAuthFailure, false},
    {"sender_rejected_user_unknown", "5.1.0", 553, "MAIL",
     "553 5.1.0 <bounce@shop.example>: Sender address rejected: User unknown in local recipient table",
     Reason::kRejected, false},
    {"gmx_sender_dns", "", 550, "MAIL",
     "550-Requested action not taken: mailbox unavailable 550 invalid DNS MX or A/AAAA resource record",
     Reason::kRejected, false},
    {"gmail_ip_blocked_for_rate", "5.7.1", 550, "DATA",
     "550-5.7.1 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP "
     "address. To protect our users from spam, mail sent from your IP address has been blocked.",
     Reason::kBlocked, false},
    {"size_exceeds_maximum", "", 552, "DATA", "552 Message size exceeds maximum permitted", Reason::kMesgTooBig, false},
    {"earthlink_named_blocklist", "", 550, "", "550 IP address 192.0.2.10 blocked by EarthLink-based spam controls",
     Reason::kBlocked, false},
    {"cloudmark_spam_content", "5.7.1", 554, "DATA", "554 5.7.1 [P4] Message blocked due to spam content in the message.",
     Reason::kSpamDetected, false},
    {"daum_blocked_ip", "5.7.1", 550, "", "550 5.7.1 DAUM mail server blocked your ip (192.0.2.10)", Reason::kBlocked,
     false},
    {"netease_dt_spm", "", 554, "DATA", "554 DT:SPM 163 smtp7,C8CowAD3 please see http://mail.163.com/help/help_spam_16.htm",
     Reason::kSpamDetected, false},
    {"zoho_policy_violation", "5.7.7", 554, "DATA", "554 5.7.7 Email policy violation detected",
     Reason::kPolicyViolation, false},
    {"rediff_inactive", "5.2.1", 550, "RCPT", "550 5.2.1 x@rediffmail.com: Mailbox is inactive", Reason::kSuspend, false},
    {"spamhaus_5_7_1_blocklist_named", "5.7.1", 554, "RCPT",
     "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", Reason::kBlocked, false},
    {"webde_policy_restrictions", "4.0.0", 421, "",
     "421-web.de (mxweb012) Nemesis ESMTP Service not available 421-Service unavailable 421-Reject due to policy "
     "restrictions. 421 For explanation visit https://web.de/email/senderguidelines?ip=192.0.2.5&c=hi",
     Reason::kBlocked, false},
    {"nothing_known", "5.0.0", 550, "", "550 Go somewhere else, we are closed today", Reason::kOnHold, false},
    {"nothing_at_all", "", std::nullopt, "", "", Reason::kUndefined, false},
    {"japanese_domino", "5.0.0", std::nullopt, "",
     "\xE3\x83\xA6\xE3\x83\xBC\xE3\x82\xB6\xE3\x83\xBC x (x@example.co.jp) \xE3\x81\xAF Domino "
     "\xE3\x83\x87\xE3\x82\xA3\xE3\x83\xAC\xE3\x82\xAF\xE3\x83\x88\xE3\x83\xAA\xE3\x81\xAB\xE3\x81\xAF"
     "\xE8\xA6\x8B\xE3\x81\xA4\xE3\x81\x8B\xE3\x82\x8A\xE3\x81\xBE\xE3\x81\x9B\xE3\x82\x93\xE3\x80\x82",
     Reason::kUserUnknown, true},
};

// Replies and notices in other languages (rules_intl.def), as servers localise them.
const std::vector<Case> kLocalizedCases = {
    {"de_empfaenger_unbekannt", "", 550, "RCPT", "550 Empfänger unbekannt", Reason::kUserUnknown, true},
    {"de_postfach_voll", "", 552, "RCPT", "552 Das Postfach des Empfängers ist voll", Reason::kMailboxFull, false},
    {"de_domaene", "", 550, "RCPT", "550 Die Domäne existiert nicht", Reason::kHostUnknown, true},
    {"de_spam", "", 554, "DATA", "554 Die Nachricht wurde als Spam eingestuft", Reason::kSpamDetected, false},
    {"fr_destinataire_inconnu", "", 550, "RCPT", "550 Destinataire inconnu", Reason::kUserUnknown, true},
    {"fr_orange_invalide", "5.1.1", 550, "RCPT", "550 5.1.1 Adresse d au moins un destinataire invalide. OFR_416",
     Reason::kUserUnknown, true},
    {"fr_boite_pleine", "", 552, "RCPT", "552 Boîte aux lettres pleine", Reason::kMailboxFull, false},
    {"ru_takogo_yashchika_net", "", 550, "RCPT", "550 Такого почтового ящика не существует", Reason::kUserUnknown,
     true},
    {"pt_destinatario_nao_existe", "", 550, "RCPT", "550 A conta de e-mail do destinatário não existe",
     Reason::kUserUnknown, true},
    {"fr_boite_du_destinataire_pleine", "", 552, "RCPT", "552 Boîte aux lettres du destinataire pleine",
     Reason::kMailboxFull, false},
    {"fr_trop_volumineux", "", 552, "DATA", "552 Message trop volumineux", Reason::kMesgTooBig, false},
    {"es_usuario_no_existe", "", 550, "RCPT", "550 El usuario no existe", Reason::kUserUnknown, true},
    {"es_buzon_lleno", "", 552, "RCPT", "552 Buzón lleno", Reason::kMailboxFull, false},
    {"es_dominio", "", 550, "RCPT", "550 El dominio no existe", Reason::kHostUnknown, true},
    {"es_spam", "", 554, "DATA", "554 El mensaje fue detectado como spam", Reason::kSpamDetected, false},
    {"pt_usuario_desconhecido", "", 550, "RCPT", "550 Usuário desconhecido", Reason::kUserUnknown, true},
    {"it_casella_piena", "", 552, "RCPT", "552 Casella piena", Reason::kMailboxFull, false},
    {"nl_onbekende_gebruiker", "", 550, "RCPT", "550 Onbekende gebruiker", Reason::kUserUnknown, true},
    {"ru_net_takogo", "", 550, "RCPT", "550 Нет такого пользователя", Reason::kUserUnknown, true},
    {"ru_lowercase", "", 550, "RCPT", "550 адресат не найден", Reason::kUserUnknown, true},
    {"ru_perepolnen", "", 552, "RCPT", "552 Почтовый ящик получателя переполнен", Reason::kMailboxFull, false},
    {"ru_spam", "", 554, "DATA", "554 Письмо признано спамом", Reason::kSpamDetected, false},
    {"ja_address", "", 550, "RCPT", "550 指定されたメールアドレスは存在しません", Reason::kUserUnknown, true},
    {"ja_capacity", "", 552, "RCPT", "552 メールボックスの容量を超えています", Reason::kMailboxFull, false},
    {"ja_domain", "", 550, "RCPT", "550 宛先のドメインが存在しません", Reason::kHostUnknown, true},
    {"ja_carrier_filter", "", 550, "", "550 受信拒否設定により配信できませんでした", Reason::kFiltered, false},
    {"zh_user", "", 550, "RCPT", "550 用户不存在", Reason::kUserUnknown, true},
    {"zh_traditional_user", "", 550, "RCPT", "550 用戶不存在", Reason::kUserUnknown, true},
    {"zh_full", "", 552, "RCPT", "552 收件人邮箱已满", Reason::kMailboxFull, false},
    {"zh_spam", "", 554, "DATA", "554 邮件被判定为垃圾邮件", Reason::kSpamDetected, false},
    {"zh_frozen", "", 550, "RCPT", "550 收件人帐号已被冻结", Reason::kSuspend, false},
    {"de_domino", "5.0.0", std::nullopt, "",
     "Benutzer k.mueller (k.mueller@example.de) ist nicht im Domino-Verzeichnis aufgeführt.", Reason::kUserUnknown,
     true},
    {"nl_exchange_vol", "", std::nullopt, "", "Het postvak van de ontvanger is vol en kan op dit moment geen berichten ontvangen.",
     Reason::kMailboxFull, false},
    {"nl_exchange_niet_gevonden", "", 550, "RCPT", "Het e-mailadres dat u hebt ingevoerd, is niet gevonden.",
     Reason::kUserUnknown, true},
    {"pl_konto", "", 550, "RCPT", "550 Konto odbiorcy nie istnieje", Reason::kUserUnknown, true},
    {"pl_skrzynka_pelna", "", std::nullopt, "", "Przekroczony limit miejsca w skrzynce odbiorcy (skrzynka pełna).",
     Reason::kMailboxFull, false},
    {"cs_plna", "", std::nullopt, "", "Schránka příjemce je plná.", Reason::kMailboxFull, false},
    {"cs_neexistuje", "", 550, "RCPT", "550 Uživatel neexistuje", Reason::kUserUnknown, true},
    {"tr_dolu", "", std::nullopt, "", "Sebep: Alıcının posta kutusu dolu. Kota aşıldı.", Reason::kMailboxFull, false},
    {"tr_bulunamadi", "", 550, "RCPT", "550 Kullanıcı bulunamadı", Reason::kUserUnknown, true},
    {"zh_tw_full", "", std::nullopt, "", "原因：收件者的信箱已滿，無法再接收新郵件。", Reason::kMailboxFull, false},
    {"zh_tw_user", "", 550, "RCPT", "550 收件者不存在", Reason::kUserUnknown, true},
    {"ko_full", "", std::nullopt, "", "받는 사람의 메일함 용량이 초과되어 메일을 받을 수 없습니다.", Reason::kMailboxFull,
     false},
    {"ko_user", "", 550, "RCPT", "550 존재하지 않는 사용자입니다", Reason::kUserUnknown, true},
    {"ko_dormant", "5.2.1", 550, "RCPT", "550 5.2.1 휴면 상태의 계정입니다", Reason::kSuspend, false},
    {"fr_desactivee", "5.2.1", 550, "RCPT", "550 5.2.1 <x@sfr.fr>: Boite aux lettres desactivee", Reason::kSuspend, false},
    {"pl_konto_short", "", 550, "RCPT", "550 Konto nie istnieje", Reason::kUserUnknown, true},
    {"sv_full", "", 552, "RCPT", "552 Brevlådan är full", Reason::kMailboxFull, false},
    {"fi_unknown", "", 550, "RCPT", "550 Tuntematon vastaanottaja", Reason::kUserUnknown, true},
    {"hu_full", "", 552, "RCPT", "552 A postafiók megtelt", Reason::kMailboxFull, false},
    {"bg_unknown", "", 550, "RCPT", "550 Няма такъв потребител", Reason::kUserUnknown, true},
    {"no_unknown", "", 550, "RCPT", "550 Ukjent bruker", Reason::kUserUnknown, true},
    {"pt_inexistente", "", 550, "RCPT", "550 Usuário inexistente", Reason::kUserUnknown, true},
    {"it_spam", "", 554, "DATA", "554 Messaggio considerato spam", Reason::kSpamDetected, false},
};

// A temporary reply is final only in a report that gave up retrying it: "450 4.1.2 Domain not
// found" pasted alone, or in a delay, may pass later; in a failed report it lasted until expiry.
TEST(Classify, TemporaryUnknownAddressIsHardOnlyOnceTheReportGaveUp) {
  Evidence evidence;
  evidence.reply_code = 450;
  evidence.command = "RCPT";
  evidence.diagnostic = "450 4.1.1 <jane@example.org>: Recipient address rejected: User unknown in virtual alias table";
  for (const std::string_view action : {"", "delayed"}) {
    evidence.action = action;
    const Classification c = classify(evidence);
    EXPECT_EQ(c.reason, Reason::kUserUnknown) << action;
    EXPECT_FALSE(c.hard_bounce) << action;
  }
  evidence.action = "failed";
  EXPECT_TRUE(classify(evidence).hard_bounce);
  // Postfix's verification of the address is under way: a first attempt deferred, not an answer.
  evidence.diagnostic =
      "450 4.1.1 <jane@example.org>: Recipient address rejected: unverified address: Address verification in progress";
  EXPECT_EQ(classify(evidence).reason, Reason::kGreylisted);
  EXPECT_FALSE(classify(evidence).hard_bounce);
  evidence.action = "";
  evidence.reply_code = 450;
  evidence.diagnostic = "450 4.1.2 <x@nxdomain.example>: Recipient address rejected: Domain not found";
  EXPECT_EQ(classify(evidence).reason, Reason::kHostUnknown);
  EXPECT_FALSE(classify(evidence).hard_bounce);
}

class FailedDiagnostic : public ::testing::TestWithParam<Case> {};

TEST_P(FailedDiagnostic, DecidesReasonHardBounceAndSide) {
  const Case& c = GetParam();
  Evidence evidence;
  evidence.status = c.status;
  evidence.reply_code = c.reply_code;
  evidence.command = c.command;
  evidence.diagnostic = c.diagnostic;
  evidence.action = "failed";
  const Classification result = classify(evidence);
  EXPECT_EQ(to_string(result.reason), to_string(c.reason)) << c.diagnostic;
  EXPECT_EQ(result.hard_bounce, c.hard) << c.diagnostic;
  EXPECT_EQ(result.side, usual_side(c.reason));
}

INSTANTIATE_TEST_SUITE_P(RealWorldWording, FailedDiagnostic, ::testing::ValuesIn(kFailedCases),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

INSTANTIATE_TEST_SUITE_P(OtherLanguages, FailedDiagnostic, ::testing::ValuesIn(kLocalizedCases),
                         [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(Classify, HasEnoughRealisticCases) { EXPECT_GE(kFailedCases.size(), 80u); }

Classification classify_text(std::string_view status, std::string_view diagnostic, std::string_view action = "failed",
                             std::optional<int> reply_code = std::nullopt) {
  Evidence evidence;
  evidence.status = status;
  evidence.diagnostic = diagnostic;
  evidence.action = action;
  evidence.reply_code = reply_code;
  return classify(evidence);
}

TEST(Classify, DelayedWithoutWordsIsExpired) {
  const Classification result = classify_text("4.0.0", "", "delayed");
  EXPECT_EQ(result.reason, Reason::kExpired);
  EXPECT_EQ(result.side, Side::kNetwork);
}

TEST(Classify, DelayedKeepsTheReasonOfItsWords) {
  EXPECT_EQ(classify_text("4.2.2", "452 4.2.2 Mailbox full", "delayed").reason, Reason::kMailboxFull);
}

TEST(Classify, SuccessIsDelivered) {
  EXPECT_EQ(classify_text("2.0.0", "250 2.0.0 OK", "delivered").reason, Reason::kDelivered);
  EXPECT_EQ(classify_text("2.0.0", "250 2.0.0 OK", "").reason, Reason::kDelivered);
  EXPECT_EQ(classify_text("", "", "relayed").reason, Reason::kDelivered);
  EXPECT_EQ(classify_text("2.1.5", "250 2.1.5 Ok", "deliverable").reason, Reason::kDelivered);
}

TEST(Classify, SuccessCodesInAFailedTranscriptAreNotDelivery) {
  const Classification result =
      classify_text("", "Out: 250 2.1.0 Ok In: RCPT TO:<x@example.com> Out: 451 4.3.0 Temporary local problem");
  EXPECT_EQ(result.reason, Reason::kSystemError);
  EXPECT_EQ(result.status, "4.3.0");
  EXPECT_EQ(classify_text("2.1.5", "250 2.1.5 Ok", "failed").reason, Reason::kOnHold);
  EXPECT_EQ(classify_text("2.1.5", "250 2.1.5 Ok", "").reason, Reason::kDelivered);
}

TEST(Classify, FormatReasonYieldsOnlyToPrimaryEvidence) {
  Evidence evidence;
  evidence.diagnostic = "retry timeout exceeded";
  evidence.format_reason = Reason::kMailboxFull;
  EXPECT_EQ(classify(evidence).reason, Reason::kMailboxFull);

  evidence.diagnostic = "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown";
  evidence.command = "RCPT";
  evidence.format_reason = Reason::kSystemError;
  EXPECT_EQ(classify(evidence).reason, Reason::kUserUnknown);

  evidence.diagnostic = "the remote system said nothing we understand";
  EXPECT_EQ(classify(evidence).reason, Reason::kSystemError);

  evidence.status = "5.1.8";
  evidence.command = "";
  evidence.diagnostic = "501 5.1.8 Sender address rejected";
  evidence.format_reason = Reason::kUserUnknown;
  EXPECT_EQ(classify(evidence).reason, Reason::kRejected);
}

TEST(Classify, UserUnknownWordingDependsOnTheCommand) {
  Evidence evidence;
  evidence.diagnostic = "550 Unknown user x@example.jp";
  evidence.command = "RCPT";
  EXPECT_EQ(classify(evidence).reason, Reason::kUserUnknown);
  evidence.command = "DATA";
  EXPECT_EQ(classify(evidence).reason, Reason::kFiltered);
  evidence.command = "";
  EXPECT_EQ(classify(evidence).reason, Reason::kFiltered);
  evidence.status = "5.2.1";
  EXPECT_EQ(classify(evidence).reason, Reason::kFiltered);
}

// A hard bounce suppresses the address for good: "no such user" counts as a missing mailbox only
// when something ties the refusal to the address.
TEST(Classify, UserUnknownNeedsEvidenceTiedToTheAddress) {
  Evidence evidence;
  evidence.diagnostic = "550 <kim@example.org>... No such user";
  Classification result = classify(evidence);
  EXPECT_EQ(result.reason, Reason::kFiltered);
  EXPECT_FALSE(result.hard_bounce);

  evidence.status = "5.0.0";
  EXPECT_EQ(classify(evidence).reason, Reason::kFiltered);

  evidence.status = "5.1.1";
  result = classify(evidence);
  EXPECT_EQ(result.reason, Reason::kUserUnknown);
  EXPECT_TRUE(result.hard_bounce);

  evidence.status = "";
  evidence.diagnostic = "550 5.1.1 <kim@example.org>... No such user";
  EXPECT_EQ(classify(evidence).reason, Reason::kUserUnknown);

  evidence.diagnostic = "550 <kim@example.org>... No such user";
  evidence.format_reason = Reason::kUserUnknown;
  EXPECT_EQ(classify(evidence).reason, Reason::kUserUnknown);
}

TEST(Classify, ReadsTheCommandFromTheWordsWhenTheReportNamesNone) {
  EXPECT_EQ(classify_text("", "550 <kim@example.org>: User unknown (in reply to RCPT TO command)").reason,
            Reason::kUserUnknown);
  EXPECT_EQ(classify_text("", "SMTP error from remote mail server after RCPT TO:<kim@example.org>: 550 No such user")
                .reason,
            Reason::kUserUnknown);
  EXPECT_EQ(classify_text("", "550 Unknown user kim@example.org (in reply to end of DATA command)").reason,
            Reason::kFiltered);
  // Postfix's words for a refusal in its greeting: "user unknown" there is not about the recipient,
  // and the server refused the sending host.
  EXPECT_EQ(classify_text("", "host mx.example.org[192.0.2.1] refused to talk to me: 550 Unknown user").reason,
            Reason::kBlocked);
}

// Several command phrases: the one listed first decides, wherever it stands in the words.
TEST(Classify, TheFirstListedCommandPhraseDecides) {
  EXPECT_EQ(classify_text("", "550 Unknown user (in reply to end of DATA command) after RCPT TO:<kim@example.org>")
                .reason,
            Reason::kFiltered);
  EXPECT_EQ(classify_text("", "after end of data: 550 Unknown user kim@example.org (In Reply To RCPT TO command)").reason,
            Reason::kUserUnknown);
  EXPECT_EQ(classify_text("", "550 Unknown user after after end of data").reason, Reason::kFiltered);
}

TEST(Classify, GivenTheDiagnosticsCodesDecidesAsWhenItFindsThem) {
  Evidence evidence;
  evidence.status = "5.0.0";
  evidence.action = "failed";
  evidence.diagnostic = "host mx.example.org said: 552-5.2.2 Mailbox over quota\n552 5.2.2 try later";
  const std::vector<FoundCode> codes = find_codes(evidence.diagnostic);
  const Classification given = classify(evidence, codes);
  const Classification found = classify(evidence);
  EXPECT_EQ(given.reason, Reason::kMailboxFull);
  EXPECT_EQ(given.status, "5.2.2");
  EXPECT_EQ(given.reason, found.reason);
  EXPECT_EQ(given.status, found.status);
}

TEST(Classify, AMailboxStateTheFormatStatesExplainsABareUserUnknown) {
  Evidence evidence;
  evidence.command = "RCPT";
  evidence.diagnostic = "550 user unknown";
  evidence.format_reason = Reason::kSuspend;
  EXPECT_EQ(classify(evidence).reason, Reason::kSuspend);
  evidence.format_reason = Reason::kExpired;
  EXPECT_EQ(classify(evidence).reason, Reason::kUserUnknown);
}

TEST(Classify, ADirectoryLookupNeedsNoCommand) {
  const Classification result = classify_text("5.0.0", "User Kim Lee (kim@example.org) not listed in Domino Directory");
  EXPECT_EQ(result.reason, Reason::kUserUnknown);
  EXPECT_TRUE(result.hard_bounce);
  EXPECT_EQ(classify_text("5.5.0", "mail.local: unknown user: kim 554 <kim@example.org>... Service unavailable").reason,
            Reason::kUserUnknown);
}

TEST(Classify, QmailConnectionFailureIsANetworkError) {
  EXPECT_EQ(classify_text("", "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)").reason,
            Reason::kNetworkError);
  // The queue's last words follow whatever failed: the cause stays.
  EXPECT_EQ(classify_text("", "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1) I'm not going to "
                              "try again; this message has been in the queue too long.")
                .reason,
            Reason::kNetworkError);
  EXPECT_EQ(classify_text("", "I'm not going to try again; this message has been in the queue too long.").reason,
            Reason::kExpired);
}

TEST(Classify, NullMxWordingBeatsTheSenderNullMxCode) {
  const Classification result = classify_text("5.7.27", "550 Host does not accept mail", "failed", 550);
  EXPECT_EQ(result.reason, Reason::kNotAccept);
  EXPECT_TRUE(result.hard_bounce);
  EXPECT_EQ(classify_text("5.7.27", "550 5.7.27 Sender address has null MX").reason, Reason::kRejected);
}

TEST(Classify, ExchangeOnlineRelayedUnknownRecipient) {
  const Classification result = classify_text(
      "5.1.351", "550 5.1.351 Remote server returned unknown recipient or mailbox unavailable -> 550 No such user");
  EXPECT_EQ(result.reason, Reason::kUserUnknown);
  EXPECT_TRUE(result.hard_bounce);
}

TEST(Classify, GmailDmarcRefusalCutShortIsStillAnAuthFailure) {
  Evidence evidence;
  evidence.status = "5.7.1";
  evidence.command = "DATA";
  evidence.diagnostic = "550-5.7.1 Unauthenticated email from shop.example is not accepted due to domain's";
  EXPECT_EQ(classify(evidence).reason, Reason::kAuthFailure);
}

TEST(Classify, SpamWordingBeforeDataYieldsToTheCode) {
  Evidence evidence;
  evidence.status = "5.3.2";
  evidence.command = "RCPT";
  evidence.diagnostic = "550 5.3.2 spam detected";
  EXPECT_EQ(classify(evidence).reason, Reason::kNotAccept);
  evidence.command = "DATA";
  EXPECT_EQ(classify(evidence).reason, Reason::kSpamDetected);
}

TEST(Classify, KeepsTheReportedStatus) {
  const Classification result = classify_text("5.1.1", "550 5.1.1 user unknown");
  EXPECT_EQ(result.status, "5.1.1");
  EXPECT_FALSE(result.status_inferred);
}

TEST(Classify, PrefersTheServersStatusOverAGenericOne) {
  const Classification result = classify_text("5.0.0", "550 5.2.2 <x@example.com>... Mailbox Full");
  EXPECT_EQ(result.status, "5.2.2");
  EXPECT_FALSE(result.status_inferred);
}

TEST(Classify, PrefersTheServersStatusOverTheReports) {
  const Classification result = classify_text("5.1.1", "552 5.2.2 Over quota");
  EXPECT_EQ(result.reason, Reason::kMailboxFull);
  EXPECT_EQ(result.status, "5.2.2");
}

TEST(Classify, KeepsTheReportedStatusWhenTheWordsStateItAmongOthers) {
  // The extractor chose the last reply quoted inside an expiry notice.
  const Classification result =
      classify_text("4.4.2", "554 4.4.7 Message expired: unable to deliver in 600 minutes.<421 4.4.2 Timed out>");
  EXPECT_EQ(result.status, "4.4.2");
  EXPECT_EQ(classify_text("5.1.1", "552 5.2.2 Over quota").status, "5.2.2");
}

TEST(Classify, ADomainSaidNotToExistIsAnUnknownHost) {
  EXPECT_EQ(classify_text("", "553 relay.example.org does not exist").reason, Reason::kHostUnknown);
  EXPECT_EQ(classify_text("", "550 Domain shop.example.net does not exist").reason, Reason::kHostUnknown);
  EXPECT_NE(classify_text("", "550 jane@example.net does not exist").reason, Reason::kHostUnknown);
  EXPECT_NE(classify_text("", "550 version 2.0 does not exist").reason, Reason::kHostUnknown);
}

TEST(Classify, KeepsAGenericStatusWhenTheServerGivesNoOther) {
  const Classification result = classify_text("5.0.0", "550 mailbox full");
  EXPECT_EQ(result.reason, Reason::kMailboxFull);
  EXPECT_EQ(result.status, "5.0.0");
  EXPECT_FALSE(result.status_inferred);
}

TEST(Classify, InfersAStatusFromTheReasonAndClass) {
  Classification result = classify_text("", "550 Mailbox is full", "failed", 550);
  EXPECT_EQ(result.status, "5.2.2");
  EXPECT_TRUE(result.status_inferred);

  result = classify_text("", "452 Mailbox is full", "delayed", 452);
  EXPECT_EQ(result.status, "4.2.2");
  EXPECT_TRUE(result.status_inferred);

  result = classify_text("", "Envelope expired");
  EXPECT_EQ(result.status, "4.4.7");
  EXPECT_TRUE(result.status_inferred);

  result = classify_text("", "No such domain.");
  EXPECT_EQ(result.status, "5.1.2");

  result = classify_text("", "");
  EXPECT_EQ(result.status, "");
  EXPECT_FALSE(result.status_inferred);
}

TEST(Classify, IgnoresAnInvalidReportedStatus) {
  const Classification result = classify_text("9.9.9", "Mailbox is full");
  EXPECT_EQ(result.status, "5.2.2");
  EXPECT_TRUE(result.status_inferred);
  EXPECT_EQ(classify_text("5.1", "").status, "");
}

TEST(Classify, NamesTheBlocklist) {
  const Classification result = classify_text(
      "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
  ASSERT_TRUE(result.blocklist.has_value());
  EXPECT_EQ(result.blocklist->name, "Spamhaus");
  EXPECT_EQ(result.blocklist->zone, "zen.spamhaus.org");
  EXPECT_EQ(result.blocklist->listed_ip, "192.0.2.1");
}

TEST(Classify, HostileInputDoesNotCrash) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) % 256));
  Evidence evidence;
  evidence.status = "5.\xFF.\x00";
  evidence.command = junk;
  evidence.diagnostic = junk;
  evidence.action = junk;
  evidence.reply_code = -1;
  const Classification result = classify(evidence);
  EXPECT_EQ(result.side, usual_side(result.reason));
}

// ---- reason_from_text ---------------------------------------------------------------------------

TEST(ReasonFromText, UsesOnlyThePhrases) {
  EXPECT_EQ(reason_from_text("452 4.2.2 Mailbox full"), Reason::kMailboxFull);
  EXPECT_EQ(reason_from_text("Relay access denied"), Reason::kNoRelaying);
  EXPECT_EQ(reason_from_text("MAILBOX\r\n   IS  FULL"), Reason::kMailboxFull);
  EXPECT_EQ(reason_from_text("550 5.1.1"), Reason::kUndefined);
  EXPECT_EQ(reason_from_text(""), Reason::kUndefined);
}

TEST(ReasonFromText, TheMailboxComesBeforeTheSender) {
  EXPECT_EQ(reason_from_text("user unknown; blocked using bl.spamcop.net"), Reason::kUserUnknown);
  EXPECT_EQ(reason_from_text("mailbox full, user unknown"), Reason::kMailboxFull);
}

// ---- reason_from_status -------------------------------------------------------------------------

TEST(ReasonFromStatus, MapsSpecificCodes) {
  EXPECT_EQ(reason_from_status("5.1.1"), Reason::kUserUnknown);
  EXPECT_EQ(reason_from_status("4.1.1"), Reason::kUserUnknown);
  EXPECT_EQ(reason_from_status("5.1.2"), Reason::kHostUnknown);
  EXPECT_EQ(reason_from_status("5.1.6"), Reason::kHasMoved);
  EXPECT_EQ(reason_from_status("5.1.10"), Reason::kNotAccept);
  EXPECT_EQ(reason_from_status("5.2.1"), Reason::kFiltered);
  EXPECT_EQ(reason_from_status("4.2.1"), Reason::kSuspend);
  EXPECT_EQ(reason_from_status("4.2.2"), Reason::kMailboxFull);
  EXPECT_EQ(reason_from_status("5.2.2"), Reason::kMailboxFull);
  EXPECT_EQ(reason_from_status("5.2.3"), Reason::kExceedLimit);
  EXPECT_EQ(reason_from_status("5.3.4"), Reason::kMesgTooBig);
  EXPECT_EQ(reason_from_status("4.4.7"), Reason::kExpired);
  EXPECT_EQ(reason_from_status("5.7.1"), Reason::kSecurityError);
  EXPECT_EQ(reason_from_status("5.7.25"), Reason::kRequirePtr);
  EXPECT_EQ(reason_from_status("5.7.26"), Reason::kAuthFailure);
  EXPECT_EQ(reason_from_status(" 5.1.8 "), Reason::kRejected);
}

// The table is compared by number: a status written with leading zeros names the same code.
TEST(ReasonFromStatus, ReadsTheNumbersNotTheSpelling) {
  EXPECT_EQ(reason_from_status("5.01.001"), Reason::kUserUnknown);
  EXPECT_EQ(reason_from_status("5.1.010"), Reason::kNotAccept);
  EXPECT_EQ(reason_from_status("5.1.1000"), Reason::kUndefined);
  EXPECT_EQ(reason_from_status("2.1.1"), Reason::kUndefined);
  EXPECT_EQ(reason_from_status("X.1.1"), Reason::kUndefined);
}

TEST(ReasonFromStatus, GenericOrInvalidCodesNameNothing) {
  for (std::string_view code : {"5.0.0", "4.0.0", "2.1.5", "5.3.0", "", "5", "5.1", "5.1.", "5..1", "6.1.1",
                                "5.1.1.1", "5.1111.1", "x.1.1", "5.a.1", "5.1.-1"}) {
    EXPECT_EQ(reason_from_status(code), Reason::kUndefined) << code;
  }
}

// ---- is_hard_bounce -----------------------------------------------------------------------------

TEST(IsHardBounce, OnlyAddressesThatCanNeverWork) {
  EXPECT_TRUE(is_hard_bounce(Reason::kUserUnknown, "", std::nullopt));
  EXPECT_TRUE(is_hard_bounce(Reason::kHostUnknown, "4.4.4", 450));
  EXPECT_TRUE(is_hard_bounce(Reason::kHasMoved, "5.1.6", 550));
  EXPECT_FALSE(is_hard_bounce(Reason::kMailboxFull, "5.2.2", 552));
  EXPECT_FALSE(is_hard_bounce(Reason::kBlocked, "5.7.1", 554));
  EXPECT_FALSE(is_hard_bounce(Reason::kFiltered, "5.2.1", 550));
}

TEST(IsHardBounce, NotAcceptOnlyWhenPermanent) {
  EXPECT_TRUE(is_hard_bounce(Reason::kNotAccept, "5.1.10", std::nullopt));
  EXPECT_FALSE(is_hard_bounce(Reason::kNotAccept, "4.0.0", 550));
  EXPECT_TRUE(is_hard_bounce(Reason::kNotAccept, "", 556));
  EXPECT_FALSE(is_hard_bounce(Reason::kNotAccept, "", 421));
  EXPECT_FALSE(is_hard_bounce(Reason::kNotAccept, "", std::nullopt));
}

// ---- find_blocklist -----------------------------------------------------------------------------

struct BlocklistCase {
  std::string_view text;
  std::string_view name;
  std::string_view zone;
  std::string_view listed_ip;
};

TEST(FindBlocklist, NamesListZoneAndAddress) {
  const BlocklistCase cases[] = {
      {"host mx.example.com[198.51.100.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
       "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
       "Spamhaus", "zen.spamhaus.org", "192.0.2.1"},
      {"550 5.7.1 Client host [192.0.2.7] blocked using bl.spamcop.net", "Spamcop", "bl.spamcop.net", "192.0.2.7"},
      {"Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.8", "Spamcop", "bl.spamcop.net", "192.0.2.8"},
      {"554 Service unavailable; Client host [192.0.2.9] blocked using b.barracudacentral.org", "Barracuda",
       "b.barracudacentral.org", "192.0.2.9"},
      {"521-5.7.1 Service unavailable; client [203.0.113.225] blocked using dnsbl.sorbs.net", "SORBS",
       "dnsbl.sorbs.net", "203.0.113.225"},
      {"550 Client host [192.0.2.2] blocked using dnsbl-1.uceprotect.net", "UCEPROTECT", "dnsbl-1.uceprotect.net",
       "192.0.2.2"},
      {"554 5.7.1 Client host [2001:db8::25] blocked using psbl.surriel.com", "PSBL", "psbl.surriel.com",
       "2001:db8::25"},
      {"host x[203.0.113.9] said: 550 5.7.606 Access denied, banned sending IP [192.0.2.225]. To request removal "
       "from this list please visit https://sender.office.com/",
       "Microsoft", "", "192.0.2.225"},
      {"553 5.3.0 flpd575 - DNSBL:ATTRBL 521< 192.0.2.21 >_is_blocked", "AT&T", "", "192.0.2.21"},
      {"554 cxmta-ibm-ch2-06v.cox.net cmsmtp 192.0.2.5 blocked - see "
       "https://www.cox.com/residential/support/email-error-codes.html - AUP#CXBL",
       "Cox", "", "192.0.2.5"},
      {"554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.225", "Proofpoint", "",
       "192.0.2.225"},
      {"Client host blocked for spamming issues. Ref http://csi.cloudmark.com/reset-request/?ip=192.0.2.3",
       "Cloudmark CSI", "", "192.0.2.3"},
      {"550 Client host [IPv6:2001:db8::1] blocked using all.spamrats.com.", "SpamRATS", "all.spamrats.com",
       "2001:db8::1"},
      {"rejected: listed at combined.mail.abusix.zone", "Abusix", "combined.mail.abusix.zone", ""},
      {"550 IP listed in the Spamhaus Zen DNSBL", "Spamhaus", "", ""},
  };
  for (const BlocklistCase& c : cases) {
    const std::optional<Blocklist> found = find_blocklist(c.text);
    ASSERT_TRUE(found.has_value()) << c.text;
    EXPECT_EQ(found->name, c.name) << c.text;
    EXPECT_EQ(found->zone, c.zone) << c.text;
    EXPECT_EQ(found->listed_ip, c.listed_ip) << c.text;
  }
}

TEST(FindBlocklist, NothingWhenNoListIsNamed) {
  EXPECT_FALSE(find_blocklist("550 5.1.1 user unknown").has_value());
  EXPECT_FALSE(find_blocklist("host mx0a-001.pphosted.com[192.0.2.1] said: 550 5.1.1 User unknown").has_value());
  EXPECT_FALSE(find_blocklist("").has_value());
  EXPECT_FALSE(find_blocklist("IPv6:").has_value());
}

TEST(FindBlocklist, SurvivesAddressLiteralsCutShort) {
  for (const char* text : {"bl.spamcop.net IPv6:", "bl.spamcop.net [IPv6:6:", "IPv6:bl.spamcop.net", "bl.spamcop.net 6:"}) {
    const std::optional<Blocklist> found = find_blocklist(text);
    ASSERT_TRUE(found.has_value()) << text;
    EXPECT_EQ(found->listed_ip, "") << text;
  }
}

TEST(FindBlocklist, IgnoresNumbersThatAreNotAddresses) {
  const std::optional<Blocklist> found =
      find_blocklist("550 5.7.1 blocked using bl.spamcop.net at 12:34:56.000 ref 999.1.1.1 v4.16.55");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->listed_ip, "");
}

}  // namespace
}  // namespace bounceback::classify

namespace bounceback::classify {
namespace {

TEST(ClassifyFallback, ATemporarySecurityCodeAloneIsNotASecurityError) {
  Evidence evidence;
  evidence.status = "4.7.0";
  evidence.reply_code = 421;
  evidence.diagnostic = "421-4.7.0 Try again later, closing connection.";
  EXPECT_NE(classify(evidence).reason, Reason::kSecurityError);
  evidence.status = "5.7.0";
  evidence.reply_code = 550;
  evidence.diagnostic = "550 5.7.0 Nope.";
  EXPECT_EQ(classify(evidence).reason, Reason::kSecurityError);
}

}  // namespace
}  // namespace bounceback::classify
