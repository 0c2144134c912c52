// Bounces written in other languages than English, end to end through the public Decoder: each
// fixture is a plain-text notice in its language's usual charset and transfer encoding, with no
// code to go by but the French one, so the reason comes from the words alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "bounceback/decoder.h"
#include "support.h"

namespace bounceback {
namespace {

struct LocalizedBounce {
  std::string_view fixture;
  std::string_view recipient;
  Reason reason;
  std::string_view words;  // the server's words the diagnostic must hold
};

void PrintTo(const LocalizedBounce& c, std::ostream* os) { *os << c.fixture; }

const LocalizedBounce kBounces[] = {
    {"intl/de-latin1-mailboxfull.eml", "klaus.meyer@example.de", Reason::kMailboxFull,
     "Das Postfach des Empfängers ist voll."},
    {"intl/es-cp1252-mailboxfull.eml", "juan.garcia@example.es", Reason::kMailboxFull,
     "El buzón del destinatario está lleno."},
    {"intl/fr-utf8-userunknown.eml", "marie.dupont@example.fr", Reason::kUserUnknown, "550 5.1.1 Destinataire inconnu"},
    {"intl/ja-iso2022jp-mailboxfull.eml", "taro.yamada@example.co.jp", Reason::kMailboxFull,
     "宛先のメールボックスの容量がいっぱいです。"},
    // Raw ISO-2022-JP in the delivery-status part, which declares no charset.
    {"intl/ja-raw-iso2022jp-dsn.eml", "jiro.suzuki@example.co.jp", Reason::kMailboxFull,
     "宛先のメールボックスの容量がいっぱいです。"},
    {"intl/ru-koi8r-spamdetected.eml", "ivan.petrov@example.ru", Reason::kSpamDetected, "Письмо признано спамом"},
    {"intl/zh-gb2312-mailboxfull.eml", "wang.wei@example.cn", Reason::kMailboxFull, "收件人邮箱空间不足"},
};

class Localized : public ::testing::TestWithParam<LocalizedBounce> {};

TEST_P(Localized, FindsTheRecipientAndTheReasonInItsWords) {
  const LocalizedBounce& c = GetParam();
  for (const std::string& message : testing::with_lf_and_crlf(std::string(c.fixture))) {
    const DecodeResult result = Decoder().decode(message, std::string(c.fixture));
    ASSERT_EQ(result.records.size(), 1u);
    const Record& r = result.records.front();
    EXPECT_EQ(r.recipient, c.recipient);
    EXPECT_EQ(r.reason, c.reason);
    const std::string diagnostic = r.diagnostic.value_or("");
    EXPECT_NE(diagnostic.find(c.words), std::string::npos) << diagnostic;
    // The copy of the original below the notice is not the server's words.
    EXPECT_EQ(diagnostic.find("Message-ID"), std::string::npos) << diagnostic;
  }
}

INSTANTIATE_TEST_SUITE_P(Languages, Localized, ::testing::ValuesIn(kBounces),
                         [](const ::testing::TestParamInfo<LocalizedBounce>& param) {
                           // "intl/de-latin1-mailboxfull.eml" -> "de_latin1_mailboxfull"
                           std::string name(param.param.fixture.substr(5, param.param.fixture.size() - 9));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Exchange Online in German: the administrators' block and the remote reply in its translated frame.
TEST(LocalizedExchange, ReadsTheRemoteReplyOutOfItsTranslatedSentence) {
  const DecodeResult result =
      Decoder().decode(testing::read_fixture("intl/de-exchange-online-ndr.eml"), "de-exchange-online-ndr.eml");
  ASSERT_EQ(result.records.size(), 1u);
  const Record& r = result.records.front();
  EXPECT_EQ(r.recipient, "jonas.weber@fabrikam.de");
  EXPECT_EQ(r.reason, Reason::kUserUnknown);
  EXPECT_TRUE(r.hard_bounce);
  EXPECT_EQ(r.diagnostic.value_or(""),
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup");
}

// A notice from a sender with no daemon's name is known by its subject, in the languages MTAs
// localise to.
TEST(LocalizedSubject, MarksANoticeFromAnOrdinarySender) {
  for (std::string_view subject :
       {"Unzustellbar: Angebot", "Mail-Zustellung fehlgeschlagen", "Non remis : Réunion", "Message non délivré",
        "No se pudo entregar el mensaje", "Mensagem não entregue", "Non recapitabile: Offerta", "Niet bezorgd",
        "配信不能: 打ち合わせ", "系统退信", "无法传递: 报告", "Не удалось доставить сообщение",
        "Недоставленное сообщение"}) {
    const std::string message = "From: Mail Server <server@mx.example.net>\nTo: ann@example.org\nSubject: " +
                                std::string(subject) + "\n\njane@example.net: 550 5.1.1 unknown\n";
    const DecodeResult result = Decoder().decode(message, "subject");
    ASSERT_EQ(result.records.size(), 1u) << subject;
    EXPECT_EQ(result.records.front().recipient, "jane@example.net") << subject;
  }
  const DecodeResult reply =
      Decoder().decode("From: Ann <ann@example.org>\nTo: jane@example.net\nSubject: AW: Unzustellbar: Angebot\n\n"
                       "jane@example.net: 550 5.1.1 unknown\n",
                       "reply");
  EXPECT_TRUE(reply.records.empty());
}

}  // namespace
}  // namespace bounceback
