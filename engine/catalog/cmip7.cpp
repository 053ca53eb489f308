// CMIP7 (datasets.md §3.3): the complete parser demands the MIP-DRS7 attributes; the drs parser reads the path.
#include "catalog/detail.hpp"

namespace ref::catalog::detail {

namespace {

// Missing or empty -> invalid file. branded_variable is checked but not stored (it is rebuilt on load).
const std::vector<std::string> kMandatory = {
    "variable_id", "activity_id", "institution_id", "source_id", "experiment_id", "variant_label", "grid_label",
    "frequency", "region", "branding_suffix", "branded_variable", "mip_era", "realm", "nominal_resolution",
    "license_id", "tracking_id"};

const std::vector<std::string> kOptional = {
    "branch_time_in_child", "branch_time_in_parent", "parent_activity_id", "parent_experiment_id", "parent_mip_era",
    "parent_source_id", "parent_time_units", "parent_variant_label", "external_variables"};

FileMetadata parse_complete(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const NetcdfHeader header(record.path);
    auto& f = record.facets;

    std::string missing;
    for (const auto& name : kMandatory) {
        const auto value = header.global(name);
        if (!value || value->empty()) {
            missing += (missing.empty() ? "" : ", ") + name;
        } else if (name == "tracking_id") {
            record.tracking_id = *value;
        } else if (f.count(name)) {
            f[name] = *value;
        }
    }
    if (!missing.empty()) throw InvalidFile("missing or empty mandatory global attributes: " + missing);

    for (const auto& name : kOptional) f[name] = text_value(header.global(name));
    f["branch_time_in_child"] = clean_branch_time(header.global("branch_time_in_child"));
    f["branch_time_in_parent"] = clean_branch_time(header.global("branch_time_in_parent"));
    const std::string variable = std::get<std::string>(f["variable_id"]);
    for (const char* name : {"standard_name", "long_name", "units"}) f[name] = text_value(header.attribute(variable, name));

    finish_cmip_complete(record, header, type);
    return record;
}

FileMetadata parse_drs(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const auto parts = split(file_stem(record.path), '_');
    if (parts.size() != 8 && parts.size() != 9) {
        throw InvalidFile("cannot parse the CMIP7 file name: expected 8 or 9 '_'-separated parts "
                          "(variable_branding_frequency_region_grid_source_experiment_variant[_timerange]), found " +
                          std::to_string(parts.size()));
    }
    const std::string& source_id = parts[5];
    // MIP-DRS7: .../<activity>/<institution>/<source>/<experiment>/...
    const std::string_view parent = directory_of(record.path);
    const auto [activity_id, institution_id] = activity_and_institution(parent, source_id, "CMIP7");

    auto& f = record.facets;
    const char* names[] = {"variable_id", "branding_suffix", "frequency",     "region",
                           "grid_label",  "source_id",       "experiment_id", "variant_label"};
    for (std::size_t i = 0; i < 8; ++i) f[names[i]] = parts[i];
    f["activity_id"] = activity_id;
    f["institution_id"] = institution_id;
    f["mip_era"] = std::string("CMIP7");

    if (parts.size() == 9) std::tie(record.start_time, record.end_time) = drs_time_range(parts[8]);
    record.version = version_from_path(parent);
    record.finalised = false;
    finish_record(record, type, "standard");
    return record;
}

}  // namespace

FileMetadata parse_cmip7(const std::string& file, Parser parser, const TypeInfo& type) {
    return guarded(file, [&] { return parser == Parser::Complete ? parse_complete(file, type) : parse_drs(file, type); });
}

}  // namespace ref::catalog::detail
