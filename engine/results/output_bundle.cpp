#include "results/output_bundle.hpp"

#include "results/json_checks.hpp"

namespace ref::results {

namespace fs = std::filesystem;
using nlohmann::json;
using detail::describe;

std::string to_string(OutputType type) {
    switch (type) {
        case OutputType::Plot: return "Plot";
        case OutputType::Data: return "Data";
        case OutputType::Html: return "HTML";
    }
    return "?";
}

namespace {

const std::string& required_string(const json& object, const std::string& key, const std::string& where) {
    if (!object.contains(key)) throw BundleError(where + ": " + key + " is missing");
    const json& value = object[key];
    if (!value.is_string()) throw BundleError(where + ": " + key + " must be a string, not " + describe(value));
    return value.get_ref<const std::string&>();
}

// modeldata / obsdata: a string, a list of strings, or an object.
void check_data_reference(const json& provenance, const std::string& key) {
    if (!provenance.contains(key)) throw BundleError("provenance: " + key + " is missing");
    const json& value = provenance[key];
    if (value.is_string() || value.is_object()) return;
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            if (!value[i].is_string())
                throw BundleError("provenance: " + key + "[" + std::to_string(i) + "] must be a string, not " +
                                  describe(value[i]));
        return;
    }
    throw BundleError("provenance: " + key + " must be a string, a list of strings or an object, not " +
                      describe(value));
}

void check_provenance(const json& bundle) {
    if (!bundle.contains("provenance")) throw BundleError("output bundle: provenance is missing");
    const json& p = bundle["provenance"];
    if (!p.is_object()) throw BundleError("output bundle: provenance must be an object, not " + describe(p));
    if (!p.contains("environment")) throw BundleError("provenance: environment is missing");
    const json& env = p["environment"];
    if (!env.is_object()) throw BundleError("provenance: environment must be an object, not " + describe(env));
    for (const auto& [name, value] : env.items())
        if (!value.is_string() && !value.is_null())
            throw BundleError("provenance: environment/" + name + " must be a string or null, not " + describe(value));
    check_data_reference(p, "modeldata");
    check_data_reference(p, "obsdata");
    required_string(p, "log", "provenance");
}

// The filename relative to output_dir, or a BundleError when it names no file inside it.
std::string contained_filename(const std::string& filename, const fs::path& output_dir, const std::string& where) {
    // what() is a C string, so a NUL cannot be shown; and no file name can hold one.
    if (filename.find('\0') != std::string::npos) throw BundleError(where + ": filename contains a NUL character");
    const std::string quoted = "filename '" + filename + "'";
    fs::path name = fs::path(filename).lexically_normal();
    if (name.is_absolute()) {
        fs::path dir = fs::absolute(output_dir).lexically_normal();
        if (dir.has_relative_path() && dir.filename().empty()) dir = dir.parent_path();  // "/out/" → "/out"
        name = name.lexically_relative(dir);
        if (name.empty()) throw BundleError(where + ": " + quoted + " leaves the execution's output directory");
    }
    if (!name.empty() && *name.begin() == "..")
        throw BundleError(where + ": " + quoted + " leaves the execution's output directory");
    if (name.empty() || name == "." || name.filename().empty() || name.filename() == ".")
        throw BundleError(where + ": " + quoted + " does not name a file");
    return name.generic_string();
}

std::map<std::string, std::string> entry_dimensions(const json& entry, const std::string& where) {
    std::map<std::string, std::string> out;
    if (!entry.contains("dimensions") || entry["dimensions"].is_null()) return out;
    const json& dims = entry["dimensions"];
    if (!dims.is_object())
        throw BundleError(where + ": dimensions must be an object or null, not " + describe(dims));
    for (const auto& [name, value] : dims.items()) {
        if (!value.is_string())
            throw BundleError(where + ": dimensions/" + name + " must be a string, not " + describe(value));
        out[name] = value.get<std::string>();
    }
    return out;
}

// One section; entries are appended unless `type` is empty (metrics: validated only).
void read_section(const json& bundle, const char* section, std::optional<OutputType> type,
                  const fs::path& output_dir, const Vocabulary& vocabulary, std::vector<OutputEntry>& out) {
    if (!bundle.contains(section) || bundle[section].is_null()) return;
    const json& entries = bundle[section];
    if (!entries.is_object())
        throw BundleError(std::string("output bundle: ") + section + " must be an object or null, not " +
                          describe(entries));
    for (const auto& [short_name, entry] : entries.items()) {
        const std::string where = std::string(section) + "/" + short_name;
        if (!entry.is_object()) throw BundleError(where + " must be an object, not " + describe(entry));
        OutputEntry e{};
        const std::string& filename = required_string(entry, "filename", where);
        e.long_name = required_string(entry, "long_name", where);
        e.description = required_string(entry, "description", where);
        e.dimensions = entry_dimensions(entry, where);
        if (!type) continue;  // metrics entries are never copied nor registered
        e.type = *type;
        e.short_name = short_name;
        e.filename = contained_filename(filename, output_dir, where);
        if (auto problem = vocabulary.check(e.dimensions)) throw BundleError(where + ": " + *problem);
        out.push_back(std::move(e));
    }
}

}  // namespace

OutputBundleContent read_output_bundle(const json& bundle, const fs::path& output_dir, const Vocabulary& vocabulary) {
    if (!bundle.is_object()) throw BundleError("the output bundle must be a JSON object, not " + describe(bundle));
    OutputBundleContent out;
    if (bundle.contains("index") && !bundle["index"].is_null()) {
        if (!bundle["index"].is_string())
            throw BundleError("output bundle: index must be a string or null, not " + describe(bundle["index"]));
        out.index = bundle["index"].get<std::string>();
    }
    check_provenance(bundle);
    read_section(bundle, "plots", OutputType::Plot, output_dir, vocabulary, out.entries);
    read_section(bundle, "data", OutputType::Data, output_dir, vocabulary, out.entries);
    read_section(bundle, "html", OutputType::Html, output_dir, vocabulary, out.entries);
    read_section(bundle, "metrics", std::nullopt, output_dir, vocabulary, out.entries);
    return out;
}

}  // namespace ref::results
