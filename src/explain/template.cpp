#include "explain/template.h"

#include <algorithm>
#include <cstddef>

namespace bounceback::explain {
namespace {

// What a rendered text is given beyond its template's length before it has to grow: a host and
// an address or two.
constexpr size_t kRoomForFacts = 64;

class Renderer {
 public:
  Renderer(std::string_view tmpl, std::span<const Piece> pieces, const Facts& facts, std::string& out)
      : tmpl_(tmpl), pieces_(pieces), facts_(facts), known_(facts.known()), out_(out) {}

  void render_all() { render_range(0, pieces_.size()); }

 private:
  // The end of the group or alternative at `index`, inside the range that holds it.
  size_t end_of(size_t index, size_t range_end) const {
    return std::clamp<size_t>(pieces_[index].end, index + 1, range_end);
  }

  void render_range(size_t begin, size_t end) {
    for (size_t i = begin; i < end;) {
      const Piece& piece = pieces_[i];
      switch (piece.kind) {
        case PieceKind::kLiteral:
          out_.append(tmpl_.data() + piece.begin, piece.length);
          ++i;
          break;
        case PieceKind::kFact:
          out_.append(facts_.get(static_cast<Fact>(piece.fact)));
          ++i;
          break;
        case PieceKind::kGroup:
          render_group(i + 1, end_of(i, end));
          i = end_of(i, end);
          break;
        case PieceKind::kAlternative:  // only inside a group
          i = end_of(i, end);
          break;
      }
    }
  }

  // The first alternative whose facts are all known, if any.
  void render_group(size_t first, size_t end) {
    for (size_t i = first; i < end; i = end_of(i, end)) {
      if ((pieces_[i].named & ~known_) == 0) {
        render_range(i + 1, end_of(i, end));
        return;
      }
    }
  }

  std::string_view tmpl_;
  std::span<const Piece> pieces_;
  const Facts& facts_;
  uint32_t known_;
  std::string& out_;
};

std::string render_pieces(std::string_view tmpl, std::span<const Piece> pieces, const Facts& facts) {
  std::string out;
  out.reserve(tmpl.size() + kRoomForFacts);
  Renderer(tmpl, pieces, facts, out).render_all();
  return out;
}

}  // namespace

std::string render(const Template& tmpl, const Facts& facts) { return render_pieces(tmpl.text(), tmpl.pieces(), facts); }

std::string render(std::string_view tmpl, const Facts& facts) {
  std::vector<Piece> pieces(TemplateReader(tmpl, nullptr, 0).read());
  TemplateReader(tmpl, pieces.data(), pieces.size()).read();
  return render_pieces(tmpl, pieces, facts);
}

std::vector<std::string_view> placeholders(std::string_view tmpl) {
  std::vector<std::string_view> names;
  for_each_placeholder(tmpl, [&names](std::string_view name) { names.push_back(name); });
  return names;
}

}  // namespace bounceback::explain
