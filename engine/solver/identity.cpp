#include "solver/identity.hpp"

#include "util/digest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string_view>

namespace ref::solver {

namespace {

// A candidate maps source type -> collection, so a type can appear only once. Sorting by the
// type's string value gives the canonical order (requirements.hpp: canonical = string order).
std::vector<const CollectionIdentity*> canonical_order(const std::vector<CollectionIdentity>& collections) {
    std::vector<const CollectionIdentity*> ordered;
    ordered.reserve(collections.size());
    for (const auto& collection : collections) ordered.push_back(&collection);
    std::sort(ordered.begin(), ordered.end(), [](const CollectionIdentity* a, const CollectionIdentity* b) {
        return to_string(a->type) < to_string(b->type);
    });
    auto same_type = [](const CollectionIdentity* a, const CollectionIdentity* b) { return a->type == b->type; };
    if (auto dup = std::adjacent_find(ordered.begin(), ordered.end(), same_type); dup != ordered.end())
        throw std::invalid_argument("source type '" + std::string(to_string((*dup)->type)) +
                                    "' appears more than once in one candidate");
    return ordered;
}

// Selectors should arrive sorted by facet; sort anyway (stably) so the identity never depends
// on the caller's order.
Selector sorted_by_facet(const Selector& selector) {
    Selector sorted = selector;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return sorted;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += separator;
        out += parts[i];
    }
    return out;
}

// --- Python repr helpers ---------------------------------------------------------------------

// Decodes one UTF-8 sequence at `pos`; returns its length, or 0 if the bytes are not valid
// UTF-8 (overlong forms and surrogates included).
size_t decode_utf8(std::string_view text, size_t pos, char32_t& cp) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        cp = lead;
        return 1;
    }
    size_t length = 0;
    char32_t min = 0;  // smallest code point needing this length; below it is overlong
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        cp = lead & 0x1fu;
        min = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        cp = lead & 0x0fu;
        min = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        cp = lead & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (pos + length > text.size()) return 0;
    for (size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (byte(pos + i) & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return length;
}

// Non-printable code points above ASCII per Python's str.isprintable (categories Cc, Cf, Z*
// except space, Cs, Co), plus the never-assigned noncharacters and planes 4-13. Other
// unassigned code points are treated as printable (approximation: no full Unicode table).
constexpr std::array<std::pair<char32_t, char32_t>, 30> kNonPrintable{{
    {0x80, 0xa0},       {0xad, 0xad},       {0x600, 0x605},     {0x61c, 0x61c},     {0x6dd, 0x6dd},
    {0x70f, 0x70f},     {0x890, 0x891},     {0x8e2, 0x8e2},     {0x1680, 0x1680},   {0x180e, 0x180e},
    {0x2000, 0x200f},   {0x2028, 0x202f},   {0x205f, 0x2064},   {0x2066, 0x206f},   {0x3000, 0x3000},
    {0xd800, 0xf8ff},   {0xfdd0, 0xfdef},   {0xfeff, 0xfeff},   {0xfff9, 0xfffb},   {0xfffe, 0xffff},
    {0x110bd, 0x110bd}, {0x110cd, 0x110cd}, {0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
    {0x40000, 0xdffff}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f}, {0xf0000, 0xffffd}, {0x100000, 0x10fffd},
}};

bool is_printable(char32_t cp) {
    if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
    if ((cp & 0xfffe) == 0xfffe) return false;  // U+xFFFE / U+xFFFF of every plane
    return std::none_of(kNonPrintable.begin(), kNonPrintable.end(),
                        [cp](const auto& range) { return cp >= range.first && cp <= range.second; });
}

void append_escape(std::string& out, char32_t cp) {
    static constexpr char kDigits[] = "0123456789abcdef";
    int digits = 8;
    if (cp < 0x100) {
        out += "\\x";
        digits = 2;
    } else if (cp < 0x10000) {
        out += "\\u";
        digits = 4;
    } else {
        out += "\\U";
    }
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out.push_back(kDigits[(cp >> shift) & 0xf]);
}

// repr((group_id, version, [(type, ((facet, value), ...)), ...])).
std::string canonical_payload(int64_t group_id, int diagnostic_version,
                              const std::vector<std::pair<std::string, Selector>>& canonical) {
    std::string out = "(" + std::to_string(group_id) + ", " + std::to_string(diagnostic_version) + ", [";
    for (size_t i = 0; i < canonical.size(); ++i) {
        if (i > 0) out += ", ";
        out += "(" + python_repr(canonical[i].first) + ", (";
        const Selector& pairs = canonical[i].second;
        for (size_t j = 0; j < pairs.size(); ++j) {
            if (j > 0) out += ", ";
            out += "(" + python_repr(pairs[j].first) + ", " + python_repr(pairs[j].second) + ")";
        }
        if (pairs.size() == 1) out += ",";  // one-element tuple
        out += "))";
    }
    out += "])";
    return out;
}

// --- group_short helpers ------------------------------------------------------------------------

bool is_token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Runs outside [A-Za-z0-9_-] become one '_', then '_' is stripped from both ends. Byte-wise is
// exact: a multi-byte UTF-8 character is a run of non-token bytes, i.e. one '_' as in Python.
std::string sanitize_token(const std::string& value) {
    std::string out;
    bool in_run = false;
    for (char c : value) {
        if (is_token_char(c)) {
            out.push_back(c);
            in_run = false;
        } else if (!in_run) {
            out.push_back('_');
            in_run = true;
        }
    }
    const size_t first = out.find_first_not_of('_');
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of('_') - first + 1);
}

// Tokens are ASCII after sanitising, so byte positions are character positions here.
std::string truncate_at_boundary(const std::string& text, size_t limit) {
    if (text.size() <= limit) return text;
    std::string head = text.substr(0, limit);
    const size_t boundary = head.rfind('_');
    if (boundary != std::string::npos && boundary > 0) head.resize(boundary);
    return head;
}

constexpr size_t kTokenLimit = 64;
constexpr size_t kGroupShortMax = 96;

void validate_segment(const std::string& value, const char* label) {
    // Exactly upstream's rule: one non-empty segment, no separators or NUL, not a dot-segment
    // (no '/' also rules out absolute paths).
    if (value.empty() || value.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos || value == "." ||
        value == "..")
        throw std::invalid_argument(std::string("invalid ") + label + ": " + python_repr(value) +
                                    " is not a safe single path segment");
}

}  // namespace

std::string group_key(const std::vector<CollectionIdentity>& collections) {
    std::vector<std::string> parts;
    for (const CollectionIdentity* collection : canonical_order(collections)) {
        std::vector<std::string> values;
        for (const auto& [facet, value] : sorted_by_facet(collection->selector)) values.push_back(value);
        parts.push_back(std::string(to_string(collection->type)) + "_" + join(values, "_"));
    }
    return join(parts, "__");
}

std::string selectors_json(const std::vector<CollectionIdentity>& collections) {
    // ordered_json keeps insertion (= canonical) order instead of re-sorting the keys.
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    for (const CollectionIdentity* collection : canonical_order(collections)) {
        auto pairs = nlohmann::ordered_json::array();
        for (const auto& [facet, value] : sorted_by_facet(collection->selector))
            pairs.push_back(nlohmann::ordered_json::array({facet, value}));
        doc[std::string(to_string(collection->type))] = std::move(pairs);
    }
    return doc.dump();
}

std::string collection_hash(const std::vector<std::string>& instance_ids) {
    std::vector<std::string> sorted = instance_ids;
    std::sort(sorted.begin(), sorted.end());  // byte order of UTF-8 = code-point order
    return util::sha1_hex(join(sorted, "\n"));
}

std::string dataset_hash(const std::vector<CollectionIdentity>& collections) {
    std::vector<std::string> parts;
    for (const CollectionIdentity* collection : canonical_order(collections))
        parts.push_back(std::string(to_string(collection->type)) + ":" + collection_hash(collection->instance_ids));
    std::sort(parts.begin(), parts.end());
    return util::sha1_hex(join(parts, "\n"));
}

std::string python_repr(const std::string& text) {
    const bool has_single = text.find('\'') != std::string::npos;
    const bool has_double = text.find('"') != std::string::npos;
    const char quote = has_single && !has_double ? '"' : '\'';

    std::string out(1, quote);
    for (size_t pos = 0; pos < text.size();) {
        char32_t cp = 0;
        size_t length = decode_utf8(text, pos, cp);
        if (length == 0) {
            // Not valid UTF-8 (a Python str cannot hold this): show the raw byte escaped.
            append_escape(out, static_cast<unsigned char>(text[pos]));
            ++pos;
            continue;
        }
        if (cp == static_cast<char32_t>(quote) || cp == U'\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else if (cp == U'\t') {
            out += "\\t";
        } else if (cp == U'\n') {
            out += "\\n";
        } else if (cp == U'\r') {
            out += "\\r";
        } else if (is_printable(cp)) {
            out.append(text, pos, length);
        } else {
            append_escape(out, cp);
        }
        pos += length;
    }
    out.push_back(quote);
    return out;
}

std::string group_short(const std::vector<CollectionIdentity>& collections, int64_t group_id,
                        int diagnostic_version) {
    std::vector<std::pair<std::string, Selector>> canonical;
    for (const CollectionIdentity* collection : canonical_order(collections)) {
        Selector pairs = collection->selector;
        std::sort(pairs.begin(), pairs.end());  // by (facet, value)
        canonical.emplace_back(std::string(to_string(collection->type)), std::move(pairs));
    }

    std::vector<std::string> tokens;
    for (const auto& [type, pairs] : canonical)
        for (const auto& [facet, value] : pairs)
            if (std::string token = sanitize_token(value); !token.empty()) tokens.push_back(std::move(token));
    std::string token_part = truncate_at_boundary(join(tokens, "_"), kTokenLimit);

    const std::string digest = util::blake2s_hex(canonical_payload(group_id, diagnostic_version, canonical), 4);
    const std::string suffix =
        "_g" + std::to_string(group_id) + "_v" + std::to_string(diagnostic_version) + "_" + digest;
    auto build = [&suffix](const std::string& tokens_text) {
        return tokens_text.empty() ? suffix.substr(1) : tokens_text + suffix;
    };

    std::string result = build(token_part);
    if (result.size() > kGroupShortMax) {
        // Shorten the readable part first so the identifying suffix survives.
        const size_t overflow = result.size() - kGroupShortMax;
        token_part = truncate_at_boundary(token_part, token_part.size() > overflow ? token_part.size() - overflow : 0);
        result = build(token_part);
    }
    if (result.size() > kGroupShortMax) result.resize(kGroupShortMax);
    return result;
}

std::string output_fragment(const std::string& provider_slug, const std::string& diagnostic_slug,
                            const std::vector<CollectionIdentity>& collections, int64_t group_id,
                            int64_t execution_id, int diagnostic_version) {
    validate_segment(provider_slug, "provider slug");
    validate_segment(diagnostic_slug, "diagnostic slug");
    return provider_slug + "/" + diagnostic_slug + "/" + group_short(collections, group_id, diagnostic_version) +
           "/" + std::to_string(execution_id);
}

}  // namespace ref::solver
