#include "ref/science/means.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace ref::science {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Step indices of each calendar year, years ascending.
std::map<int, std::vector<std::size_t>> group_by_year(const std::vector<DateTime>& dates) {
    std::map<int, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < dates.size(); ++i) groups[dates[i].year].push_back(i);
    return groups;
}

}  // namespace

double weighted_mean(std::span<const double> values, std::span<const double> weights) {
    if (values.size() != weights.size()) {
        throw std::invalid_argument("weighted_mean: " + std::to_string(values.size()) + " values but " +
                                    std::to_string(weights.size()) + " weights");
    }
    double sum = 0.0;
    double weight_sum = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isfinite(values[i])) {
            sum += weights[i] * values[i];
            weight_sum += weights[i];
        }
    }
    return weight_sum > 0.0 ? sum / weight_sum : nan;
}

std::vector<double> spatial_means(const Field& field, const Weights& weights) {
    require_matching_shape(weights, field);
    std::vector<double> out;
    out.reserve(field.step_count());
    for (std::size_t t = 0; t < field.step_count(); ++t) out.push_back(weighted_mean(field.step(t), weights.values));
    return out;
}

AnnualValues annual_means(const std::vector<DateTime>& dates, std::span<const double> values) {
    if (dates.size() != values.size()) throw std::invalid_argument("annual_means: dates and values differ in length");
    AnnualValues out;
    for (const auto& [year, steps] : group_by_year(dates)) {
        double sum = 0.0;
        std::size_t count = 0;
        for (const auto i : steps) {
            if (std::isfinite(values[i])) {
                sum += values[i];
                ++count;
            }
        }
        out.years.push_back(year);
        out.values.push_back(count > 0 ? sum / static_cast<double>(count) : nan);
    }
    return out;
}

AnnualField annual_cell_means(const Field& field) {
    AnnualField out;
    out.cells = field.cell_count();
    std::vector<double> sum(out.cells);
    std::vector<std::size_t> count(out.cells);
    for (const auto& [year, steps] : group_by_year(field.dates)) {
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(count.begin(), count.end(), 0);
        for (const auto t : steps) {
            const auto values = field.step(t);
            for (std::size_t c = 0; c < out.cells; ++c) {
                if (std::isfinite(values[c])) {
                    sum[c] += values[c];
                    ++count[c];
                }
            }
        }
        out.years.push_back(year);
        for (std::size_t c = 0; c < out.cells; ++c) {
            out.data.push_back(count[c] > 0 ? sum[c] / static_cast<double>(count[c]) : nan);
        }
    }
    return out;
}

}  // namespace ref::science
