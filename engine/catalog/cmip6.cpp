// CMIP6 (datasets.md §3.2): the complete parser reads the header, the drs parser only the path.
#include "catalog/detail.hpp"

#include <charconv>
#include <map>

namespace ref::catalog::detail {

namespace {

const std::vector<std::string> kGlobalAttributes = {
    "activity_id", "branch_method", "branch_time_in_child", "branch_time_in_parent", "experiment", "experiment_id",
    "frequency", "grid", "grid_label", "institution_id", "nominal_resolution", "parent_activity_id",
    "parent_experiment_id", "parent_source_id", "parent_time_units", "parent_variant_label", "product", "realm",
    "source_id", "source_type", "sub_experiment", "sub_experiment_id", "table_id", "variable_id", "variant_label"};

// The drs parser's only source of a frequency.
const std::map<std::string, std::string>& table_frequencies() {
    static const std::map<std::string, std::string> table = [] {
        const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
            {"mon", {"Amon", "Omon", "Lmon", "LImon", "SImon", "AERmon", "CFmon", "Emon", "AmonZ", "EmonZ"}},
            {"fx", {"Ofx", "fx", "Efx", "Lfx", "SIfx", "AERfx"}},
            {"day", {"day", "Eday", "CFday", "EdayZ", "Oday"}},
            {"yr", {"Oyr", "Eyr", "IyrAnt", "IyrGre"}},
            {"3hr", {"3hr", "E3hr", "CF3hr"}},
            {"6hr", {"6hrLev", "6hrPlev", "6hrPlevPt"}},
            {"1hr", {"1hr"}},
            {"monC", {"Oclim", "Aclim", "OmonC"}},
        };
        std::map<std::string, std::string> out;
        for (const auto& [frequency, tables] : groups) {
            for (const auto& t : tables) out[t] = frequency;
        }
        return out;
    }();
    return table;
}

FileMetadata parse_complete(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const NetcdfHeader header(record.path);
    auto& f = record.facets;
    for (const auto& name : kGlobalAttributes) f[name] = text_value(header.global(name));
    f["branch_time_in_child"] = clean_branch_time(header.global("branch_time_in_child"));
    f["branch_time_in_parent"] = clean_branch_time(header.global("branch_time_in_parent"));
    // The sub-experiment prefix is not added (§3.2), so DCPP start dates share an instance id.
    f["member_id"] = f["variant_label"];

    if (const auto* variable = std::get_if<std::string>(&f["variable_id"])) {
        for (const char* name : {"standard_name", "long_name", "units"}) f[name] = text_value(header.attribute(*variable, name));
    }
    f["vertical_levels"] = header.vertical_levels();

    finish_cmip_complete(record, header, type);
    return record;
}

FileMetadata parse_drs(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const auto parts = split(file_stem(record.path), '_');
    if (parts.size() != 6 && parts.size() != 7) {
        throw InvalidFile("cannot parse the CMIP6 file name: expected 6 or 7 '_'-separated parts "
                          "(variable_table_source_experiment_member_grid[_timerange]), found " +
                          std::to_string(parts.size()));
    }
    const std::string& variable_id = parts[0];
    const std::string& table_id = parts[1];
    const std::string& source_id = parts[2];
    std::string member_id = parts[4];

    // activity and institution sit just above the source folder; the grid just below the variable folder.
    const std::string_view parent = directory_of(record.path);
    auto [activity_id, institution_id] = activity_and_institution(parent, source_id, "CMIP6");
    const auto variable_at = parent.find("/" + variable_id + "/");
    if (variable_at == std::string_view::npos) {
        throw InvalidFile("cannot parse the CMIP6 directory: expected " + variable_id + "/<grid> in the path");
    }
    const std::string_view below_variable = parent.substr(variable_at + variable_id.size() + 2);
    std::string grid_label(below_variable.substr(0, below_variable.find('/')));

    // Sub-experiment members (s1960-r1i1p1f1): the start year must be a number but is then dropped.
    if (member_id.rfind('s', 0) == 0) {
        const std::string year = split(member_id, '-').front().substr(1);
        double ignored = 0.0;
        const auto r = std::from_chars(year.data(), year.data() + year.size(), ignored);
        if (year.empty() || r.ec != std::errc() || r.ptr != year.data() + year.size()) {
            throw InvalidFile("cannot parse the sub-experiment member '" + member_id + "': no start year after 's'");
        }
        member_id = split(member_id, '-').back();
    }

    auto& f = record.facets;
    f["variable_id"] = variable_id;
    f["table_id"] = table_id;
    f["source_id"] = source_id;
    f["experiment_id"] = parts[3];
    f["variant_label"] = member_id;
    f["member_id"] = std::move(member_id);
    f["grid_label"] = std::move(grid_label);
    f["activity_id"] = std::move(activity_id);
    f["institution_id"] = std::move(institution_id);
    if (const auto it = table_frequencies().find(table_id); it != table_frequencies().end()) f["frequency"] = it->second;

    if (parts.size() == 7) std::tie(record.start_time, record.end_time) = drs_time_range(parts[6]);
    record.version = version_from_path(parent);
    record.finalised = false;
    // The real calendar is unknown until finalisation (§4.2).
    finish_record(record, type, "standard");
    return record;
}

}  // namespace

FileMetadata parse_cmip6(const std::string& file, Parser parser, const TypeInfo& type) {
    return guarded(file, [&] { return parser == Parser::Complete ? parse_complete(file, type) : parse_drs(file, type); });
}

}  // namespace ref::catalog::detail
