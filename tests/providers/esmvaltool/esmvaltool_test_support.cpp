#include "esmvaltool_test_support.hpp"

#include <netcdf.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace esmvaltool_test {

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

json read_json(const fs::path& path) { return json::parse(read_text(path)); }

void make_executable(const fs::path& path) {
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
}

namespace {
void check(int status, const std::string& what) {
    if (status != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(status));
}
}  // namespace

void write_netcdf(const fs::path& path, const std::vector<std::pair<std::string, std::size_t>>& dimensions,
                  const std::vector<NcVariable>& variables) {
    fs::create_directories(path.parent_path());
    int ncid = 0;
    check(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid), "create " + path.string());
    std::map<std::string, int> dimension_ids;
    for (const auto& [name, size] : dimensions) {
        int id = 0;
        check(nc_def_dim(ncid, name.c_str(), size, &id), "dimension " + name);
        dimension_ids[name] = id;
    }
    std::vector<int> variable_ids;
    for (const auto& variable : variables) {
        std::vector<int> dims;
        for (const auto& d : variable.dimensions) dims.push_back(dimension_ids.at(d));
        int id = 0;
        check(nc_def_var(ncid, variable.name.c_str(), NC_DOUBLE, static_cast<int>(dims.size()), dims.data(), &id),
              "variable " + variable.name);
        for (const auto& [key, value] : variable.attributes)
            check(nc_put_att_text(ncid, id, key.c_str(), value.size(), value.c_str()), "attribute " + key);
        variable_ids.push_back(id);
    }
    check(nc_enddef(ncid), "enddef");
    for (std::size_t i = 0; i < variables.size(); ++i)
        check(nc_put_var_double(ncid, variable_ids[i], variables[i].values.data()), "data " + variables[i].name);
    check(nc_close(ncid), "close");
}

json cmip6_row(const std::string& source_id, const std::string& experiment, const std::string& member,
               const std::string& table, const std::string& variable, const std::string& path,
               const std::string& start, const std::string& end) {
    json row = {{"instance_id", "CMIP6.CMIP.CCCma." + source_id + "." + experiment + "." + member + "." +
                                    table + "." + variable + ".gn.v20190429"},
                {"path", path},
                {"source_id", source_id},
                {"experiment_id", experiment},
                {"member_id", member},
                {"variant_label", member},
                {"table_id", table},
                {"variable_id", variable},
                {"grid_label", "gn"},
                {"institution_id", "CCCma"},
                {"version", "v20190429"},
                {"time_units", "days since 1850-01-01 0:0:0.0"},
                {"calendar", "365_day"},
                {"branch_time_in_parent", 1223115.0},
                {"branch_time_in_child", 0.0},
                {"parent_experiment_id", "piControl"}};
    if (start.empty()) {
        row["start_time"] = nullptr;
        row["end_time"] = nullptr;
    } else {
        row["start_time"] = start;
        row["end_time"] = end;
    }
    return row;
}

json cmip7_row(const std::string& source_id, const std::string& experiment, const std::string& variant,
               const std::string& variable, const std::string& branding, const std::string& path,
               const std::string& start, const std::string& end) {
    json row = {{"instance_id", "CMIP7.CMIP.CCCma." + source_id + "." + experiment + "." + variant + ".glb.mon." + variable +
                                    "." + branding + ".gn.v20250622"},
                {"path", path},
                {"source_id", source_id},
                {"experiment_id", experiment},
                {"variant_label", variant},
                {"realm", "atmos"},
                {"frequency", "mon"},
                {"region", "glb"},
                {"variable_id", variable},
                {"branding_suffix", branding},
                {"branded_variable", variable + "_" + branding},
                {"grid_label", "gn"},
                {"institution_id", "CCCma"},
                {"version", "v20250622"},
                {"time_units", "days since 1850-01-01"},
                {"calendar", "noleap"},
                {"branch_time_in_parent", 0.0},
                {"branch_time_in_child", 0.0},
                {"start_time", start},
                {"end_time", end}};
    return row;
}

ref::plugin::ExecutionDefinition definition(const std::string& diagnostic, const fs::path& output,
                                            const std::map<std::string, std::vector<json>>& rows,
                                            const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& selectors,
                                            const json& settings) {
    json datasets = json::object();
    for (const auto& [type, type_rows] : rows) {
        json selector = json::array();
        if (auto it = selectors.find(type); it != selectors.end())
            for (const auto& [facet, value] : it->second) selector.push_back({facet, value});
        datasets[type] = {{"slug_column", "instance_id"}, {"selector", selector}, {"rows", type_rows}};
    }
    const json doc = {{"schema_version", 1},
                      {"diagnostic", "esmvaltool/" + diagnostic},
                      {"key", "cmip6_gn_r1i1p1f1_CanESM5"},
                      {"output_directory", output.string()},
                      {"provider_settings", settings},
                      {"datasets", datasets}};
    return ref::plugin::ExecutionDefinition::from_json(doc);
}

std::vector<json> ecs_rows(const fs::path& directory, const std::string& source_id) {
    std::vector<json> rows;
    for (const std::string variable : {"rlut", "rsdt", "rsut", "tas"}) {
        rows.push_back(cmip6_row(source_id, "abrupt-4xCO2", "r1i1p1f1", "Amon", variable,
                                 (directory / (variable + "_Amon_" + source_id + "_abrupt-4xCO2_r1i1p1f1_gn_185001-200012.nc")).string(),
                                 "1850-01-16 12:00:00", "2000-12-16 12:00:00"));
        json parent = cmip6_row(source_id, "piControl", "r1i1p1f1", "Amon", variable,
                                (directory / (variable + "_Amon_" + source_id + "_piControl_r1i1p1f1_gn_520101-620012.nc")).string(),
                                "5201-01-16 12:00:00", "6200-12-16 12:00:00");
        parent["branch_time_in_parent"] = 1223115.0;
        rows.push_back(parent);
    }
    rows.push_back(cmip6_row(source_id, "abrupt-4xCO2", "r1i1p1f1", "fx", "areacella",
                             (directory / ("areacella_fx_" + source_id + "_abrupt-4xCO2_r1i1p1f1_gn.nc")).string(), "", ""));
    return rows;
}

}  // namespace esmvaltool_test

namespace esmvaltool_test {

void write_ecs_run(const fs::path& staging, const fs::path& run, double ecs, double lambda) {
    write_text(staging / "index.html", "<html></html>\n");
    write_text(staging / "run/main_log.txt", "INFO Run was successful\n");
    write_text(staging / "run/main_log_debug.txt", "DEBUG everything\n");
    write_netcdf(staging / "work/ecs/calculate/ecs.nc", {{"dataset", 1}},
                 {{"ecs", {"dataset"}, {ecs}, {{"units", "K"}, {"long_name", "Equilibrium Climate Sensitivity (ECS)"}}}});
    write_netcdf(staging / "work/ecs/calculate/lambda.nc", {{"dataset", 1}},
                 {{"lambda", {"dataset"}, {lambda}, {{"units", "W m-2 K-1"}}}});
    std::vector<double> t, n;
    for (int k = 0; k < 150; ++k) {
        t.push_back(4.0 + 0.02 * k);
        n.push_back(lambda * t.back() + 7.4);
    }
    n[3] = 9.969209968386869e36;  // the netCDF default fill value: a missing year
    write_netcdf(staging / "work/ecs/calculate/ecs_regression_CanESM5.nc", {{"year", 150}},
                 {{"tas_anomaly", {"year"}, t, {{"units", "K"}, {"long_name", "Near-Surface Air Temperature anomaly"}}},
                  {"rtnt_anomaly", {"year"}, n, {{"units", "W m-2"}}}});
    write_text(staging / "plots/ecs/calculate/ecs_regression_CanESM5.png", "png");
    const std::string provenance =
        "? " + nlohmann::json((run / "work/ecs/calculate/ecs.nc").string()).dump() + "\n" +
        ": caption: \"Equilibrium Climate Sensitivity (ECS) for CanESM5.\"\n"
        "  ancestors: []\n" +
        "? " + nlohmann::json((run / "work/ecs/calculate/lambda.nc").string()).dump() + "\n" +
        ": caption: \"Climate Feedback Parameter for CanESM5.\"\n" +
        "? " + nlohmann::json((run / "work/ecs/calculate/ecs_regression_CanESM5.nc").string()).dump() + "\n" +
        ": caption: \"Scatterplot between TOA radiance and global mean surface temperature anomaly for CanESM5.\"\n" +
        "? " + nlohmann::json((run / "plots/ecs/calculate/ecs_regression_CanESM5.png").string()).dump() + "\n" +
        ": caption: \"Scatterplot for CanESM5.\"\n";
    write_text(staging / "run/ecs/calculate/diagnostic_provenance.yml", provenance);
    write_text(staging / "run/ecs/calculate/log.txt", "done\n");
}

}  // namespace esmvaltool_test
