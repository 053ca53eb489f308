#include "ref/esmvaltool/bundles.hpp"

#include "ref/esmvaltool/yaml_json.hpp"
#include "ref/science/cf_time.hpp"
#include "ref/science/netcdf_file.hpp"

#include <fnmatch.h>
#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace ref::esmvaltool {

namespace {

using plugin::DiagnosticError;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DiagnosticError("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string relative_to(const fs::path& path, const fs::path& base) { return path.lexically_relative(base).generic_string(); }

json dimensions_for(const DiagnosticSpec& spec, const std::string& relative_path, const Selectors& selectors) {
    for (const auto& file : spec.files)
        if (matches_definition(relative_path, file.file_pattern, selectors)) return file.dimensions;
    for (const auto& series : spec.series)
        if (matches_definition(relative_path, series.file_pattern, selectors)) return series.dimensions;
    return json::object();
}

bool is_plot(const fs::path& path) {
    std::string suffix = path.extension().string();
    std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return suffix == ".png" || suffix == ".jpg" || suffix == ".pdf" || suffix == ".ps";
}

// ---- netCDF access for metrics and series ----

double first_value(const fs::path& file, const std::string& variable) {
    try {
        const science::NetcdfFile nc(file.string());
        const auto values = nc.read(variable);
        if (values.empty()) throw DiagnosticError(file.string() + ": variable '" + variable + "' is empty");
        return values.front();
    } catch (const science::NetcdfError& e) {
        throw DiagnosticError("cannot read the ESMValTool result " + file.string() + ": " + e.what());
    }
}

// netCDF's default fill values (of doubles and of floats read as doubles) mark missing data too.
bool is_default_fill(double value) {
    constexpr double fill_double = 9.9692099683868690e+36;
    constexpr double fill_float = static_cast<double>(9.9692099683868690e+36f);
    return value == fill_double || value == fill_float;
}

json number_or_null(double value) {
    return std::isfinite(value) && !is_default_fill(value) ? json(value) : json(nullptr);
}

// The values of `variable` after fixing the dimensions named in `sel` to the given indices.
std::vector<double> select(const science::NetcdfFile& nc, const std::string& variable, const json& sel) {
    const auto dims = nc.dimensions(variable);
    const auto values = nc.read(variable);
    std::vector<std::size_t> fixed(dims.size(), static_cast<std::size_t>(-1));
    for (const auto& [name, index] : sel.items()) {
        auto it = std::find_if(dims.begin(), dims.end(), [&](const science::Dimension& d) { return d.name == name; });
        if (it == dims.end()) throw DiagnosticError(nc.path() + ": variable '" + variable + "' has no dimension " + name);
        const auto position = static_cast<std::size_t>(it - dims.begin());
        const auto i = index.get<std::size_t>();
        if (i >= it->size) throw DiagnosticError(nc.path() + ": dimension " + name + " has no entry " + std::to_string(i));
        fixed[position] = i;
    }
    std::vector<double> out;
    std::vector<std::size_t> counter(dims.size(), 0);
    for (std::size_t flat = 0; flat < values.size(); ++flat) {
        std::size_t rest = flat;
        bool keep = true;
        for (std::size_t d = dims.size(); d-- > 0;) {
            const std::size_t size = std::max<std::size_t>(dims[d].size, 1);
            counter[d] = rest % size;
            rest /= size;
            if (fixed[d] != static_cast<std::size_t>(-1) && counter[d] != fixed[d]) keep = false;
        }
        if (keep) out.push_back(values[flat]);
    }
    return out;
}

std::string iso_time(const science::DateTime& t) {
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
    return text;
}

void copy_attribute(const science::NetcdfFile& nc, const std::string& variable, const std::string& name,
                    const std::string& key, json& attributes) {
    if (auto value = nc.string_attribute(variable, name)) attributes[key] = *value;
}

json read_series(const SeriesDefinition& definition, const fs::path& file, const std::string& caption,
                 const Selectors& selectors) {
    try {
        const science::NetcdfFile nc(file.string());
        json entry;
        json dimensions = json::object();
        for (const auto& [facet, value] : selectors) dimensions[facet] = value;
        for (const auto& [facet, value] : definition.dimensions.items()) dimensions[facet] = value;
        const auto values = select(nc, definition.values_name, definition.sel);
        json values_json = json::array();
        for (double v : values) values_json.push_back(number_or_null(v));

        json attributes = {{"caption", caption}, {"values_name", definition.values_name}, {"index_name", definition.index_name}};
        json index = json::array();
        const auto index_values = nc.read(definition.index_name);
        const auto units = nc.string_attribute(definition.index_name, "units");
        if (units && units->find(" since ") != std::string::npos) {
            const std::string calendar = nc.string_attribute(definition.index_name, "calendar").value_or("standard");
            const science::CfTime time(*units, calendar);
            for (double v : index_values) index.push_back(iso_time(time.decode(v)));
            attributes["calendar"] = calendar;
        } else {
            for (double v : index_values) {
                if (!std::isfinite(v)) throw DiagnosticError(file.string() + ": the index " + definition.index_name + " has missing values");
                index.push_back(v == std::floor(v) && std::fabs(v) < 1e15 ? json(static_cast<long long>(v)) : json(v));
            }
        }
        if (index.size() != values_json.size())
            throw DiagnosticError(file.string() + ": " + definition.values_name + " has " + std::to_string(values_json.size()) +
                                  " values along " + definition.index_name + " of " + std::to_string(index.size()));
        copy_attribute(nc, definition.values_name, "long_name", "value_long_name", attributes);
        copy_attribute(nc, definition.values_name, "standard_name", "value_standard_name", attributes);
        copy_attribute(nc, definition.values_name, "units", "value_units", attributes);
        copy_attribute(nc, definition.index_name, "long_name", "index_long_name", attributes);
        copy_attribute(nc, definition.index_name, "standard_name", "index_standard_name", attributes);
        copy_attribute(nc, definition.index_name, "units", "index_units", attributes);

        entry["dimensions"] = dimensions;
        entry["values"] = values_json;
        entry["index"] = index;
        entry["index_name"] = definition.index_name;
        entry["attributes"] = attributes;
        if (dimensions.contains("reference_source_id")) entry["kind"] = "reference";
        return entry;
    } catch (const science::NetcdfError& e) {
        throw DiagnosticError("cannot read the series file " + file.string() + ": " + e.what());
    } catch (const science::CfTimeError& e) {
        throw DiagnosticError("cannot read the time axis of " + file.string() + ": " + e.what());
    }
}

// ---- metric bundle contents per diagnostic ----

struct Structure {
    std::vector<std::string> json_structure;
    json results = json::object();
};

std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw DiagnosticError("ESMValTool did not write " + file.string());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char ch : line) {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) cells.push_back(std::exchange(cell, {}));
            else cell += ch;
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

double parse_number(const std::string& text, const fs::path& file) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    if (text.empty() || text == "nan" || text == "NaN") return std::nan("");
    throw DiagnosticError(file.string() + ": '" + text + "' is not a number");
}

// Python's str() of a float: 1.5 -> "1.5", 2 -> "2.0".
std::string python_float_text(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::stod(text) == value) break;
    }
    std::string out = text;
    if (out.find_first_of(".en") == std::string::npos) out += ".0";
    return out;
}

Structure single_metric(const fs::path& work, const std::vector<std::pair<std::string, std::string>>& metrics) {
    Structure s{{"region", "metric"}, json::object()};
    for (const auto& [relative, variable] : metrics) {
        const fs::path file = work / relative;
        if (!fs::exists(file)) throw DiagnosticError("ESMValTool did not write " + file.string());
        s.results["global"][variable] = number_or_null(first_value(file, variable));
    }
    return s;
}

Structure gwl_metrics(const fs::path& work) {
    const fs::path file = work / "calculate_gwl_exceedance_years/gwl_exceedance_calculation/GWL_exceedance_years.csv";
    const auto rows = read_csv(file);
    if (rows.empty()) throw DiagnosticError(file.string() + " is empty");
    const auto& header = rows.front();
    auto column = [&](const std::string& name) {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) throw DiagnosticError(file.string() + " has no column " + name);
        return static_cast<std::size_t>(it - header.begin());
    };
    const std::size_t level = column("GWL"), year = column("Exceedance_Year");
    Structure s{{"global_warming_level", "metric"}, json::object()};
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].size() <= std::max(level, year)) throw DiagnosticError(file.string() + ": row " + std::to_string(i) + " is short");
        // With several models the last row of a level wins, as in the REF.
        const double y = parse_number(rows[i][year], file);
        s.results[python_float_text(parse_number(rows[i][level], file))]["exceedance_year"] =
            std::isfinite(y) ? json(static_cast<long long>(std::llround(y))) : json(nullptr);
    }
    return s;
}

Structure enso_metrics(const fs::path& work) {
    const fs::path file = work / "diagnostic_metrics/plot_script/matrix.csv";
    Structure s{{"region", "metric"}, json::object()};
    for (const auto& row : read_csv(file)) {
        if (row.size() < 3) throw DiagnosticError(file.string() + ": expected dataset, metric, value rows");
        s.results["global"][row[1]] = number_or_null(parse_number(row[2], file));
    }
    return s;
}

Structure sea_ice_metrics(const fs::path& work) {
    Structure s{{"source_id", "region", "metric"}, json::object()};
    for (const std::string region : {"antarctic", "arctic"}) {
        const fs::path file = work / region / "sea_ice_sensitivity_script/plotted_values.csv";
        const auto rows = read_csv(file);
        if (rows.empty()) throw DiagnosticError(file.string() + " is empty");
        const auto& header = rows.front();
        for (std::size_t i = 1; i < rows.size(); ++i) {
            for (std::size_t c = 1; c < header.size() && c < rows[i].size(); ++c) {
                if (header[c] == "label") continue;
                s.results[rows[i][0]][region][header[c]] = number_or_null(parse_number(rows[i][c], file));
            }
        }
    }
    return s;
}

std::string trimmed(std::string text) {
    const auto first = text.find_first_not_of(" \t\n\r");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\n\r");
    return text.substr(first, last - first + 1);
}

// A string coordinate (NC_STRING, or NC_CHAR with the string length as last dimension).
std::vector<std::string> read_strings(const fs::path& file, const std::string& variable) {
    int ncid = 0;
    if (nc_open(file.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) throw DiagnosticError("cannot open " + file.string());
    std::vector<std::string> out;
    try {
        int varid = 0, ndims = 0;
        nc_type type = NC_NAT;
        if (nc_inq_varid(ncid, variable.c_str(), &varid) != NC_NOERR)
            throw DiagnosticError(file.string() + " has no variable " + variable);
        nc_inq_vartype(ncid, varid, &type);
        nc_inq_varndims(ncid, varid, &ndims);
        std::vector<int> dims(static_cast<std::size_t>(ndims));
        nc_inq_vardimid(ncid, varid, dims.data());
        std::vector<std::size_t> sizes;
        for (int d : dims) {
            std::size_t size = 0;
            nc_inq_dimlen(ncid, d, &size);
            sizes.push_back(size);
        }
        if (type == NC_STRING) {
            std::size_t count = 1;
            for (auto size : sizes) count *= size;
            std::vector<char*> values(count, nullptr);
            if (count && nc_get_var_string(ncid, varid, values.data()) != NC_NOERR)
                throw DiagnosticError("cannot read " + variable + " in " + file.string());
            for (char* value : values) out.push_back(trimmed(value ? value : ""));
            if (count) nc_free_string(count, values.data());
        } else if (type == NC_CHAR && !sizes.empty()) {
            const std::size_t length = sizes.back();
            std::size_t count = 1;
            for (std::size_t i = 0; i + 1 < sizes.size(); ++i) count *= sizes[i];
            std::string chars(count * length, '\0');
            if (!chars.empty() && nc_get_var_text(ncid, varid, chars.data()) != NC_NOERR)
                throw DiagnosticError("cannot read " + variable + " in " + file.string());
            for (std::size_t i = 0; i < count; ++i) {
                std::string value = chars.substr(i * length, length);
                value = value.substr(0, value.find('\0'));
                out.push_back(trimmed(value));
            }
        } else {
            throw DiagnosticError(variable + " in " + file.string() + " is not a string variable");
        }
    } catch (...) {
        nc_close(ncid);
        throw;
    }
    nc_close(ncid);
    return out;
}

Structure regional_trend_metrics(const fs::path& work) {
    Structure s{{"variable_id", "region", "metric"}, json::object()};
    bool found = false;
    for (const std::string diagnostic : {"tas", "pr", "psl", "ua200", "hus200"}) {
        const fs::path file = work / (diagnostic + "_trends") / "plot" / "seaborn_barplot.nc";
        // A variable without data was left out of the recipe.
        if (!fs::exists(file)) continue;
        found = true;
        try {
            const science::NetcdfFile nc(file.string());
            std::string variable;
            for (const std::string candidate : {"tas", "pr", "psl", "ua", "hus"})
                if (nc.has_variable(candidate)) variable = candidate;
            if (variable.empty()) throw DiagnosticError(file.string() + " holds no tas, pr, psl, ua or hus trend");
            const auto values = nc.read(variable);
            const auto regions = read_strings(file, "shape_id");
            if (regions.size() != values.size())
                throw DiagnosticError(file.string() + ": " + std::to_string(values.size()) + " trends for " +
                                      std::to_string(regions.size()) + " regions");
            // With several datasets in the file the last one of a region wins, as in the REF.
            for (std::size_t i = 0; i < values.size(); ++i) s.results[variable][regions[i]]["trend"] = number_or_null(values[i]);
        } catch (const science::NetcdfError& e) {
            throw DiagnosticError("cannot read the ESMValTool result " + file.string() + ": " + e.what());
        }
    }
    if (!found) throw DiagnosticError("ESMValTool wrote no seaborn_barplot.nc trend file under " + work.string());
    return s;
}

// The CMEC DIMENSIONS entry of each dimension: every key used at that depth of RESULTS.
void collect_keys(const json& node, std::size_t depth, std::vector<std::map<std::string, bool>>& keys) {
    if (!node.is_object() || depth >= keys.size()) return;
    for (const auto& [key, value] : node.items()) {
        keys[depth][key] = true;
        collect_keys(value, depth + 1, keys);
    }
}

}  // namespace

Selectors input_selectors(const plugin::ExecutionDefinition& definition) {
    for (const std::string type : {"cmip6", "cmip7", "obs4mips"})
        if (const auto* collection = definition.find(type)) return collection->selector;
    return {};
}

fs::path find_result_directory(const fs::path& output_directory) {
    const fs::path executions = output_directory / "executions";
    if (fs::is_directory(executions / "recipe")) return executions / "recipe";
    std::error_code ec;
    std::vector<fs::path> entries;
    if (fs::is_directory(executions, ec))
        for (const auto& entry : fs::directory_iterator(executions)) entries.push_back(entry.path());
    if (entries.empty()) throw DiagnosticError("ESMValTool wrote no run directory under " + executions.string());
    return *std::max_element(entries.begin(), entries.end());
}

std::string format_pattern(const std::string& pattern, const Selectors& selectors) {
    std::string out = pattern;
    for (const auto& [facet, value] : selectors) {
        const std::string placeholder = "{" + facet + "}";
        for (auto at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
            out.replace(at, placeholder.size(), value);
    }
    return out;
}

bool matches_definition(const std::string& relative_path, const std::string& pattern, const Selectors& selectors) {
    const std::string full = "executions/*/" + format_pattern(pattern, selectors);
    return fnmatch(full.c_str(), relative_path.c_str(), 0) == 0;
}

std::vector<std::pair<fs::path, std::string>> provenance_files(const fs::path& result_directory) {
    std::vector<fs::path> records;
    const fs::path run = result_directory / "run";
    std::error_code ec;
    if (fs::is_directory(run, ec)) {
        for (const auto& diagnostic : fs::directory_iterator(run)) {
            if (!diagnostic.is_directory()) continue;
            for (const auto& script : fs::directory_iterator(diagnostic.path())) {
                const fs::path record = script.path() / "diagnostic_provenance.yml";
                if (script.is_directory() && fs::is_regular_file(record)) records.push_back(record);
            }
        }
    }
    std::sort(records.begin(), records.end());
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& record : records) {
        ordered_json content;
        try {
            content = yaml_to_json(read_text(record));
        } catch (const std::runtime_error& e) {
            throw DiagnosticError("cannot read the provenance record " + record.string() + ": " + e.what());
        }
        if (content.is_null()) continue;
        if (!content.is_object())
            throw DiagnosticError("the provenance record " + record.string() + " is not a mapping of files");
        for (const auto& [file, provenance] : content.items()) {
            std::string caption;
            if (provenance.is_object() && provenance.contains("caption") && provenance["caption"].is_string())
                caption = provenance["caption"].get<std::string>();
            out.emplace_back(fs::path(file), caption);
        }
    }
    return out;
}

json metric_bundle(const DiagnosticSpec& spec, const Selectors& selectors, const fs::path& result_directory) {
    json bundle = {{"DIMENSIONS", {{"json_structure", json::array()}}},
                   {"RESULTS", json::object()},
                   {"PROVENANCE", nullptr},
                   {"DISCLAIMER", nullptr},
                   {"NOTES", nullptr}};
    const fs::path work = result_directory / "work";
    Structure s;
    switch (spec.metrics) {
        case MetricFormat::none:
            return bundle;
        case MetricFormat::ecs:
            s = single_metric(work, {{"ecs/calculate/ecs.nc", "ecs"}, {"ecs/calculate/lambda.nc", "lambda"}});
            break;
        case MetricFormat::tcr:
            s = single_metric(work, {{"tcr/calculate/tcr.nc", "tcr"}});
            break;
        case MetricFormat::tcre:
            s = single_metric(work, {{"tcre/calculate/tcre.nc", "tcre"}});
            break;
        case MetricFormat::zec:
            s = single_metric(work, {{"zec/zec/zec_50.nc", "zec"}});
            break;
        case MetricFormat::gwl:
            s = gwl_metrics(work);
            break;
        case MetricFormat::enso_characteristics:
            s = enso_metrics(work);
            break;
        case MetricFormat::sea_ice_sensitivity:
            s = sea_ice_metrics(work);
            break;
        case MetricFormat::regional_trend:
            s = regional_trend_metrics(work);
            break;
    }
    if (s.json_structure.empty()) return bundle;
    // The execution's selectors become the outer dimensions, one value each.
    json results = s.results;
    std::vector<std::string> structure;
    for (auto it = selectors.rbegin(); it != selectors.rend(); ++it) results = json{{it->second, results}};
    for (const auto& [facet, value] : selectors) structure.push_back(facet);
    structure.insert(structure.end(), s.json_structure.begin(), s.json_structure.end());
    std::vector<std::map<std::string, bool>> keys(structure.size());
    collect_keys(results, 0, keys);
    json dimensions = {{"json_structure", structure}};
    for (std::size_t i = 0; i < structure.size(); ++i) {
        json values = json::object();
        for (const auto& [key, present] : keys[i]) values[key] = json::object();
        dimensions[structure[i]] = values;
    }
    bundle["DIMENSIONS"] = dimensions;
    bundle["RESULTS"] = results;
    return bundle;
}

Bundles build_bundles(const DiagnosticSpec& spec, const Selectors& selectors, const fs::path& output_directory) {
    const fs::path result_directory = find_result_directory(output_directory);
    const auto files = provenance_files(result_directory);

    json output = {{"index", (result_directory / "index.html").string()},
                   {"provenance",
                    {{"environment", json::object()},
                     {"modeldata", json::array()},
                     {"obsdata", json::object()},
                     {"log", (result_directory / "run" / "main_log_debug.txt").string()}}},
                   {"data", json::object()},
                   {"html", json::object()},
                   {"diagnostics", json::object()},
                   {"plots", json::object()}};
    json series = json::array();
    for (const auto& [file, caption] : files) {
        const std::string relative = relative_to(file, output_directory);
        const json entry = {{"filename", relative},
                            {"long_name", caption},
                            {"description", ""},
                            {"dimensions", dimensions_for(spec, relative, selectors)}};
        output[is_plot(file) ? "plots" : "data"][relative] = entry;
        for (const auto& definition : spec.series) {
            if (!matches_definition(relative, definition.file_pattern, selectors)) continue;
            series.push_back(read_series(definition, file, caption, selectors));
        }
    }
    // Deterministic order, as the REF writes series files.
    auto order = [](const json& a, const json& b) {
        return std::make_tuple(a["dimensions"].dump(), a.value("kind", "model"), a["index_name"].get<std::string>()) <
               std::make_tuple(b["dimensions"].dump(), b.value("kind", "model"), b["index_name"].get<std::string>());
    };
    std::vector<json> sorted(series.begin(), series.end());
    std::stable_sort(sorted.begin(), sorted.end(), order);
    series = json(sorted);
    const std::string index = (result_directory / "index.html").string();
    output["html"][index] = {{"filename", index},
                             {"long_name", "Results page"},
                             {"description", "Page showing the executions of the ESMValTool run."}};
    return {output, metric_bundle(spec, selectors, result_directory), series};
}

}  // namespace ref::esmvaltool
