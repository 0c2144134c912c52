// IP addresses in text: what reports put beside a host name.
#pragma once

#include <string_view>

namespace bounceback::util {

// Whether `text` is exactly an IPv4 address in dotted decimal or an IPv6 address (inet_pton).
bool is_ip_address(std::string_view text);

}  // namespace bounceback::util
