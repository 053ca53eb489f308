#include "ref/science/climatology.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace ref::science {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Time-weighted mean per cell of the given steps; cells without a valid value get NaN.
std::vector<double> weighted_step_mean(const Field& field, const std::vector<std::size_t>& steps) {
    const std::size_t cells = field.cell_count();
    std::vector<double> sum(cells, 0.0), weight(cells, 0.0);
    for (const auto t : steps) {
        const double w = field.step_length(t);
        const auto values = field.step(t);
        for (std::size_t c = 0; c < cells; ++c) {  // selects rather than branches, so it vectorises
            const bool valid = std::isfinite(values[c]);
            sum[c] += valid ? w * values[c] : 0.0;
            weight[c] += valid ? w : 0.0;
        }
    }
    for (std::size_t c = 0; c < cells; ++c) sum[c] = weight[c] > 0.0 ? sum[c] / weight[c] : nan;
    return sum;
}

std::string first_file(const Field& field) { return field.files.empty() ? field.variable : field.files.front(); }

}  // namespace

std::vector<std::size_t> steps_between(const Field& field, const DateTime& first, const DateTime& last) {
    std::vector<std::size_t> steps;
    for (std::size_t t = 0; t < field.step_count(); ++t)
        if (field.dates[t] >= first && field.dates[t] <= last) steps.push_back(t);
    return steps;
}

MonthlyClimatology monthly_climatology(const Field& field, const DateTime& first, const DateTime& last) {
    MonthlyClimatology out;
    out.cells = field.cell_count();
    out.data.assign(12 * out.cells, nan);
    const Calendar calendar = parse_calendar(field.calendar);
    std::array<std::vector<std::size_t>, 12> by_month;
    for (const auto t : steps_between(field, first, last)) by_month[static_cast<std::size_t>(field.dates[t].month - 1)].push_back(t);
    for (std::size_t m = 0; m < 12; ++m) {
        if (by_month[m].empty())
            throw std::runtime_error("no time step of calendar month " + std::to_string(m + 1) + " between " +
                                     format_datetime(first) + " and " + format_datetime(last) + " in " + first_file(field));
        const auto mean = weighted_step_mean(field, by_month[m]);
        std::copy(mean.begin(), mean.end(), out.data.begin() + static_cast<std::ptrdiff_t>(m * out.cells));
        out.step_counts[m] = static_cast<int>(by_month[m].size());
        // Year 1 is a common year in every calendar but all_leap, as for climatology axes.
        out.month_lengths[m] = days_in_month(calendar, 1, static_cast<int>(m) + 1);
    }
    return out;
}

MonthlyClimatology monthly_climatology(const Field& field) {
    if (field.step_count() == 0) throw std::runtime_error("no time steps in " + first_file(field));
    return monthly_climatology(field, field.dates.front(), field.dates.back());
}

std::string season_name(Season season) {
    switch (season) {
        case Season::djf: return "DJF";
        case Season::mam: return "MAM";
        case Season::jja: return "JJA";
        case Season::son: return "SON";
    }
    return "?";
}

Season parse_season(const std::string& name) {
    for (const Season s : {Season::djf, Season::mam, Season::jja, Season::son}) {
        const std::string upper = season_name(s);
        std::string lower = upper;
        for (auto& ch : lower) ch = static_cast<char>(ch - 'A' + 'a');
        if (name == upper || name == lower) return s;
    }
    throw std::invalid_argument("unknown season '" + name + "' (expected DJF, MAM, JJA or SON)");
}

std::array<int, 3> season_months(Season season) {
    switch (season) {
        case Season::djf: return {12, 1, 2};
        case Season::mam: return {3, 4, 5};
        case Season::jja: return {6, 7, 8};
        case Season::son: return {9, 10, 11};
    }
    return {0, 0, 0};
}

YearlyField seasonal_means(const Field& field, Season season) {
    const auto months = season_months(season);
    // Season year -> steps of each of its three months.
    std::map<int, std::array<std::vector<std::size_t>, 3>> groups;
    for (std::size_t t = 0; t < field.step_count(); ++t) {
        const DateTime& d = field.dates[t];
        for (std::size_t k = 0; k < 3; ++k) {
            if (d.month != months[k]) continue;
            const int year = (season == Season::djf && d.month == 12) ? d.year + 1 : d.year;
            groups[year][k].push_back(t);
        }
    }
    YearlyField out;
    out.cells = field.cell_count();
    for (const auto& [year, parts] : groups) {
        if (parts[0].empty() || parts[1].empty() || parts[2].empty()) continue;  // incomplete season
        std::vector<std::size_t> steps;
        for (const auto& p : parts) steps.insert(steps.end(), p.begin(), p.end());
        const auto mean = weighted_step_mean(field, steps);
        out.years.push_back(year);
        out.data.insert(out.data.end(), mean.begin(), mean.end());
    }
    return out;
}

std::vector<double> monthly_anomalies(const Field& field) {
    const MonthlyClimatology climatology = monthly_climatology(field);
    const std::size_t cells = field.cell_count();
    std::vector<double> out(field.data.size());
    for (std::size_t t = 0; t < field.step_count(); ++t) {
        const auto values = field.step(t);
        const auto normal = climatology.month(static_cast<std::size_t>(field.dates[t].month - 1));
        for (std::size_t c = 0; c < cells; ++c) out[t * cells + c] = values[c] - normal[c];
    }
    return out;
}

YearlyField seasonal_anomalies(const Field& field, Season season) {
    YearlyField means = seasonal_means(field, season);
    if (means.years.empty())
        throw std::runtime_error("no complete " + season_name(season) + " season in " + first_file(field));
    // Each year's season weighs by its length, which equals the time-weighted mean of all its months.
    const auto months = season_months(season);
    const Calendar calendar = parse_calendar(field.calendar);
    std::vector<double> sum(means.cells, 0.0), weight(means.cells, 0.0);
    for (std::size_t y = 0; y < means.years.size(); ++y) {
        double length = 0.0;
        for (const int m : months)
            length += days_in_month(calendar, (season == Season::djf && m == 12) ? means.years[y] - 1 : means.years[y], m);
        const auto values = means.year(y);
        for (std::size_t c = 0; c < means.cells; ++c) {
            if (std::isfinite(values[c])) {
                sum[c] += length * values[c];
                weight[c] += length;
            }
        }
    }
    for (std::size_t c = 0; c < means.cells; ++c) sum[c] = weight[c] > 0.0 ? sum[c] / weight[c] : nan;
    for (std::size_t y = 0; y < means.years.size(); ++y)
        for (std::size_t c = 0; c < means.cells; ++c) means.data[y * means.cells + c] -= sum[c];
    return means;
}

}  // namespace ref::science
