// sea-ice-sensitivity (spec §2.17): sea-ice area against global mean temperature, 1979-2014.
#include "native_common.hpp"

#include "ref/science/field.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/netcdf_file.hpp"
#include "ref/science/plot.hpp"
#include "ref/science/regression.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace ref::esmvaltool::native {

namespace {

using plugin::DiagnosticError;

constexpr int kFirstYear = 1979, kLastYear = 2014;

// Latitude of every cell of `variable` in `path`: a 2-D latitude/lat variable of the cell count,
// else the 1-D lat coordinate of a regular grid.
std::vector<double> cell_latitudes(const std::string& path, const std::string& variable, std::size_t cells) {
    try {
        const science::NetcdfFile nc(path);
        for (const std::string name : {"latitude", "lat", "nav_lat"}) {
            if (!nc.has_variable(name)) continue;
            const auto values = nc.read(name);
            if (values.size() == cells) return values;
        }
        const auto grid = science::read_lat_lon_grid(path, variable);
        std::vector<double> out;
        for (double lat : grid.lat)
            for (std::size_t i = 0; i < grid.lon.size(); ++i) out.push_back(lat);
        if (out.size() == cells) return out;
    } catch (const std::runtime_error& e) {
        throw DiagnosticError(path + ": cannot find the latitude of each " + variable + " cell: " + e.what());
    }
    throw DiagnosticError(path + ": no latitude coordinate matches the " + std::to_string(cells) + " cells of " + variable);
}

struct Hemispheres {
    std::vector<int> years;
    std::vector<double> arctic;     // September area, 10^6 km2
    std::vector<double> antarctic;  // annual-mean area, 10^6 km2
};

Hemispheres sea_ice_areas(const std::vector<json>& rows, const std::string& areacello) {
    const auto files = paths_of(rows_where(rows, "variable_id", "siconc"));
    science::Field field;
    try {
        field = science::read_field(files, "siconc");
    } catch (const std::runtime_error& e) {
        throw DiagnosticError(std::string("cannot read siconc: ") + e.what());
    }
    science::Weights areas;
    try {
        areas = science::read_area_weights(areacello, "areacello");
        science::require_matching_shape(areas, field);
    } catch (const std::runtime_error& e) {
        throw DiagnosticError(e.what());
    }
    const auto latitude = cell_latitudes(field.files.front(), "siconc", field.cell_count());
    const double to_fraction = field.units == "%" ? 0.01 : 1.0;
    std::map<int, double> september;
    std::map<int, std::pair<double, int>> annual;
    for (std::size_t t = 0; t < field.step_count(); ++t) {
        const int year = field.dates[t].year;
        if (year < kFirstYear || year > kLastYear) continue;
        const auto step = field.step(t);
        double north = 0, south = 0;
        for (std::size_t c = 0; c < step.size(); ++c) {
            if (!std::isfinite(step[c])) continue;
            (latitude[c] > 0 ? north : south) += areas.values[c] * step[c] * to_fraction;
        }
        if (field.dates[t].month == 9) september[year] = north / 1e12;
        annual[year].first += south / 1e12;
        annual[year].second += 1;
    }
    Hemispheres out;
    for (const auto& [year, sum] : annual) {
        out.years.push_back(year);
        out.arctic.push_back(september.count(year) ? september[year] : std::nan(""));
        out.antarctic.push_back(sum.first / sum.second);
    }
    return out;
}

}  // namespace

plugin::ExecutionResult run_sea_ice_sensitivity(const DiagnosticSpec& spec, const plugin::ExecutionDefinition& definition,
                                                const plugin::Host& host) {
    (void)spec;
    const auto [type, rows] = model_rows(definition);
    const Selectors selectors = input_selectors(definition);
    std::map<std::string, std::vector<json>> models;
    for (const auto& row : rows) models[text_of(row, "source_id")].push_back(row);
    json results = json::object();
    std::map<std::string, std::string> csv;  // region -> text
    std::map<std::string, std::vector<science::LineSeries>> points;
    const fs::path out = definition.output_directory;
    for (const auto& [model, model_rows_] : models) {
        if (rows_where(model_rows_, "variable_id", "siconc").empty()) continue;
        const auto areacello = rows_where(model_rows_, "variable_id", "areacello");
        if (areacello.empty()) throw DiagnosticError(model + ": the execution has no areacello for its siconc data");
        host.throw_if_cancelled();
        const auto ice = sea_ice_areas(model_rows_, text_of(areacello.front(), "path"));
        const auto tas = global_monthly(model_rows_, "", "tas", areacella_for(model_rows_, "historical"));
        const auto annual_tas = year_window(tas, kFirstYear, kLastYear - kFirstYear + 1, model + " tas");
        std::map<int, double> gmst;
        for (std::size_t k = 0; k < annual_tas.size(); ++k) gmst[annual_tas.years[k]] = annual_tas.values[k];
        for (const std::string region : {"antarctic", "arctic"}) {
            std::vector<double> years, area, temperature;
            for (std::size_t k = 0; k < ice.years.size(); ++k) {
                if (!gmst.count(ice.years[k])) continue;
                years.push_back(ice.years[k]);
                area.push_back(region == "arctic" ? ice.arctic[k] : ice.antarctic[k]);
                temperature.push_back(gmst[ice.years[k]]);
            }
            science::LinearFit direct, ice_trend, tas_trend;
            try {
                direct = science::linear_regression(temperature, area);
                ice_trend = science::linear_regression(years, area);
                tas_trend = science::linear_regression(years, temperature);
            } catch (const std::invalid_argument& e) {
                throw DiagnosticError(model + " " + region + ": " + e.what());
            }
            results[model][region] = {{"direct_sensitivity_(notz-style)", direct.slope},
                                      {"annual_siconc_trend", ice_trend.slope},
                                      {"annual_tas_trend", tas_trend.slope},
                                      {"direct_r_val", direct.r},
                                      {"direct_p_val", direct.p_value}};
            char line[512];
            std::snprintf(line, sizeof line, "%s,%.10g,%.10g,%.10g,%.10g,%.10g,%s\n", model.c_str(), direct.slope,
                          ice_trend.slope, tas_trend.slope, direct.r, direct.p_value, model.c_str());
            csv[region] += line;
            points[region].push_back({model, temperature, area, true});
        }
    }
    if (results.empty()) throw DiagnosticError("the execution has no siconc data");
    json output = native_output_bundle(definition);
    for (const std::string region : {"antarctic", "arctic"}) {
        const std::string data_file = region + "_plotted_values.csv";
        const std::string plot_file = region + "_sea_ice_sensitivity.png";
        {
            std::ofstream file(out / data_file, std::ios::binary | std::ios::trunc);
            file << ",direct_sensitivity_(notz-style),annual_siconc_trend,annual_tas_trend,direct_r_val,direct_p_val,label\n"
                 << csv[region];
            if (!file.flush()) throw plugin::SystemError("cannot write " + (out / data_file).string());
        }
        science::write_line_plot((out / plot_file).string(),
                                 {std::string(region == "arctic" ? "September Arctic" : "Annual mean Antarctic") +
                                      " sea-ice area vs global mean tas, 1979-2014",
                                  "global mean tas [K]", "sea-ice area [10^6 km2]", points[region], false});
        const json dims = {{"region", region}};
        add_output_file(output, false, data_file, "Sea-ice sensitivity values of each model (" + region + ")", "", dims);
        add_output_file(output, true, plot_file, "Sea-ice area against global mean temperature (" + region + ")", "", dims);
    }
    const json metrics = native_metric_bundle({"source_id", "region", "metric"}, results, selectors);
    return finish(definition, metrics, output, json::array(), {{"models", results.size()}});
}

}  // namespace ref::esmvaltool::native
