// obs4MIPs, obs4REF and PMP climatologies (datasets.md §3.4): one parser, three tables.
#include "catalog/detail.hpp"

namespace ref::catalog::detail {

namespace {

// Absent -> invalid file; empty strings are accepted.
const std::vector<std::string> kRequired = {
    "activity_id", "frequency", "grid", "grid_label", "institution_id", "nominal_resolution", "product", "realm",
    "source_id", "source_type", "variable_id", "variant_label", "source_version_number"};

FileMetadata parse_file(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const NetcdfHeader header(record.path);

    // Either activity is accepted by every obs adapter: the REF only warns when it is the other one.
    const auto activity = header.global("activity_id");
    if (!activity || (*activity != "obs4MIPs" && *activity != "obs4REF")) {
        throw InvalidFile("not an obs4MIPs or obs4REF file: activity_id is " +
                          (activity ? "'" + *activity + "'" : std::string("missing")));
    }

    auto& f = record.facets;
    std::string missing;
    for (const auto& name : kRequired) {
        const auto value = header.global(name);
        if (!value) missing += (missing.empty() ? "" : ", ") + name;
        f[name] = text_value(value);
    }
    if (!missing.empty()) throw InvalidFile("missing required global attributes: " + missing);

    const std::string variable = std::get<std::string>(f["variable_id"]);
    if (!variable.empty()) {
        for (const char* name : {"long_name", "units"}) f[name] = text_value(header.attribute(variable, name));
    }
    f["vertical_levels"] = header.vertical_levels();

    // The file's calendar decodes the times, but the texts are then checked in the standard calendar (§3.4).
    const auto time = header.time();
    record.start_time = time.start;
    record.end_time = time.end;

    // Some obs4REF folders lack the "v" (20250516 -> v20250516).
    record.version = std::string(file_name(directory_of(record.path)));
    if (record.version.rfind('v', 0) != 0) record.version = "v" + record.version;
    record.finalised = true;
    finish_record(record, type, "standard");
    return record;
}

}  // namespace

FileMetadata parse_obs(const std::string& file, Parser parser, const TypeInfo& type) {
    if (parser == Parser::Drs) throw InvalidFile("the drs parser is only for cmip6 and cmip7");
    return guarded(file, [&] { return parse_file(file, type); });
}

}  // namespace ref::catalog::detail
