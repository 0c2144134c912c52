// util::rfc5322_to_rfc3339: RFC 5322 dates as mail carries them, to RFC 3339 UTC.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "util/date.h"

namespace bounceback::util {
namespace {

TEST(Rfc5322ToRfc3339, AppliesTheZoneAndPadsEveryField) {
  EXPECT_EQ(rfc5322_to_rfc3339("Thu,  1 Jul 2014 23:45:01 +0900 (JST)"), "2014-07-01T14:45:01Z");
  EXPECT_EQ(rfc5322_to_rfc3339("Wed, 4 Mar 2026 08:30:00 -0500"), "2026-03-04T13:30:00Z");
  EXPECT_EQ(rfc5322_to_rfc3339("1 jan 2001 00:00 GMT"), "2001-01-01T00:00:00Z");
}

TEST(Rfc5322ToRfc3339, ToleratesTwoDigitYearsNamedZonesAndMissingSeconds) {
  EXPECT_EQ(rfc5322_to_rfc3339("Mon, 2 Feb 98 10:07 EST"), "1998-02-02T15:07:00Z");
  EXPECT_EQ(rfc5322_to_rfc3339("2 FEB 09 10:07:05 PDT"), "2009-02-02T17:07:05Z");
  EXPECT_EQ(rfc5322_to_rfc3339("Sat, 31 Dec 2022 23:59:59 Mars/Olympus"), "2022-12-31T23:59:59Z");  // unknown zone: UTC
}

// The year keeps four digits below 1000 and takes a fifth past 9999, as printf("%04lld") would.
TEST(Rfc5322ToRfc3339, YearsCrossingTheFourDigitBounds) {
  EXPECT_EQ(rfc5322_to_rfc3339("1 Jan 1000 00:30:00 +0100"), "0999-12-31T23:30:00Z");
  EXPECT_EQ(rfc5322_to_rfc3339("31 Dec 9999 23:00:00 -0200"), "10000-01-01T01:00:00Z");
}

TEST(Rfc5322ToRfc3339, RefusesWhatIsNotADate) {
  EXPECT_EQ(rfc5322_to_rfc3339(""), std::nullopt);
  EXPECT_EQ(rfc5322_to_rfc3339("yesterday"), std::nullopt);
  EXPECT_EQ(rfc5322_to_rfc3339("Thu, 1 Jux 2014 23:45:01 +0900"), std::nullopt);
  EXPECT_EQ(rfc5322_to_rfc3339("Thu, 32 Jul 2014 23:45:01 +0900"), std::nullopt);
  EXPECT_EQ(rfc5322_to_rfc3339("Thu, 1 Jul 2014 24:00:00 +0900"), std::nullopt);
  EXPECT_EQ(rfc5322_to_rfc3339("Thu, 1 Ju"), std::nullopt);
}

}  // namespace
}  // namespace bounceback::util
