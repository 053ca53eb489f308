// What every adapter shares: the type table and the path, date and number rules of datasets.md §2-§4.
#include "catalog/detail.hpp"

#include "ref/science/cf_time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace ref::catalog::detail {

namespace {

using solver::SourceType;

// Columns in the order of migrations/sqlite/0001_initial_schema.sql, without id.
const std::vector<std::string> kCmip6Columns = {
    "activity_id", "branch_method", "branch_time_in_child", "branch_time_in_parent", "experiment", "experiment_id",
    "frequency", "grid", "grid_label", "institution_id", "long_name", "member_id", "nominal_resolution",
    "parent_activity_id", "parent_experiment_id", "parent_source_id", "parent_time_units", "parent_variant_label",
    "realm", "product", "source_id", "standard_name", "source_type", "sub_experiment", "sub_experiment_id",
    "table_id", "units", "variable_id", "variant_label", "vertical_levels", "version", "instance_id", "time_units",
    "calendar"};

const std::vector<std::string> kCmip7Columns = {
    "activity_id", "institution_id", "source_id", "experiment_id", "variant_label", "variable_id", "grid_label",
    "frequency", "region", "branding_suffix", "version", "mip_era", "realm", "nominal_resolution",
    "branch_time_in_child", "branch_time_in_parent", "parent_activity_id", "parent_experiment_id", "parent_mip_era",
    "parent_source_id", "parent_time_units", "parent_variant_label", "standard_name", "long_name", "units",
    "instance_id", "license_id", "external_variables", "time_units", "calendar"};

const std::vector<std::string> kObsColumns = {
    "activity_id", "frequency", "grid", "grid_label", "institution_id", "long_name", "nominal_resolution", "realm",
    "product", "source_id", "source_type", "units", "variable_id", "variant_label", "version", "vertical_levels",
    "source_version_number", "instance_id"};

const std::vector<std::string> kEsmvaltoolColumns = {"project", "source_id", "variable_id", "frequency", "version",
                                                     "data_type", "tier", "long_name", "units", "instance_id"};

const std::vector<std::string> kObsIdentity = {"activity_id", "institution_id", "source_id", "frequency",
                                               "variable_id", "nominal_resolution", "grid_label"};

std::vector<TypeInfo> make_types() {
    const auto shared = [](const std::vector<std::string>& columns) { return std::make_shared<const Facets::Names>(columns); };
    return {
        {SourceType::Cmip6, "CMIP6", "cmip6_dataset", "CMIP6", shared(kCmip6Columns),
         {"activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id", "variable_id",
          "grid_label"},
         true, parse_cmip6},
        {SourceType::Cmip7, "CMIP7", "cmip7_dataset", "CMIP7", shared(kCmip7Columns),
         {"activity_id", "institution_id", "source_id", "experiment_id", "variant_label", "region", "frequency",
          "variable_id", "branding_suffix", "grid_label"},
         true, parse_cmip7},
        {SourceType::EsmvaltoolReference, "ESMValToolReference", "esmvaltool_reference_dataset",
         "esmvaltool-reference", shared(kEsmvaltoolColumns), {"project", "source_id", "frequency", "variable_id"}, false,
         parse_esmvaltool_reference},
        {SourceType::Obs4mips, "obs4MIPs", "obs4mips_dataset", "obs4MIPs", shared(kObsColumns), kObsIdentity, false,
         parse_obs},
        {SourceType::Obs4ref, "obs4REF", "obs4ref_dataset", "obs4REF", shared(kObsColumns), kObsIdentity, false, parse_obs},
        // PMP climatologies keep the obs4MIPs prefix (§2.2), so their slugs can collide with obs4MIPs ones.
        {SourceType::PmpClimatology, "PMPClimatology", "pmp_climatology_dataset", "obs4MIPs", shared(kObsColumns),
         kObsIdentity, false, parse_obs},
    };
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

std::string value_text(const store::Value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return *text;
    if (const auto* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
    if (const auto* real = std::get_if<double>(&value)) {
        char buffer[64];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, *real);
        return std::string(buffer, result.ptr);
    }
    return {};
}

}  // namespace

const TypeInfo& type_info(solver::SourceType type) {
    static const std::vector<TypeInfo> types = make_types();
    for (const auto& info : types) {
        if (info.source_type == type) return info;
    }
    throw std::invalid_argument("unknown source type");
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> out;
    for (auto& part : split(path, '/')) {
        if (!part.empty()) out.push_back(std::move(part));
    }
    return out;
}

std::string_view directory_of(std::string_view path) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return {};
    return path.substr(0, slash == 0 ? 1 : slash);  // the root keeps its "/"
}

std::string_view file_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view file_stem(std::string_view path) {
    std::string_view name = file_name(path);
    if (name.ends_with(".nc")) name.remove_suffix(3);
    return name;
}

std::pair<std::string, std::string> activity_and_institution(std::string_view directory, std::string_view source_id,
                                                            const std::string& project) {
    // Removes and returns the last non-empty component of `path` (empty when there is none).
    const auto pop_component = [](std::string_view& path) {
        while (!path.empty() && path.back() == '/') path.remove_suffix(1);
        const auto slash = path.rfind('/');
        const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
        path.remove_suffix(last.size());
        return last;
    };
    const std::string needle = "/" + std::string(source_id) + "/";
    const auto at = directory.find(needle);
    std::string_view above = at == std::string_view::npos ? std::string_view() : directory.substr(0, at);
    const std::string_view institution = pop_component(above);
    const std::string_view activity = pop_component(above);
    if (activity.empty()) {
        throw InvalidFile("cannot parse the " + project + " directory: expected <activity>/<institution>/" +
                          std::string(source_id) + "/ in the path");
    }
    return {std::string(activity), std::string(institution)};
}

std::string version_from_path(std::string_view directory) {
    std::string_view best;
    for (std::size_t start = 0; start <= directory.size();) {
        const auto end = std::min(directory.find('/', start), directory.size());
        const std::string_view part = directory.substr(start, end - start);
        if (part.size() >= 2 && part[0] == 'v' && all_digits(part.substr(1)) && part.size() > best.size()) best = part;
        start = end + 1;
    }
    return best.empty() ? "v0" : std::string(best);
}

std::pair<std::optional<std::string>, std::optional<std::string>> drs_time_range(const std::string& token) {
    const auto parts = split(token, '-');
    if (parts.size() != 2) return {};
    const std::string& start = parts[0];
    const std::string& end = parts[1];
    if (start.size() != end.size() || !all_digits(start) || !all_digits(end)) return {};
    const auto ymd = [](const std::string& t, const std::string& month, const std::string& day) {
        return t.substr(0, 4) + "-" + month + "-" + day;
    };
    switch (start.size()) {
        case 4: return {ymd(start, "01", "01"), ymd(end, "12", "30")};
        // Day 30 exists in 360-day calendars; the standard-calendar check later drops a 30 February.
        case 6: return {ymd(start, start.substr(4, 2), "01"), ymd(end, end.substr(4, 2), "30")};
        case 8:
        case 12: return {ymd(start, start.substr(4, 2), start.substr(6, 2)), ymd(end, end.substr(4, 2), end.substr(6, 2))};
        default: return {};
    }
}

std::optional<std::string> checked_date(const std::optional<std::string>& text, const std::string& calendar) {
    if (!text) return std::nullopt;
    const std::string& t = *text;
    // YYYY-MM-DD, then optionally " hh:mm:ss" and ".fraction".
    const auto digits_at = [&](std::size_t pos, std::size_t count) {
        return pos + count <= t.size() && all_digits(std::string_view(t).substr(pos, count));
    };
    if (!digits_at(0, 4) || t.size() < 10 || t[4] != '-' || !digits_at(5, 2) || t[7] != '-' || !digits_at(8, 2)) {
        return std::nullopt;
    }
    science::DateTime date{to_int(t.substr(0, 4)), to_int(t.substr(5, 2)), to_int(t.substr(8, 2)), 0, 0, 0};
    if (t.size() > 10) {
        std::size_t pos = 10;
        while (pos < t.size() && std::isspace(static_cast<unsigned char>(t[pos]))) ++pos;
        if (pos == 10 || !digits_at(pos, 2) || pos + 8 > t.size() || t[pos + 2] != ':' || !digits_at(pos + 3, 2) ||
            t[pos + 5] != ':' || !digits_at(pos + 6, 2)) {
            return std::nullopt;
        }
        date.hour = to_int(t.substr(pos, 2));
        date.minute = to_int(t.substr(pos + 3, 2));
        date.second = to_int(t.substr(pos + 6, 2));
        pos += 8;
        // Fractions of a second are kept only in the text; CF decoding here never produces them.
        if (pos < t.size() && (t[pos] != '.' || !all_digits(std::string_view(t).substr(pos + 1)))) return std::nullopt;
    }
    try {
        science::validate_date(science::parse_calendar(calendar), date);
    } catch (const science::CfTimeError&) {
        return std::nullopt;
    }
    return science::format_datetime(date);
}

store::Value clean_branch_time(const std::optional<std::string>& text) {
    if (!text) return std::monostate{};
    std::string cleaned = *text;
    std::erase(cleaned, 'D');  // EC-Earth3 writes e.g. "123D"
    std::string_view number = cleaned;
    while (!number.empty() && std::isspace(static_cast<unsigned char>(number.front()))) number.remove_prefix(1);
    while (!number.empty() && std::isspace(static_cast<unsigned char>(number.back()))) number.remove_suffix(1);
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    double value = 0.0;
    const auto result = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || result.ec != std::errc() || result.ptr != number.data() + number.size() || std::isnan(value)) {
        return std::monostate{};
    }
    return value;
}

std::string reason_without_path(const std::string& message, const std::string& file) {
    for (const auto& name : {std::filesystem::absolute(file).lexically_normal().string(), file}) {
        const std::string prefix = name + ": ";
        if (message.rfind(prefix, 0) == 0) return message.substr(prefix.size());
    }
    return message;
}

FileMetadata empty_record(const std::string& file, const TypeInfo& type) {
    FileMetadata record;
    // Normalising splits the path into parts: skip it for the usual already-clean absolute path.
    const bool clean = file.starts_with('/') && file.find("/.") == std::string::npos && file.find("//") == std::string::npos;
    record.path = clean ? file : std::filesystem::absolute(file).lexically_normal().string();
    record.facets = Facets(type.columns);
    return record;
}

std::string build_instance_id(const TypeInfo& type, const Facets& facets, std::vector<std::string>* missing) {
    std::string slug = type.prefix;
    bool complete = true;
    const auto add = [&](const std::string& column) {
        const store::Value* value = facets.find(column);
        std::string text = value ? value_text(*value) : std::string();
        const bool absent = !value || std::holds_alternative<std::monostate>(*value) || (column == "version" && text.empty());
        if (absent) {
            if (missing) missing->push_back(column);
            complete = false;
            return;
        }
        // obs-style slugs carry the nominal resolution without spaces ("50 km" -> "50km").
        if (column == "nominal_resolution") std::erase(text, ' ');
        slug += '.';
        slug += text;
    };
    for (const auto& column : type.identity) add(column);
    static const std::string kVersion = "version";
    add(kVersion);
    return complete ? slug : std::string();
}

void finish_record(FileMetadata& record, const TypeInfo& type, const std::string& calendar) {
    record.facets["version"] = record.version;
    record.start_time = checked_date(record.start_time, calendar);
    record.end_time = checked_date(record.end_time, calendar);

    std::vector<std::string> missing;
    record.instance_id = build_instance_id(type, record.facets, &missing);
    if (!missing.empty()) {
        std::string names;
        for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
        throw InvalidFile("no instance id: missing " + names);
    }
    record.facets["instance_id"] = record.instance_id;
}

void finish_cmip_complete(FileMetadata& record, const NetcdfHeader& header, const TypeInfo& type) {
    const auto time = header.time();
    record.start_time = time.start;
    record.end_time = time.end;
    record.facets["time_units"] = text_value(time.units);
    record.facets["calendar"] = text_value(time.calendar);
    record.version = version_from_path(directory_of(record.path));
    record.finalised = true;
    finish_record(record, type, time.calendar.value_or("standard"));
}

}  // namespace ref::catalog::detail
