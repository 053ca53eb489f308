// The declaration schema: what plugin.hpp writes, the engine reads; what is wrong is named.
#include "host/declaration.hpp"
#include "ref/plugin.hpp"

#include <catch2/catch.hpp>

using namespace ref;
namespace rp = ref::plugin;
using nlohmann::json;

namespace {

json provider_with(json diagnostics) {
    return {{"schema_version", 1},
            {"provider", {{"slug", "p"}, {"name", "P"}, {"version", "1"}}},
            {"diagnostics", std::move(diagnostics)}};
}

json simple_diagnostic(const std::string& slug) {
    return {{"slug", slug}, {"name", slug}, {"data_requirements", json::array({{{"source_type", "cmip6"}}})}};
}

std::string error_of(const json& doc) {
    try {
        host::parse_declaration(doc.dump());
    } catch (const host::DeclarationError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("every constraint of the vocabulary survives the trip from plugin.hpp to the engine", "[declaration]") {
    namespace c = rp::constraints;
    rp::DataRequirement model{"cmip6",
                              {{{"variable_id", {"tas", "rsut"}}, {"experiment_id", {"historical"}}}, {{"variable_id", {"pr"}}}},
                              std::vector<std::string>{"source_id", "variant_label"},
                              {c::require_facets("variable_id", {"tas", "rsut"}, "any", {"source_id"}),
                               c::ignore_facets({{"source_id", {"BAD-MODEL"}}}),
                               c::add_supplementary_dataset_from_defaults("areacella", "cmip6"),
                               c::require_timerange({"instance_id"}, rp::PartialDateTime{1980, 1}, rp::PartialDateTime{2009, 12}),
                               c::require_contiguous_timerange({"instance_id"}),
                               c::require_overlapping_timerange({"instance_id"}),
                               c::add_parent_dataset_from_defaults("cmip6"),
                               c::select_first_member()}};
    rp::DataRequirement obs{"obs4mips", {{{"source_id", {"HadISST-1-1"}}}}, std::nullopt, {}};
    json decl = provider_with(json::array({{{"slug", "d"},
                                            {"name", "D"},
                                            {"version", 2},
                                            {"facets", {"source_id", "metric"}},
                                            {"data_requirements", json::array({json::array({model.to_json(), obs.to_json()})})}}}));

    const host::ProviderDeclaration parsed = host::parse_declaration(decl.dump());
    REQUIRE(parsed.diagnostics.size() == 1);
    const auto& d = parsed.diagnostics[0];
    CHECK(d.version == 2);
    REQUIRE(d.data_requirements.size() == 1);
    REQUIRE(d.data_requirements[0].size() == 2);
    const solver::DataRequirement& r = d.data_requirements[0][0];
    CHECK(r.filters.size() == 2);
    CHECK(r.filters[0][0].first == "experiment_id");  // declared facets keep their (sorted JSON) order
    REQUIRE(r.group_by);
    CHECK(*r.group_by == std::vector<std::string>{"source_id", "variant_label"});
    REQUIRE(r.constraints.size() == 8);
    std::vector<std::string> names;
    for (const auto& constraint : r.constraints) names.emplace_back(solver::constraint_name(constraint));
    CHECK(names == std::vector<std::string>{"require_facets", "ignore_facets", "add_supplementary_dataset",
                                            "require_timerange", "require_contiguous_timerange",
                                            "require_overlapping_timerange", "add_parent_dataset",
                                            "select_first_member"});
    const auto& facets = std::get<solver::RequireFacets>(r.constraints[0]);
    CHECK(facets.op == solver::RequireFacets::Operator::Any);
    const auto& supplementary = std::get<solver::AddSupplementaryDataset>(r.constraints[2]);
    CHECK(supplementary.matching_facets == std::vector<std::string>{"source_id", "grid_label"});
    CHECK(supplementary.optional_matching_facets ==
          std::vector<std::string>{"table_id", "experiment_id", "member_id", "version"});
    const auto& timerange = std::get<solver::RequireTimerange>(r.constraints[3]);
    REQUIRE(timerange.start);
    CHECK(*timerange.start->year == 1980);
    CHECK(*timerange.end->month == 12);
    CHECK_FALSE(timerange.start->day);
    const auto& parent = std::get<solver::AddParentDataset>(r.constraints[6]);
    CHECK(parent.parent_facet_map.size() == 6);
    const auto& first = std::get<solver::SelectFirstMember>(r.constraints[7]);
    CHECK(first.member_facet == "member_id");
    CHECK(d.data_requirements[0][1].source_type == solver::SourceType::Obs4mips);
    CHECK_FALSE(d.data_requirements[0][1].group_by);
}

TEST_CASE("the flat requirement form is one collection", "[declaration]") {
    json decl = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
                                            {"data_requirements", json::array({{{"source_type", "cmip6"}}, {{"source_type", "obs4mips"}}})}}}));
    const auto parsed = host::parse_declaration(decl.dump());
    REQUIRE(parsed.diagnostics[0].data_requirements.size() == 1);
    CHECK(parsed.diagnostics[0].data_requirements[0].size() == 2);
}

TEST_CASE("declaration errors say what is wrong and where", "[declaration]") {
    CHECK_THAT(error_of(provider_with(json::array({simple_diagnostic("a"), simple_diagnostic("a")}))),
               Catch::Contains("diagnostics[1].slug: duplicate diagnostic slug 'a'"));
    CHECK_THAT(error_of(provider_with(json::array({simple_diagnostic("../escape")}))),
               Catch::Contains("is not a valid slug"));
    json future = provider_with(json::array());
    future["schema_version"] = 7;
    CHECK_THAT(error_of(future), Catch::Contains("unsupported declaration schema version 7"));
    json no_reqs = provider_with(json::array({{{"slug", "d"}, {"name", "D"}}}));
    CHECK_THAT(error_of(no_reqs), Catch::Contains("missing 'data_requirements'"));
    json empty_reqs = provider_with(json::array({{{"slug", "d"}, {"name", "D"}, {"data_requirements", json::array()}}}));
    CHECK_THAT(error_of(empty_reqs), Catch::Contains("at least one data requirement"));
    json bad_type = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
                                                {"data_requirements", json::array({{{"source_type", "cmip5"}}})}}}));
    CHECK_THAT(error_of(bad_type), Catch::Contains("unknown source type 'cmip5'"));
    json empty_group = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
                                                   {"data_requirements", json::array({{{"source_type", "cmip6"}, {"group_by", json::array()}}})}}}));
    CHECK_THAT(error_of(empty_group), Catch::Contains("group_by: an empty list groups nothing"));
    json bad_op = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
                                              {"data_requirements", json::array({{{"source_type", "cmip6"},
                                                {"constraints", json::array({{{"type", "require_facets"}, {"dimension", "x"},
                                                                              {"required_facets", {"a"}}, {"operator", "most"}}})}}})}}}));
    CHECK_THAT(error_of(bad_op), Catch::Contains("constraints[0].operator: expected 'all' or 'any'"));
    for (const char* type : {"require_contiguous_timerange", "require_overlapping_timerange", "select_first_member"}) {
        json empty_constraint_group = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
            {"data_requirements", json::array({{{"source_type", "cmip6"},
                {"constraints", json::array({{{"type", type}, {"group_by", json::array()}}})}}})}}}));
        CHECK_THAT(error_of(empty_constraint_group), Catch::Contains("constraints[0].group_by: an empty list groups nothing"));
    }
    json unknown_constraint = provider_with(json::array({{{"slug", "d"}, {"name", "D"},
        {"data_requirements", json::array({{{"source_type", "cmip6"},
            {"constraints", json::array({{{"type", "teleport_datasets"}}})}}})}}}));
    CHECK_THAT(error_of(unknown_constraint),
               Catch::Contains("unknown constraint type 'teleport_datasets'") && Catch::Contains("(diagnostic 'd')"));
    CHECK_THAT(error_of(json::array()), Catch::Contains("must be a JSON object"));
}

TEST_CASE("source types keep the REF's canonical order", "[declaration]") {
    std::vector<std::string> names;
    for (auto t : solver::all_source_types()) names.emplace_back(solver::to_string(t));
    CHECK(names == std::vector<std::string>{"cmip6", "cmip7", "esmvaltool-reference", "obs4mips", "obs4ref", "pmp-climatology"});
    CHECK(solver::parse_source_type("obs4ref") == solver::SourceType::Obs4ref);
    CHECK_FALSE(solver::parse_source_type("CMIP6"));
}

TEST_CASE("a provider's environment and registries are kept, and checked", "[declaration]") {
    json doc = provider_with(json::array({simple_diagnostic("d")}));
    doc["provider"]["environment"] = {{"kind", "conda"}, {"name", "p-0a1b"}};
    doc["provider"]["registries"] = {{{"name", "recipes-v2.14.0.dev65+gb827ce01b"},
                                      {"files", {{{"key", "a/b.yml"}, {"checksum", "sha256:00"}}, {{"key", "c.nc"}}}}}};
    const auto parsed = host::parse_declaration(doc.dump());
    CHECK(parsed.raw["environment"]["name"] == "p-0a1b");
    CHECK(parsed.raw["registries"][0]["files"].size() == 2);

    auto with = [&](const char* pointer, json value) {
        json changed = doc;
        changed[json::json_pointer(pointer)] = std::move(value);
        return error_of(changed);
    };
    CHECK_THAT(with("/provider/environment/kind", "venv"), Catch::Contains("provider.environment.kind: unknown environment kind 'venv'"));
    CHECK_THAT(with("/provider/environment/name", "../x"), Catch::Contains("provider.environment.name"));
    CHECK_THAT(with("/provider/registries/0/name", "a/b"), Catch::Contains("provider.registries[0].name"));
    CHECK_THAT(with("/provider/registries/0/files/0/key", "../../etc/passwd"),
               Catch::Contains("provider.registries[0].files[0].key: must be a relative path inside the registry"));
    CHECK_THAT(with("/provider/registries/0/files/0/key", "/etc/passwd"), Catch::Contains("files[0].key"));
    CHECK_THAT(with("/provider/registries/0/files/1/checksum", 5), Catch::Contains("files[1].checksum: expected a string or null"));
    CHECK_THAT(with("/provider/registries", "x"), Catch::Contains("provider.registries: expected a list"));
}
