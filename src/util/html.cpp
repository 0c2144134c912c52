#include "util/html.h"

#include <array>

#include "util/byte_masks.h"
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

// The bytes that end a run of plain text.
bool ends_a_run(char c) { return c == '<' || c == '&' || c == '\n' || c == '\r'; }

// Where the run of plain text from `from` ends, eight bytes a step: the text between the tags of
// an HTML notice (Office 365's run to 40 KB) is most of it.
size_t run_end(std::string_view html, size_t from) {
  size_t i = from;
  for (; i + 8 <= html.size(); i += 8) {
    const uint64_t word = load8(html.data() + i);
    const uint64_t marks = bytes_equal(word, broadcast('<')) | bytes_equal(word, broadcast('&')) |
                           bytes_equal(word, broadcast('\n')) | bytes_equal(word, broadcast('\r'));
    if (marks != 0) return i + first_marked_byte(marks);
  }
  while (i < html.size() && !ends_a_run(html[i])) ++i;
  return i;
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
      ++i;
      continue;
    }
    // A run of plain text up to the next tag, entity or line break, appended at once.
    const size_t end = run_end(html, i + 1);
    out.append(html.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace bounceback::util
