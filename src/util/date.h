// RFC 5322 dates to RFC 3339 UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bounceback::util {

// "Thu,  1 Jul 2014 23:45:01 +0900 (JST)" -> "2014-07-01T14:45:01Z". Tolerates a missing day
// name, missing seconds, two-digit years and named zones (UT, GMT, EST...); nullopt otherwise.
std::optional<std::string> rfc5322_to_rfc3339(std::string_view date);

}  // namespace bounceback::util
