// The LMTP listener over real loopback sockets: sessions at once, and a stop that lets the message
// being stored finish. No timing is asserted; socket reads have a generous hang guard.
#include "server/lmtp_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bounceback::server {
namespace {

using pipeline::IngestOutcome;
using pipeline::IngestStatus;

constexpr const char* kTransaction =
    "LHLO client.test\r\nMAIL FROM:<>\r\nRCPT TO:<bounces@example.com>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n";

// A blocking client that reads until the server closes or `stop_after` appears.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval guard{};
    guard.tv_sec = 30;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void send_text(const std::string& text) const {
    EXPECT_EQ(send(fd_, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
  }

  std::string read_until(const std::string& stop_after) {
    char buffer[4096];
    while (received_.find(stop_after) == std::string::npos) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received_.append(buffer, static_cast<size_t>(n));
    }
    return received_;
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string received_;
};

LmtpServerOptions loopback(const std::string& port) {
  LmtpServerOptions options;
  const Result<ListenAddress> address = parse_listen_address("127.0.0.1:" + port, "--lmtp");
  EXPECT_TRUE(address);
  if (address) options.listen = *address;
  options.hostname = "mx.test";
  return options;
}

std::unique_ptr<LmtpServer> start(LmtpDeliver deliver) {
  LmtpServerOptions options = loopback("0");
  Result<std::unique_ptr<LmtpServer>> started = LmtpServer::start(std::move(options), std::move(deliver));
  EXPECT_TRUE(started) << (started ? "" : started.error().message);
  return started ? std::move(started).value() : nullptr;
}

TEST(LmtpServer, SessionsAtOnceAreAllStoredAndCounted) {
  std::atomic<int> delivered{0};
  const std::unique_ptr<LmtpServer> server = start([&](std::string_view message) {
    EXPECT_EQ(message, "Subject: x\n\nbody\n");
    ++delivered;
    return IngestOutcome{IngestStatus::kStored, 1, ""};
  });
  ASSERT_TRUE(server);
  ASSERT_NE(server->port(), 0);
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [port = server->port()] {
      Client client(port);
      EXPECT_TRUE(client.connected());
      client.send_text(std::string(kTransaction) + "QUIT\r\n");
      return client.read_until("221 ");
    }));
  }
  for (std::future<std::string>& reply : replies) {
    const std::string text = reply.get();
    EXPECT_NE(text.find("250 2.0.0 <bounces@example.com> stored: 1 record\r\n"), std::string::npos) << text;
    EXPECT_NE(text.find("221 2.0.0 mx.test closing\r\n"), std::string::npos) << text;
  }
  EXPECT_EQ(delivered.load(), 8);
  server->stop();
  EXPECT_EQ(server->counts().sessions, 8u);
  EXPECT_EQ(server->counts().stored, 8u);
}

TEST(LmtpServer, StopLetsTheMessageBeingStoredFinishThenSays421) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  const std::unique_ptr<LmtpServer> server = start([&](std::string_view) {
    entered.set_value();
    released.wait();
    return IngestOutcome{IngestStatus::kStored, 1, ""};
  });
  ASSERT_TRUE(server);
  Client client(server->port());
  ASSERT_TRUE(client.connected());
  client.send_text(kTransaction);
  entered.get_future().wait();
  std::thread stopper([&] { server->stop(); });
  release.set_value();
  const std::string text = client.read_until("421 ");
  stopper.join();
  const size_t stored = text.find("250 2.0.0 <bounces@example.com> stored: 1 record\r\n");
  const size_t closing = text.find("421 4.3.2 mx.test shutting down: try again later\r\n");
  ASSERT_NE(stored, std::string::npos) << text;
  ASSERT_NE(closing, std::string::npos) << text;
  EXPECT_LT(stored, closing);
  EXPECT_EQ(server->counts().stored, 1u);
}

TEST(LmtpServer, AnAddressInUseIsAnErrorNamingIt) {
  const std::unique_ptr<LmtpServer> first = start([](std::string_view) { return IngestOutcome{}; });
  ASSERT_TRUE(first);
  const Result<std::unique_ptr<LmtpServer>> second =
      LmtpServer::start(loopback(std::to_string(first->port())), [](std::string_view) { return IngestOutcome{}; });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kIoError);
  EXPECT_NE(second.error().message.find("127.0.0.1:" + std::to_string(first->port())), std::string::npos)
      << second.error().message;
}

}  // namespace
}  // namespace bounceback::server
