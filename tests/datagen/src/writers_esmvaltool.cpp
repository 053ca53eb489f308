// ESMValTool reference data: not CMOR compliant, identified by its path only.

#include <cstdio>
#include <map>
#include <stdexcept>

#include "axes.hpp"
#include "ref/datagen/writers.hpp"
#include "writer_common.hpp"

namespace ref::datagen {
namespace {

// The MIP-table to frequency reduction of the ESMValTool reference adapter (§3.5); a value that
// already is a frequency passes through.
std::string frequency_of_mip(const std::string& mip) {
    static const std::map<std::string, std::string> table = [] {
        std::map<std::string, std::string> t;
        for (const char* f : {"1hr", "1hrCM", "1hrPt", "3hr", "3hrPt", "6hr", "6hrPt", "day", "dec", "fx", "mon", "monC",
                              "monPt", "subhrPt", "yr", "yrPt"})
            t[f] = f;
        const std::vector<std::pair<std::vector<const char*>, const char*>> groups = {
            {{"CF3hr", "E3hr"}, "3hr"},
            {{"6hrLev", "6hrPlev", "E6hrZ"}, "6hr"},
            {{"6hrPlevPt"}, "6hrPt"},
            {{"AERhr", "E1hr"}, "1hr"},
            {{"E1hrClimMon"}, "1hrCM"},
            {{"E3hrPt"}, "3hrPt"},
            {{"CFsubhr", "Esubhr"}, "subhrPt"},
            {{"AERday", "CFday", "Eday", "EdayZ", "OIday", "Oday", "SIday"}, "day"},
            {{"AERmon", "AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "ImonAnt", "ImonGre", "LImon", "Lmon", "OImon",
              "Omon", "SImon"},
             "mon"},
            {{"OIclim", "Oclim"}, "monC"},
            {{"Eyr", "IyrAnt", "IyrGre", "Oyr"}, "yr"},
            {{"Odec"}, "dec"},
            {{"Efx", "IfxAnt", "IfxGre", "Ofx"}, "fx"},
        };
        for (const auto& [names, frequency] : groups) {
            for (const char* name : names) t[name] = frequency;
        }
        return t;
    }();
    const auto it = table.find(mip);
    if (it == table.end()) throw std::invalid_argument("unknown MIP table or frequency '" + mip + "'");
    return it->second;
}

std::string year_range(const TimeSpan& span) {
    char buffer[32];
    if (span.first_year == span.last_year) {
        std::snprintf(buffer, sizeof buffer, "%04d", span.first_year);
    } else {
        std::snprintf(buffer, sizeof buffer, "%04d-%04d", span.first_year, span.last_year);
    }
    return buffer;
}

}  // namespace

GeneratedFile write_esmvaltool_reference(const std::filesystem::path& root, const EsmvaltoolReferenceDataset& d,
                                         const FieldSpec& field, const Grid& grid, const TimeSpan& span) {
    validate_field(field, grid, true);
    const std::string tier = "Tier" + std::to_string(d.tier);
    const std::string& short_name = field.variable_id;
    std::filesystem::path path;
    std::string frequency;
    if (d.project == "OBS" || d.project == "OBS6") {
        frequency = frequency_of_mip(d.mip);
        path = root / "OBS" / tier / d.dataset /
               (d.project + "_" + d.dataset + "_" + d.type + "_" + d.version + "_" + d.mip + "_" + short_name + "_" +
                detail::month_range(span) + ".nc");
    } else if (d.project == "native6") {
        frequency = frequency_of_mip(d.mip);
        path = root / "native6" / tier / d.dataset / d.version / d.mip / short_name /
               (d.native6_file_prefix + "_" + short_name + "_" + year_range(span) + ".nc");
    } else if (d.project == "obs4MIPs") {
        frequency = "mon";
        path = root / "obs4MIPs" / d.dataset / d.version /
               (short_name + "_" + d.dataset + "_" + d.type + "_" + d.version + "_" + detail::month_range(span) + ".nc");
    } else {
        throw std::invalid_argument("unknown ESMValTool reference project '" + d.project + "'");
    }
    if (frequency != "mon") throw std::invalid_argument("write_esmvaltool_reference writes monthly data, not " + frequency);

    // What ESMValTool's own CMORizers write: CF attributes, no CMIP controlled vocabulary.
    Attributes globals = {
        {"Conventions", std::string("CF-1.7")},
        {"title", d.dataset + " data reformatted for ESMValTool (synthetic, fictional)"},
        {"dataset_id", d.dataset},
        {"project_id", d.project},
        {"version", d.version},
        {"source", std::string("synthetic fields with closed-form global means; not observations")},
        {"reference", std::string("none: synthetic test data")},
        {"user", std::string("ref-gen-data")},
        {"history", std::string(detail::creation_date) + " ; written by ref-gen-data (synthetic data with known answers)."},
    };
    if (d.project != "obs4MIPs") globals.emplace_back("tier", std::to_string(d.tier));
    if (d.project == "OBS" || d.project == "OBS6") globals.emplace_back("mip", d.mip);
    const auto axis = detail::monthly_axis(span);
    detail::write_monthly(path, globals, field, grid, span, axis, "");

    GeneratedFile f;
    f.project = "ESMValToolReference";
    f.path = path;
    f.instance_id = "esmvaltool-reference." + d.project + "." + d.dataset + "." + frequency + "." + short_name + "." + d.version;
    f.source_id = d.dataset;
    f.variable_id = short_name;
    f.version = d.version;
    f.frequency = frequency;
    f.calendar = span.calendar;
    f.start_time = axis.start_time;
    f.end_time = axis.end_time;
    f.esmvaltool_project = d.project;
    if (d.project == "OBS" || d.project == "OBS6") f.data_type = d.type;
    f.tier = d.project == "obs4MIPs" ? 0 : d.tier;
    return f;
}

}  // namespace ref::datagen
