// Gathering the blocklists a reply mentions while the reply's phrases are matched, so that the
// classifier reads a reply once for its rules and its blocklists alike.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "bounceback/record.h"

namespace bounceback::classify {

class BlocklistMentions {
 public:
  // A match of blocklists.def's phrase `entry` ending at byte `end` of the text.
  void add(size_t entry, size_t end);
  // The list the text names most specifically, with the listed address near a mention of it.
  std::optional<Blocklist> verdict(std::string_view text) const;

  struct Mention {
    size_t entry;  // index in blocklists.def
    size_t begin;
    size_t end;
  };

 private:
  std::vector<Mention> mentions_;
};

}  // namespace bounceback::classify
