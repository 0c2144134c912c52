// `--listen HOST:PORT`: an IPv4 address, a bracketed IPv6 address or `localhost`, and a port
// (0 lets the system pick one).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "bounceback/result.h"

namespace bounceback::server {

struct ListenAddress {
  sockaddr_storage address{};
  bool ipv6 = false;
  std::string host;  // as written in a URL: "127.0.0.1" or "[::1]"
  uint16_t port = 0;
};

// "127.0.0.1:8025", "[::1]:8025", "localhost:8025", "0.0.0.0:0". Host names other than
// localhost are refused: the address to bind must not depend on DNS. Errors name `option`.
Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view option = "--listen");

}  // namespace bounceback::server
