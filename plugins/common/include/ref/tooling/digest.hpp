// Digests plugins need (environment names, registry checksums), through OpenSSL's libcrypto.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ref::tooling {

// Lower-case hex. `algorithm` is "sha1", "sha256" or "md5".
std::string digest_hex(std::string_view algorithm, std::string_view data);
// Of a file's content, read in chunks; throws std::runtime_error naming the file if unreadable.
std::string file_digest_hex(std::string_view algorithm, const std::filesystem::path& file);

}  // namespace ref::tooling
