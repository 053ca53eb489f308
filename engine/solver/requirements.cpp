#include "solver/requirements.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace ref::solver {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<SourceType, std::string_view>, 6> kSourceTypes{{
    {SourceType::Cmip6, "cmip6"},
    {SourceType::Cmip7, "cmip7"},
    {SourceType::EsmvaltoolReference, "esmvaltool-reference"},
    {SourceType::Obs4mips, "obs4mips"},
    {SourceType::Obs4ref, "obs4ref"},
    {SourceType::PmpClimatology, "pmp-climatology"},
}};

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw RequirementError(where + ": " + what); }

const json& member(const json& obj, const char* name, const std::string& where) {
    auto it = obj.find(name);
    if (it == obj.end()) fail(where, std::string("missing '") + name + "'");
    return *it;
}

std::string string_of(const json& value, const std::string& where) {
    if (!value.is_string()) fail(where, "expected a string, got " + std::string(value.type_name()));
    return value.get<std::string>();
}

Names names_of(const json& value, const std::string& where) {
    if (value.is_string()) return {value.get<std::string>()};
    if (!value.is_array()) fail(where, "expected a list of strings, got " + std::string(value.type_name()));
    Names out;
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(string_of(value[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

Names optional_names(const json& obj, const char* name, const std::string& where, Names fallback = {}) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return fallback;
    return names_of(*it, where + "." + name);
}

FacetFilter facet_filter_of(const json& value, const std::string& where) {
    if (!value.is_object()) fail(where, "expected an object of facet -> values");
    FacetFilter out;
    for (const auto& [facet, values] : value.items()) out.emplace_back(facet, names_of(values, where + "." + facet));
    return out;
}

std::optional<PartialDateTime> partial_date_of(const json& obj, const char* name, const std::string& where) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) fail(where + "." + name, "expected an object with year, month, ...");
    PartialDateTime out;
    const std::array<std::pair<const char*, std::optional<int>*>, 6> fields{{{"year", &out.year},
                                                                              {"month", &out.month},
                                                                              {"day", &out.day},
                                                                              {"hour", &out.hour},
                                                                              {"minute", &out.minute},
                                                                              {"second", &out.second}}};
    for (const auto& [key, value] : it->items()) {
        auto field = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return key == f.first; });
        if (field == fields.end()) fail(where + "." + name, "unknown field '" + key + "'");
        if (!value.is_number_integer()) fail(where + "." + name + "." + key, "expected an integer");
        *field->second = value.get<int>();
    }
    return out;
}

Names required_group_by(const json& obj, const std::string& where) {
    Names group_by = names_of(member(obj, "group_by", where), where + ".group_by");
    if (group_by.empty()) fail(where + ".group_by", "an empty list groups nothing; name at least one facet");
    return group_by;
}

Constraint constraint_of(const json& obj, const std::string& where) {
    if (!obj.is_object()) fail(where, "a constraint must be an object");
    const std::string type = string_of(member(obj, "type", where), where + ".type");
    if (type == "require_facets") {
        RequireFacets c;
        c.dimension = string_of(member(obj, "dimension", where), where + ".dimension");
        c.required_facets = names_of(member(obj, "required_facets", where), where + ".required_facets");
        const std::string op = obj.contains("operator") ? string_of(obj["operator"], where + ".operator") : "all";
        if (op != "all" && op != "any") fail(where + ".operator", "expected 'all' or 'any', got '" + op + "'");
        c.op = op == "all" ? RequireFacets::Operator::All : RequireFacets::Operator::Any;
        c.group_by = optional_names(obj, "group_by", where);
        return c;
    }
    if (type == "ignore_facets") {
        IgnoreFacets c{facet_filter_of(member(obj, "facets", where), where + ".facets")};
        if (c.facets.empty()) fail(where + ".facets", "must name at least one facet");
        return c;
    }
    if (type == "add_supplementary_dataset") {
        AddSupplementaryDataset c;
        c.supplementary_facets =
            facet_filter_of(member(obj, "supplementary_facets", where), where + ".supplementary_facets");
        c.matching_facets = optional_names(obj, "matching_facets", where);
        c.optional_matching_facets = optional_names(obj, "optional_matching_facets", where);
        return c;
    }
    if (type == "require_timerange") {
        return RequireTimerange{required_group_by(obj, where), partial_date_of(obj, "start", where),
                                partial_date_of(obj, "end", where)};
    }
    if (type == "require_contiguous_timerange") return RequireContiguousTimerange{required_group_by(obj, where)};
    if (type == "require_overlapping_timerange") return RequireOverlappingTimerange{required_group_by(obj, where)};
    if (type == "add_parent_dataset") {
        const json& map = member(obj, "parent_facet_map", where);
        if (!map.is_object() || map.empty()) fail(where + ".parent_facet_map", "expected a non-empty object");
        AddParentDataset c;
        for (const auto& [parent, child] : map.items())
            c.parent_facet_map.emplace_back(parent, string_of(child, where + ".parent_facet_map." + parent));
        return c;
    }
    if (type == "select_first_member") {
        SelectFirstMember c;
        if (obj.contains("member_facet")) c.member_facet = string_of(obj["member_facet"], where + ".member_facet");
        c.group_by = optional_names(obj, "group_by", where, {"source_id"});
        if (c.group_by.empty()) fail(where + ".group_by", "an empty list groups nothing; name at least one facet");
        return c;
    }
    fail(where + ".type", "unknown constraint type '" + type + "'");
}

DataRequirement requirement_of(const json& obj, const std::string& where) {
    if (!obj.is_object()) fail(where, "a data requirement must be an object, got " + std::string(obj.type_name()));
    DataRequirement r;
    const std::string type = string_of(member(obj, "source_type", where), where + ".source_type");
    auto parsed = parse_source_type(type);
    if (!parsed) fail(where + ".source_type", "unknown source type '" + type + "'");
    r.source_type = *parsed;

    if (auto it = obj.find("filters"); it != obj.end() && !it->is_null()) {
        if (!it->is_array()) fail(where + ".filters", "expected a list");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string at = where + ".filters[" + std::to_string(i) + "]";
            const json& f = (*it)[i];
            // {"facets": {...}} is the documented form; a bare mapping is accepted too.
            r.filters.push_back(facet_filter_of(f.is_object() && f.contains("facets") ? f["facets"] : f, at));
        }
    }
    if (auto it = obj.find("group_by"); it != obj.end() && !it->is_null()) {
        r.group_by = names_of(*it, where + ".group_by");
        if (r.group_by->empty()) fail(where + ".group_by", "an empty list groups nothing; use null for one group");
    }
    if (auto it = obj.find("constraints"); it != obj.end() && !it->is_null()) {
        if (!it->is_array()) fail(where + ".constraints", "expected a list");
        for (std::size_t i = 0; i < it->size(); ++i)
            r.constraints.push_back(constraint_of((*it)[i], where + ".constraints[" + std::to_string(i) + "]"));
    }
    return r;
}

}  // namespace

const std::vector<SourceType>& all_source_types() {
    static const std::vector<SourceType> types = [] {
        std::vector<SourceType> out;
        for (const auto& [type, name] : kSourceTypes) out.push_back(type);
        return out;
    }();
    return types;
}

std::string_view to_string(SourceType type) {
    for (const auto& [t, name] : kSourceTypes)
        if (t == type) return name;
    return "unknown";
}

std::optional<SourceType> parse_source_type(std::string_view text) {
    for (const auto& [t, name] : kSourceTypes)
        if (name == text) return t;
    return std::nullopt;
}

std::string_view constraint_name(const Constraint& constraint) {
    static constexpr std::array<std::string_view, 8> names{
        "require_facets",        "ignore_facets",       "add_supplementary_dataset",
        "require_timerange",     "require_contiguous_timerange", "require_overlapping_timerange",
        "add_parent_dataset",    "select_first_member"};
    return names.at(constraint.index());
}

RequirementAlternatives parse_requirements(const json& doc, const std::string& where) {
    if (!doc.is_array()) fail(where, "expected a list");
    if (doc.empty()) fail(where, "a diagnostic needs at least one data requirement");
    RequirementAlternatives out;
    // Shape follows the first element, as in the REF: a list means alternatives.
    if (doc.front().is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i) {
            const std::string at = where + "[" + std::to_string(i) + "]";
            if (!doc[i].is_array()) fail(at, "expected a list of data requirements");
            if (doc[i].empty()) fail(at, "an empty requirement collection matches nothing");
            RequirementCollection collection;
            for (std::size_t j = 0; j < doc[i].size(); ++j)
                collection.push_back(requirement_of(doc[i][j], at + "[" + std::to_string(j) + "]"));
            out.push_back(std::move(collection));
        }
    } else {
        RequirementCollection collection;
        for (std::size_t i = 0; i < doc.size(); ++i)
            collection.push_back(requirement_of(doc[i], where + "[" + std::to_string(i) + "]"));
        out.push_back(std::move(collection));
    }
    return out;
}

}  // namespace ref::solver
