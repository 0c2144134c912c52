// Addresses found in header values, DSN fields and diagnostic text.
#include <gtest/gtest.h>

#include "mime/message.h"

namespace bounceback::mime {
namespace {

using Addresses = std::vector<std::string>;

TEST(MimeAddress, CommonForms) {
  EXPECT_EQ(find_addresses("<jane@example.org>"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("rfc822; Jane.Doe+news@Example.ORG"), Addresses{"Jane.Doe+news@Example.ORG"});
  EXPECT_EQ(find_addresses("rfc822;jane@example.org"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("Jane (Sales) <jane@x.y>"), Addresses{"jane@x.y"});
  EXPECT_EQ(find_addresses("\"quoted local\"@example.org"), Addresses{"\"quoted local\"@example.org"});
  EXPECT_EQ(find_addresses("\"a\\\"b\"@example.org"), Addresses{"\"a\\\"b\"@example.org"});
  EXPECT_EQ(find_addresses("mailto:jane@example.org"), Addresses{"jane@example.org"});
}

TEST(MimeAddress, TrailingPunctuationIsNotPartOfTheAddress) {
  EXPECT_EQ(find_addresses("Delivery to jane@example.org."), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("<jane@example.org>: Recipient address rejected"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("(jane@example.org)"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("'jane@example.org'"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("`jane@example.org'"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("o'brien@example.org"), Addresses{"o'brien@example.org"});
  EXPECT_EQ(find_addresses("jane@example.org-, next"), Addresses{"jane@example.org"});
  EXPECT_EQ(find_addresses("jane@example..org"), Addresses{});
  // An empty label ends the domain at its first dot, wherever it stands.
  EXPECT_EQ(find_addresses("jane@mail.example..org"), Addresses{"jane@mail.example"});
  EXPECT_EQ(find_addresses("x@a.b.c...d.e x@.b.c"), Addresses{"x@a.b.c"});
}

TEST(MimeAddress, DotlessDomainsOnlyInAngleBrackets) {
  EXPECT_EQ(find_addresses("<postmaster@localhost>"), Addresses{"postmaster@localhost"});
  EXPECT_EQ(find_addresses("user@host said"), Addresses{});
  EXPECT_EQ(find_addresses("postmaster@[192.0.2.1]"), Addresses{"postmaster@[192.0.2.1]"});
  EXPECT_EQ(find_addresses("x@[IPv6:2001:db8::1]"), Addresses{"x@[IPv6:2001:db8::1]"});
  EXPECT_EQ(find_addresses("x@[] y@[a b]"), Addresses{});
}

TEST(MimeAddress, SeveralInOrderWithoutOverlap) {
  EXPECT_EQ(find_addresses("a@b.c, d@e.f; <g@h.i>"), (Addresses{"a@b.c", "d@e.f", "g@h.i"}));
  EXPECT_EQ(find_addresses("a@b.c@d.e"), Addresses{"a@b.c"});
  EXPECT_EQ(find_addresses("@@ @ a@ @b.c .@x.y"), Addresses{});
  EXPECT_EQ(find_addresses(""), Addresses{});
}

TEST(MimeAddress, Utf8AddressesOfMessageGlobal) {
  EXPECT_EQ(find_addresses("utf-8; j\xC3\xB6rg@b\xC3\xBC" "cher.example"),
            Addresses{"j\xC3\xB6rg@b\xC3\xBC" "cher.example"});
}

TEST(MimeAddress, Utf8PunctuationAroundAnAddressIsNotPartOfIt) {
  EXPECT_EQ(find_addresses("\xE3\x80\x8Cjane@example.jp\xE3\x80\x8D\xE3\x80\x82"), Addresses{"jane@example.jp"});
  EXPECT_EQ(find_addresses("jane@example.jp\xD8\x8C next"), Addresses{"jane@example.jp"});  // Arabic comma
  EXPECT_EQ(find_addresses("jane@example.jp.\xE3\x80\x82"), Addresses{"jane@example.jp"});
}

// Chinese and Japanese notices set an address off with full-width or CJK punctuation, with no
// space: "收件人：liwei@example.cn，请核对" (a 163.com bounce). Letters of any script stay.
TEST(MimeAddress, WidePunctuationInsideTheTextSetsAnAddressOff) {
  EXPECT_EQ(find_addresses("\xE6\x94\xB6\xE4\xBB\xB6\xE4\xBA\xBA\xEF\xBC\x9Aliwei@example.cn"),
            Addresses{"liwei@example.cn"});  // 收件人：
  EXPECT_EQ(find_addresses("liwei@example.cn\xEF\xBC\x8C\xE8\xAF\xB7"), Addresses{"liwei@example.cn"});  // ，请
  EXPECT_EQ(find_addresses("\xE5\xAE\x9B\xE5\x85\x88\xE3\x80\x81taro@example.jp\xE3\x80\x82"),
            Addresses{"taro@example.jp"});  // 宛先、 ... 。
  EXPECT_EQ(find_addresses("\xEF\xBC\x9C" "jane@example.org\xEF\xBC\x9E"), Addresses{"jane@example.org"});  // ＜＞
  // A local part in CJK letters is kept whole.
  EXPECT_EQ(find_addresses("\xE7\x94\xA8\xE6\x88\xB7@example.cn"), Addresses{"\xE7\x94\xA8\xE6\x88\xB7@example.cn"});
}

TEST(MimeAddress, AuthenticationResultsPropertiesAreNotLocalParts) {
  EXPECT_EQ(find_addresses("spf=pass smtp.mailfrom=jane@example.org; header.from=kim@example.org"),
            (Addresses{"jane@example.org", "kim@example.org"}));
  EXPECT_EQ(find_addresses("Received-SPF: pass envelope-from=jane@example.org;"), Addresses{"jane@example.org"});
  // VERP and SRS local parts keep their '='.
  EXPECT_EQ(find_addresses("bounce-42-jane=example.org@lists.example.net"),
            Addresses{"bounce-42-jane=example.org@lists.example.net"});
  EXPECT_EQ(find_addresses("SRS0=HHH=TT=example.org=jane@fwd.example.net"),
            Addresses{"SRS0=HHH=TT=example.org=jane@fwd.example.net"});
}

TEST(MimeAddress, FirstAddressPrefersTheBracketedMailbox) {
  EXPECT_EQ(first_address("Jane (jane@old.example) <jane@x.y>"), "jane@x.y");
  EXPECT_EQ(first_address("\"jane@x.y\" <jane@real.example>"), "jane@real.example");
  EXPECT_EQ(first_address("rfc822; kim@example.org"), "kim@example.org");
  EXPECT_EQ(first_address("undisclosed-recipients:;"), std::nullopt);
}

TEST(MimeAddress, HostileInputStaysLinear) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "\"x@";
  text += std::string(100000, 'a') + "@" + std::string(100000, '.');
  for (int i = 0; i < 100000; ++i) text += "x@[1.2.3.4 ";
  EXPECT_TRUE(find_addresses(text).empty());
}

}  // namespace
}  // namespace bounceback::mime
