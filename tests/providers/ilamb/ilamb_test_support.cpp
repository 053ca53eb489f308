#include "ilamb_test_support.hpp"

#include <catch2/catch.hpp>
#include <netcdf.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace ilamb_test {

void write_file(const fs::path& path, const std::string& text, bool executable) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (executable)
        fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                        fs::perm_options::replace);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json read_json(const fs::path& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in);
}

void populate_data_root(const fs::path& root) {
    for (const auto& registry : ref::ilamb::registries())
        for (const auto& file : registry.files) write_file(root / file.key, "");
    for (const auto& e : ref::ilamb::configure_entries()) {
        for (const auto& s : e.sources)
            if (s.key) write_file(root / *s.key, "");
        for (const auto& [variable, key] : e.relationships) write_file(root / key, "");
    }
}

json cmip6_row(const std::string& variable, const std::string& path, const std::string& table) {
    const bool fixed = variable == "areacella" || variable == "sftlf" || variable == "areacello" ||
                       variable == "sftof" || variable == "volcello";
    return {{"instance_id", "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.historical.r1i1p1f1." + std::string(fixed ? "fx" : table) +
                                "." + variable + ".gn.v20191115"},
            {"path", path},
            {"source_id", "ACCESS-ESM1-5"},
            {"experiment_id", "historical"},
            {"member_id", "r1i1p1f1"},
            {"variant_label", "r1i1p1f1"},
            {"grid_label", "gn"},
            {"table_id", fixed ? "fx" : table},
            {"frequency", fixed ? "fx" : "mon"},
            {"variable_id", variable},
            {"version", "v20191115"},
            {"start_time", fixed ? json(nullptr) : json("1850-01-16 12:00:00")}};
}

json definition_document(const std::string& slug, const fs::path& output, const std::vector<json>& cmip6_rows,
                         const std::vector<json>& obs_rows, const json& settings) {
    json datasets = {{"cmip6",
                      {{"slug_column", "instance_id"},
                       {"selector", json::array({json::array({"experiment_id", "historical"}),
                                                 json::array({"grid_label", "gn"}),
                                                 json::array({"member_id", "r1i1p1f1"}),
                                                 json::array({"source_id", "ACCESS-ESM1-5"})})},
                       {"rows", cmip6_rows}}}};
    if (!obs_rows.empty()) {
        datasets["obs4mips"] = {{"slug_column", "instance_id"}, {"selector", json::array()}, {"rows", obs_rows}};
    }
    return {{"schema_version", REF_DEFINITION_SCHEMA_VERSION},
            {"diagnostic", "ilamb/" + slug},
            {"key", "cmip6_historical_ACCESS-ESM1-5"},
            {"root_directory", output.parent_path().string()},
            {"output_directory", output.string()},
            {"provider_settings", settings},
            {"datasets", datasets}};
}

ref::plugin::ExecutionDefinition definition(const json& document) {
    return ref::plugin::ExecutionDefinition::from_json(document);
}

namespace {
void check(int status, const std::string& what) {
    if (status != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(status));
}
void put_text(int nc, int var, const std::string& name, const std::string& value) {
    check(nc_put_att_text(nc, var, name.c_str(), value.size(), value.c_str()), "attribute " + name);
}
}  // namespace

void write_series_netcdf(const fs::path& path, const std::vector<double>& time_days,
                         const std::vector<SeriesVariable>& variables) {
    fs::create_directories(path.parent_path());
    int nc = 0;
    check(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), "create " + path.string());
    int time_dim = 0, month_dim = 0, time_var = 0, month_var = 0;
    check(nc_def_dim(nc, "time", time_days.size(), &time_dim), "time dim");
    check(nc_def_dim(nc, "month", 12, &month_dim), "month dim");
    check(nc_def_var(nc, "time", NC_DOUBLE, 1, &time_dim, &time_var), "time var");
    put_text(nc, time_var, "units", "days since 2007-01-01 00:00:00");
    put_text(nc, time_var, "calendar", "noleap");
    check(nc_def_var(nc, "month", NC_INT, 1, &month_dim, &month_var), "month var");
    std::vector<int> ids;
    for (const auto& v : variables) {
        int id = 0;
        const int dim = v.dimension == "month" ? month_dim : time_dim;
        check(nc_def_var(nc, v.name.c_str(), NC_DOUBLE, 1, &dim, &id), "var " + v.name);
        if (!v.units.empty()) put_text(nc, id, "units", v.units);
        if (!v.long_name.empty()) put_text(nc, id, "long_name", v.long_name);
        ids.push_back(id);
    }
    check(nc_enddef(nc), "enddef");
    check(nc_put_var_double(nc, time_var, time_days.data()), "time values");
    const std::vector<int> months{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    check(nc_put_var_int(nc, month_var, months.data()), "month values");
    for (std::size_t i = 0; i < variables.size(); ++i)
        check(nc_put_var_double(nc, ids[i], variables[i].values.data()), "values of " + variables[i].name);
    check(nc_close(nc), "close");
}

const ref::ilamb::ConfigureEntry& entry(const std::string& name) {
    for (const auto& e : ref::ilamb::configure_entries())
        if (e.name == name) return e;
    throw std::runtime_error("no configure entry " + name);
}

}  // namespace ilamb_test
