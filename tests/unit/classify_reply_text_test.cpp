#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "classify/reply_text.h"

namespace bounceback::classify {
namespace {

std::string joined(std::string_view reply) {
  std::string storage;
  return std::string(join_reply_lines(reply, storage));
}

TEST(JoinReplyLines, DropsRepeatedPrefixes) {
  EXPECT_EQ(joined("550-5.7.26 Unauthenticated email is not accepted due to domain's\n"
                             "550-5.7.26 DMARC policy. Please contact the administrator\n"
                             "550 5.7.26 of the domain."),
            "550-5.7.26 Unauthenticated email is not accepted due to domain's\n"
            "DMARC policy. Please contact the administrator\n"
            "of the domain.");
}

TEST(JoinReplyLines, DropsPrefixesWithoutStatusCodes) {
  EXPECT_EQ(joined("550-Please turn on SMTP Authentication 550-in your mail client. 550 Thanks"),
            "550-Please turn on SMTP Authentication in your mail client. Thanks");
}

TEST(JoinReplyLines, LeavesSingleLineRepliesAlone) {
  const std::string reply = "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown; 550 again";
  EXPECT_EQ(joined(reply), reply);
}

TEST(JoinReplyLines, KeepsOtherCodesAndNumbers) {
  EXPECT_EQ(joined("451-4.7.1 Greylisted for 550 seconds 451 4.7.1 see x-550 552 later"),
            "451-4.7.1 Greylisted for 550 seconds see x-550 552 later");
}

TEST(JoinReplyLines, SurvivesTruncatedInput) {
  for (const char* reply : {"550-", "550-5", "550-5.", "550-5.7", "550-5.7.", "550-x 550", "550-x 550-", "550-x 550 5.7."}) {
    EXPECT_NO_FATAL_FAILURE(joined(reply)) << reply;
  }
  EXPECT_EQ(joined("550-x 550-"), "550-x ");
  EXPECT_EQ(joined(""), "");
}

// Nothing to join: the reply itself comes back, and the storage is not touched.
TEST(JoinReplyLines, ReturnsAReplyWithoutContinuationsAsItIs) {
  const std::string reply = "550 5.1.1 <x@example.com>... User unknown - try 550 later";
  std::string storage = "untouched";
  const std::string_view words = join_reply_lines(reply, storage);
  EXPECT_EQ(words.data(), reply.data());
  EXPECT_EQ(words.size(), reply.size());
  EXPECT_EQ(storage, "untouched");
  EXPECT_EQ(join_reply_lines("-550-x 550-y", storage), "-550-x y");
}

}  // namespace
}  // namespace bounceback::classify
