#include "catalog/csv_catalog.hpp"

#include "catalog/detail.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>
#include <set>

namespace ref::catalog {

namespace fs = std::filesystem;

bool read_csv_record(std::istream& in, std::vector<std::string>& fields, std::size_t& line_number) {
    fields.clear();
    std::string line;
    if (!std::getline(in, line)) return false;
    ++line_number;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0;; ++i) {
        if (i == line.size()) {
            if (!quoted) break;
            std::string next;  // a quoted field goes on on the next line
            if (!std::getline(in, next)) throw CatalogError("line " + std::to_string(line_number) + ": unterminated quoted field");
            ++line_number;
            field += '\n';
            line = next;
            i = static_cast<std::size_t>(-1);
            continue;
        }
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(std::move(field));
    return true;
}

namespace {

std::string substitute(std::string text, const std::map<std::string, std::string>& substitutions) {
    for (const auto& [key, value] : substitutions) {
        const std::string token = "{" + key + "}";
        for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size()))
            text.replace(at, token.size(), value);
    }
    return text;
}

// The version when the catalog has no column for it (datasets.md §2.3).
std::string version_of_path(const fs::path& path, solver::SourceType type) {
    if (type == solver::SourceType::Cmip6 || type == solver::SourceType::Cmip7)
        return detail::version_from_path(path.parent_path().native());
    std::string folder = path.parent_path().filename().string();
    return folder.empty() || folder[0] == 'v' ? folder : "v" + folder;
}

store::Value typed(const std::string& column, const std::string& text) {
    if (text.empty()) return std::monostate{};
    if (column == "branch_time_in_child" || column == "branch_time_in_parent") return detail::clean_branch_time(text);
    if (column == "vertical_levels" || column == "tier") {
        try {
            std::size_t used = 0;
            const long long n = std::stoll(text, &used);
            if (used == text.size()) return static_cast<int64_t>(n);
        } catch (const std::exception&) {
        }
        throw std::invalid_argument(column + " must be a whole number, not '" + text + "'");
    }
    return text;
}

}  // namespace

std::vector<FileMetadata> read_csv_catalog(const fs::path& csv, const Adapter& adapter,
                                           const std::map<std::string, std::string>& substitutions,
                                           std::vector<Problem>& problems) {
    std::vector<FileMetadata> all;
    for_each_csv_chunk(csv, adapter, substitutions, std::numeric_limits<std::size_t>::max(), problems,
                       [&](std::vector<FileMetadata> rows) { std::move(rows.begin(), rows.end(), std::back_inserter(all)); });
    return all;
}

void for_each_csv_chunk(const fs::path& csv, const Adapter& adapter, const std::map<std::string, std::string>& substitutions,
                        std::size_t chunk_size, std::vector<Problem>& problems,
                        const std::function<void(std::vector<FileMetadata>)>& consume) {
    std::ifstream in(csv);
    if (!in) throw CatalogError("cannot read catalog " + csv.string());
    std::vector<std::string> header;
    std::size_t line = 0;
    if (!read_csv_record(in, header, line)) throw CatalogError(csv.string() + ": the catalog is empty");
    for (auto& h : header) h.erase(std::remove_if(h.begin(), h.end(), [](char c) { return c == ' ' || c == '\t'; }), h.end());

    auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
        auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? std::nullopt : std::optional<std::size_t>(static_cast<std::size_t>(it - header.begin()));
    };
    std::vector<std::string> missing;
    if (!index_of("path")) missing.push_back("path");
    for (const auto& c : adapter.identity_columns())
        if (!index_of(c)) missing.push_back(c);
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw CatalogError(csv.string() + ": the catalog lacks the column(s) " + list);
    }
    const std::size_t path_index = *index_of("path");
    const auto start_index = index_of("start_time"), end_index = index_of("end_time"), tracking_index = index_of("tracking_id");
    std::vector<std::pair<std::string, std::size_t>> known;
    for (const auto& c : adapter.columns())
        if (auto i = index_of(c)) known.emplace_back(c, *i);
    const auto& type = detail::type_info(adapter.source_type());

    std::vector<FileMetadata> out;
    std::vector<std::string> fields;
    for (;;) {
        std::size_t row_line = line + 1;
        try {
            if (!read_csv_record(in, fields, line)) break;
        } catch (const CatalogError& e) {
            problems.push_back({csv.string(), e.what()});
            break;
        }
        const std::string where = csv.string() + ":" + std::to_string(row_line);
        if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
        if (fields.size() != header.size()) {
            problems.push_back({where, "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(fields.size())});
            continue;
        }
        try {
            const fs::path path = substitute(fields[path_index], substitutions);
            if (!path.is_absolute())
                throw std::invalid_argument("path '" + path.string() + "' is not absolute (use --set KEY=VALUE for {KEY} placeholders)");
            FileMetadata record = detail::empty_record(path.native(), type);
            for (const auto& [column, index] : known) record.facets[column] = typed(column, fields[index]);
            store::Value* version = record.facets.find("version");
            if (version && std::holds_alternative<std::monostate>(*version)) *version = version_of_path(path, adapter.source_type());
            record.version = version ? std::get<std::string>(*version) : version_of_path(path, adapter.source_type());
            std::string calendar = "standard";
            if (const auto* c = record.facets.find("calendar"); c && std::holds_alternative<std::string>(*c))
                calendar = std::get<std::string>(*c);
            if (start_index && !fields[*start_index].empty()) record.start_time = fields[*start_index];
            if (end_index && !fields[*end_index].empty()) record.end_time = fields[*end_index];
            if (tracking_index && !fields[*tracking_index].empty()) record.tracking_id = fields[*tracking_index];
            if (adapter.source_type() == solver::SourceType::Cmip6) {  // as the complete parser: member_id := variant_label
                store::Value* member = record.facets.find("member_id");
                const store::Value* variant = record.facets.find("variant_label");
                if (member && variant && std::holds_alternative<std::monostate>(*member)) *member = *variant;
            }
            record.finalised = true;
            detail::finish_record(record, type, calendar);
            // A full chunk is handed on where a dataset ends, so adjacent rows of one dataset
            // register together.
            if (out.size() >= chunk_size && out.back().instance_id != record.instance_id) consume(std::exchange(out, {}));
            out.push_back(std::move(record));
        } catch (const std::exception& e) {
            problems.push_back({where, e.what()});
        }
    }
    if (!out.empty()) consume(std::move(out));
}

}  // namespace ref::catalog
