// udunits2 is not thread-safe: every call into it holds one mutex, and the unit system is
// read once and kept for the life of the process.
#include "ref/science/units.hpp"

#include <udunits2.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <vector>

namespace ref::science {

namespace {

std::mutex& units_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Called with the mutex held.
ut_system* unit_system() {
    static ut_system* system = [] {
        ut_set_error_message_handler(ut_ignore);
        return ut_read_xml(nullptr);
    }();
    if (!system) {
        throw UnitError("cannot load the udunits2 unit database (ut_read_xml failed); install it (Debian: "
                        "udunits-bin/libudunits2-data) or point UDUNITS2_XML_PATH at udunits2.xml");
    }
    return system;
}

struct UnitDeleter {
    void operator()(ut_unit* unit) const { ut_free(unit); }
};
using Unit = std::unique_ptr<ut_unit, UnitDeleter>;

struct ConverterDeleter {
    void operator()(cv_converter* converter) const { cv_free(converter); }
};
using Converter = std::unique_ptr<cv_converter, ConverterDeleter>;

Unit parse(const std::string& units, const std::string& role_other, bool from) {
    const std::string text = canonical_units(units);
    ut_unit* unit = ut_parse(unit_system(), text.c_str(), UT_UTF8);
    if (!unit) {
        throw UnitError("cannot parse the unit \"" + units + "\" (converting " +
                        (from ? "\"" + units + "\" to \"" + role_other + "\"" : "\"" + role_other + "\" to \"" + units + "\"") +
                        ")");
    }
    return Unit(unit);
}

Unit parse_quiet(const std::string& units) {
    return Unit(ut_parse(unit_system(), canonical_units(units).c_str(), UT_UTF8));
}

Unit water_density() {
    Unit kg_per_m3(ut_parse(unit_system(), "kg m-3", UT_ASCII));
    return Unit(ut_scale(kWaterDensity, kg_per_m3.get()));
}

// `from` divided (or multiplied) by the water density, as a unit.
Unit through_density(const ut_unit* from, bool divide) {
    const Unit density = water_density();
    return Unit(divide ? ut_divide(from, density.get()) : ut_multiply(from, density.get()));
}

std::string not_convertible(const std::string& from, const std::string& to) {
    return "cannot convert \"" + from + "\" to \"" + to + "\": the units are not convertible";
}

void apply(const ut_unit* from, const ut_unit* to, std::span<double> values) {
    Converter converter(ut_get_converter(const_cast<ut_unit*>(from), const_cast<ut_unit*>(to)));
    if (!converter) throw UnitError("udunits2 gave no converter");
    cv_convert_doubles(converter.get(), values.data(), values.size(), values.data());
}

}  // namespace

std::string canonical_units(const std::string& units) {
    const std::string text = trimmed(units);
    if (text.empty() || text == "1") return "1";
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "psu") return "0.001";
    return text;
}

bool units_convertible(const std::string& from, const std::string& to) {
    std::lock_guard lock(units_mutex());
    const Unit a = parse_quiet(from), b = parse_quiet(to);
    return a && b && ut_are_convertible(a.get(), b.get()) != 0;
}

void convert_units(std::span<double> values, const std::string& from, const std::string& to) {
    std::lock_guard lock(units_mutex());
    const Unit a = parse(from, to, true), b = parse(to, from, false);
    if (!ut_are_convertible(a.get(), b.get())) throw UnitError(not_convertible(from, to));
    apply(a.get(), b.get(), values);
}

double convert_units(double value, const std::string& from, const std::string& to) {
    convert_units(std::span<double>(&value, 1), from, to);
    return value;
}

bool units_convertible_with_water_density(const std::string& from, const std::string& to) {
    std::lock_guard lock(units_mutex());
    const Unit a = parse_quiet(from), b = parse_quiet(to);
    if (!a || !b) return false;
    if (ut_are_convertible(a.get(), b.get())) return true;
    for (bool divide : {true, false}) {
        const Unit via = through_density(a.get(), divide);
        if (via && ut_are_convertible(via.get(), b.get())) return true;
    }
    return false;
}

void convert_units_with_water_density(std::span<double> values, const std::string& from, const std::string& to) {
    std::lock_guard lock(units_mutex());
    const Unit a = parse(from, to, true), b = parse(to, from, false);
    if (ut_are_convertible(a.get(), b.get())) {
        apply(a.get(), b.get(), values);
        return;
    }
    // x [from] = x [from / rho] when read as a length (rate), and x [from * rho] the other way.
    for (bool divide : {true, false}) {
        const Unit via = through_density(a.get(), divide);
        if (via && ut_are_convertible(via.get(), b.get())) {
            apply(via.get(), b.get(), values);
            return;
        }
    }
    throw UnitError(not_convertible(from, to) + ", not even through the water density (" +
                    std::to_string(kWaterDensity) + " kg m-3)");
}

double convert_units_with_water_density(double value, const std::string& from, const std::string& to) {
    convert_units_with_water_density(std::span<double>(&value, 1), from, to);
    return value;
}

}  // namespace ref::science
