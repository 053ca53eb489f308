// Planning (solver spec §2, §4, §5) on in-memory catalogs: the worked examples of §8.
#include "solver/plan.hpp"
#include "table_builder.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace ref::solver;
using ref::test::make_catalog;

namespace {

struct Planned {
    std::string key, hash;
    std::map<std::string, std::vector<int64_t>> labels;  // per source type, rows in group order
};

std::vector<Planned> plan(CatalogSource& source, const RequirementAlternatives& requirements) {
    std::vector<Planned> out;
    solve_diagnostic(source, "test/diagnostic", requirements, [&](const Candidate& c) {
        Planned p;
        const auto ids = c.identities();
        p.key = group_key(ids);
        p.hash = dataset_hash(ids);
        for (const auto& col : c.collections)
            for (const uint32_t row : col.rows) p.labels[std::string(to_string(col.catalog->type()))].push_back(col.catalog->label(row));
        out.push_back(std::move(p));
    });
    return out;
}

DataRequirement requirement(SourceType type, std::vector<FacetFilter> filters, std::optional<Names> group_by,
                            std::vector<Constraint> constraints = {}) {
    return DataRequirement{type, std::move(filters), std::move(group_by), std::move(constraints)};
}

// The three-row catalog of examples 1-3, 5 and 12.
std::shared_ptr<CatalogTable> three_rows() {
    return make_catalog(SourceType::Cmip6, {"variable_id", "experiment_id", "variant_label", "instance_id"},
                        {{"tas", "ssp119", "r1i1p1f1", "CMIP6.A.tas.ssp119"},
                         {"tas", "ssp126", "r1i1p1f1", "CMIP6.A.tas.ssp126"},
                         {"pr", "ssp119", "r1i1p1f1", "CMIP6.A.pr.ssp119"}});
}

}  // namespace

TEST_CASE("Example 1: a filter and a two-facet group-by", "[plan]") {
    MemoryCatalogSource source;
    source.add(three_rows());
    const auto out = plan(source, {{requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}},
                                                Names{"variable_id", "experiment_id"})}});
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == "cmip6_ssp119_tas");
    CHECK(out[0].hash == "7b2916ebb2a252ab98c6db58e829602e9bb06770");
    CHECK(out[0].labels.at("cmip6") == std::vector<int64_t>{0});
    CHECK(out[1].key == "cmip6_ssp126_tas");
    CHECK(out[1].hash == "b14e96e4e85efa8b77b6e485ed3189ff60daa486");
}

TEST_CASE("Example 2: values of one facet are OR-ed", "[plan]") {
    MemoryCatalogSource source;
    source.add(three_rows());
    const auto out = plan(source, {{requirement(SourceType::Cmip6, {{{"variable_id", {"tas", "pr"}}}}, Names{"experiment_id"})}});
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == "cmip6_ssp119");
    CHECK(out[0].labels.at("cmip6") == std::vector<int64_t>{0, 2});
    CHECK(out[0].hash == "a45b66d7743dee277abbeb6c6ac7b51f19e010c9");
    CHECK(out[1].key == "cmip6_ssp126");
    CHECK(out[1].hash == "b14e96e4e85efa8b77b6e485ed3189ff60daa486");
}

TEST_CASE("Example 3: group_by null makes one group and an empty group_by is refused", "[plan]") {
    MemoryCatalogSource source;
    source.add(three_rows());
    const auto out = plan(source, {{requirement(SourceType::Cmip6, {}, std::nullopt)}});
    REQUIRE(out.size() == 1);
    CHECK(out[0].key == "cmip6_");
    CHECK(out[0].labels.at("cmip6") == std::vector<int64_t>{0, 1, 2});
    CHECK(out[0].hash == "f86d8077522ab823cc974b7164ff6e984f5ac686");

    CHECK_THROWS_WITH(plan(source, {{requirement(SourceType::Cmip6, {}, Names{})}}),
                      Catch::Contains("test/diagnostic") && Catch::Contains("group_by is an empty list"));
    CHECK(plan(source, {{requirement(SourceType::Cmip6, {{{"variable_id", {"missing"}}}}, Names{"variable_id"})}}).empty());
}

TEST_CASE("Example 4: filters are OR-ed and an empty filter matches everything", "[plan]") {
    const auto t = make_catalog(SourceType::Cmip6, {"variable", "source_id"},
                                {{"tas", "CESM2"}, {"pr", "CESM2"}, {"rsut", "CESM2"}, {"tas", "ACCESS"}, {"tas", "CAS"}});
    CHECK(apply_filters(*t, {}) == Rows{0, 1, 2, 3, 4});
    CHECK(apply_filters(*t, {FacetFilter{}}) == Rows{0, 1, 2, 3, 4});
    CHECK(apply_filters(*t, {{{"variable", {"tas"}}}}) == Rows{0, 3, 4});
    CHECK(apply_filters(*t, {{{"variable", {"tas"}}, {"source_id", {"CESM2", "ACCESS"}}}}) == Rows{0, 3});
    CHECK(apply_filters(*t, {{{"variable", {"pr"}}}, {{"source_id", {"ACCESS"}}}}) == Rows{1, 3});
    CHECK(apply_filters(*t, {{{"variable", {"pr"}}}, FacetFilter{}}) == Rows{0, 1, 2, 3, 4});
    CHECK_THROWS_WITH(apply_filters(*t, {{{"missing", {"tas"}}}}),
                      Catch::Contains("'missing'") && Catch::Contains("variable, source_id"));
}

TEST_CASE("NA never matches a filter", "[plan]") {
    const auto t = make_catalog(SourceType::Cmip6, {"variable_id"}, {{ref::test::NA}, {"tas"}});
    CHECK(apply_filters(*t, {{{"variable_id", {"tas", ""}}}}) == Rows{1});
}

TEST_CASE("Example 11: two source types form a cartesian product", "[plan]") {
    MemoryCatalogSource source;
    source.add(make_catalog(SourceType::Obs4mips, {"variable_id", "source_id", "instance_id"},
                            {{"tas", "ERA-5", "obs4MIPs.ERA-5.tas"},
                             {"tas", "AIRX3STM-006", "obs4MIPs.AIRX3STM-006.tas"},
                             {"pr", "GPCPMON-3-1", "obs4MIPs.GPCPMON-3-1.pr"}}));
    source.add(make_catalog(SourceType::Cmip6, {"variable_id", "experiment_id", "instance_id"},
                            {{"tas", "ssp119", "CMIP6.tas.ssp119"},
                             {"tas", "ssp126", "CMIP6.tas.ssp126"},
                             {"pr", "ssp119", "CMIP6.pr.ssp119"}}));
    const auto collection = [](const std::string& v) {
        return RequirementAlternatives{{requirement(SourceType::Obs4mips, {{{"variable_id", {v}}}}, Names{"variable_id", "source_id"}),
                                        requirement(SourceType::Cmip6, {{{"variable_id", {v}}}}, Names{"variable_id", "experiment_id"})}};
    };
    const auto tas = plan(source, collection("tas"));
    REQUIRE(tas.size() == 4);
    CHECK(tas[0].key == "cmip6_ssp119_tas__obs4mips_AIRX3STM-006_tas");
    CHECK(tas[0].hash == "23fc5587859562d7ec1a649f84861d41ed932e4d");
    CHECK(tas[1].key == "cmip6_ssp126_tas__obs4mips_AIRX3STM-006_tas");
    CHECK(tas[1].hash == "5e3686eb10b0600e7698c058d5f9b85fce6d72e5");
    CHECK(tas[2].key == "cmip6_ssp119_tas__obs4mips_ERA-5_tas");
    CHECK(tas[2].hash == "981a8c8c7d7a99d2d7a65df6caabcff1091fbde3");
    CHECK(tas[3].key == "cmip6_ssp126_tas__obs4mips_ERA-5_tas");
    CHECK(tas[3].hash == "43595c6f6770443f837c196d9e6456534e2cb526");

    const auto pr = plan(source, collection("pr"));
    REQUIRE(pr.size() == 1);
    CHECK(pr[0].key == "cmip6_ssp119_pr__obs4mips_GPCPMON-3-1_pr");
    CHECK(pr[0].hash == "d34abf8496bc17f8280d863c0b093842617af34e");
    CHECK(plan(source, collection("not_a_variable")).empty());
}

TEST_CASE("Example 12: alternatives are solved one after the other", "[plan]") {
    MemoryCatalogSource source;
    source.add(three_rows());
    const RequirementAlternatives alternatives = {
        {requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}}, Names{"variable_id"})},
        {requirement(SourceType::Cmip6, {{{"variable_id", {"pr"}}}}, Names{"variable_id", "experiment_id"})}};
    const auto out = plan(source, alternatives);
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == "cmip6_tas");
    CHECK(out[0].labels.at("cmip6") == std::vector<int64_t>{0, 1});
    CHECK(out[1].key == "cmip6_ssp119_pr");
    CHECK(out[1].labels.at("cmip6") == std::vector<int64_t>{2});
}

TEST_CASE("Example 12: a source type without a catalog or with an empty one", "[plan]") {
    const RequirementAlternatives cmip7_or_cmip6 = {
        {requirement(SourceType::Cmip7, {{{"variable_id", {"tas"}}}}, Names{"variable_id"})},
        {requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}}, Names{"variable_id"})}};
    SECTION("no cmip7 catalog at all") {
        MemoryCatalogSource source;
        source.add(three_rows());
        const auto out = plan(source, cmip7_or_cmip6);
        REQUIRE(out.size() == 1);
        CHECK(out[0].key == "cmip6_tas");
    }
    SECTION("an empty cmip7 catalog") {
        MemoryCatalogSource source;
        source.add(three_rows());
        source.add(make_catalog(SourceType::Cmip7, {"variable_id", "instance_id"}, {}));
        CHECK(plan(source, cmip7_or_cmip6).size() == 1);
    }
    SECTION("both catalogs hold tas") {
        MemoryCatalogSource source;
        source.add(three_rows());
        source.add(make_catalog(SourceType::Cmip7, {"variable_id", "instance_id"}, {{"tas", "CMIP7.tas"}}));
        const auto out = plan(source, cmip7_or_cmip6);
        REQUIRE(out.size() == 2);
        CHECK(out[0].key == "cmip7_tas");
        CHECK(out[1].key == "cmip6_tas");
    }
    SECTION("nothing matches any alternative") {
        MemoryCatalogSource source;
        source.add(three_rows());
        const RequirementAlternatives only_cmip7 = {
            {requirement(SourceType::Cmip7, {{{"variable_id", {"tas"}}}}, Names{"variable_id"})},
            {requirement(SourceType::Cmip7, {{{"variable_id", {"pr"}}}}, Names{"variable_id"})}};
        CHECK(plan(source, only_cmip7).empty());
    }
}

TEST_CASE("Example 13: the key is stable and the hash follows the data", "[plan]") {
    const RequirementAlternatives tas_by_model = {
        {requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}}, Names{"variable_id", "source_id"})}};
    const std::vector<std::string> header = {"variable_id", "experiment_id", "source_id", "table_id", "grid_label",
                                             "member_id", "version", "instance_id"};
    const auto row = [](const std::string& v, const std::string& e, const std::string& table = "Amon") {
        return std::vector<std::string>{v, e, "ACCESS-ESM1-5", table, "gn", "r1i1p1f1", "v1", "CMIP6." + v + "." + e};
    };
    MemoryCatalogSource before;
    before.add(make_catalog(SourceType::Cmip6, header, {row("tas", "ssp119"), row("pr", "ssp119")}));
    const auto first = plan(before, tas_by_model);
    REQUIRE(first.size() == 1);
    CHECK(first[0].key == "cmip6_ACCESS-ESM1-5_tas");
    CHECK(first[0].hash == "e1ae702f92c3c154ec6871048cd0400d88e28b30");

    MemoryCatalogSource after;
    after.add(make_catalog(SourceType::Cmip6, header, {row("tas", "ssp119"), row("pr", "ssp119"), row("tas", "ssp126")}));
    const auto second = plan(after, tas_by_model);
    REQUIRE(second.size() == 1);
    CHECK(second[0].key == first[0].key);
    CHECK(second[0].hash == "30a07752c8770aafaf6f693a0cfaedd52a0e6846");

    // With an observation and a cell area arriving later.
    const RequirementAlternatives with_obs = {
        {requirement(SourceType::Obs4mips, {{{"variable_id", {"ts"}}, {"source_id", {"HadISST-1-1"}}}},
                     Names{"variable_id", "source_id"}),
         requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}, {"experiment_id", {"ssp126"}}}},
                     Names{"variable_id", "experiment_id", "source_id"},
                     {AddSupplementaryDataset{{{"variable_id", {"areacella"}}},
                                              {"source_id", "grid_label"},
                                              {"table_id", "experiment_id", "member_id", "version"}}})}};
    const auto obs = make_catalog(SourceType::Obs4mips, {"variable_id", "source_id", "instance_id"},
                                  {{"ts", "HadISST-1-1", "obs4MIPs.obs4MIPs.MOHC.HadISST-1-1.mon.ts.250km.gn.v20250415"}});
    MemoryCatalogSource no_area;
    no_area.add(obs);
    no_area.add(make_catalog(SourceType::Cmip6, header, {row("tas", "ssp119"), row("tas", "ssp126"), row("pr", "ssp119")}));
    const auto a = plan(no_area, with_obs);
    REQUIRE(a.size() == 1);
    CHECK(a[0].key == "cmip6_ssp126_ACCESS-ESM1-5_tas__obs4mips_HadISST-1-1_ts");
    CHECK(a[0].hash == "5c4acd73f6258f6cafe8da588eb4b7a4b8158e96");

    MemoryCatalogSource with_area;
    with_area.add(obs);
    with_area.add(make_catalog(SourceType::Cmip6, header,
                               {row("tas", "ssp119"), row("tas", "ssp126"), row("pr", "ssp119"),
                                row("areacella", "ssp126", "fx")}));
    const auto b = plan(with_area, with_obs);
    REQUIRE(b.size() == 1);
    CHECK(b[0].key == a[0].key);
    CHECK(b[0].hash == "409be34619a9191ba3bdd369f869fde708fcdc81");
}

TEST_CASE("A later requirement of the same source type replaces the earlier one", "[plan]") {
    MemoryCatalogSource source;
    source.add(three_rows());
    const auto out = plan(source, {{requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}}, Names{"variable_id"}),
                                    requirement(SourceType::Cmip6, {{{"variable_id", {"pr"}}}}, Names{"variable_id"})}});
    REQUIRE(out.size() == 1);
    CHECK(out[0].key == "cmip6_pr");
}

TEST_CASE("Rows with NA in a group-by column belong to no group", "[plan]") {
    MemoryCatalogSource source;
    source.add(make_catalog(SourceType::Cmip6, {"variable_id", "source_id", "instance_id"},
                            {{"tas", ref::test::NA, "a"}, {"tas", "B", "b"}, {"tas", "_x", "c"}, {"tas", "1", "d"}}));
    const auto out = plan(source, {{requirement(SourceType::Cmip6, {}, Names{"source_id"})}});
    REQUIRE(out.size() == 3);
    CHECK(out[0].key == "cmip6_1");
    CHECK(out[1].key == "cmip6_B");
    CHECK(out[2].key == "cmip6__x");
}

TEST_CASE("Solve filters pick diagnostics by provider and diagnostic slug", "[plan]") {
    SolveFilters none;
    CHECK(diagnostic_selected(none, "pmp", "annual-cycle"));
    SolveFilters providers;
    providers.providers = {"PM"};
    CHECK(diagnostic_selected(providers, "pmp", "annual-cycle"));
    CHECK_FALSE(diagnostic_selected(providers, "ilamb", "annual-cycle"));
    SolveFilters diagnostics;
    diagnostics.diagnostics = {"cycle", "enso"};
    CHECK(diagnostic_selected(diagnostics, "pmp", "annual-cycle"));
    CHECK_FALSE(diagnostic_selected(diagnostics, "pmp", "variability-modes"));
    SolveFilters excluded;
    excluded.diagnostics = {"cycle"};
    excluded.exclude_diagnostics = {"PMP/Annual-Cycle"};
    CHECK_FALSE(diagnostic_selected(excluded, "pmp", "annual-cycle"));
    excluded.exclude_diagnostics = {"annual-cycle"};
    CHECK_FALSE(diagnostic_selected(excluded, "pmp", "annual-cycle"));
    excluded.exclude_diagnostics = {"annual"};  // exclusion is exact
    CHECK(diagnostic_selected(excluded, "pmp", "annual-cycle"));
}

TEST_CASE("Example 16: the grey list removes rows before other constraints", "[plan]") {
    MemoryCatalogSource source;
    source.add(make_catalog(SourceType::Cmip6, {"variable_id", "source_id", "instance_id"},
                            {{"tas", "A", "a"}, {"tas", "B", "b"}, {"pr", "A", "c"}}));
    const RequirementAlternatives declared = {
        {requirement(SourceType::Cmip6, {}, Names{"variable_id"}, {RequireFacets{"source_id", {"A"}, RequireFacets::Operator::All, {}}})}};
    // Without the grey list both groups hold model A.
    CHECK(plan(source, declared).size() == 2);
    const std::vector<IgnoreEntry> grey = {{"mock_provider", "mock", SourceType::Cmip6, IgnoreFacets{{{"source_id", {"A"}}}}},
                                           {"other", "mock", SourceType::Cmip6, IgnoreFacets{{{"source_id", {"B"}}}}}};
    const auto ignored = with_ignored(declared, "mock_provider", "mock", grey);
    REQUIRE(ignored[0][0].constraints.size() == 2);
    CHECK(std::holds_alternative<IgnoreFacets>(ignored[0][0].constraints[0]));
    // Model A is gone before RequireFacets looks for it, so every group fails.
    CHECK(plan(source, ignored).empty());
    // A flat list stays one collection (no AND-to-OR rewrite).
    CHECK(ignored.size() == 1);
}

namespace {

// A source whose DRS-ingested rows lack a column until finalised.
class FinalisingSource final : public CatalogSource {
public:
    explicit FinalisingSource(bool finalised) { current_ = build(finalised); }
    std::shared_ptr<const CatalogTable> catalog(SourceType type) override {
        return type == SourceType::Cmip6 ? current_ : nullptr;
    }
    bool finalise(SourceType, const CatalogTable& catalog, const Rows& rows) override {
        bool any = false;
        for (const uint32_t row : rows) any = any || catalog.text(row, catalog.column_index("finalised")) == std::optional<std::string_view>("false");
        if (!any) return false;
        ++calls;
        current_ = build(true);
        return true;
    }
    bool checks_finalisation_columns() const override { return true; }
    int calls = 0;

private:
    static std::shared_ptr<CatalogTable> build(bool finalised) {
        const std::string f = finalised ? "true" : "false";
        const std::string realm = finalised ? "atmos" : ref::test::NA;
        // Rows in another order after finalisation, as updated_at changes catalog order.
        std::vector<std::vector<std::string>> rows = {{"tas", "A", realm, f, "a", "/a.nc"}, {"tas", "B", realm, f, "b", "/b.nc"}};
        std::vector<int64_t> labels = {10, 11};
        if (finalised) {
            std::swap(rows[0], rows[1]);
            std::swap(labels[0], labels[1]);
        }
        return make_catalog(SourceType::Cmip6, {"variable_id", "source_id", "realm", "finalised", "instance_id", "path"}, rows, labels);
    }
    std::shared_ptr<const CatalogTable> current_;
};

}  // namespace

TEST_CASE("Finalisation: filters see path-only values and constraints the completed ones", "[plan]") {
    FinalisingSource source(false);
    const RequirementAlternatives requirements = {
        {requirement(SourceType::Cmip6, {{{"variable_id", {"tas"}}}}, Names{"source_id"},
                     {RequireFacets{"realm", {"atmos"}, RequireFacets::Operator::All, {}}})}};
    const auto out = plan(source, requirements);
    CHECK(source.calls == 1);
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == "cmip6_A");
    CHECK(out[0].labels.at("cmip6") == std::vector<int64_t>{10});
    CHECK(out[1].labels.at("cmip6") == std::vector<int64_t>{11});
}

TEST_CASE("Finalisation columns are refused in filters and group-by", "[plan]") {
    FinalisingSource source(true);
    CHECK_THROWS_WITH(plan(source, {{requirement(SourceType::Cmip6, {{{"realm", {"atmos"}}}}, Names{"source_id"})}}),
                      Catch::Contains("'realm'") && Catch::Contains("test/diagnostic"));
    CHECK_THROWS_WITH(plan(source, {{requirement(SourceType::Cmip6, {}, Names{"source_id", "calendar"})}}),
                      Catch::Contains("'calendar'"));
    // In-memory catalogs are not checked.
    MemoryCatalogSource memory;
    memory.add(make_catalog(SourceType::Cmip6, {"realm", "instance_id"}, {{"atmos", "x"}}));
    CHECK(plan(memory, {{requirement(SourceType::Cmip6, {{{"realm", {"atmos"}}}}, Names{"realm"})}}).size() == 1);
}
