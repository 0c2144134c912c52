#include "server/assets.h"

namespace bounceback::server {

const Asset* find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const Asset& asset : embedded_assets())
    if (asset.path == path) return &asset;
  return nullptr;
}

std::string_view asset_content_type(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  static const Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
  };
  if (path == "/") return kTypes[0].content_type;
  for (const Type& type : kTypes)
    if (path.ends_with(type.extension)) return type.content_type;
  return "application/octet-stream";
}

}  // namespace bounceback::server
