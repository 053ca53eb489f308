#include "scratch_database.hpp"

#include <fstream>
#include <random>

namespace ref::test {

std::string postgres_admin_url() {
    std::ifstream in(REF_TEST_POSTGRES_URL_FILE);
    std::string url;
    std::getline(in, url);
    return url;
}

ScratchDatabase::ScratchDatabase(store::Dialect dialect) {
    if (dialect == store::Dialect::Sqlite) {
        url_ = store::parse_database_url("sqlite:///" + (dir_.path() / "ref.db").string());
    } else {
        const std::string admin = postgres_admin_url();
        if (admin.empty()) return;
        std::random_device rd;
        name_ = "ref_test_" + std::to_string(rd()) + std::to_string(rd());
        store::open_database(store::parse_database_url(admin))->execute_script("CREATE DATABASE " + name_);
        url_ = store::parse_database_url(admin.substr(0, admin.rfind('/') + 1) + name_);
    }
    db_ = store::open_database(url_);
}

ScratchDatabase::~ScratchDatabase() {
    db_.reset();
    if (!name_.empty())
        store::open_database(store::parse_database_url(postgres_admin_url()))
            ->execute_script("DROP DATABASE " + name_ + " WITH (FORCE)");
}

}  // namespace ref::test
