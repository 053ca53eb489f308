// `db migrate|status`: the database schema.
#include "cli/commands.hpp"
#include "store/migrations.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace ref::cli {

namespace po = boost::program_options;

po::options_description db_options() { return po::options_description("db options"); }

namespace {

std::unique_ptr<store::Database> open(const config::Config& config, store::DatabaseUrl& url) {
    url = store::parse_database_url(config.database_url);
    return store::open_database(url);
}

}  // namespace

int db_migrate(const CommandContext& ctx) {
    const config::Config config = load_config(ctx);
    store::DatabaseUrl url;
    auto db = open(config, url);
    const auto applied = store::migrate(*db, [](const store::Migration& m) {
        spdlog::info("applying migration {} ({})", m.version, m.name);
    });
    const auto status = store::schema_status(*db);
    std::cout << "database: " << url.redacted() << '\n'
              << (applied.empty() ? "already up to date" : "applied " + std::to_string(applied.size()) + " migration(s)")
              << ", schema version " << status.current << '\n';
    return 0;
}

int db_status(const CommandContext& ctx) {
    const config::Config config = load_config(ctx);
    store::DatabaseUrl url;
    auto db = open(config, url);
    const auto status = store::schema_status(*db);
    std::cout << "database:       " << url.redacted() << '\n'
              << "dialect:        " << store::dialect_name(db->dialect()) << '\n'
              << "schema version: " << status.current << " (this ref-engine knows up to " << status.latest << ")\n"
              << "state:          "
              << (status.newer_than_known() ? "newer than this ref-engine: upgrade ref-engine"
                  : status.up_to_date()     ? "up to date"
                                            : std::to_string(status.pending.size()) + " migration(s) pending: run `ref-engine db migrate`")
              << '\n';
    return status.newer_than_known() ? 1 : 0;
}

}  // namespace ref::cli
