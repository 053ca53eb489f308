#pragma once

// Ordinary least squares of y on x with the statistics scipy.stats.linregress reports.

#include <cstddef>
#include <span>

namespace ref::science {

struct LinearFit {
    double slope = 0.0;
    double intercept = 0.0;
    double r = 0.0;                // Pearson correlation coefficient
    double p_value = 1.0;          // two-sided, null hypothesis slope = 0, Student's t with n-2 dof
    double slope_stderr = 0.0;     // standard error of the slope
    double intercept_stderr = 0.0;
    std::size_t count = 0;         // pairs used (both values finite)
};

// Pairs where x or y is not finite are skipped. Throws std::invalid_argument when the spans
// differ in length, when fewer than two pairs remain, or when every used x is equal.
LinearFit linear_regression(std::span<const double> x, std::span<const double> y);

// I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 <= x <= 1.
double regularized_incomplete_beta(double a, double b, double x);

// P(|T| >= |t|) for Student's t with `dof` degrees of freedom (dof > 0).
double student_t_two_sided_p(double t, double dof);

}  // namespace ref::science
