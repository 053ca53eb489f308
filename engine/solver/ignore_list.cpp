#include "solver/ignore_list.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace ref::solver {

namespace {

class Parser {
public:
    Parser(const std::string& source_name, std::vector<std::string>& warnings)
        : source_(source_name), warnings_(warnings) {}

    std::vector<IgnoreEntry> parse(const YAML::Node& root) {
        // Comments only or an empty file: nothing to ignore.
        if (!root.IsDefined() || root.IsNull()) return {};
        expect_map(root, "", "a mapping of provider slugs");
        for (const auto& [provider, provider_key, diagnostics] : entries(root, "")) {
            if (diagnostics.IsNull()) continue;
            expect_map(diagnostics, provider, "a mapping of diagnostic slugs");
            for (const auto& [diagnostic, diagnostic_key, types] : entries(diagnostics, provider)) {
                const std::string at = provider + "." + diagnostic;
                if (types.IsNull()) continue;
                expect_map(types, at, "a mapping of source types");
                for (const auto& [type_name, key, items] : entries(types, at)) {
                    const auto type = parse_source_type(type_name);
                    if (!type) {
                        // The REF only logs these, so a list written for a newer release still loads.
                        warnings_.push_back(source_ + ": " + at + ": unknown source type '" + type_name + "' ignored" +
                                            line_of(key));
                        continue;
                    }
                    parse_items(provider, diagnostic, *type, items, at + "." + type_name);
                }
            }
        }
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& problem) const {
        throw SolveError(source_ + ": " + (path.empty() ? "top level" : path) + ": " + problem + line_of(node));
    }

    static std::string line_of(const YAML::Node& node) {
        const YAML::Mark mark = node.Mark();
        return mark.is_null() ? "" : " (line " + std::to_string(mark.line + 1) + ")";
    }

    static std::string kind_of(const YAML::Node& node) {
        if (node.IsSequence()) return "a list";
        if (node.IsMap()) return "a mapping";
        if (node.IsNull()) return "nothing (null)";
        return "'" + node.Scalar() + "'";
    }

    void expect_map(const YAML::Node& node, const std::string& path, const std::string& what) const {
        if (!node.IsMap()) fail(node, path, "expected " + what + ", found " + kind_of(node));
    }

    struct Entry {
        std::string key;
        YAML::Node key_node, value;
    };

    // A mapping's entries in document order. Keys must be distinct text: yaml-cpp keeps
    // repeated keys and PyYAML silently keeps the last, so a repeat is refused.
    std::vector<Entry> entries(const YAML::Node& map, const std::string& path) const {
        std::vector<Entry> out;
        std::set<std::string> seen;
        for (const auto& kv : map) {
            if (!kv.first.IsScalar() || kv.first.Scalar().empty())
                fail(kv.first, path, "keys must be non-empty text, found " + kind_of(kv.first));
            const std::string& key = kv.first.Scalar();
            if (!seen.insert(key).second) fail(kv.first, path, "key '" + key + "' appears twice");
            out.push_back({key, kv.first, kv.second});
        }
        return out;
    }

    void parse_items(const std::string& provider, const std::string& diagnostic, SourceType type,
                     const YAML::Node& items, const std::string& at) {
        if (items.IsNull()) return;
        if (!items.IsSequence()) fail(items, at, "expected a list of facet mappings, found " + kind_of(items));
        for (std::size_t i = 0; i < items.size(); ++i) {
            const YAML::Node item = items[i];
            const std::string item_at = at + "[" + std::to_string(i) + "]";
            // Q20: an empty IgnoreFacets raises upstream; here it is refused at load.
            if (item.IsNull() || (item.IsMap() && item.size() == 0))
                fail(item, item_at, "an empty entry would ignore nothing (or everything); list facets");
            if (!item.IsMap()) fail(item, item_at, "expected a mapping of facets to values, found " + kind_of(item));
            IgnoreEntry entry{provider, diagnostic, type, {}};
            for (const auto& [facet, key, value] : entries(item, item_at))
                entry.facets.facets.emplace_back(facet, values_of(value, item_at + "." + facet));
            out_.push_back(std::move(entry));
        }
    }

    // A facet's values: one string or a list of strings. Plain scalars (1, yes) are taken as
    // text, since catalog values are text.
    std::vector<std::string> values_of(const YAML::Node& value, const std::string& at) const {
        const std::string expected = "expected a string or a list of strings, found ";
        if (value.IsScalar()) return {value.Scalar()};
        if (!value.IsSequence()) fail(value, at, expected + kind_of(value));
        if (value.size() == 0) fail(value, at, "an empty list would ignore nothing; list values or drop the facet");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const YAML::Node v = value[i];
            if (!v.IsScalar()) fail(v, at + "[" + std::to_string(i) + "]", expected + kind_of(v));
            out.push_back(v.Scalar());
        }
        return out;
    }

    std::string source_;
    std::vector<std::string>& warnings_;
    std::vector<IgnoreEntry> out_;
};

}  // namespace

std::vector<IgnoreEntry> parse_ignore_list(const std::string& yaml_text, const std::string& source_name,
                                           std::vector<std::string>& warnings) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(yaml_text);
    } catch (const YAML::Exception& e) {
        const std::string at = e.mark.is_null() ? "" : " (line " + std::to_string(e.mark.line + 1) + ")";
        throw SolveError(source_name + ": not valid YAML: " + e.msg + at);
    }
    // PyYAML's safe_load refuses several documents too; silently taking the first would hide entries.
    if (documents.size() > 1) throw SolveError(source_name + ": holds " + std::to_string(documents.size()) +
                                               " YAML documents; a grey list is one mapping");
    if (documents.empty()) return {};
    // Collect warnings locally so a failed parse does not leave half of them behind.
    std::vector<std::string> found;
    auto entries = Parser(source_name, found).parse(documents.front());
    warnings.insert(warnings.end(), found.begin(), found.end());
    return entries;
}

std::vector<IgnoreEntry> load_ignore_list(const std::filesystem::path& file, std::vector<std::string>& warnings) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw SolveError("cannot read grey list " + file.string() + ": is a folder");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw SolveError("cannot read grey list " + file.string() + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw SolveError("cannot read grey list " + file.string() + ": " + std::strerror(errno));
    return parse_ignore_list(text.str(), file.string(), warnings);
}

}  // namespace ref::solver
