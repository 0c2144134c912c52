// Turning an HTML notice into plain text, for bounces that carry no text/plain part.
#pragma once

#include <string>
#include <string_view>

namespace bounceback::util {

// Drops tags, scripts and styles, turns block tags into line breaks and decodes the common
// entities. Linear and tolerant: an unclosed tag ends the text.
std::string html_to_text(std::string_view html);

}  // namespace bounceback::util
