#include "support.hpp"

#include <catch2/catch.hpp>

#include "store/migrations.hpp"

#include <fstream>
#include <map>

#include <netcdf.h>

namespace ref::catalog::test {

fs::path write_file(const fs::path& path, const FileSpec& spec) {
    fs::create_directories(path.parent_path());
    datagen::NcWriter out(path.string());
    out.attributes(NC_GLOBAL, spec.globals);
    std::vector<int> dims;
    int time_var = -1;
    if (spec.with_time) {
        dims.push_back(out.dimension("time", spec.times.size(), true));
        datagen::Attributes time_attributes = {{"standard_name", std::string("time")}};
        if (spec.time_units) time_attributes.emplace_back("units", *spec.time_units);
        if (spec.calendar) time_attributes.emplace_back("calendar", *spec.calendar);
        time_var = out.variable("time", NC_DOUBLE, {dims.back()}, time_attributes);
    }
    if (spec.vertical) {
        dims.push_back(out.dimension(spec.vertical->first, spec.vertical->second));
        const int level = out.variable(spec.vertical->first, NC_DOUBLE, {dims.back()});
        out.put(level, std::vector<double>(spec.vertical->second, 1.0));
    }
    dims.push_back(out.dimension("lat", 2));
    const int data = out.variable(spec.variable, NC_FLOAT, dims, spec.variable_attributes);
    if (time_var >= 0) out.put(time_var, spec.times);
    std::size_t count = 2 * (spec.with_time ? spec.times.size() : 1) * (spec.vertical ? spec.vertical->second : 1);
    out.put(data, std::vector<float>(count, 1.0f));
    out.close();
    return path;
}

fs::path touch(const fs::path& path) { return write_text(path, ""); }

fs::path write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
}

datagen::Attributes cmip6_globals() {
    return {{"activity_id", std::string("CMIP")},
            {"branch_method", std::string("standard")},
            {"branch_time_in_child", 0.0},
            {"branch_time_in_parent", 36500.0},
            {"experiment", std::string("all-forcing simulation of the recent past")},
            {"experiment_id", std::string("historical")},
            {"frequency", std::string("mon")},
            {"grid", std::string("test grid")},
            {"grid_label", std::string("gn")},
            {"institution_id", std::string("INST")},
            {"nominal_resolution", std::string("250 km")},
            {"parent_activity_id", std::string("CMIP")},
            {"parent_experiment_id", std::string("piControl")},
            {"parent_source_id", std::string("MODEL-1")},
            {"parent_time_units", std::string("days since 1850-01-01")},
            {"parent_variant_label", std::string("r1i1p1f1")},
            {"product", std::string("model-output")},
            {"realm", std::string("atmos")},
            {"source_id", std::string("MODEL-1")},
            {"source_type", std::string("AOGCM")},
            {"sub_experiment", std::string("none")},
            {"sub_experiment_id", std::string("none")},
            {"table_id", std::string("Amon")},
            {"variable_id", std::string("tas")},
            {"variant_label", std::string("r1i1p1f1")}};
}

datagen::Attributes cmip7_globals() {
    return {{"variable_id", std::string("tas")},
            {"activity_id", std::string("CMIP")},
            {"institution_id", std::string("INST")},
            {"source_id", std::string("MODEL")},
            {"experiment_id", std::string("historical")},
            {"variant_label", std::string("r1i1p1f1")},
            {"grid_label", std::string("gn")},
            {"frequency", std::string("mon")},
            {"region", std::string("glb")},
            {"branding_suffix", std::string("tavg-h2m-hxy-u")},
            {"branded_variable", std::string("tas_tavg-h2m-hxy-u")},
            {"mip_era", std::string("CMIP7")},
            {"realm", std::string("atmos")},
            {"nominal_resolution", std::string("100 km")},
            {"license_id", std::string("CC-BY-4.0")},
            {"tracking_id", std::string("hdl:21.14107/00000000-0000-4000-8000-000000000001")},
            {"branch_time_in_child", std::string("0.0D")},
            {"parent_activity_id", std::string("CMIP")},
            {"parent_experiment_id", std::string("piControl")},
            {"parent_mip_era", std::string("CMIP7")},
            {"external_variables", std::string("areacella")}};
}

datagen::Attributes obs_globals(const std::string& activity_id) {
    return {{"activity_id", activity_id},
            {"frequency", std::string("mon")},
            {"grid", std::string("1x1 degree")},
            {"grid_label", std::string("gn")},
            {"institution_id", std::string("ARCCSS")},
            {"nominal_resolution", std::string("50 km")},
            {"product", std::string("observations")},
            {"realm", std::string("land")},
            {"source_id", std::string("LORA-1-1")},
            {"source_type", std::string("gridded_insitu")},
            {"source_version_number", std::string("1.1")},
            {"variable_id", std::string("mrro")},
            {"variant_label", std::string("REF")}};
}

void set_attribute(datagen::Attributes& attributes, const std::string& name, const datagen::AttributeValue& value) {
    remove_attribute(attributes, name);
    attributes.emplace_back(name, value);
}

void remove_attribute(datagen::Attributes& attributes, const std::string& name) {
    std::erase_if(attributes, [&](const auto& a) { return a.first == name; });
}

namespace {
struct Tree {
    datagen::TemporaryDirectory dir{"ref-catalog-tree"};
    datagen::GeneratedTree tree = datagen::generate_default_tree(dir.path());
};

// name -> SQL type, for every column but id, from the schema the program applies.
using TableSchema = std::vector<std::pair<std::string, std::string>>;

const TableSchema& table_schema(const std::string& table) {
    static std::map<std::string, TableSchema> cache;
    if (auto it = cache.find(table); it != cache.end()) return it->second;
    auto db = store::open_database(store::parse_database_url("sqlite:///:memory:"));
    store::migrate(*db);
    TableSchema schema;
    for (const auto& row : db->query("PRAGMA table_info(" + table + ")").rows) {
        const auto& name = std::get<std::string>(row[1]);
        if (name != "id") schema.emplace_back(name, std::get<std::string>(row[2]));
    }
    return cache[table] = schema;
}
}  // namespace

const datagen::GeneratedTree& generated_tree() {
    static const Tree tree;
    return tree.tree;
}

bool is_null(const store::Value& value) { return std::holds_alternative<std::monostate>(value); }

namespace {
template <typename T>
T get(const FileMetadata& record, const std::string& column) {
    INFO(record.path << ": column " << column);
    REQUIRE(record.facets.count(column) == 1);
    const auto* value = std::get_if<T>(&record.facets.at(column));
    REQUIRE(value != nullptr);
    return *value;
}
}  // namespace

std::string text(const FileMetadata& record, const std::string& column) { return get<std::string>(record, column); }
int64_t integer(const FileMetadata& record, const std::string& column) { return get<int64_t>(record, column); }
double real(const FileMetadata& record, const std::string& column) { return get<double>(record, column); }

void check_facets_match_table(const FileMetadata& record, const Adapter& adapter) {
    const auto& schema = table_schema(adapter.table());
    REQUIRE(schema.size() == adapter.columns().size());
    CHECK(record.facets.size() == schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i) {
        const auto& [name, type] = schema[i];
        INFO(record.path << ": column " << name << " " << type);
        CHECK(adapter.columns()[i] == name);
        REQUIRE(record.facets.count(name) == 1);
        const auto& value = record.facets.at(name);
        if (is_null(value)) continue;
        if (type == "INTEGER") CHECK(std::holds_alternative<int64_t>(value));
        if (type == "REAL") CHECK(std::holds_alternative<double>(value));
        if (type == "TEXT") CHECK(std::holds_alternative<std::string>(value));
    }
    CHECK(text(record, "instance_id") == record.instance_id);
    CHECK(text(record, "version") == record.version);
}

std::string invalid_reason(const Adapter& adapter, const fs::path& file, Parser parser) {
    try {
        const auto record = adapter.parse(file, parser);
        FAIL("parsed without error: " << file << " -> " << record.instance_id);
    } catch (const InvalidFile& e) {
        return e.what();
    }
    return {};
}

}  // namespace ref::catalog::test
