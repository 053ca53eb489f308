// Unit conversion through udunits2, and ILAMB's water-density rule, with exact answers.
#include "ref/science/units.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using namespace ref::science;
using Catch::Matchers::Contains;

TEST_CASE("kelvin converts to degrees Celsius with the offset", "[units]") {
    CHECK(convert_units(273.15, "K", "degC") == Approx(0.0).margin(1e-12));
    CHECK(convert_units(300.0, "K", "degC") == Approx(26.85).epsilon(1e-12));
    CHECK(convert_units(-10.0, "degC", "K") == Approx(263.15).epsilon(1e-12));
    std::vector<double> values{0.0, 100.0};
    convert_units(values, "degC", "K");
    CHECK(values[0] == Approx(273.15));
    CHECK(values[1] == Approx(373.15));
}

TEST_CASE("fluxes convert between CF and compact spellings", "[units]") {
    // 1 kg m-2 s-1 = 1000 g m-2 s-1 = 86400000 g m-2 d-1.
    CHECK(convert_units(1.0, "kg m-2 s-1", "g/m2/day") == Approx(86400000.0).epsilon(1e-12));
    CHECK(convert_units(86.4, "g m-2 d-1", "kg m-2 s-1") == Approx(1e-6).epsilon(1e-12));
    CHECK(convert_units(50.0, "%", "1") == Approx(0.5).epsilon(1e-12));
}

TEST_CASE("dimensionless spellings and psu", "[units]") {
    CHECK(canonical_units("") == "1");
    CHECK(canonical_units(" 1 ") == "1");
    CHECK(canonical_units("PSU") == "0.001");
    CHECK(units_convertible("", "1"));
    CHECK(convert_units(35.0, "psu", "0.001") == Approx(35.0).epsilon(1e-12));
    CHECK(convert_units(35.0, "psu", "1") == Approx(0.035).epsilon(1e-12));
}

TEST_CASE("unconvertible or unknown units name both units", "[units]") {
    CHECK_FALSE(units_convertible("K", "kg m-2"));
    CHECK_FALSE(units_convertible("no-such-unit", "K"));
    CHECK_THROWS_WITH(convert_units(1.0, "K", "kg m-2"), Contains("\"K\"") && Contains("\"kg m-2\"") &&
                                                             Contains("not convertible"));
    CHECK_THROWS_WITH(convert_units(1.0, "bogus_unit", "K"), Contains("bogus_unit") && Contains("\"K\""));
}

TEST_CASE("mass flux and length rate convert through the water density", "[units]") {
    // 1 kg m-2 s-1 of water is 1/998.2071 m s-1 = 86400000/998.2071 mm/day.
    CHECK_FALSE(units_convertible("kg m-2 s-1", "mm/day"));
    CHECK(units_convertible_with_water_density("kg m-2 s-1", "mm/day"));
    CHECK(convert_units_with_water_density(1.0, "kg m-2 s-1", "mm/day") ==
          Approx(86400000.0 / kWaterDensity).epsilon(1e-12));
    CHECK(convert_units_with_water_density(kWaterDensity, "mm d-1", "kg m-2 d-1") == Approx(kWaterDensity * kWaterDensity / 1000.0).epsilon(1e-12));
    CHECK(convert_units_with_water_density(1.0, "m s-1", "kg m-2 s-1") == Approx(kWaterDensity).epsilon(1e-12));
    // Soil moisture: 99.82071 kg m-2 in a 0.1 m layer is a volume fraction of 1.
    CHECK(convert_units_with_water_density(99.82071, "kg m-2", "m") == Approx(0.1).epsilon(1e-12));
    // Directly convertible units never go through the density.
    CHECK(convert_units_with_water_density(1.0, "kg m-2 s-1", "g m-2 s-1") == Approx(1000.0).epsilon(1e-12));
    CHECK_FALSE(units_convertible_with_water_density("K", "mm/day"));
    CHECK_THROWS_WITH(convert_units_with_water_density(1.0, "K", "mm/day"),
                      Contains("\"K\"") && Contains("\"mm/day\"") && Contains("water density"));
}

TEST_CASE("conversions from several threads agree", "[units]") {
    std::vector<double> results(8, 0.0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&results, i] {
            for (int k = 0; k < 200; ++k) results[i] = convert_units(static_cast<double>(i), "degC", "K");
        });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < results.size(); ++i) CHECK(results[i] == Approx(273.15 + static_cast<double>(i)));
}
