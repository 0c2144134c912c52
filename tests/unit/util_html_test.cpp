// HTML notices read as text: tags dropped, block tags as line breaks, the common entities
// replaced, style sheets and scripts skipped.
#include <gtest/gtest.h>

#include <string>

#include "util/html.h"

namespace bounceback::util {
namespace {

TEST(HtmlToText, DropsTagsAndBreaksLinesAtBlocks) {
  EXPECT_EQ(html_to_text("<p>Address not found</p><div>Your message to <b>tom@example.com</b></div>"),
            "\nAddress not found\n\nYour message to tom@example.com\n");
}

TEST(HtmlToText, ReplacesTheCommonEntities) {
  EXPECT_EQ(html_to_text("a&amp;b &lt;x@example.com&gt; &quot;q&quot; it&#39;s&nbsp;x"),
            "a&b <x@example.com> \"q\" it's x");
  EXPECT_EQ(html_to_text("&unknown; &"), "&unknown; &");
}

// Gmail's notice opens with a style sheet: the text after it must stay (a closing </style> was
// once taken for another opening one, and everything after it was lost).
TEST(HtmlToText, SkipsStyleSheetsAndScriptsAndKeepsWhatFollows) {
  EXPECT_EQ(html_to_text("<html><head><style>\n* { font-family:Roboto; }\n</style></head>"
                         "<body>Address not found</body></html>"),
            "Address not found");
  EXPECT_EQ(html_to_text("<SCRIPT type=\"x\">var a = '<b>';</SCRIPT>text<style>p{}</style> more"), "text more");
}

TEST(HtmlToText, UnclosedTagsEndTheText) {
  EXPECT_EQ(html_to_text("text <b"), "text ");
  EXPECT_EQ(html_to_text("text <style>never closed"), "text ");
  EXPECT_EQ(html_to_text(""), "");
}

}  // namespace
}  // namespace bounceback::util
