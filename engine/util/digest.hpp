// Message digests the engine needs for identities: SHA-1 (dataset hashes), SHA-256 (content
// hashes of series axes and reference series) and BLAKE2s with a chosen digest length
// (output-directory names). Lower-case hex out.
#pragma once

#include <string>
#include <string_view>

namespace ref::util {

std::string sha1_hex(std::string_view data);

// SHA-256 (FIPS 180-4).
std::string sha256_hex(std::string_view data);

// Unkeyed BLAKE2s (RFC 7693) with a digest length of `digest_bytes` (1..32) as a parameter of
// the hash, not a truncation.
std::string blake2s_hex(std::string_view data, size_t digest_bytes = 32);

}  // namespace ref::util
