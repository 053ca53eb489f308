// Plain-text tables for the terminal, and the same rows as CSV or JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace ref::cli {

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
std::string csv_cell(const std::string& text);

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    void print(std::ostream& out) const;
    // RFC 4180 CSV: a header line, then one line per row.
    void print_csv(std::ostream& out) const;
    // A JSON array of objects keyed by column name.
    nlohmann::json to_json() const;
};

}  // namespace ref::cli
