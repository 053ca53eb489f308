// Reading a bundle or series file as JSON, with messages that name the file and the place.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace ref::results {

// Parses `file` strictly (RFC 8259: no comments, no bare NaN/Infinity). Throws BundleError:
// "<what> '<file>' cannot be read: ..." or "<what> '<file>' is not valid JSON: parse error at
// line L, column C: ...", with a hint when the error sits at a NaN/Infinity token.
nlohmann::json read_json_file(const std::filesystem::path& file, const std::string& what);

}  // namespace ref::results
