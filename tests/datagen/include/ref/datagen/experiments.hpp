#pragma once

// A CMOR-style CMIP6 "climate sensitivity" data set for the ESMValTool diagnostics ECS, TCR,
// TCRE, ZEC, global warming levels and global mean time series, built from prescribed annual
// global means so every answer is known in closed form.
//
// Every monthly cell value is G(year) + amplitude * cos(2 pi (month - 1) / 12) + P(j, i), where
// P is antisymmetric about the equator plus a cos(longitude) term, so the area-weighted global
// mean is G + the seasonal term and every calendar-year mean is exactly G(year). Data are
// stored as doubles (noleap calendar) on a 6 x 12 grid with an areacella file per experiment.
//
// Radiation: rtnt = rsdt - rsut - rlut. piControl drifts linearly in calendar year
// (T = t0 + t_drift * (y - 101), N = n0 + n_drift * (y - 101)); abrupt-4xCO2 year k adds
// dT(k) (a two-timescale response) and N(k) = F + lambda * dT(k) to the control line at its
// branch-aligned parent year 121 + k, so the Gregory regression gives lambda and F exactly and
// ECS = -F / (2 lambda). The branch metadata put the parent at year 0121 while the children
// start in 1850, so a wrong alignment gives a different answer.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ref/datagen/writers.hpp"

namespace ref::datagen {

struct ClimateSensitivitySpec {
    std::string source_id = "REFCS-1-0";
    double forcing = 7.4;           // F of abrupt-4xCO2, W m-2
    double feedback = -1.2;         // lambda, W m-2 K-1
    int abrupt_years = 150;         // years of abrupt-4xCO2 written (the diagnostic wants 150)
    int one_percent_years = 140;    // years of 1pctCO2 written
    int picontrol_first_year = 101;
    int picontrol_last_year = 290;  // covers 0121..0270 for ECS and TCR
    double picontrol_tas_drift = 0.002;   // K per year
    double picontrol_rtnt_drift = -0.001; // W m-2 per year
    bool with_areacella = true;
    // Global warming levels: linear warming from 1950 at these rates (K per year), one model each.
    std::vector<double> gwl_warming_rates = {0.0237, 0.031};
};

struct ClimateSensitivityExpected {
    double ecs = 0, lambda = 0, forcing = 0;
    std::vector<double> abrupt_tas_anomaly;   // dT(k), k = 0.. abrupt_years-1
    std::vector<double> abrupt_rtnt_anomaly;  // N(k)
    double tcr = 0;
    std::vector<double> tcr_anomaly;  // k = 0..one_percent_years-1
    double tcre = 0;                  // K EgC-1
    std::vector<double> tcre_anomaly;
    std::vector<double> cumulative_emissions_pg;  // E(k), PgC
    double zec = 0;                   // mean of ZEC(40..58)
    std::vector<double> zec_series;   // ZEC(k), k = 0..99
    // source_id -> level text ("1.5") -> first year the 21-year mean anomaly exceeds it.
    std::map<std::string, std::map<std::string, int>> gwl_exceedance_years;
    std::vector<double> gwl_levels = {1.5, 2.0, 3.0, 4.0, 5.0};
    // historical tas annual global means in degC, 1850..2014, of the first GWL model
    std::vector<double> historical_tas_celsius;
};

struct ClimateSensitivitySet {
    std::filesystem::path root;
    std::vector<GeneratedFile> files;
    ClimateSensitivityExpected expected;
    // Execution definitions (JSON files) by ESMValTool diagnostic slug.
    std::map<std::string, std::filesystem::path> definitions;

    // The files an execution of the diagnostic uses (data files then areacella).
    std::vector<GeneratedFile> files_for(const std::string& diagnostic) const;
};

// Writes under root/CMIP6 (DRS layout) and root/definitions/esmvaltool-<slug>.json; about 25 MB, 1 s.
ClimateSensitivitySet write_climate_sensitivity_set(const std::filesystem::path& root,
                                                    const ClimateSensitivitySpec& spec = {});

// The execution definition of an ESMValTool climate-sensitivity diagnostic for these files,
// with the selector the diagnostic's grouping yields.
nlohmann::json climate_sensitivity_definition(const std::string& diagnostic, const std::vector<GeneratedFile>& files);

// Sea-ice sensitivity (historical 1979-2014, siconc SImon + tas Amon + areacella + areacello on
// the same 6 x 12 grid) for two models: GMST rises linearly, the September Arctic sea-ice area
// is exactly linear in GMST, the annual-mean Antarctic area wobbles.
struct SeaIceExpected {
    double sensitivity_arctic = 0;  // 10^6 km2 per K
    double tas_trend = 0;           // K per year
    std::vector<int> years;
    std::vector<double> gmst, arctic_sia, antarctic_sia;  // K, 10^6 km2
};

struct SeaIceSet {
    std::filesystem::path root;
    std::vector<GeneratedFile> files;
    std::map<std::string, SeaIceExpected> expected;  // by source_id
};

SeaIceSet write_sea_ice_set(const std::filesystem::path& root);

}  // namespace ref::datagen
