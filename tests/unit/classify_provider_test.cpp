// Provider-specific wording and codes: read only in replies from that provider's servers.
#include <gtest/gtest.h>

#include <string>

#include "classify/classifier.h"
#include "classify/provider.h"

namespace bounceback::classify {
namespace {

Reason reason_from(std::string_view remote_mta, std::string_view diagnostic, std::string_view command = "",
                   std::string_view status = "") {
  Evidence evidence;
  evidence.remote_mta = remote_mta;
  evidence.diagnostic = diagnostic;
  evidence.command = command;
  evidence.status = status;
  evidence.action = "failed";
  return classify(evidence).reason;
}

TEST(ProviderOfHost, MatchesWholeDomainLabels) {
  EXPECT_EQ(provider_of_host("mx3.qq.com"), Provider::kTencent);
  EXPECT_EQ(provider_of_host("qq.com"), Provider::kTencent);
  EXPECT_EQ(provider_of_host("notqq.com"), Provider::kAny);
  EXPECT_EQ(provider_of_host("MX1.Mail.iCloud.COM"), Provider::kApple);
  EXPECT_EQ(provider_of_host("qq.com.example.net"), Provider::kAny);
}

TEST(ProviderOfHost, ReadsTheNameOutOfARemoteMtaField) {
  EXPECT_EQ(provider_of_host("lsean.ezweb.ne.jp. (192.0.2.8, the server for the domain ezweb.ne.jp.)"),
            Provider::kKddi);
  EXPECT_EQ(provider_of_host("mfsmax.docomo.ne.jp[192.0.2.1]"), Provider::kDocomo);
  EXPECT_EQ(provider_of_host("  mx.example.jp (192.0.2.135)"), Provider::kAny);
  EXPECT_EQ(provider_of_host(""), Provider::kAny);
  EXPECT_EQ(provider_of_host("...."), Provider::kAny);
}

TEST(ProviderNamedIn, FindsHostsInLinksAndAddresses) {
  EXPECT_EQ(provider_named_in("550 Mailbox is frozen. See http://mail.i.ua/err/3/"), Provider::kIua);
  EXPECT_EQ(provider_named_in("see https://www.spectrum.net/support/ AUP#In-1310"), Provider::kSpectrum);
  EXPECT_EQ(provider_named_in("550 5.1.1 <kim@example.org>: User unknown"), Provider::kAny);
  EXPECT_EQ(provider_named_in("5.7.1 ... ."), Provider::kAny);
}

TEST(ProviderNamedIn, TheFirstHostOfAProviderDecidesWhereverTheWordsStandInTheText) {
  EXPECT_EQ(provider_named_in("mx3.QQ.com. said 550 see mail.i.ua"), Provider::kTencent);
  EXPECT_EQ(provider_named_in("host 192.0.2.1 (mx.example.org.) said: 5.1.1 see mail.i.ua."), Provider::kIua);
  EXPECT_EQ(provider_named_in("notqq.com and x-qq.com then .qq.com."), Provider::kTencent);
  EXPECT_EQ(provider_named_in("notqq.com, x-qq.com"), Provider::kAny);
  EXPECT_EQ(provider_named_in("i.ua"), Provider::kIua);
  EXPECT_EQ(provider_named_in("."), Provider::kAny);
  EXPECT_EQ(provider_named_in(""), Provider::kAny);
}

TEST(FindProvider, PrefersTheRemoteHostThenTheWordsThenTheReportingHost) {
  EXPECT_EQ(find_provider("mx3.qq.com", "host mx.orange.fr said", "mta.example.net"), Provider::kTencent);
  EXPECT_EQ(find_provider("", "host smtp-in.orange.fr said", "BAY04.hotmail.com"), Provider::kOrangeLaPoste);
  EXPECT_EQ(find_provider("", "550 mailbox unavailable", "BAY04.hotmail.com"), Provider::kMicrosoft);
}

TEST(ProviderCode, ReadsTheTrailingNumberAfterTheMarker) {
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "Invalid recipient. OFR_416 [416]"),
            Reason::kUserUnknown);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "Recipient overquota. OFR004_417"),
            Reason::kMailboxFull);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "Archived recipient. LPN007_420"), Reason::kSuspend);
  EXPECT_EQ(reason_from_provider_code(Provider::kSpectrum, "AUP#In-1310"), Reason::kTooManyConn);
  EXPECT_EQ(reason_from_provider_code(Provider::kSpectrum, "AUP#1260"), Reason::kNetworkError);
  EXPECT_EQ(reason_from_provider_code(Provider::kMicrosoft, "550 5.7.612 Access denied"), Reason::kBlocked);
  EXPECT_EQ(reason_from_provider_code(Provider::kGoDaddy, "too many sessions. IB007"), Reason::kTooManyConn);
  EXPECT_EQ(reason_from_provider_code(Provider::kIua, "See http://mail.i.ua/err/10/"), Reason::kFiltered);
}

TEST(ProviderCode, IgnoresOtherProvidersWordsAndIds) {
  EXPECT_EQ(reason_from_provider_code(Provider::kAny, "OFR_416"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kSpectrum, "OFR_416"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "XOFR_416"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "OFR_4160000"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kMicrosoft, "550 5.7.1 Delivery not authorized"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, "OFR"), std::nullopt);
  EXPECT_EQ(reason_from_provider_code(Provider::kOrangeLaPoste, ""), std::nullopt);
}

TEST(ProviderRules, AuBlanksTheAddressWhenTheRecipientRefusesTheSender) {
  EXPECT_EQ(reason_from("msmx.au.com", "550 : User unknown"), Reason::kFiltered);
  EXPECT_EQ(reason_from("msmx.au.com", "550 <kim@au.com>: User unknown"), Reason::kUserUnknown);
  EXPECT_EQ(reason_from("mx.ac.auone-net.jp", "550 <kim@ne.auone-net.jp>: Recipient address rejected."),
            Reason::kUserUnknown);
  // Elsewhere the same words need the usual evidence.
  EXPECT_EQ(reason_from("mx.example.net", "550 <kim@example.net>: User unknown"), Reason::kFiltered);
}

TEST(ProviderRules, OrangeCodesDecideOverGenericWording) {
  EXPECT_EQ(reason_from("smtp-in.orange.fr", "421 4.2.0 Service refuse. Service refused, please try later. OFR005_505"),
            Reason::kSystemError);
  EXPECT_EQ(reason_from("smtpz4.laposte.net", "550 5.5.0 Service refuse. service refused, please try later. LPN001_108"),
            Reason::kBlocked);
}

TEST(ProviderRules, MimecastSecurityPolicyNamesSpamOnlyWhenItsSignatureSays) {
  EXPECT_EQ(reason_from("eu-smtp-1.mimecast.com", "554 Email rejected due to security policies - MCSpamSignature.x.1"),
            Reason::kSpamDetected);
  EXPECT_EQ(reason_from("eu-smtp-1.mimecast.com", "554 Email rejected due to security policies"),
            Reason::kVirusDetected);
}

TEST(ProviderRules, SpectrumAupCodeBeatsTheSenderCode) {
  EXPECT_EQ(reason_from("", "550 5.1.0 <x@example.com> sender rejected. Please see https://www.spectrum.net/support "
                            "for more information. AUP#In-1310"),
            Reason::kTooManyConn);
}

TEST(ProviderRules, MicrosoftMailboxUnavailableIsAnUnknownAddress) {
  Evidence evidence;
  evidence.status = "5.5.0";
  evidence.diagnostic = "550 Requested action not taken: mailbox unavailable (-123:456:-123)";
  EXPECT_EQ(classify(evidence).reason, Reason::kFiltered);
  evidence.reporting_mta = "BLU04-OMC2.hotmail.com";
  const Classification result = classify(evidence);
  EXPECT_EQ(result.reason, Reason::kUserUnknown);
  EXPECT_TRUE(result.hard_bounce);
}

TEST(ProviderRules, MicrosoftBannedSendingIpRange) {
  EXPECT_EQ(reason_from("contoso-com.mail.protection.outlook.com", "550 5.7.640 Access denied, please contact support"),
            Reason::kBlocked);
  EXPECT_EQ(reason_from("contoso-com.mail.protection.outlook.com", "550 5.7.705 Access denied, tenant has exceeded "
                                                                   "threshold"),
            Reason::kTooManyConn);
}

TEST(ProviderRules, MicrosoftEdgeBlockingRefusesUnknownRecipients) {
  // The server named in the reply is enough to know it is Exchange Online.
  EXPECT_EQ(reason_from("", "550 5.4.1 Recipient address rejected: Access denied. For more information see "
                            "https://aka.ms/EXOSmtpErrors [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]"),
            Reason::kUserUnknown);
  EXPECT_EQ(reason_from("contoso-com.mail.protection.outlook.com",
                        "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)"),
            Reason::kUserUnknown);
}

TEST(ProviderRules, ComcastNotOurCustomerIsAnUnknownAddress) {
  EXPECT_EQ(reason_from("mx1.comcast.net", "550 5.1.1 <jane@comcast.net> Not our Customer"), Reason::kUserUnknown);
  // Elsewhere, Sendmail's "551 not our customer" says the mailbox moved.
  EXPECT_EQ(reason_from("", "551 not our customer"), Reason::kHasMoved);
}

TEST(ProviderRules, YahooAnswersUnknownAddressesAfterData) {
  EXPECT_EQ(reason_from("mta5.am0.yahoodns.net",
                        "554 delivery error: dd This user doesn't have a yahoo.com account (kim@yahoo.com) [0]",
                        "DATA"),
            Reason::kUserUnknown);
  EXPECT_EQ(reason_from("mx.example.net", "This user doesn't have a example.net account (kim@example.net) [0]"),
            Reason::kFiltered);
}

TEST(ProviderRules, TencentReadsGenericWordsItsOwnWay) {
  EXPECT_EQ(reason_from("mx3.qq.com", "550 Mailbox unavailable or access denied"), Reason::kTooManyConn);
  EXPECT_EQ(reason_from("mx.example.net", "550 Mailbox unavailable or access denied"), Reason::kSuspend);
}

TEST(ProviderRules, NotReadAsGenericPhrases) { EXPECT_EQ(reason_from_text("AUP#CXBL"), Reason::kUndefined); }

}  // namespace
}  // namespace bounceback::classify
