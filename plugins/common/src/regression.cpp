#include "ref/science/regression.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ref::science {
namespace {

// Continued fraction of the incomplete beta function (modified Lentz), valid for
// x < (a + 1) / (a + b + 2); the other side uses the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
double beta_continued_fraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;
    constexpr double epsilon = 1e-15;
    double c = 1.0;
    double d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        double numerator = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + numerator * d;
        if (std::fabs(d) < tiny) d = tiny;
        c = 1.0 + numerator / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        h *= d * c;
        numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + numerator * d;
        if (std::fabs(d) < tiny) d = tiny;
        c = 1.0 + numerator / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1.0) < epsilon) return h;
    }
    return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
    if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
        throw std::invalid_argument("incomplete beta needs a, b > 0 and 0 <= x <= 1");
    if (x == 0.0 || x == 1.0) return x;
    const double log_front =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
    return 1.0 - std::exp(log_front) * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double dof) {
    if (!(dof > 0)) throw std::invalid_argument("Student's t needs positive degrees of freedom");
    if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(t)) return 0.0;
    return regularized_incomplete_beta(dof / 2.0, 0.5, dof / (dof + t * t));
}

LinearFit linear_regression(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size())
        throw std::invalid_argument("regression needs as many x as y values (" + std::to_string(x.size()) + " vs " +
                                    std::to_string(y.size()) + ")");
    LinearFit fit;
    double sum_x = 0, sum_y = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        sum_x += x[i], sum_y += y[i], ++fit.count;
    }
    if (fit.count < 2) throw std::invalid_argument("regression needs at least two finite pairs");
    const double n = static_cast<double>(fit.count);
    const double mean_x = sum_x / n, mean_y = sum_y / n;
    // Centred sums keep the precision when x is e.g. a calendar year near 5000.
    double sxx = 0, syy = 0, sxy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        const double dx = x[i] - mean_x, dy = y[i] - mean_y;
        sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
    }
    if (!(sxx > 0)) throw std::invalid_argument("regression needs at least two different x values");
    fit.slope = sxy / sxx;
    fit.intercept = mean_y - fit.slope * mean_x;
    fit.r = syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
    fit.r = std::clamp(fit.r, -1.0, 1.0);
    if (fit.count == 2) {
        // A line through two points: a perfect fit, reported as scipy does (p 0 unless flat).
        fit.p_value = fit.slope == 0.0 ? 1.0 : 0.0;
        fit.slope_stderr = 0.0;
        fit.intercept_stderr = 0.0;
        return fit;
    }
    const double dof = n - 2.0;
    const double residual = std::max(0.0, syy - fit.slope * sxy);  // sum of squared residuals
    fit.slope_stderr = std::sqrt(residual / dof / sxx);
    double sum_x2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i])) sum_x2 += x[i] * x[i];
    fit.intercept_stderr = fit.slope_stderr * std::sqrt(sum_x2 / n);
    const double one_minus_r2 = (1.0 - fit.r) * (1.0 + fit.r);
    if (one_minus_r2 <= 0.0) {
        fit.p_value = 0.0;
    } else {
        const double t = fit.r * std::sqrt(dof / one_minus_r2);
        fit.p_value = student_t_two_sided_p(t, dof);
    }
    return fit;
}

}  // namespace ref::science
