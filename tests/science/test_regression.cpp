// Least squares with scipy.stats.linregress's statistics, and the incomplete beta function.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ref/science/regression.hpp"

using namespace ref::science;

// Reference values computed once with scipy 1.10.1:
//   r = scipy.stats.linregress(x, y); r.slope, r.intercept, r.rvalue, r.pvalue, r.stderr, r.intercept_stderr
TEST_CASE("linear_regression matches scipy.stats.linregress on a strong trend", "[regression]") {
    const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const std::vector<double> y = {2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.0, 20.2};
    const LinearFit fit = linear_regression(x, y);
    CHECK(fit.count == 10);
    CHECK(fit.slope == Approx(2.0072727272727273).epsilon(1e-12));
    CHECK(fit.intercept == Approx(0.0).margin(1e-12));
    CHECK(fit.r == Approx(0.9996697883603308).epsilon(1e-12));
    CHECK(fit.p_value == Approx(5.199666229089359e-14).epsilon(1e-6));
    CHECK(fit.slope_stderr == Approx(0.018242323567631905).epsilon(1e-10));
    CHECK(fit.intercept_stderr == Approx(0.11319064100943978).epsilon(1e-10));
}

TEST_CASE("linear_regression matches scipy on noise without a trend", "[regression]") {
    const std::vector<double> x = {0.5, 1.5, 2.0, 3.5, 4.0, 5.5, 6.0};
    const std::vector<double> y = {1.2, -0.3, 0.8, 1.9, -0.6, 1.1, 0.4};
    const LinearFit fit = linear_regression(x, y);
    CHECK(fit.slope == Approx(-0.013202247191011231).epsilon(1e-12));
    CHECK(fit.intercept == Approx(0.6862359550561798).epsilon(1e-12));
    CHECK(fit.r == Approx(-0.030982908544408404).epsilon(1e-10));
    CHECK(fit.p_value == Approx(0.9474270227885115).epsilon(1e-10));
    CHECK(fit.slope_stderr == Approx(0.19047243074890002).epsilon(1e-10));
    CHECK(fit.intercept_stderr == Approx(0.7235087554426144).epsilon(1e-10));
}

TEST_CASE("linear_regression skips pairs with a NaN and rejects degenerate input", "[regression]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> x = {1, 2, nan, 3, 4};
    const std::vector<double> y = {3, 5, 100, nan, 9};
    const LinearFit fit = linear_regression(x, y);  // uses (1,3), (2,5), (4,9): y = 2x + 1
    CHECK(fit.count == 3);
    CHECK(fit.slope == Approx(2.0));
    CHECK(fit.intercept == Approx(1.0));
    CHECK(fit.p_value == Approx(0.0).margin(1e-12));
    CHECK_THROWS_AS(linear_regression(std::vector<double>{1, 1, 1}, std::vector<double>{1, 2, 3}), std::invalid_argument);
    CHECK_THROWS_AS(linear_regression(std::vector<double>{1}, std::vector<double>{1}), std::invalid_argument);
    CHECK_THROWS_AS(linear_regression(std::vector<double>{1, 2}, std::vector<double>{1}), std::invalid_argument);
}

// scipy.special.betainc(2.5, 0.5, 0.3), betainc(10, 3, 0.9), 2 * scipy.stats.t.sf(2.0, 5)
TEST_CASE("regularized incomplete beta and Student's t match scipy", "[regression]") {
    CHECK(regularized_incomplete_beta(2.5, 0.5, 0.3) == Approx(0.01892712407194565).epsilon(1e-12));
    CHECK(regularized_incomplete_beta(10, 3, 0.9) == Approx(0.889130022255).epsilon(1e-10));
    CHECK(regularized_incomplete_beta(2, 3, 0.0) == 0.0);
    CHECK(regularized_incomplete_beta(2, 3, 1.0) == 1.0);
    CHECK(student_t_two_sided_p(2.0, 5) == Approx(0.10193947882985828).epsilon(1e-12));
    CHECK(student_t_two_sided_p(0.0, 7) == Approx(1.0));
    CHECK(student_t_two_sided_p(-2.0, 5) == Approx(student_t_two_sided_p(2.0, 5)));
}
