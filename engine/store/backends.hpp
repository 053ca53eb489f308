// The concrete backends behind open_database().
#pragma once

#include "store/database.hpp"

namespace ref::store {

std::unique_ptr<Database> open_sqlite(const std::string& path);
std::unique_ptr<Database> open_postgres(const DatabaseUrl& url);

}  // namespace ref::store
