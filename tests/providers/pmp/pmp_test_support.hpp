// Shared bits of the PMP provider tests: temporary directories, file helpers, a reader of
// the Python string literals the provider writes, and execution definitions.
#pragma once

#include "ref/datagen/temp_dir.hpp"
#include "ref/pmp/pmp.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>

namespace pmp_test {

namespace fs = std::filesystem;
using nlohmann::json;

using TempDir = ref::datagen::TemporaryDirectory;

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline json read_json(const fs::path& path) { return json::parse(read_text(path)); }

inline void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.good());
}

inline void write_json(const fs::path& path, const json& value) { write_text(path, value.dump(2)); }

// Decodes one Python string literal (single- or double-quoted, with the usual escapes).
inline std::string decode_python_string(const std::string& literal) {
    REQUIRE(literal.size() >= 2);
    const char quote = literal.front();
    REQUIRE((quote == '\'' || quote == '"'));
    REQUIRE(literal.back() == quote);
    std::string out;
    for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
        char c = literal[i];
        REQUIRE(c != '\n');  // a raw newline would end the Python line
        if (c == quote) FAIL("unescaped quote inside " << literal);
        if (c != '\\') {
            out += c;
            continue;
        }
        REQUIRE(i + 2 < literal.size());
        const char e = literal[++i];
        switch (e) {
            case '\\': out += '\\'; break;
            case '\'': out += '\''; break;
            case '"': out += '"'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'a': out += '\a'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'v': out += '\v'; break;
            case '0': out += '\0'; break;
            case 'x': {
                REQUIRE(i + 2 < literal.size());
                out += static_cast<char>(std::stoi(literal.substr(i + 1, 2), nullptr, 16));
                i += 2;
                break;
            }
            default: FAIL("unexpected escape \\" << e << " in " << literal);
        }
    }
    return out;
}

// The right-hand side of `name = ...` in a generated Python module.
inline std::string python_assignment(const std::string& module, const std::string& name) {
    std::istringstream in(module);
    std::string line;
    const std::string start = name + " = ";
    while (std::getline(in, line))
        if (line.rfind(start, 0) == 0) return line.substr(start.size());
    FAIL("no assignment to " << name << " in:\n" << module);
    return {};
}

// The decoded string items of a one-line Python list of string literals.
inline std::vector<std::string> decode_python_list(const std::string& literal) {
    REQUIRE(literal.front() == '[');
    REQUIRE(literal.back() == ']');
    std::vector<std::string> out;
    std::size_t i = 1;
    while (i < literal.size() - 1) {
        if (literal[i] == ' ' || literal[i] == ',') {
            ++i;
            continue;
        }
        const char quote = literal[i];
        std::size_t j = i + 1;
        while (j < literal.size() && literal[j] != quote) j += literal[j] == '\\' ? 2 : 1;
        out.push_back(decode_python_string(literal.substr(i, j - i + 1)));
        i = j + 1;
    }
    return out;
}

inline json model_row(const std::string& source_type, const std::string& variable, const std::string& path,
                      const std::string& source_id = "ACCESS-ESM1-5", const std::string& experiment = "historical",
                      const std::string& member = "r1i1p1f1") {
    json row = {{"path", path},           {"source_id", source_id},    {"experiment_id", experiment},
                {"variable_id", variable}, {"grid_label", "gn"},        {"frequency", "mon"}};
    if (source_type == "cmip7") {
        row["variant_label"] = member;
        row["branded_variable"] = variable + "_tavg-u-hxy-u";
        row["region"] = "glb";
    } else {
        row["member_id"] = member;
        row["variant_label"] = member;
        row["table_id"] = "Amon";
    }
    return row;
}

inline json reference_row(const std::string& source_id, const std::string& variable, const std::string& path) {
    return {{"path", path}, {"source_id", source_id}, {"variable_id", variable}, {"activity_id", "obs4MIPs"}};
}

inline json definition_json(const std::string& diagnostic, const fs::path& out, const json& datasets,
                            const json& settings = json::object()) {
    json collections = json::object();
    for (const auto& [source_type, rows] : datasets.items())
        collections[source_type] = {{"slug_column", "instance_id"}, {"selector", json::array()}, {"rows", rows}};
    return {{"schema_version", REF_DEFINITION_SCHEMA_VERSION},
            {"diagnostic", "pmp/" + diagnostic},
            {"key", "test"},
            {"root_directory", out.parent_path().string()},
            {"output_directory", out.string()},
            {"provider_settings", settings},
            {"datasets", collections}};
}

inline ref::plugin::ExecutionDefinition definition(const std::string& diagnostic, const fs::path& out,
                                                   const json& datasets, const json& settings = json::object()) {
    return ref::plugin::ExecutionDefinition::from_json(definition_json(diagnostic, out, datasets, settings));
}

// A value with every character that could break a file format or a shell.
inline const std::string& hostile_text() {
    static const std::string text = "my dir/it's \"quoted\" $(rm -rf ~) `id`; echo $HOME\nline2\\end";
    return text;
}

}  // namespace pmp_test
