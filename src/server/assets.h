// The web page's files, compiled into the binary (see embed_assets.cmake).
#pragma once

#include <span>
#include <string_view>

namespace bounceback::server {

struct Asset {
  std::string_view path;  // "/index.html"
  std::string_view bytes;
};

std::span<const Asset> embedded_assets();

// The embedded file served at `path` ("/" is index.html) or nullptr; the Content-Type for it.
const Asset* find_asset(std::string_view path);
std::string_view asset_content_type(std::string_view path);

}  // namespace bounceback::server
