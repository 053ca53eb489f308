#include "cli/table.hpp"

#include <algorithm>

namespace ref::cli {

void Table::print(std::ostream& out) const {
    std::vector<std::size_t> width(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        width[c] = columns[c].size();
        for (const auto& row : rows) width[c] = std::max(width[c], row.at(c).size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            text += cells[c];
            if (c + 1 < cells.size()) text += std::string(width[c] - cells[c].size() + 2, ' ');
        }
        out << text << '\n';
    };
    line(columns);
    std::vector<std::string> rule;
    for (auto w : width) rule.emplace_back(w, '-');
    line(rule);
    for (const auto& row : rows) line(row);
}

std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

void Table::print_csv(std::ostream& out) const {
    const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c) out << (c ? "," : "") << csv_cell(cells[c]);
        out << '\n';
    };
    line(columns);
    for (const auto& row : rows) line(row);
}

nlohmann::json Table::to_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows) {
        nlohmann::json obj = nlohmann::json::object();
        for (std::size_t c = 0; c < columns.size(); ++c) obj[columns[c]] = row.at(c);
        out.push_back(obj);
    }
    return out;
}

}  // namespace ref::cli
