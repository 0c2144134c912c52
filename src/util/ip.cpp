#include "util/ip.h"

#include <arpa/inet.h>

#include <string>

namespace bounceback::util {

bool is_ip_address(std::string_view text) {
  // The longest IPv6 text form, an IPv4 tail included, is 45 bytes.
  constexpr size_t kLongestAddress = 45;
  if (text.empty() || text.size() > kLongestAddress) return false;
  const std::string terminated(text);
  unsigned char address[16];
  const int family = text.find(':') == std::string_view::npos ? AF_INET : AF_INET6;
  return inet_pton(family, terminated.c_str(), address) == 1;
}

}  // namespace bounceback::util
