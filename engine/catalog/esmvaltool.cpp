// ESMValTool reference data (datasets.md §3.5): not CMOR compliant, so only the path is read.
#include "catalog/detail.hpp"

#include <map>
#include <set>

namespace ref::catalog::detail {

namespace {

struct Layout {
    std::size_t parts;  // components from the anchor to the file, inclusive
    bool allow_extra;   // more folders between the dataset and the file
    bool tiered;        // a Tier<n> folder directly under the anchor
};

const std::map<std::string, Layout> kLayouts = {
    {"OBS", {4, true, true}}, {"native6", {7, false, true}}, {"obs4MIPs", {4, false, false}}};

std::optional<int64_t> tier_of(const std::string& segment) {
    if (segment.rfind("Tier", 0) != 0 || segment.size() == 4 || segment.size() > 22) return std::nullopt;
    for (std::size_t i = 4; i < segment.size(); ++i) {
        if (segment[i] < '0' || segment[i] > '9') return std::nullopt;
    }
    return std::stoll(segment.substr(4));
}

// MIP table -> frequency, enumerated because the reduction is not a suffix rule (Oclim -> monC, E1hrClimMon -> 1hrCM).
std::string frequency_of(const std::string& value) {
    static const std::map<std::string, std::string> tables = [] {
        const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
            {"3hr", {"3hr", "CF3hr", "E3hr"}},
            {"6hr", {"6hrLev", "6hrPlev", "E6hrZ"}},
            {"6hrPt", {"6hrPlevPt"}},
            {"1hr", {"AERhr", "E1hr"}},
            {"1hrCM", {"E1hrClimMon"}},
            {"3hrPt", {"E3hrPt"}},
            {"subhrPt", {"CFsubhr", "Esubhr"}},
            {"day", {"AERday", "CFday", "day", "Eday", "EdayZ", "OIday", "Oday", "SIday"}},
            {"mon", {"AERmon", "AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "ImonAnt", "ImonGre", "LImon", "Lmon",
                     "OImon", "Omon", "SImon"}},
            {"monC", {"OIclim", "Oclim"}},
            {"yr", {"Eyr", "IyrAnt", "IyrGre", "Oyr"}},
            {"dec", {"Odec"}},
            {"fx", {"Efx", "fx", "IfxAnt", "IfxGre", "Ofx"}},
        };
        std::map<std::string, std::string> out;
        for (const auto& [frequency, names] : groups) {
            for (const auto& name : names) out[name] = frequency;
        }
        return out;
    }();
    static const std::set<std::string> frequencies = {"1hr", "1hrCM", "1hrPt", "3hr", "3hrPt", "6hr", "6hrPt", "day",
                                                      "dec", "fx",  "mon",   "monC",  "monPt", "subhrPt", "yr", "yrPt"};
    if (const auto it = tables.find(value); it != tables.end()) return it->second;
    if (frequencies.count(value)) return value;
    // Guessing would let two datasets that differ only in frequency share an instance id.
    throw InvalidFile("unknown MIP table or frequency '" + value + "'");
}

// The components from the rightmost anchor whose remaining path fits that project's layout.
std::vector<std::string> drs_parts(const std::vector<std::string>& parts) {
    bool any_anchor = false;
    for (std::size_t i = parts.size(); i-- > 0;) {
        const auto layout = kLayouts.find(parts[i]);
        if (layout == kLayouts.end()) continue;
        any_anchor = true;
        const std::size_t n = parts.size() - i;
        const Layout& l = layout->second;
        if (n < l.parts || (!l.allow_extra && n > l.parts)) continue;
        if (l.tiered == tier_of(parts[i + 1]).has_value()) return {parts.begin() + static_cast<std::ptrdiff_t>(i), parts.end()};
    }
    if (!any_anchor) throw InvalidFile("the path is not under an ESMValTool reference project folder (OBS, native6, obs4MIPs)");
    throw InvalidFile("the path does not fit the OBS, native6 or obs4MIPs folder layout");
}

FileMetadata parse_path(const std::string& file, const TypeInfo& type) {
    FileMetadata record = empty_record(file, type);
    const auto rel = drs_parts(components(record.path));
    const std::string& anchor = rel[0];
    const auto tokens = split(file_stem(rel.back()), '_');
    auto& f = record.facets;
    std::optional<std::string> time_range;

    if (anchor == "OBS") {
        // <project>_<dataset>_<type>_<version>_<mip>_<short_name>[_<timerange>]
        if (tokens.size() < 6) {
            throw InvalidFile("cannot parse the OBS file name: expected at least 6 '_'-separated parts "
                              "(project_dataset_type_version_mip_variable[_timerange])");
        }
        f["project"] = tokens[0];
        f["variable_id"] = tokens[5];
        f["frequency"] = frequency_of(tokens[4]);
        record.version = tokens[3];
        f["data_type"] = tokens[2];
        if (tokens.size() > 6) time_range = tokens.back();
    } else if (anchor == "native6") {
        // native6/Tier<n>/<dataset>/<version>/<frequency>/<short_name>/<file>; raw file names carry no dates.
        f["project"] = anchor;
        f["variable_id"] = rel[5];
        f["frequency"] = frequency_of(rel[4]);
        record.version = rel[3];
    } else {
        // obs4MIPs/<dataset>/<version>/<short_name>_*.nc, monthly by convention.
        if (tokens[0].empty()) throw InvalidFile("cannot parse the obs4MIPs file name: no variable before the first '_'");
        f["project"] = anchor;
        f["variable_id"] = tokens[0];
        f["frequency"] = std::string("mon");
        record.version = rel[2];
        if (tokens.size() > 1) time_range = tokens.back();
    }
    f["source_id"] = anchor == "obs4MIPs" ? rel[1] : rel[2];
    if (const auto tier = tier_of(rel[1])) f["tier"] = *tier;
    if (time_range) std::tie(record.start_time, record.end_time) = drs_time_range(*time_range);
    record.finalised = true;
    finish_record(record, type, "standard");
    return record;
}

}  // namespace

FileMetadata parse_esmvaltool_reference(const std::string& file, Parser parser, const TypeInfo& type) {
    if (parser == Parser::Drs) throw InvalidFile("the drs parser is only for cmip6 and cmip7");
    return guarded(file, [&] { return parse_path(file, type); });
}

}  // namespace ref::catalog::detail
