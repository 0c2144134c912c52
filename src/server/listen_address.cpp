#include "server/listen_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace bounceback::server {
namespace {

Error bad_address(std::string_view option, std::string_view text, std::string_view why) {
  return Error{ErrorCode::kInvalidArgument,
               std::string(option) + " '" + std::string(text) + "': " + std::string(why) +
                   " (expected e.g. 127.0.0.1:8025 or [::1]:8025)"};
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view option) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad_address(option, text, "no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  unsigned port = 0;
  const char* port_end = port_text.data() + port_text.size();
  const auto [stop, error] = std::from_chars(port_text.data(), port_end, port);
  if (port_text.empty() || error != std::errc() || stop != port_end || port > 65535)
    return bad_address(option, text, "the port must be a number from 0 to 65535");

  ListenAddress result;
  result.port = static_cast<uint16_t>(port);
  if (host == "localhost") host = "127.0.0.1";
  result.ipv6 = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  const std::string literal(result.ipv6 ? host.substr(1, host.size() - 2) : host);
  if (result.ipv6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(result.port);
    if (inet_pton(AF_INET6, literal.c_str(), &address.sin6_addr) != 1) {
      return bad_address(option, text, "not an IPv6 address");
    }
    std::memcpy(&result.address, &address, sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(result.port);
    if (inet_pton(AF_INET, literal.c_str(), &address.sin_addr) != 1)
      return bad_address(option, text, "not an IPv4 address (host names other than localhost are not resolved)");
    std::memcpy(&result.address, &address, sizeof address);
  }
  result.host = host;
  return result;
}

}  // namespace bounceback::server
