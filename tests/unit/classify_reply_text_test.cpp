#include <gtest/gtest.h>

#include "classify/reply_text.h"

namespace bounceback::classify {
namespace {

TEST(JoinReplyLines, DropsRepeatedPrefixes) {
  EXPECT_EQ(join_reply_lines("550-5.7.26 Unauthenticated email is not accepted due to domain's\n"
                             "550-5.7.26 DMARC policy. Please contact the administrator\n"
                             "550 5.7.26 of the domain."),
            "550-5.7.26 Unauthenticated email is not accepted due to domain's\n"
            "DMARC policy. Please contact the administrator\n"
            "of the domain.");
}

TEST(JoinReplyLines, DropsPrefixesWithoutStatusCodes) {
  EXPECT_EQ(join_reply_lines("550-Please turn on SMTP Authentication 550-in your mail client. 550 Thanks"),
            "550-Please turn on SMTP Authentication in your mail client. Thanks");
}

TEST(JoinReplyLines, LeavesSingleLineRepliesAlone) {
  const std::string reply = "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown; 550 again";
  EXPECT_EQ(join_reply_lines(reply), reply);
}

TEST(JoinReplyLines, KeepsOtherCodesAndNumbers) {
  EXPECT_EQ(join_reply_lines("451-4.7.1 Greylisted for 550 seconds 451 4.7.1 see x-550 552 later"),
            "451-4.7.1 Greylisted for 550 seconds see x-550 552 later");
}

TEST(JoinReplyLines, SurvivesTruncatedInput) {
  for (const char* reply : {"550-", "550-5", "550-5.", "550-5.7", "550-5.7.", "550-x 550", "550-x 550-", "550-x 550 5.7."}) {
    EXPECT_NO_FATAL_FAILURE(join_reply_lines(reply)) << reply;
  }
  EXPECT_EQ(join_reply_lines("550-x 550-"), "550-x ");
  EXPECT_EQ(join_reply_lines(""), "");
}

}  // namespace
}  // namespace bounceback::classify
