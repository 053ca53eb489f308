#pragma once

// Area-weighted spatial means and calendar-year means. All sums are in double precision.

#include <span>
#include <vector>

#include "ref/science/cf_time.hpp"
#include "ref/science/field.hpp"
#include "ref/science/weights.hpp"

namespace ref::science {

// sum(w*x) / sum(w) over the cells where x is finite; NaN when no cell qualifies.
double weighted_mean(std::span<const double> values, std::span<const double> weights);

// One weighted mean per time step over all spatial cells.
std::vector<double> spatial_means(const Field& field, const Weights& weights);

struct AnnualValues {
    std::vector<int> years;
    std::vector<double> values;
};

// Plain mean of the finite values of each calendar year (partial years use what they have).
AnnualValues annual_means(const std::vector<DateTime>& dates, std::span<const double> values);

struct AnnualField {
    std::vector<int> years;
    std::size_t cells = 0;
    std::vector<double> data;  // [year][cell]

    std::span<const double> year_values(std::size_t index) const { return std::span<const double>(data).subspan(index * cells, cells); }
};

// Per-cell annual means, same rule as annual_means.
AnnualField annual_cell_means(const Field& field);

}  // namespace ref::science
