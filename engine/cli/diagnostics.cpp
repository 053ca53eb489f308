// `diagnostics list`: every diagnostic the loaded providers declare.
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "host/registry.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <set>

namespace ref::cli {

namespace po = boost::program_options;

po::options_description diagnostics_list_options() {
    po::options_description desc("diagnostics list options");
    desc.add_options()("provider", po::value<std::vector<std::string>>()->composing(),
                       "only diagnostics of this provider (repeatable)")(
        "format", po::value<std::string>()->default_value("table"), "table or json");
    return desc;
}

int diagnostics_list(const CommandContext& ctx) {
    const std::string format = output_format(ctx, {"table", "json"});
    std::vector<std::string> providers;
    if (ctx.options.count("provider")) providers = ctx.options["provider"].as<std::vector<std::string>>();

    const config::Config config = load_config(ctx);
    const host::PluginRegistry registry = discover_plugins(config);
    for (const auto& slug : providers)
        if (!registry.find_provider(slug)) throw UsageError("no loaded provider is called '" + slug + "'");

    Table table{{"provider", "diagnostic", "name", "version", "source_types", "facets"}, {}};
    for (const auto& plugin : registry.plugins()) {
        const auto& decl = plugin->declaration();
        if (!providers.empty() && std::find(providers.begin(), providers.end(), decl.slug) == providers.end()) continue;
        for (const auto& d : decl.diagnostics) {
            std::set<std::string> types;
            for (const auto& collection : d.data_requirements)
                for (const auto& r : collection) types.insert(std::string(solver::to_string(r.source_type)));
            std::string type_list, facets;
            for (const auto& t : types) type_list += (type_list.empty() ? "" : ",") + t;
            for (const auto& f : d.facets) facets += (facets.empty() ? "" : ",") + f;
            table.rows.push_back({decl.slug, d.slug, d.name, std::to_string(d.version), type_list, facets});
        }
    }
    if (format == "json") std::cout << table.to_json().dump(2) << '\n';
    else table.print(std::cout);
    return 0;
}

}  // namespace ref::cli
