#include "ref/science/annual_series.hpp"

#include <cctype>

#include "ref/science/means.hpp"

namespace ref::science {
namespace {

AnnualSeries describe(const Field& field) {
    AnnualSeries series;
    series.variable = field.variable;
    series.units = field.units;
    series.calendar = field.calendar;
    series.long_name = field.long_name;
    series.standard_name = field.standard_name;
    return series;
}

}  // namespace

AnnualSeries annual_global_mean(const std::vector<std::string>& variable_files, const std::string& variable,
                                const std::string& area_file, const std::string& area_variable) {
    const Field field = read_field(variable_files, variable);
    const Weights weights = area_file.empty() ? cos_lat_weights(variable_files.front(), variable)
                                              : read_area_weights(area_file, area_variable);
    require_matching_shape(weights, field);
    const AnnualField annual = annual_cell_means(field);
    AnnualSeries series = describe(field);
    series.years = annual.years;
    for (std::size_t y = 0; y < annual.years.size(); ++y) {
        series.values.push_back(weighted_mean(annual.year_values(y), weights.values));
    }
    return series;
}

AnnualSeries annual_mean_of_global_means(const std::vector<std::string>& files, const std::string& variable,
                                         const Weights& weights) {
    const Field field = read_field(files, variable);
    const AnnualValues annual = annual_means(field.dates, spatial_means(field, weights));
    AnnualSeries series = describe(field);
    series.years = annual.years;
    series.values = annual.values;
    return series;
}

bool is_kelvin(std::string_view units) {
    while (!units.empty() && std::isspace(static_cast<unsigned char>(units.front()))) units.remove_prefix(1);
    while (!units.empty() && std::isspace(static_cast<unsigned char>(units.back()))) units.remove_suffix(1);
    std::string key;
    for (const char c : units) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return key == "k" || key == "kelvin" || key == "degk" || key == "deg_k";
}

void convert_to_celsius(AnnualSeries& series) {
    if (!is_kelvin(series.units)) return;
    for (double& v : series.values) v -= 273.15;
    series.units = "degC";
}

}  // namespace ref::science
