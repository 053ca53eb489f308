#include "ref/tooling/quoting.hpp"

#include <cstdio>

namespace ref::tooling {

namespace {

std::string hex_escape(const char* prefix, unsigned value, int width) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%s%0*X", prefix, width, value);
    return buffer;
}

}  // namespace

std::string yaml_quote(std::string_view value) {
    std::string out = "\"";
    for (unsigned char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                // Other control characters are not allowed raw in a YAML double-quoted scalar.
                if (c < 0x20 || c == 0x7F) out += hex_escape("\\x", c, 2);
                else out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string python_quote(std::string_view value) {
    std::string out = "'";
    for (unsigned char c : value) {
        switch (c) {
            case '\'': out += "\\'"; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7F) out += hex_escape("\\x", c, 2);
                else out += static_cast<char>(c);  // UTF-8 bytes pass through in a UTF-8 source file
        }
    }
    return out + "'";
}

std::string shell_quote(std::string_view value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace ref::tooling
