// `--listen` parsing.
#include <gtest/gtest.h>

#include "server/listen_address.h"

namespace bounceback::server {
namespace {

TEST(ServerListen, ParsesIpv4AndPort) {
  const Result<ListenAddress> address = parse_listen_address("127.0.0.1:8025");
  ASSERT_TRUE(address.ok());
  EXPECT_FALSE(address->ipv6);
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 8025);
  EXPECT_EQ(address->address.ss_family, AF_INET);
}

TEST(ServerListen, ParsesBracketedIpv6) {
  const Result<ListenAddress> address = parse_listen_address("[::1]:0");
  ASSERT_TRUE(address.ok());
  EXPECT_TRUE(address->ipv6);
  EXPECT_EQ(address->host, "[::1]");
  EXPECT_EQ(address->port, 0);
  EXPECT_EQ(address->address.ss_family, AF_INET6);
}

TEST(ServerListen, LocalhostIsTheIpv4Loopback) {
  const Result<ListenAddress> address = parse_listen_address("localhost:80");
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(address->host, "127.0.0.1");
}

TEST(ServerListen, RefusesWhatItCannotBindWithoutGuessing) {
  for (std::string_view bad : {"", "8025", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x",
                               "mail.example.com:25", "[::1:25", "::1:25", "300.1.1.1:25", "[]:25"}) {
    const Result<ListenAddress> address = parse_listen_address(bad);
    ASSERT_FALSE(address.ok()) << bad;
    EXPECT_NE(address.error().message.find("--listen"), std::string::npos);
  }
}

}  // namespace
}  // namespace bounceback::server
