// Plain-text tables for the terminal, and the same rows as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace ref::cli {

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    void print(std::ostream& out) const;
    // A JSON array of objects keyed by column name.
    nlohmann::json to_json() const;
};

}  // namespace ref::cli
