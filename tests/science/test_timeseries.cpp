// Calendar-year means with time cells, length-weighted means, running means, cumulative sums.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ref/science/cf_time.hpp"
#include "ref/science/timeseries.hpp"

using namespace ref::science;

namespace {
// Two noleap years of months in days since 2000-01-01, value = month number + 10 * year index.
struct Months {
    std::vector<DateTime> dates;
    std::vector<double> values, bounds;
};
Months two_years() {
    Months m;
    double start = 0;
    for (int year = 2000; year <= 2001; ++year) {
        for (int month = 1; month <= 12; ++month) {
            const double length = days_in_month(Calendar::noleap, year, month);
            m.dates.push_back({year, month, 15, 0, 0, 0});
            m.values.push_back(month + 10.0 * (year - 2000));
            m.bounds.push_back(start);
            m.bounds.push_back(start + length);
            start += length;
        }
    }
    return m;
}
}  // namespace

TEST_CASE("calendar_year_means are unweighted with mid-year stamps from the bounds", "[timeseries]") {
    Months m = two_years();
    m.values[1] = std::numeric_limits<double>::quiet_NaN();  // February 2000 missing
    const YearlySeries years = calendar_year_means(m.dates, m.values, m.bounds);
    REQUIRE(years.size() == 2);
    CHECK(years.years == std::vector<int>{2000, 2001});
    CHECK(years.values[0] == Approx((78.0 - 2.0) / 11.0));  // months 1..12 except 2
    CHECK(years.values[1] == Approx(6.5 + 10.0));
    CHECK(years.time_bounds == std::vector<double>{0, 365, 365, 730});
    CHECK(years.time == std::vector<double>{182.5, 547.5});
    CHECK(years.length(1) == 365.0);
    CHECK_THROWS_AS(calendar_year_means(m.dates, std::vector<double>{1.0}, m.bounds), std::invalid_argument);
}

TEST_CASE("length_weighted_mean weights each step by its cell length", "[timeseries]") {
    const std::vector<double> values = {1.0, 4.0, std::numeric_limits<double>::quiet_NaN()};
    const std::vector<double> bounds = {0, 31, 31, 59, 59, 90};
    CHECK(length_weighted_mean(values, bounds) == Approx((31.0 * 1 + 28.0 * 4) / 59.0));
    // The unweighted mean would be 2.5: the weighting matters.
    CHECK(length_weighted_mean(values, bounds) != Approx(2.5));
    CHECK(std::isnan(length_weighted_mean(std::vector<double>{}, std::vector<double>{})));
}

TEST_CASE("centred_running_mean has NaN edges and averages full windows", "[timeseries]") {
    std::vector<double> values;
    for (int i = 0; i < 30; ++i) values.push_back(0.5 * i + (i % 2 ? 1.0 : -1.0));
    const auto mean = centred_running_mean(values, 21);
    REQUIRE(mean.size() == 30);
    for (int i = 0; i < 10; ++i) CHECK(std::isnan(mean[i]));
    for (int i = 20; i < 30; ++i) CHECK(std::isnan(mean[i]));
    // 21 values centred on an even index: 11 at -1 and 10 at +1 around the linear part.
    CHECK(mean[10] == Approx(0.5 * 10 - 1.0 / 21.0));
    CHECK(mean[11] == Approx(0.5 * 11 + 1.0 / 21.0));
    CHECK_THROWS_AS(centred_running_mean(values, 4), std::invalid_argument);
}

TEST_CASE("cumulative_sum weights each value by its length", "[timeseries]") {
    const auto sums = cumulative_sum(std::vector<double>{2.0, 3.0, 1.0}, std::vector<double>{365, 366, 365});
    CHECK(sums == std::vector<double>{730, 730 + 1098, 730 + 1098 + 365});
    CHECK_THROWS_AS(cumulative_sum(std::vector<double>{1.0}, std::vector<double>{}), std::invalid_argument);
}
