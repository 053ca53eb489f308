#include "ref/science/timeseries.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ref::science {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

YearlySeries calendar_year_means(const std::vector<DateTime>& dates, std::span<const double> values,
                                 std::span<const double> time_bounds) {
    if (values.size() != dates.size() || time_bounds.size() != 2 * dates.size())
        throw std::invalid_argument("calendar_year_means: " + std::to_string(dates.size()) + " dates, " +
                                    std::to_string(values.size()) + " values and " +
                                    std::to_string(time_bounds.size()) + " bounds do not match");
    YearlySeries out;
    std::vector<double> sums;
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < dates.size(); ++i) {
        const int year = dates[i].year;
        if (out.years.empty() || out.years.back() != year) {
            if (!out.years.empty() && year < out.years.back())
                throw std::invalid_argument("calendar_year_means: dates are not in order");
            out.years.push_back(year);
            sums.push_back(0.0);
            counts.push_back(0);
            out.time_bounds.push_back(time_bounds[2 * i]);
            out.time_bounds.push_back(time_bounds[2 * i + 1]);
        }
        const std::size_t k = out.years.size() - 1;
        out.time_bounds[2 * k] = std::min(out.time_bounds[2 * k], time_bounds[2 * i]);
        out.time_bounds[2 * k + 1] = std::max(out.time_bounds[2 * k + 1], time_bounds[2 * i + 1]);
        if (std::isfinite(values[i])) sums[k] += values[i], ++counts[k];
    }
    for (std::size_t k = 0; k < out.years.size(); ++k) {
        out.values.push_back(counts[k] ? sums[k] / static_cast<double>(counts[k]) : nan);
        out.time.push_back(0.5 * (out.time_bounds[2 * k] + out.time_bounds[2 * k + 1]));
    }
    return out;
}

double length_weighted_mean(std::span<const double> values, std::span<const double> time_bounds) {
    if (time_bounds.size() != 2 * values.size())
        throw std::invalid_argument("length_weighted_mean: " + std::to_string(values.size()) + " values but " +
                                    std::to_string(time_bounds.size()) + " bounds");
    double sum = 0, weight = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double length = time_bounds[2 * i + 1] - time_bounds[2 * i];
        if (!std::isfinite(values[i]) || !std::isfinite(length)) continue;
        sum += values[i] * length;
        weight += length;
    }
    return weight > 0 ? sum / weight : nan;
}

std::vector<double> centred_running_mean(std::span<const double> values, std::size_t window) {
    if (window == 0 || window % 2 == 0) throw std::invalid_argument("a centred running mean needs an odd window");
    const std::size_t half = window / 2;
    std::vector<double> out(values.size(), nan);
    for (std::size_t i = half; i + half < values.size(); ++i) {
        double sum = 0;
        for (std::size_t j = i - half; j <= i + half; ++j) sum += values[j];
        out[i] = sum / static_cast<double>(window);  // NaN propagates
    }
    return out;
}

std::vector<double> cumulative_sum(std::span<const double> values, std::span<const double> lengths) {
    if (values.size() != lengths.size())
        throw std::invalid_argument("cumulative_sum: " + std::to_string(values.size()) + " values but " +
                                    std::to_string(lengths.size()) + " lengths");
    std::vector<double> out;
    double total = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        total += values[i] * lengths[i];
        out.push_back(total);
    }
    return out;
}

}  // namespace ref::science
