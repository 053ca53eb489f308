#include "results/json_file.hpp"

#include "results/metric_bundle.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ref::results {

using nlohmann::json;

nlohmann::json read_json_file(const std::filesystem::path& file, const std::string& what) {
    const std::string named = what + " '" + file.string() + "'";
    std::ifstream in(file, std::ios::binary);
    if (!in) throw BundleError(named + " cannot be read: " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw BundleError(named + " cannot be read: " + std::strerror(errno));
    const std::string text = buffer.str();

    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep line, column and detail.
        std::string detail = e.what();
        if (const auto at = detail.find("parse error"); at != std::string::npos) detail.erase(0, at);
        // e.byte is 1-based and points at the offending character ("I" of "-Infinity").
        const std::size_t pos = e.byte == 0 ? 0 : e.byte - 1;
        if (pos < text.size() && (text.compare(pos, 3, "NaN") == 0 || text.compare(pos, 8, "Infinity") == 0))
            detail += " (bare NaN/Infinity are not JSON; write null for a missing value)";
        throw BundleError(named + " is not valid JSON: " + detail);
    } catch (const json::exception& e) {
        // e.g. out_of_range.406 "number overflow parsing '1e999'": valid JSON text, but not a double.
        std::string detail = e.what();
        if (const auto at = detail.find("] "); at != std::string::npos) detail.erase(0, at + 2);
        throw BundleError(named + " cannot be used: " + detail + " (beyond the range of a double)");
    }
}

}  // namespace ref::results
