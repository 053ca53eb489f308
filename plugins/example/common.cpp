#include "common.hpp"

#include <cmath>
#include <limits>
#include <set>

namespace ref::example {

std::string model_source_type(const plugin::ExecutionDefinition& definition) {
    return definition.find("cmip7") ? "cmip7" : "cmip6";
}

std::vector<std::string> instance_ids(const plugin::DatasetCollection& collection) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& row : collection.rows) {
        auto it = row.find(collection.slug_column);
        if (it == row.end() || !it->is_string()) continue;
        if (seen.insert(it->get<std::string>()).second) out.push_back(it->get<std::string>());
    }
    return out;
}

double trend_per_year(const std::vector<int>& years, const std::vector<double>& values) {
    double n = 0, sx = 0, sy = 0;
    for (std::size_t i = 0; i < years.size(); ++i) {
        if (!std::isfinite(values[i])) continue;
        n += 1, sx += years[i], sy += values[i];
    }
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    const double mx = sx / n, my = sy / n;
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < years.size(); ++i) {
        if (!std::isfinite(values[i])) continue;
        sxy += (years[i] - mx) * (values[i] - my);
        sxx += (years[i] - mx) * (years[i] - mx);
    }
    return sxy / sxx;
}

std::vector<double> as_doubles(const std::vector<int>& values) { return {values.begin(), values.end()}; }

std::string period_text(const std::vector<int>& years) {
    if (years.empty()) return "";
    return std::to_string(years.front()) + "-" + std::to_string(years.back());
}

}  // namespace ref::example
