// ilamb3's native outputs -> CMEC bundles (spec section 6).
#include "ref/ilamb/ilamb.hpp"
#include "ref/science/cf_time.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/netcdf_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace ref::ilamb {

namespace fs = std::filesystem;

namespace {

// One CSV record (RFC 4180 quoting, as pandas writes it); false at the end of the input.
bool read_record(std::istream& in, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    bool quoted = false, any = false;
    char c;
    while (in.get(c)) {
        any = true;
        if (quoted) {
            if (c == '"') {
                if (in.peek() == '"') {
                    in.get(c);
                    field += '"';
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!any) return false;
    fields.push_back(field);
    return true;
}

double parse_value(const std::string& text) {
    if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        return used == text.size() ? v : std::numeric_limits<double>::quiet_NaN();
    } catch (const std::exception&) {
        return std::numeric_limits<double>::quiet_NaN();
    }
}

std::vector<fs::path> files_with_extension(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == extension) out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string strip_units(const std::string& name) {
    if (name.empty() || name.back() != ']') return name;
    const auto open = name.rfind(" [");
    return open == std::string::npos ? name : name.substr(0, open);
}

json nested_set(json& root, const std::vector<std::string>& keys, double value) {
    json* node = &root;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i) node = &(*node)[keys[i]];
    (*node)[keys.back()] = value;
    return root;
}

std::vector<std::pair<std::string, std::string>> common_dimensions(
    const std::vector<std::pair<std::string, std::string>>& selectors, const std::string& reference_source_id) {
    auto out = selectors;
    out.emplace_back("reference_source_id", reference_source_id);
    return out;
}

json as_object(const std::vector<std::pair<std::string, std::string>>& pairs) {
    json out = json::object();
    for (const auto& [k, v] : pairs) out[k] = v;
    return out;
}

}  // namespace

std::vector<ScalarRow> read_scalar_csv(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw plugin::DiagnosticError("cannot read ilamb3 scalar file " + file.string());
    std::vector<std::string> header;
    if (!read_record(in, header)) throw plugin::DiagnosticError("ilamb3 scalar file " + file.string() + " is empty");
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    for (const char* name : {"source", "region", "analysis", "name", "type", "units", "value"})
        if (!column.count(name))
            throw plugin::DiagnosticError("ilamb3 scalar file " + file.string() + " has no '" + name +
                                          "' column (header: " + [&] {
                                              std::string h;
                                              for (const auto& f : header) h += (h.empty() ? "" : ",") + f;
                                              return h;
                                          }() + ")");
    std::vector<ScalarRow> rows;
    std::vector<std::string> fields;
    std::size_t line = 1;
    while (read_record(in, fields)) {
        ++line;
        if (fields.size() == 1 && fields[0].empty()) continue;
        if (fields.size() != header.size())
            throw plugin::DiagnosticError("ilamb3 scalar file " + file.string() + " line " + std::to_string(line) +
                                          " has " + std::to_string(fields.size()) + " fields, expected " +
                                          std::to_string(header.size()));
        ScalarRow row;
        row.source = fields[column["source"]];
        row.region = fields[column["region"]];
        row.analysis = fields[column["analysis"]];
        row.name = fields[column["name"]];
        row.type = fields[column["type"]];
        row.units = fields[column["units"]];
        row.value_text = fields[column["value"]];
        row.value = parse_value(row.value_text);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<ScalarRow> read_scalars(const fs::path& output_directory) {
    std::vector<ScalarRow> out;
    std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
    for (const auto& file : files_with_extension(output_directory, ".csv")) {
        for (auto& row : read_scalar_csv(file)) {
            if (seen.emplace(row.source, row.region, row.analysis, row.name).second) out.push_back(std::move(row));
        }
    }
    return out;
}

json build_metric_bundle(const std::vector<ScalarRow>& scalars,
                         const std::vector<std::pair<std::string, std::string>>& selectors,
                         const std::string& reference_source_id) {
    std::vector<std::string> structure{"kind", "reference_source_id"};
    for (const auto& [facet, value] : selectors) structure.push_back(facet);
    structure.insert(structure.end(), {"region", "metric", "statistic"});

    json dimensions = json::object();
    for (const auto& d : structure) dimensions[d] = json::object();
    dimensions["json_structure"] = structure;
    json results = json::object();
    auto or_none = [](const std::string& v) { return v.empty() ? std::string("None") : v; };
    for (const auto& row : scalars) {
        if (row.source == "Reference") continue;
        // NaN is not a valid leaf for the REF's bundle validation: such rows are left out.
        if (!std::isfinite(row.value)) continue;
        std::vector<std::string> keys{"model", or_none(reference_source_id)};
        for (const auto& [facet, value] : selectors) keys.push_back(or_none(value));
        const std::string statistic = or_none(strip_units(row.name));
        keys.insert(keys.end(), {or_none(row.region), or_none(row.analysis), statistic});
        for (std::size_t i = 0; i < structure.size(); ++i) {
            json& declared = dimensions[structure[i]];
            if (declared.contains(keys[i])) continue;
            if (structure[i] == "statistic")
                declared[keys[i]] = {{"type", row.type}, {"units", row.units}};
            else if (structure[i] == "region")
                declared[keys[i]] = region_description(keys[i]);
            else
                declared[keys[i]] = json::object();
        }
        nested_set(results, keys, row.value);
    }
    return {{"DIMENSIONS", dimensions},
            {"RESULTS", results},
            {"PROVENANCE", nullptr},
            {"DISCLAIMER", nullptr},
            {"NOTES", nullptr}};
}

json build_legacy_metric_bundle(const std::vector<ScalarRow>& scalars, const std::string& group_key) {
    json regions = json::object(), models = json::object(), statistics = json::object();
    std::vector<std::string> region_order, model_order;
    for (const auto& row : scalars) {
        if (!regions.contains(row.region)) {
            regions[row.region] = region_description(row.region);
            region_order.push_back(row.region);
        }
        if (row.source != "Reference" && !models.contains(row.source)) {
            models[row.source] = {{"Description", row.source}, {"Source", row.source}};
            model_order.push_back(row.source);
        }
        statistics[row.name] = json::object();
    }
    json results = json::object();
    for (const auto& region : region_order) {
        json per_region = json::object();
        for (const auto& model : model_order) {
            json values = json::object();
            for (const auto& row : scalars)
                if (row.source == model && row.region == region && !values.contains(row.name))
                    values[row.name] = row.value;
            per_region[model] = {{group_key, values}};
        }
        results[region] = per_region;
    }
    json metric = {{group_key,
                    {{"Name", group_key},
                     {"Abstract", "benchmark score"},
                     {"URI", {"https://www.osti.gov/biblio/1330803", "https://doi.org/10.1029/2018MS001354"}},
                     {"Contact", "forrest AT climatemodeling.org"}}}};
    return {{"DIMENSIONS",
             {{"json_structure", {"region", "model", "metric", "statistic"}},
              {"region", regions},
              {"model", models},
              {"metric", metric},
              {"statistic", statistics}}},
            {"RESULTS", results},
            {"PROVENANCE", nullptr},
            {"DISCLAIMER", nullptr},
            {"NOTES", nullptr}};
}

json output_bundle_template() { return science::cmec::make_output_bundle("cmec_output.log"); }

PlotDescription describe_plot(const std::string& stem) {
    static const std::map<std::string, std::pair<std::string, std::string>> known = {
        {"bias", {"bias", "Bias"}},
        {"biasscore", {"bias score", "Bias score"}},
        {"cycle", {"annual cycle", "Annual cycle"}},
        {"cyclescore", {"annual cycle score", "Annual cycle score"}},
        {"mean", {"period mean", "Period Mean"}},
        {"rmse", {"RMSE", "RMSE"}},
        {"rmsescore", {"RMSE score", "RMSE score"}},
        {"shift", {"shift in maximum month", "Shift in maximum month"}},
        {"tmax", {"maxmimum month", "Maximum month"}},  // sic, as ilamb3 captions it
        {"trace", {"regional mean", "Regional mean"}},
        {"taylor", {"Taylor diagram", "Taylor diagram"}},
        {"distribution", {"distribution", "Distribution"}},
        {"response", {"response", "Response"}},
    };
    PlotDescription d;
    const auto last = stem.rfind('_');
    if (last == std::string::npos) {
        d.plot = stem;
    } else {
        d.plot = stem.substr(last + 1);
        const std::string head = stem.substr(0, last);
        const auto middle = head.rfind('_');
        if (middle == std::string::npos) {
            d.region = head;
        } else {
            d.source = head.substr(0, middle);
            d.region = head.substr(middle + 1);
        }
    }
    if (const auto dash = d.plot.find('-'); dash != std::string::npos) {
        d.option = d.plot.substr(dash + 1);
        d.plot = d.plot.substr(0, dash);
    }
    const auto it = known.find(d.plot);
    if (it == known.end()) return d;
    d.known = true;
    d.caption = "The " + it->second.first;
    if (!d.option.empty()) d.caption += " of " + d.option;
    if (d.source == "Reference")
        d.caption += " for the reference data";
    else if (!d.source.empty() && d.source != "None")
        d.caption += " for " + d.source;
    if (!d.region.empty() && d.region != "None") d.caption += " over the " + region_name(d.region) + " region.";
    d.statistic = it->second.second + (d.option.empty() ? "" : "|" + d.option);
    return d;
}

json build_output_bundle(const fs::path& output_directory,
                         const std::vector<std::pair<std::string, std::string>>& selectors,
                         const std::string& reference_source_id) {
    json bundle = output_bundle_template();
    const auto common = common_dimensions(selectors, reference_source_id);
    for (const auto& file : files_with_extension(output_directory, ".png")) {
        const std::string name = file.filename().string();
        const PlotDescription d = describe_plot(file.stem().string());
        json dims;
        if (!d.known) {
            dims = {{"region", d.region}};
        } else if (d.source == "Reference") {
            dims = {{"kind", "reference"},
                    {"reference_source_id", reference_source_id},
                    {"region", d.region},
                    {"statistic", d.statistic}};
        } else {
            dims = as_object(common);
            dims["region"] = d.region;
            dims["statistic"] = d.statistic;
        }
        bundle["plots"][name] = {{"filename", name}, {"long_name", d.caption}, {"description", ""}, {"dimensions", dims}};
    }
    std::vector<fs::path> data = files_with_extension(output_directory, ".csv");
    const auto netcdf = files_with_extension(output_directory, ".nc");
    data.insert(data.end(), netcdf.begin(), netcdf.end());
    std::sort(data.begin(), data.end());
    for (const auto& file : data) {
        const std::string name = file.filename().string();
        bundle["data"][name] = {{"filename", name},
                                {"long_name", name},
                                {"description", "Scalar and time-series data produced by ILAMB."}};
    }
    if (fs::is_regular_file(output_directory / "index.html")) {
        bundle["html"]["index.html"] = {{"filename", "index.html"},
                                        {"long_name", "Results page"},
                                        {"description", "Page displaying scalars and plots from the ILAMB execution."},
                                        {"dimensions", as_object(common)}};
        bundle["index"] = "index.html";
    } else {
        bundle["index"] = nullptr;
    }
    return bundle;
}

std::string normalise_units(const std::string& units) {
    static const std::map<std::string, std::string> symbols = {
        {"meter", "m"},       {"metre", "m"},         {"second", "s"},     {"day", "d"},
        {"gram", "g"},        {"kilogram", "kg"},     {"hour", "h"},       {"minute", "min"},
        {"year", "yr"},       {"kelvin", "K"},        {"degree_Celsius", "degC"},
        {"pascal", "Pa"},     {"watt", "W"},          {"mole", "mol"},     {"liter", "L"},
        {"sverdrup", "Sv"},   {"percent", "%"},       {"petagram", "Pg"},  {"kilometer", "km"},
        {"centimeter", "cm"}, {"millimeter", "mm"},   {"joule", "J"},      {"month", "month"},
    };
    std::string text = units;
    // Split "**" and "/" and "*" into their own tokens.
    std::string spaced;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "**") == 0) {
            spaced += " ** ";
            ++i;
        } else if (text[i] == '/' || text[i] == '*' || text[i] == '.') {
            spaced += std::string(" ") + (text[i] == '.' ? '*' : text[i]) + " ";
        } else {
            spaced += text[i];
        }
    }
    std::istringstream in(spaced);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) tokens.push_back(t);
    if (tokens.empty()) return units;
    if (tokens.size() == 1 && (tokens[0] == "1" || tokens[0] == "dimensionless")) return "1";

    std::map<std::string, int> exponents;
    std::vector<std::string> order;
    int sign = 1;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        if (t == "/") {
            sign = -1;
            continue;
        }
        if (t == "*") {
            sign = 1;
            continue;
        }
        if (t == "**") return units;  // an exponent without a base
        // "m-2", "m2", "m^2": a symbol with an attached exponent.
        std::size_t split = t.size();
        while (split > 0 && (std::isdigit(static_cast<unsigned char>(t[split - 1])) || t[split - 1] == '-' ||
                             t[split - 1] == '+'))
            --split;
        std::string base = t.substr(0, split);
        if (!base.empty() && base.back() == '^') base.pop_back();
        if (base.empty()) return units;  // a bare number: a scale factor we do not fold in
        int exponent = 1;
        if (split < t.size()) {
            try {
                exponent = std::stoi(t.substr(split));
            } catch (const std::exception&) {
                return units;
            }
        }
        if (i + 1 < tokens.size() && tokens[i + 1] == "**") {
            if (i + 2 >= tokens.size()) return units;
            try {
                exponent = std::stoi(tokens[i + 2]);
            } catch (const std::exception&) {
                return units;
            }
            i += 2;
        }
        if (auto it = symbols.find(base); it != symbols.end()) base = it->second;
        if (!exponents.count(base)) order.push_back(base);
        exponents[base] += sign * exponent;
        sign = 1;
    }
    std::vector<std::string> positive, negative;
    for (const auto& [base, e] : exponents) {
        if (e > 0) positive.push_back(e == 1 ? base : base + std::to_string(e));
        if (e < 0) negative.push_back(base + std::to_string(e));
    }
    std::string out;
    for (const auto& p : positive) out += (out.empty() ? "" : " ") + p;
    for (const auto& n : negative) out += (out.empty() ? "" : " ") + n;
    return out.empty() ? "1" : out;
}

json build_series(const fs::path& output_directory,
                  const std::vector<std::pair<std::string, std::string>>& selectors,
                  const std::string& reference_source_id) {
    std::vector<json> entries;
    for (const auto& file : files_with_extension(output_directory, ".nc")) {
        const bool reference = file.stem() == "Reference";
        try {
            science::NetcdfFile nc(file.string());
            auto names = nc.variable_names();
            std::sort(names.begin(), names.end());
            for (const auto& name : names) {
                const auto dims = nc.dimensions(name);
                if (dims.size() != 1 || (dims[0].name != "time" && dims[0].name != "month") || name == dims[0].name)
                    continue;
                const std::string axis = dims[0].name;
                json index = json::array();
                std::optional<std::string> calendar;
                if (nc.has_variable(axis)) {
                    const auto values = nc.read(axis);
                    const auto axis_units = nc.string_attribute(axis, "units");
                    if (axis == "time" && axis_units && axis_units->find(" since ") != std::string::npos) {
                        calendar = nc.string_attribute(axis, "calendar").value_or("standard");
                        const science::CfTime time(*axis_units, *calendar);
                        for (double v : values) {
                            std::string iso = science::format_datetime(time.decode(v));
                            iso[iso.find(' ')] = 'T';
                            index.push_back(iso);
                        }
                    } else {
                        for (double v : values) {
                            if (std::floor(v) == v && std::abs(v) < 1e15)
                                index.push_back(static_cast<long long>(v));
                            else
                                index.push_back(v);
                        }
                    }
                } else {
                    for (std::size_t i = 0; i < dims[0].size; ++i) index.push_back(static_cast<long long>(i + 1));
                }
                json values = json::array();
                for (double v : nc.read(name)) values.push_back(std::isfinite(v) ? json(v) : json(nullptr));
                if (values.size() != index.size()) continue;

                const auto split = name.find('_');
                const std::string metric = name.substr(0, split);
                const std::string region = split == std::string::npos ? "None" : name.substr(split + 1);
                json dimensions;
                if (reference) {
                    dimensions = {{"reference_source_id", reference_source_id}, {"metric", metric}, {"region", region}};
                } else {
                    dimensions = as_object(common_dimensions(selectors, reference_source_id));
                    dimensions["metric"] = metric;
                    dimensions["region"] = region;
                }
                const auto units = nc.string_attribute(name, "units");
                const auto long_name = nc.string_attribute(name, "long_name");
                const auto standard_name = nc.string_attribute(name, "standard_name");
                json attributes = {{"units", units ? json(*units) : json(nullptr)},
                                   {"long_name", long_name ? json(*long_name) : json(nullptr)},
                                   {"standard_name", standard_name ? json(*standard_name) : json(nullptr)}};
                if (calendar) attributes["calendar"] = *calendar;
                json entry = {{"dimensions", dimensions},
                              {"values", values},
                              {"index", index},
                              {"index_name", axis},
                              {"attributes", attributes}};
                if (reference) entry["kind"] = "reference";
                if (units) entry["value_units"] = normalise_units(*units);
                if (long_name) entry["value_long_name"] = *long_name;
                if (calendar) entry["calendar"] = *calendar;
                entries.push_back(std::move(entry));
            }
        } catch (const science::NetcdfError& e) {
            throw plugin::DiagnosticError("cannot read ilamb3 output " + file.string() + ": " + e.what());
        } catch (const science::CfTimeError& e) {
            throw plugin::DiagnosticError("cannot decode the time axis of " + file.string() + ": " + e.what());
        }
    }
    std::stable_sort(entries.begin(), entries.end(), [](const json& a, const json& b) {
        auto key = [](const json& e) {
            return std::make_tuple(e["dimensions"].dump(), e.value("kind", std::string("model")),
                                   e["index_name"].get<std::string>());
        };
        return key(a) < key(b);
    });
    return json(entries);
}

plugin::ExecutionResult write_bundles(const fs::path& output_directory,
                                      const std::vector<std::pair<std::string, std::string>>& selectors,
                                      const std::string& reference_source_id) {
    if (files_with_extension(output_directory, ".csv").empty())
        throw plugin::DiagnosticError("ilamb3 wrote no scalar file (*.csv) in " + output_directory.string());
    const auto scalars = read_scalars(output_directory);
    const bool has_model_rows = std::any_of(scalars.begin(), scalars.end(), [](const ScalarRow& r) {
        return r.source != "Reference" && std::isfinite(r.value);
    });
    if (!has_model_rows)
        throw plugin::DiagnosticError("ilamb3's scalar files in " + output_directory.string() +
                                      " hold no finite model values");
    science::cmec::write_json_atomically(output_directory / "diagnostic.json",
                                         build_metric_bundle(scalars, selectors, reference_source_id));
    science::cmec::write_json_atomically(output_directory / "output.json",
                                         build_output_bundle(output_directory, selectors, reference_source_id));
    science::cmec::write_json_atomically(output_directory / "series.json",
                                         build_series(output_directory, selectors, reference_source_id));
    return plugin::ExecutionResult{};
}

}  // namespace ref::ilamb
