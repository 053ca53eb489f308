// `datasets list-reference` (what the providers' diagnostics need besides model output, and
// whether it is ingested) and `datasets fetch-data` (a registry's files from a local mirror,
// each checked against its recorded checksum).
#include "catalog/solver_catalog.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "ref/tooling/digest.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace ref::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool is_reference_type(solver::SourceType type) {
    return type != solver::SourceType::Cmip6 && type != solver::SourceType::Cmip7;
}

// "variable_id=ts,pr source_id=ERA-5 | variable_id=tas": filters OR-ed with " | ".
std::string filter_text(const std::vector<solver::FacetFilter>& filters) {
    if (filters.empty()) return "(everything)";
    std::string out;
    for (const auto& filter : filters) {
        if (!out.empty()) out += " | ";
        std::string one;
        for (const auto& [facet, values] : filter) {
            if (!one.empty()) one += ' ';
            one += facet + "=";
            for (std::size_t i = 0; i < values.size(); ++i) one += (i ? "," : "") + values[i];
        }
        out += one;
    }
    return out;
}

struct Registry {
    std::string name, provider, source_type, description;
    std::vector<std::pair<std::string, std::string>> files;  // key, "algorithm:hex" or ""
};

// Registries the loaded providers declare, by name.
std::map<std::string, Registry> declared_registries(const host::PluginRegistry& plugins) {
    std::map<std::string, Registry> out;
    for (const auto& plugin : plugins.plugins()) {
        const auto& d = plugin->declaration();
        auto list = d.raw.find("registries");
        if (list == d.raw.end() || !list->is_array()) continue;
        for (const auto& r : *list) {
            Registry registry;
            registry.name = r.at("name").get<std::string>();
            registry.provider = d.slug;
            registry.source_type = r.value("source_type", json()).is_string() ? r["source_type"].get<std::string>() : "";
            registry.description = r.value("description", json()).is_string() ? r["description"].get<std::string>() : "";
            for (const auto& f : r.at("files"))
                registry.files.emplace_back(f.at("key").get<std::string>(),
                                            f.value("checksum", json()).is_string() ? f["checksum"].get<std::string>() : "");
            out.emplace(registry.name, std::move(registry));
        }
    }
    return out;
}

// A registry file: one `<key> <checksum>` per line (pooch's format); `#` starts a comment.
// A bare 64-hex checksum is SHA-256, 40-hex SHA-1, 32-hex MD5.
Registry read_registry_file(const fs::path& file, const std::string& name) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read the registry file " + file.string());
    Registry registry;
    registry.name = name;
    registry.provider = "(file)";
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string key, checksum, extra;
        if (!(words >> key)) continue;
        if (!(words >> checksum) || (words >> extra))
            throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": expected '<key> <checksum>'");
        registry.files.emplace_back(key, checksum);
    }
    return registry;
}

// ("sha256", hex) from "sha256:<hex>" or a bare hex digest; nullopt when unrecognised.
std::optional<std::pair<std::string, std::string>> parse_checksum(const std::string& text) {
    std::string algorithm, hex = text;
    if (auto colon = text.find(':'); colon != std::string::npos) {
        algorithm = text.substr(0, colon);
        hex = text.substr(colon + 1);
    }
    for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (hex.empty() || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
    if (algorithm.empty()) algorithm = hex.size() == 64 ? "sha256" : hex.size() == 40 ? "sha1" : hex.size() == 32 ? "md5" : "";
    const std::size_t expected = algorithm == "sha256" ? 64 : algorithm == "sha1" ? 40 : algorithm == "md5" ? 32 : 0;
    if (expected == 0 || hex.size() != expected) return std::nullopt;
    return std::make_pair(algorithm, hex);
}

bool is_safe_key(const std::string& key) {
    const fs::path p(key);
    if (key.empty() || p.is_absolute()) return false;
    for (const auto& part : p)
        if (part == ".." || part == ".") return false;
    return true;
}

}  // namespace

po::options_description datasets_list_reference_options() {
    po::options_description desc("datasets list-reference options");
    desc.add_options()
        ("provider", po::value<std::vector<std::string>>()->composing(), "only this provider (repeatable)")
        ("missing", "only requirements nothing ingested satisfies")
        ("format", po::value<std::string>()->default_value("table"), "table or json");
    return desc;
}

int datasets_list_reference(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    const auto config = load_config(ctx);
    const auto plugins = discover_plugins(config);
    std::vector<std::string> wanted;
    if (ctx.options.count("provider")) wanted = ctx.options["provider"].as<std::vector<std::string>>();
    for (const auto& slug : wanted)
        if (!plugins.find_provider(slug)) throw UsageError("no loaded provider is called '" + slug + "'");
    const bool only_missing = ctx.options.count("missing") > 0;

    auto db = open_store(config);
    std::map<solver::SourceType, std::shared_ptr<solver::CatalogTable>> catalogs;
    auto catalog_of = [&](solver::SourceType type) -> const solver::CatalogTable& {
        auto& table = catalogs[type];
        if (!table) table = catalog::load_solver_catalog(*db, type);
        return *table;
    };

    Table table{{"provider", "diagnostic", "source_type", "filter", "datasets", "status"}, {}};
    json rows = json::array();
    std::size_t missing = 0;
    for (const auto& plugin : plugins.plugins()) {
        const auto& provider = plugin->declaration();
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), provider.slug) == wanted.end()) continue;
        for (const auto& diagnostic : provider.diagnostics) {
            std::set<std::pair<std::string, std::string>> seen;  // the CMIP6 and CMIP7 variants repeat references
            for (const auto& collection : diagnostic.data_requirements) {
                for (const auto& requirement : collection) {
                    if (!is_reference_type(requirement.source_type)) continue;
                    const std::string type(solver::to_string(requirement.source_type));
                    const std::string filter = filter_text(requirement.filters);
                    if (!seen.emplace(type, filter).second) continue;
                    const auto& catalog = catalog_of(requirement.source_type);
                    std::set<int64_t> datasets;
                    for (uint32_t row : solver::apply_filters(catalog, requirement.filters)) datasets.insert(catalog.label(row));
                    const bool ingested = !datasets.empty();
                    if (!ingested) ++missing;
                    if (only_missing && ingested) continue;
                    const std::string status = ingested ? "ingested" : "missing";
                    table.rows.push_back({provider.slug, diagnostic.slug, type, filter, std::to_string(datasets.size()), status});
                    rows.push_back({{"provider", provider.slug}, {"diagnostic", diagnostic.slug}, {"source_type", type},
                                    {"filter", filter}, {"datasets", datasets.size()}, {"status", status}});
                }
            }
        }
    }
    if (format == "json") std::cout << rows.dump(2) << '\n';
    else table.print(std::cout);
    if (missing > 0 && format == "table")
        spdlog::info("{} reference requirement(s) have no ingested dataset: fetch them (`datasets fetch-data`) and ingest them", missing);
    return 0;
}

po::options_description datasets_fetch_data_options() {
    po::options_description desc("datasets fetch-data options");
    desc.add_options()
        ("registry", po::value<std::string>(), "the registry to fetch (required; see the list this command prints)")
        ("from", po::value<std::string>(), "a local mirror: the registry's files at <DIR>/<key> (required)")
        ("output-directory", po::value<std::string>(), "where the files go (default <paths.dataset_cache>/<registry>)")
        ("registry-file", po::value<std::string>(), "read the registry from this file (`<key> <checksum>` lines) instead")
        ("symlink", "link to the mirror's files instead of copying them (after checking them)")
        ("allow-unverified", "also take files the registry records no checksum for");
    return desc;
}

int datasets_fetch_data(const CommandContext& ctx) {
    const auto config = load_config(ctx);
    if (!ctx.options.count("registry")) throw UsageError("--registry is required");
    if (!ctx.options.count("from")) throw UsageError("--from DIR is required (files are copied from a local mirror)");
    const std::string name = ctx.options["registry"].as<std::string>();
    const fs::path mirror = ctx.options["from"].as<std::string>();

    Registry registry;
    if (ctx.options.count("registry-file")) {
        registry = read_registry_file(ctx.options["registry-file"].as<std::string>(), name);
    } else {
        const auto plugins = discover_plugins(config);
        auto registries = declared_registries(plugins);
        auto it = registries.find(name);
        if (it == registries.end()) {
            std::string names;
            for (const auto& [n, r] : registries) names += (names.empty() ? "" : ", ") + n + " (" + r.provider + ")";
            spdlog::error("unknown registry '{}'; the loaded providers declare: {}", name, names.empty() ? "none" : names);
            spdlog::error("a registry of your own can be given with --registry-file FILE");
            return 1;
        }
        registry = it->second;
    }
    std::error_code ec;
    if (!fs::is_directory(mirror, ec)) {
        spdlog::error("the mirror {} is not a directory", mirror.string());
        return 1;
    }
    const fs::path out = ctx.options.count("output-directory") ? fs::path(ctx.options["output-directory"].as<std::string>())
                                                               : config.dataset_cache / registry.name;
    const bool symlink = ctx.options.count("symlink") > 0;
    const bool allow_unverified = ctx.options.count("allow-unverified") > 0;

    std::size_t copied = 0, present = 0, failed = 0, done = 0;
    const std::size_t total = registry.files.size();
    spdlog::info("fetching {} file(s) of registry '{}' from {} into {}", total, registry.name, mirror.string(), out.string());
    for (const auto& [key, checksum_text] : registry.files) {
        ++done;
        auto fail = [&](const std::string& why) {
            ++failed;
            spdlog::error("{}: {}", key, why);
        };
        if (!is_safe_key(key)) {
            fail("not a relative path inside the registry");
            continue;
        }
        std::optional<std::pair<std::string, std::string>> checksum;
        if (!checksum_text.empty()) {
            checksum = parse_checksum(checksum_text);
            if (!checksum) {
                fail("unrecognised checksum '" + checksum_text + "' (sha256:<hex>, sha1:<hex>, md5:<hex> or bare hex)");
                continue;
            }
        } else if (!allow_unverified) {
            fail("the registry records no checksum for it (--allow-unverified takes it anyway)");
            continue;
        }
        const fs::path target = out / key;
        const fs::path source = mirror / key;
        try {
            auto matches = [&](const fs::path& file) {
                return !checksum || tooling::file_digest_hex(checksum->first, file) == checksum->second;
            };
            if (fs::exists(target, ec) && matches(target)) {
                ++present;
                continue;
            }
            if (!fs::is_regular_file(source, ec)) {
                fail("not in the mirror (" + source.string() + ")");
                continue;
            }
            if (checksum) {
                const std::string actual = tooling::file_digest_hex(checksum->first, source);
                if (actual != checksum->second) {
                    fail(checksum->first + " mismatch: the mirror's file has " + actual + ", the registry records " +
                         checksum->second);
                    continue;
                }
            } else {
                spdlog::warn("{}: taken unverified (no checksum recorded)", key);
            }
            fs::create_directories(target.parent_path());
            // A temporary name, then a rename: an interrupted fetch never leaves a partial file under the key.
            const fs::path partial = target.string() + ".partial";
            fs::remove(partial, ec);
            if (symlink) fs::create_symlink(fs::absolute(source), partial);
            else fs::copy_file(source, partial, fs::copy_options::overwrite_existing);
            if (!symlink && checksum && !matches(partial)) {
                fs::remove(partial, ec);
                fail("the copy does not match its checksum (disk trouble?)");
                continue;
            }
            fs::rename(partial, target);
            ++copied;
        } catch (const std::exception& e) {
            fail(e.what());
        }
        if (total >= 20 && done % 20 == 0) spdlog::info("{}/{} files", done, total);
    }
    std::cout << registry.name << ": " << copied << " fetched, " << present << " already present, " << failed
              << " failed (" << out.string() << ")\n";
    if (failed == 0 && !registry.source_type.empty())
        std::cout << "ingest them with: ref-engine datasets ingest --source-type " << registry.source_type << " "
                  << out.string() << '\n';
    return failed == 0 ? 0 : 1;
}

}  // namespace ref::cli
