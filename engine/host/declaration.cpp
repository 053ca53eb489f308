#include "host/declaration.hpp"

#include "ref/plugin.h"

#include <algorithm>
#include <set>

namespace ref::host {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw DeclarationError(where.empty() ? what : where + ": " + what);
}

std::string required_string(const json& obj, const char* name, const std::string& where) {
    auto it = obj.find(name);
    if (it == obj.end()) fail(where, std::string("missing '") + name + "'");
    if (!it->is_string() || it->get<std::string>().empty()) fail(where + "." + name, "expected a non-empty string");
    return it->get<std::string>();
}

std::string required_slug(const json& obj, const std::string& where) {
    std::string slug = required_string(obj, "slug", where);
    if (!is_valid_slug(slug))
        fail(where + ".slug", "'" + slug + "' is not a valid slug (letters, digits, '-', '_', '.'; one path segment)");
    return slug;
}

DiagnosticDeclaration parse_diagnostic(const json& obj, const std::string& where) {
    if (!obj.is_object()) fail(where, "expected an object");
    DiagnosticDeclaration d;
    d.slug = required_slug(obj, where);
    d.name = required_string(obj, "name", where);
    if (auto it = obj.find("version"); it != obj.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 1) fail(where + ".version", "expected an integer >= 1");
        d.version = it->get<int>();
    }
    if (auto it = obj.find("facets"); it != obj.end()) {
        if (!it->is_array()) fail(where + ".facets", "expected a list of strings");
        for (const auto& f : *it) {
            if (!f.is_string()) fail(where + ".facets", "expected a list of strings");
            d.facets.push_back(f.get<std::string>());
        }
    }
    auto reqs = obj.find("data_requirements");
    if (reqs == obj.end()) fail(where, "missing 'data_requirements'");
    try {
        d.data_requirements = solver::parse_requirements(*reqs, where + ".data_requirements");
    } catch (const solver::RequirementError& e) {
        throw DeclarationError(std::string(e.what()) + " (diagnostic '" + d.slug + "')");
    }
    d.raw = obj;
    return d;
}

// A registry key is a relative path that stays inside the registry's folder.
bool is_safe_key(const std::string& key) {
    if (key.empty() || key.front() == '/') return false;
    std::size_t start = 0;
    while (start <= key.size()) {
        const std::size_t end = std::min(key.find('/', start), key.size());
        const std::string part = key.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

namespace {

// The provider-level members the engine reads: environment and registries.
void check_provider_extras(const json& provider) {
    if (auto env = provider.find("environment"); env != provider.end() && !env->is_null()) {
        if (!env->is_object()) fail("provider.environment", "expected an object");
        const std::string kind = required_string(*env, "kind", "provider.environment");
        if (kind != "conda") fail("provider.environment.kind", "unknown environment kind '" + kind + "' (conda)");
        if (!is_valid_slug(required_string(*env, "name", "provider.environment")))
            fail("provider.environment.name", "not a valid folder name");
    }
    auto registries = provider.find("registries");
    if (registries == provider.end() || registries->is_null()) return;
    if (!registries->is_array()) fail("provider.registries", "expected a list");
    for (std::size_t i = 0; i < registries->size(); ++i) {
        const std::string where = "provider.registries[" + std::to_string(i) + "]";
        const json& r = (*registries)[i];
        if (!r.is_object()) fail(where, "expected an object");
        // A registry's name is a folder of the dataset cache; the REF's recipe registries carry a
        // version with '+' ("esmvaltool-recipes-v2.14.0.dev65+gb827ce01b").
        std::string name = required_string(r, "name", where);
        std::replace(name.begin(), name.end(), '+', '_');
        if (!is_valid_slug(name)) fail(where + ".name", "not a valid registry name (letters, digits, '-', '_', '.', '+')");
        auto files = r.find("files");
        if (files == r.end() || !files->is_array()) fail(where + ".files", "expected a list");
        for (std::size_t j = 0; j < files->size(); ++j) {
            const std::string at = where + ".files[" + std::to_string(j) + "]";
            const json& f = (*files)[j];
            if (!f.is_object()) fail(at, "expected an object");
            if (!is_safe_key(required_string(f, "key", at))) fail(at + ".key", "must be a relative path inside the registry");
            auto checksum = f.find("checksum");
            if (checksum != f.end() && !checksum->is_null() && !checksum->is_string()) fail(at + ".checksum", "expected a string or null");
        }
    }
}

}  // namespace

bool is_valid_slug(const std::string& slug) {
    if (slug.empty() || slug == "." || slug == ".." || slug.size() > 128) return false;
    return std::all_of(slug.begin(), slug.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

ProviderDeclaration parse_declaration(const std::string& text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        fail("", std::string("declaration is not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) fail("", "declaration must be a JSON object");
    auto schema = doc.find("schema_version");
    if (schema == doc.end() || !schema->is_number_integer()) fail("", "declaration has no integer 'schema_version'");
    if (schema->get<int>() != REF_DECLARATION_SCHEMA_VERSION)
        fail("schema_version", "unsupported declaration schema version " + std::to_string(schema->get<int>()) +
                                   " (this engine reads " + std::to_string(REF_DECLARATION_SCHEMA_VERSION) + ")");
    auto provider = doc.find("provider");
    if (provider == doc.end() || !provider->is_object()) fail("", "missing 'provider' object");

    ProviderDeclaration out;
    out.slug = required_slug(*provider, "provider");
    out.name = required_string(*provider, "name", "provider");
    out.version = required_string(*provider, "version", "provider");
    check_provider_extras(*provider);
    out.raw = *provider;

    auto diagnostics = doc.find("diagnostics");
    if (diagnostics == doc.end() || !diagnostics->is_array()) fail("", "missing 'diagnostics' list");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < diagnostics->size(); ++i) {
        const std::string where = "diagnostics[" + std::to_string(i) + "]";
        DiagnosticDeclaration d = parse_diagnostic((*diagnostics)[i], where);
        if (!seen.insert(d.slug).second) fail(where + ".slug", "duplicate diagnostic slug '" + d.slug + "'");
        out.diagnostics.push_back(std::move(d));
    }
    return out;
}

}  // namespace ref::host
