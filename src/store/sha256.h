// SHA-256 (FIPS 180-4): the idempotency key of a stored message. Small and dependency-free, since
// the store needs a digest, not a crypto library.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bounceback::store {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
// Lower-case hexadecimal, 64 characters.
std::string to_hex(const Sha256Digest& digest);

}  // namespace bounceback::store
