#include "util/html.h"

#include <array>

#include "util/text.h"

namespace bounceback::util {
namespace {

struct Entity {
  std::string_view name;
  std::string_view text;
};

// The entities that appear in MTA-generated HTML notices (Microsoft 365, Gmail).
constexpr std::array kEntities = {
    Entity{"&amp;", "&"},  Entity{"&lt;", "<"},   Entity{"&gt;", ">"}, Entity{"&quot;", "\""},
    Entity{"&#39;", "'"},  Entity{"&apos;", "'"}, Entity{"&nbsp;", " "}, Entity{"&#160;", " "},
};

// Tags after which the text continues on a new line.
constexpr std::array kBlockTags = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "table", "td"};

std::string_view tag_name(std::string_view tag) {
  size_t b = (!tag.empty() && tag[0] == '/') ? 1 : 0;
  size_t e = b;
  while (e < tag.size() && is_alnum(tag[e])) ++e;
  return tag.substr(b, e - b);
}

bool is_block_tag(std::string_view name) {
  for (std::string_view block : kBlockTags) {
    if (iequals(name, block)) return true;
  }
  return false;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  out.reserve(html.size() / 2);
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      const std::string_view tag = html.substr(i + 1, close - i - 1);
      const std::string_view name = tag_name(tag);
      const bool opening = !tag.starts_with('/');
      // A style sheet or script is no text: skipped up to its closing tag, which is read next.
      if (opening && (iequals(name, "script") || iequals(name, "style"))) {
        const size_t end = ifind(html, iequals(name, "script") ? "</script" : "</style", close);
        if (end == std::string_view::npos) break;
        i = end;
        continue;
      }
      if (is_block_tag(name)) out.push_back('\n');
      i = close + 1;
      continue;
    }
    if (c == '&') {
      bool replaced = false;
      for (const Entity& e : kEntities) {
        if (istarts_with(html.substr(i), e.name)) {
          out.append(e.text);
          i += e.name.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
    ++i;
  }
  return out;
}

}  // namespace bounceback::util
