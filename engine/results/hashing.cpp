#include "results/hashing.hpp"

#include "util/digest.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace ref::results {

using nlohmann::json;

std::string python_float_repr(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";

    // Shortest round-trip digits in scientific form ("-d.ddde+XX"), then laid out the way
    // CPython's float_repr does: positional when -4 < decpt <= 16, else exponent form.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
    std::string out;
    if (text.front() == '-') {
        out.push_back('-');
        text.remove_prefix(1);
    }
    const auto e_pos = text.find('e');
    std::string digits;
    for (char c : text.substr(0, e_pos))
        if (c != '.') digits.push_back(c);
    int exponent = 0;
    const std::string_view exp_text = text.substr(e_pos + 1);
    std::from_chars(exp_text.data() + (exp_text.front() == '+' ? 1 : 0), exp_text.data() + exp_text.size(), exponent);
    const int decpt = exponent + 1;  // digits are 0.d1d2... × 10^decpt
    const int ndigits = static_cast<int>(digits.size());

    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
        } else if (decpt >= ndigits) {
            out += digits + std::string(static_cast<std::size_t>(decpt - ndigits), '0') + ".0";
        } else {
            out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
        }
        return out;
    }
    out.push_back(digits[0]);
    if (ndigits > 1) out += "." + digits.substr(1);
    out.push_back('e');
    out.push_back(exponent < 0 ? '-' : '+');
    const std::string magnitude = std::to_string(std::abs(exponent));
    if (magnitude.size() < 2) out.push_back('0');
    out += magnitude;
    return out;
}

namespace {

// json.dumps with ensure_ascii=False escapes only '"', '\\' and control characters.
void append_string(std::string& out, const std::string& s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
                    out.push_back(kHex[static_cast<unsigned char>(c) & 0x0f]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

void append(std::string& out, const json& value) {
    switch (value.type()) {
        case json::value_t::null: out += "null"; break;
        case json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
        case json::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); break;
        case json::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); break;
        case json::value_t::number_float: out += python_float_repr(value.get<double>()); break;
        case json::value_t::string: append_string(out, value.get_ref<const std::string&>()); break;
        case json::value_t::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& item : value) {
                if (!first) out.push_back(',');
                first = false;
                append(out, item);
            }
            out.push_back(']');
            break;
        }
        case json::value_t::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, item] : value.items()) {
                if (!first) out.push_back(',');
                first = false;
                append_string(out, key);
                out.push_back(':');
                append(out, item);
            }
            out.push_back('}');
            break;
        }
        default: out += "null"; break;  // binary / discarded never come from parsing
    }
}

}  // namespace

std::string python_json_text(const json& value) {
    std::string out;
    append(out, value);
    return out;
}

std::string index_axis_hash(const std::optional<std::string>& name, const json& index) {
    const json payload = json::array({name ? json(*name) : json(nullptr), index});
    return util::sha256_hex(python_json_text(payload));
}

std::string series_reference_id(const std::vector<double>& values, const json& index,
                                const std::optional<std::string>& reference_source_id) {
    json numbers = json::array();
    for (double v : values) numbers.push_back(json(v));  // number_float, so 287.0 stays "287.0"
    const json payload =
        json::array({numbers, index, reference_source_id ? json(*reference_source_id) : json(nullptr)});
    return util::sha256_hex(python_json_text(payload));
}

}  // namespace ref::results
