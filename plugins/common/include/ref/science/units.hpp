#pragma once

// Unit conversion through udunits2: one unit system, loaded once, shared by all threads.
// Unit strings are the CF/udunits ones ("kg m-2 s-1", "degC", "g/m2/day"); "1" and "" are
// dimensionless and "psu" is 0.001 (as ilamb3 treats salinity).

#include <span>
#include <stdexcept>
#include <string>

namespace ref::science {

class UnitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Water density ILAMB uses to turn mass fluxes into length rates (and masses per area into depths).
inline constexpr double kWaterDensity = 998.2071;  // kg m-3

// The string udunits parses for `units`: "" and "1" -> "1", "psu"/"PSU" -> "0.001".
std::string canonical_units(const std::string& units);

// True when both strings parse and a quantity of one can be expressed in the other.
bool units_convertible(const std::string& from, const std::string& to);

// Converts in place. Throws UnitError naming both units when either does not parse or they
// are not convertible, and when the unit database cannot be loaded (then naming UDUNITS2_XML_PATH).
void convert_units(std::span<double> values, const std::string& from, const std::string& to);
double convert_units(double value, const std::string& from, const std::string& to);

// True when `from` converts to `to` directly or through the water density: a mass per area
// (flux) becomes a length (rate) by dividing by kWaterDensity, and back by multiplying.
bool units_convertible_with_water_density(const std::string& from, const std::string& to);
// Plain conversion when possible, else through the water density; UnitError otherwise.
void convert_units_with_water_density(std::span<double> values, const std::string& from, const std::string& to);
double convert_units_with_water_density(double value, const std::string& from, const std::string& to);

}  // namespace ref::science
