// The non-time constraints (solver spec §3.1–3.3, §3.8, §3.9) on small in-memory catalogs,
// following the worked examples of spec §8.
#include "solver/constraints.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace ref::solver;

namespace {

// Marks an NA cell in make_table() (an empty string is a real value).
const std::string NA = "\x01<NA>";

// A catalog from a header and rows of text; labels default to the row numbers.
CatalogTable make_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        const std::vector<int64_t>& labels = {}) {
    CatalogTable t(SourceType::Cmip6);
    for (const auto& name : header) t.add_column(name);
    for (size_t r = 0; r < rows.size(); ++r) {
        REQUIRE(rows[r].size() == header.size());
        std::vector<ValueId> values;
        for (const auto& cell : rows[r]) values.push_back(cell == NA ? kNa : t.pool().intern(cell));
        t.add_row(labels.empty() ? static_cast<int64_t>(r) : labels.at(r), values);
    }
    t.parse_times();
    return t;
}

std::vector<int64_t> labels_of(const Rows& rows, const CatalogTable& t) {
    std::vector<int64_t> out;
    for (const uint32_t row : rows) out.push_back(t.label(row));
    return out;
}

// The rows whose `column` holds `value`, in catalog order.
Rows rows_where(const CatalogTable& t, const std::string& column, const std::string& value) {
    Rows out;
    const int c = t.column_index(column);
    for (const uint32_t row : t.all_rows())
        if (t.text(row, c) == std::optional<std::string_view>(value)) out.push_back(row);
    return out;
}

// AddSupplementaryDataset.from_defaults(variable, cmip6).
AddSupplementaryDataset cmip6_supplementary(const std::string& variable) {
    return AddSupplementaryDataset{{{"variable_id", {variable}}},
                                   {"source_id", "grid_label"},
                                   {"table_id", "experiment_id", "member_id", "version"}};
}

// AddParentDataset.from_defaults(cmip6).
AddParentDataset cmip6_parent() {
    return AddParentDataset{{{"source_id", "parent_source_id"},
                             {"experiment_id", "parent_experiment_id"},
                             {"variant_label", "parent_variant_label"},
                             {"table_id", "table_id"},
                             {"variable_id", "variable_id"},
                             {"grid_label", "grid_label"}}};
}

RequireFacets require(const std::string& dimension, Names values, Names group_by = {},
                      RequireFacets::Operator op = RequireFacets::Operator::All) {
    return RequireFacets{dimension, std::move(values), op, std::move(group_by)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RequireFacets (§3.1)

TEST_CASE("RequireFacets drops an incomplete group (Example 5)", "[constraints]") {
    const auto t =
        make_table({"variable_id", "experiment_id"}, {{"tas", "ssp119"}, {"tas", "ssp126"}, {"pr", "ssp119"}});
    const auto c = require("variable_id", {"tas", "pr"});
    CHECK(apply(c, Rows{0, 2}, t) == Rows{0, 2});
    CHECK(apply(c, Rows{1}, t).empty());
}

TEST_CASE("RequireFacets with its own group_by (Example 6)", "[constraints]") {
    const auto c = require("variable_id", {"tos", "areacello"}, {"source_id"});
    SECTION("model A lacks areacello") {
        const auto t = make_table({"variable_id", "source_id"}, {{"tos", "A"}, {"areacello", "B"}, {"tos", "B"}});
        CHECK(apply(c, t.all_rows(), t) == Rows{1, 2});
    }
    SECTION("both models complete") {
        const auto t = make_table({"variable_id", "source_id"},
                                  {{"tos", "A"}, {"areacello", "A"}, {"tos", "B"}, {"areacello", "B"}});
        CHECK(apply(c, t.all_rows(), t) == Rows{0, 1, 2, 3});
    }
    SECTION("empty group") {
        const auto t = make_table({"variable_id", "source_id"}, {{"tos", "A"}});
        CHECK(apply(c, Rows{}, t).empty());
    }
    SECTION("operator any") {
        const auto t = make_table({"variable_id", "source_id"}, {{"tas", "A"}, {"tos", "A"}});
        const auto any = require("variable_id", {"tas", "pr"}, {}, RequireFacets::Operator::Any);
        CHECK(apply(any, Rows{0, 1}, t) == Rows{0, 1});
        CHECK(apply(any, Rows{}, t).empty());
        CHECK(apply(any, Rows{1}, t).empty());
    }
}

TEST_CASE("RequireFacets edge cases", "[constraints]") {
    const auto t = make_table({"variable_id", "source_id"}, {{"tas", "A"}, {"pr", NA}, {"tas", "B"}, {"pr", "B"}});
    SECTION("empty required list: all passes and any fails") {
        CHECK(apply(require("variable_id", {}), t.all_rows(), t) == t.all_rows());
        CHECK(apply(require("variable_id", {}, {"source_id"}), t.all_rows(), t) == t.all_rows());
        CHECK(apply(require("variable_id", {}, {}, RequireFacets::Operator::Any), t.all_rows(), t).empty());
    }
    SECTION("empty group with all") {
        CHECK(apply(require("variable_id", {"tas"}), Rows{}, t).empty());
        CHECK(apply(require("variable_id", {}), Rows{}, t).empty());
    }
    SECTION("rows with an NA group key stay selected") {
        // Model A lacks pr; the NA-keyed pr row is in no subgroup and is kept.
        CHECK(apply(require("variable_id", {"tas", "pr"}, {"source_id"}), t.all_rows(), t) == Rows{1, 2, 3});
    }
    SECTION("a required value no row has") {
        CHECK(apply(require("variable_id", {"tas", "never-seen"}), t.all_rows(), t).empty());
        const auto any = require("variable_id", {"never-seen", "pr"}, {}, RequireFacets::Operator::Any);
        CHECK(apply(any, t.all_rows(), t) == t.all_rows());
    }
    SECTION("duplicate rows are kept in group order") {
        CHECK(apply(require("variable_id", {"tas", "pr"}), Rows{3, 2, 3}, t) == Rows{3, 2, 3});
    }
    SECTION("missing columns") {
        CHECK_THROWS_WITH(apply(require("frequency", {"mon"}), t.all_rows(), t),
                          Catch::Contains("require_facets") && Catch::Contains("frequency"));
        CHECK_THROWS_WITH(apply(require("variable_id", {"tas"}, {"member_id"}), t.all_rows(), t),
                          Catch::Contains("require_facets") && Catch::Contains("member_id"));
    }
}

TEST_CASE("RequireFacets deselects every row sharing a label", "[constraints]") {
    // Label 7 has rows in two subgroups: model A fails, so label 7 goes from model B too.
    const auto t = make_table({"variable_id", "source_id"},
                              {{"tas", "A"}, {"tas", "B"}, {"areacello", "B"}, {"tas", "C"}, {"tas", "C"}},
                              {7, 7, 8, 9, 9});
    const auto c = require("variable_id", {"tas", "areacello"}, {"source_id"});
    CHECK(apply(c, t.all_rows(), t) == Rows{2});
    CHECK(labels_of(apply(require("variable_id", {"tas"}), Rows{3, 4}, t), t) == std::vector<int64_t>{9, 9});
}

// ---------------------------------------------------------------------------------------------
// IgnoreFacets (§3.2)

TEST_CASE("IgnoreFacets removes matching rows (Example 16)", "[constraints]") {
    SECTION("one facet") {
        const auto t = make_table({"variable_id"}, {{"tas"}, {"pr"}, {"tas"}, {"rsut"}});
        CHECK(apply(IgnoreFacets{{{"variable_id", {"tas"}}}}, t.all_rows(), t) == Rows{1, 3});
    }
    SECTION("AND across facets and OR across values") {
        const auto t =
            make_table({"variable_id", "source_id"}, {{"tas", "A"}, {"pr", "B"}, {"tas", "C"}, {"rsut", "C"}});
        const IgnoreFacets c{{{"variable_id", {"tas", "pr"}}, {"source_id", {"C"}}}};
        CHECK(apply(c, t.all_rows(), t) == Rows{0, 1, 3});
    }
    SECTION("grey-listed model") {
        const auto t = make_table({"source_id"}, {{"A"}, {"B"}, {"A"}});
        CHECK(apply(IgnoreFacets{{{"source_id", {"A"}}}}, t.all_rows(), t) == Rows{1});
        CHECK(apply(IgnoreFacets{{{"source_id", {"A"}}}}, Rows{0, 2}, t).empty());
    }
}

TEST_CASE("IgnoreFacets edge cases", "[constraints]") {
    const auto t = make_table({"variable_id", "source_id"}, {{"tas", "A"}, {"pr", NA}, {"tas", "B"}});
    SECTION("a value no row has ignores nothing") {
        CHECK(apply(IgnoreFacets{{{"variable_id", {"never-seen"}}}}, Rows{2, 0, 2}, t) == Rows{2, 0, 2});
    }
    SECTION("NA never matches") {
        CHECK(apply(IgnoreFacets{{{"source_id", {"A", "B"}}}}, t.all_rows(), t) == Rows{1});
    }
    SECTION("row level, in group order, duplicates kept") {
        CHECK(apply(IgnoreFacets{{{"source_id", {"A"}}}}, Rows{2, 1, 0, 2}, t) == Rows{2, 1, 2});
    }
    SECTION("empty mapping is an error (Q20)") {
        CHECK_THROWS_AS(apply(IgnoreFacets{}, t.all_rows(), t), SolveError);
        CHECK_THROWS_WITH(apply(IgnoreFacets{}, t.all_rows(), t), Catch::Contains("ignore_facets"));
    }
    SECTION("missing column") {
        CHECK_THROWS_WITH(apply(IgnoreFacets{{{"member_id", {"r1i1p1f1"}}}}, t.all_rows(), t),
                          Catch::Contains("ignore_facets") && Catch::Contains("member_id"));
    }
}

// ---------------------------------------------------------------------------------------------
// AddSupplementaryDataset (§3.3)

namespace {

const std::vector<std::string> kSupplementaryHeader{"variable_id", "table_id",  "experiment_id", "member_id",
                                                    "version",     "source_id", "grid_label"};

}  // namespace

TEST_CASE("AddSupplementaryDataset scoring (Example 9)", "[constraints]") {
    const auto t = make_table(kSupplementaryHeader,
                              {{"tas", "Amon", "historical", "r1i1p1f1", "v20210316", "ACCESS-ESM1-5", "gn"},
                               {"areacella", "fx", "historical", "r1i1p1f1", "v20220101", "ACCESS-ESM1-5", "gn"},
                               {"tas", "Amon", "ssp585", "r2i1p1f1", "v20210316", "ACCESS-ESM1-5", "gn"},
                               {"areacella", "fx", "ssp585", "r1i1p1f1", "v20210316", "ACCESS-ESM1-5", "gn"}});
    const auto c = cmip6_supplementary("areacella");
    CHECK(apply(c, Rows{0, 2}, t) == Rows{0, 2, 1, 3});
    // Each main dataset on its own.
    CHECK(apply(c, Rows{0}, t) == Rows{0, 1});
    CHECK(apply(c, Rows{2}, t) == Rows{2, 3});
}

TEST_CASE("AddSupplementaryDataset other upstream cases (Example 9)", "[constraints]") {
    const auto c = cmip6_supplementary("areacella");
    const std::vector<std::string> tas{"tas", "Amon", "ssp585", "r1i1p1f1", "v20210316", "ACCESS-ESM1-5", "gn"};
    SECTION("no areacella in the catalog leaves the group unchanged") {
        const auto t = make_table(kSupplementaryHeader,
                                  {tas, {"areacello", "Ofx", "ssp585", "r1i1p1f1", "v1", "ACCESS-ESM1-5", "gn"}});
        CHECK(apply(c, Rows{0}, t) == Rows{0});
    }
    SECTION("areacella on another grid is not added") {
        const auto t = make_table(kSupplementaryHeader,
                                  {tas, {"areacella", "fx", "ssp585", "r1i1p1f1", "v20210316", "ACCESS-ESM1-5", "gr"}});
        CHECK(apply(c, Rows{0}, t) == Rows{0});
    }
    SECTION("areacella of another source_id is not added") {
        const auto t = make_table(kSupplementaryHeader,
                                  {tas, {"areacella", "fx", "ssp585", "r1i1p1f1", "v20210316", "CanESM5", "gn"}});
        CHECK(apply(c, Rows{0}, t) == Rows{0});
    }
    SECTION("equal scores: the latest version wins") {
        const auto t = make_table(kSupplementaryHeader,
                                  {tas,
                                   {"areacella", "fx", "historical", "r1i1p1f1", "v20230101", "ACCESS-ESM1-5", "gn"},
                                   {"areacella", "fx", "historical", "r1i1p1f1", "v20220101", "ACCESS-ESM1-5", "gn"}});
        CHECK(apply(c, Rows{0}, t) == Rows{0, 1});
    }
    SECTION("equally good candidates: the first in catalog order with all its files") {
        // Candidate r3 (two files, label 1) precedes r2 (label 2) in the catalog.
        const auto t = make_table({"variable_id", "table_id", "experiment_id", "member_id", "version", "source_id",
                                   "grid_label", "path"},
                                  {{"tas", "Amon", "ssp585", "r1i1p1f1", "v1", "M", "gn", "tas.nc"},
                                   {"areacella", "fx", "ssp585", "r3i1p1f1", "v1", "M", "gn", "a3_1.nc"},
                                   {"areacella", "fx", "ssp585", "r3i1p1f1", "v1", "M", "gn", "a3_2.nc"},
                                   {"areacella", "fx", "ssp585", "r2i1p1f1", "v1", "M", "gn", "a2.nc"}},
                                  {0, 1, 1, 2});
        const auto out = apply(c, Rows{0}, t);
        CHECK(out == Rows{0, 1, 2});
        CHECK(labels_of(out, t) == std::vector<int64_t>{0, 1, 1});
    }
    SECTION("a candidate already in the group is appended again") {
        const auto t = make_table(kSupplementaryHeader,
                                  {tas, {"areacella", "fx", "ssp585", "r1i1p1f1", "v20210316", "ACCESS-ESM1-5", "gn"}});
        CHECK(apply(c, Rows{0, 1}, t) == Rows{0, 1, 1});
    }
    SECTION("main datasets with an NA matching facet get nothing") {
        const auto t = make_table(kSupplementaryHeader,
                                  {{"tas", "Amon", "ssp585", "r1i1p1f1", "v1", NA, "gn"},
                                   {"areacella", "fx", "ssp585", "r1i1p1f1", "v1", "ACCESS-ESM1-5", "gn"}});
        CHECK(apply(c, Rows{0}, t) == Rows{0});
    }
    SECTION("an empty group stays empty") {
        const auto t = make_table(kSupplementaryHeader, {tas});
        CHECK(apply(c, Rows{}, t).empty());
    }
}

TEST_CASE("AddSupplementaryDataset picks the best-matching experiment (Example 10)", "[constraints]") {
    const std::vector<std::string> header{"experiment_id", "table_id", "variable_id", "version", "path",
                                          "source_id",     "member_id", "grid_label"};
    const std::string model = "ACCESS-ESM1-5", member = "r1i1p1f1";
    const auto t = make_table(header,
                              {{"historical", "Amon", "tas", "v20191115", "tas_1.nc", model, member, "gn"},
                               {"historical", "Amon", "tas", "v20191115", "tas_2.nc", model, member, "gn"},
                               {"historical", "fx", "areacella", "v20191115", "areacella.nc", model, member, "gn"},
                               {"piControl", "fx", "areacella", "v20210316", "areacella_pi.nc", model, member, "gn"}},
                              {10, 10, 11, 12});
    const auto out = apply(cmip6_supplementary("areacella"), Rows{0, 1}, t);
    CHECK(out == Rows{0, 1, 2});
    CHECK(labels_of(out, t) == std::vector<int64_t>{10, 10, 11});
}

TEST_CASE("AddSupplementaryDataset without optional facets or version column", "[constraints]") {
    const auto t = make_table({"variable_id", "source_id", "grid_label"},
                              {{"tas", "A", "gn"}, {"areacella", "B", "gn"}, {"areacella", "A", "gn"},
                               {"areacella", "A", "gn"}},
                              {0, 1, 2, 3});
    // Two datasets agree on everything: both are selected.
    const AddSupplementaryDataset c{{{"variable_id", {"areacella"}}}, {"source_id", "grid_label"}, {}};
    CHECK(apply(c, Rows{0}, t) == Rows{0, 2, 3});
}

TEST_CASE("AddSupplementaryDataset missing columns", "[constraints]") {
    const auto t = make_table({"variable_id", "source_id"}, {{"tas", "A"}, {"areacella", "A"}});
    const auto c = cmip6_supplementary("areacella");
    CHECK_THROWS_WITH(apply(c, Rows{0}, t),
                      Catch::Contains("add_supplementary_dataset") && Catch::Contains("grid_label"));
    const AddSupplementaryDataset bad_facet{{{"frequency", {"fx"}}}, {"source_id"}, {}};
    CHECK_THROWS_WITH(apply(bad_facet, Rows{0}, t),
                      Catch::Contains("add_supplementary_dataset") && Catch::Contains("frequency"));
    const AddSupplementaryDataset bad_optional{{{"variable_id", {"areacella"}}}, {"source_id"}, {"member_id"}};
    CHECK_THROWS_WITH(apply(bad_optional, Rows{0}, t),
                      Catch::Contains("add_supplementary_dataset") && Catch::Contains("member_id"));
}

// ---------------------------------------------------------------------------------------------
// AddParentDataset (§3.8)

namespace {

const std::vector<std::string> kParentHeader{"source_id",        "experiment_id",        "variant_label",
                                             "table_id",         "variable_id",          "grid_label",
                                             "parent_source_id", "parent_experiment_id", "parent_variant_label",
                                             "version"};

// A CMIP6 dataset row in kParentHeader order (table Amon, grid gn, member r1i1p1f1).
std::vector<std::string> dataset(const std::string& source, const std::string& experiment,
                                 const std::string& parent_experiment, const std::string& version,
                                 const std::string& variable = "tas", const std::string& parent_source = "") {
    const std::string parent_variant = parent_experiment == NA ? NA : "r1i1p1f1";
    return {source, experiment, "r1i1p1f1", "Amon", variable, "gn",
            parent_source.empty() ? source : parent_source, parent_experiment, parent_variant, version};
}

}  // namespace

TEST_CASE("AddParentDataset adds the parent (Example 7)", "[constraints]") {
    auto historical = dataset("A", "historical", "none", "v20220101");
    historical[8] = "none";  // parent_variant_label
    const auto t = make_table(kParentHeader, {dataset("A", "ssp119", "historical", "v20210101"), historical});
    const auto c = cmip6_parent();
    CHECK(apply(c, Rows{1}, t).empty());
    CHECK(apply(c, Rows{0}, t) == Rows{0, 1});
    CHECK(apply_constraint(Constraint{c}, Rows{0}, t) == Rows{0, 1});
}

TEST_CASE("AddParentDataset is order-sensitive (Example 8)", "[constraints]") {
    const auto c = cmip6_parent();
    SECTION("case A: the parent without its own parent is removed") {
        const auto t = make_table(kParentHeader, {dataset("A", "abrupt-4xCO2", "piControl", "v1"),
                                                  dataset("A", "piControl", "piControl-spinup", "v1")});
        CHECK(apply(c, Rows{0, 1}, t) == Rows{0});
    }
    SECTION("case B: the later child re-selects its parent") {
        const auto t = make_table(kParentHeader, {dataset("A", "ssp585", "historical", "v1"),
                                                  dataset("A", "historical", "piControl", "v1")});
        CHECK(apply(c, Rows{0, 1}, t) == Rows{0, 1});
    }
}

TEST_CASE("AddParentDataset other upstream cases (Example 7)", "[constraints]") {
    const auto c = cmip6_parent();
    SECTION("two parent versions: only the latest is added") {
        const auto t = make_table(kParentHeader, {dataset("A", "ssp585", "historical", "v20210101"),
                                                  dataset("A", "historical", "piControl", "v20210101"),
                                                  dataset("A", "historical", "piControl", "v20220101")});
        CHECK(apply(c, Rows{0}, t) == Rows{0, 2});
    }
    SECTION("children with NA parent facets are removed") {
        const auto t = make_table(kParentHeader, {dataset("A", "ssp585", "historical", "v1"),
                                                  dataset("A", "ssp126", NA, "v1"),
                                                  dataset("A", "historical", "piControl", "v1")});
        CHECK(apply(c, Rows{0, 1}, t) == Rows{0, 2});
        CHECK(apply(c, Rows{1}, t).empty());
    }
    SECTION("several children each get their own parent, in catalog order") {
        const auto t = make_table(kParentHeader, {dataset("A", "historical", "piControl", "v1", "pr"),
                                                  dataset("A", "ssp585", "historical", "v1", "tas"),
                                                  dataset("A", "historical", "piControl", "v1", "tas"),
                                                  dataset("A", "ssp585", "historical", "v1", "pr"),
                                                  dataset("A", "ssp126", "historical", "v1", "rsut")});
        // The rsut child has no parent and is removed.
        CHECK(apply(c, Rows{4, 3, 1}, t) == Rows{0, 1, 2, 3});
    }
    SECTION("a parent of another source_id") {
        const auto t = make_table(kParentHeader, {dataset("A", "ssp585", "historical", "v1", "tas", "B"),
                                                  dataset("A", "historical", "piControl", "v1"),
                                                  dataset("B", "historical", "piControl", "v1")});
        CHECK(apply(c, Rows{0}, t) == Rows{0, 2});
    }
    SECTION("every file of the parent is added") {
        const auto t = make_table(kParentHeader,
                                  {dataset("A", "historical", "piControl", "v1"),
                                   dataset("A", "ssp585", "historical", "v1"),
                                   dataset("A", "historical", "piControl", "v1")},
                                  {5, 6, 5});
        CHECK(apply(c, Rows{1}, t) == Rows{0, 1, 2});
    }
    SECTION("a child's files left out of the group come back with its label") {
        const auto t = make_table(kParentHeader,
                                  {dataset("A", "ssp585", "historical", "v1"),
                                   dataset("A", "ssp585", "historical", "v1"),
                                   dataset("A", "historical", "piControl", "v1")},
                                  {6, 6, 5});
        CHECK(apply(c, Rows{1}, t) == Rows{0, 1, 2});
    }
    SECTION("an empty group stays empty") {
        const auto t = make_table(kParentHeader, {dataset("A", "historical", "piControl", "v1")});
        CHECK(apply(c, Rows{}, t).empty());
    }
    SECTION("missing columns") {
        const auto t = make_table({"source_id", "experiment_id"}, {{"A", "ssp585"}});
        CHECK_THROWS_WITH(apply(c, Rows{0}, t),
                          Catch::Contains("add_parent_dataset") && Catch::Contains("grid_label"));
    }
}

// ---------------------------------------------------------------------------------------------
// SelectFirstMember (§3.9)

TEST_CASE("SelectFirstMember keeps one member per model (Example 15)", "[constraints]") {
    const SelectFirstMember c;
    SECTION("CMIP-style members, two variables each") {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [source, member] : std::vector<std::pair<std::string, std::string>>{
                 {"ACCESS-CM2", "r1i1p1f1"}, {"ACCESS-CM2", "r2i1p1f1"}, {"ACCESS-CM2", "r10i1p1f1"},
                 {"CanESM5", "r5i1p2f1"}, {"CanESM5", "r1i1p2f1"}})
            for (const std::string variable : {"tas", "pr"}) rows.push_back({source, member, variable});
        const auto t = make_table({"source_id", "member_id", "variable_id"}, rows);
        CHECK(apply(c, t.all_rows(), t) == Rows{0, 1, 8, 9});
    }
    SECTION("member_facet variant_label") {
        const auto t = make_table({"source_id", "variant_label"}, {{"MODEL", "r2i1p1f1"}, {"MODEL", "r1i1p1f1"}});
        CHECK(apply(SelectFirstMember{"variant_label", {"source_id"}}, t.all_rows(), t) == Rows{1});
    }
    SECTION("other labels by code point") {
        const auto t = make_table({"source_id", "member_id"}, {{"MODEL", "obs-b"}, {"MODEL", "obs-a"}});
        CHECK(apply(c, t.all_rows(), t) == Rows{1});
    }
    SECTION("no member information keeps the subgroup") {
        const auto t = make_table({"source_id", "member_id"}, {{"A", NA}, {"A", NA}});
        CHECK(apply(c, t.all_rows(), t) == Rows{0, 1});
    }
    SECTION("no member column leaves the group unchanged") {
        const auto t = make_table({"source_id"}, {{"A"}, {"A"}});
        CHECK(apply(c, Rows{1, 0, 1}, t) == Rows{1, 0, 1});
    }
    SECTION("a row with NA source_id is removed") {
        const auto t = make_table({"source_id", "member_id"}, {{NA, "r1i1p1f1"}, {"A", "r2i1p1f1"}});
        CHECK(apply(c, t.all_rows(), t) == Rows{1});
    }
}

TEST_CASE("SelectFirstMember edge cases", "[constraints]") {
    const auto t = make_table({"source_id", "member_id"},
                              {{"B", "r2i1p1f1"}, {"A", NA}, {"A", "r3i1p1f1"}, {"B", "r1i1p1f1"}, {"A", "r3i1p1f1"}});
    const SelectFirstMember c;
    SECTION("result in group order; NA members removed once a member exists") {
        CHECK(apply(c, Rows{4, 0, 3, 1, 2}, t) == Rows{4, 3, 2});
    }
    SECTION("an empty group is returned unchanged") { CHECK(apply(c, Rows{}, t).empty()); }
    SECTION("missing group_by column") {
        CHECK_THROWS_WITH(apply(SelectFirstMember{"member_id", {"institution_id"}}, Rows{0}, t),
                          Catch::Contains("select_first_member") && Catch::Contains("institution_id"));
    }
    SECTION("empty group_by is an error") {
        CHECK_THROWS_AS(apply(SelectFirstMember{"member_id", {}}, Rows{0}, t), SolveError);
    }
}

TEST_CASE("compare_members sort key", "[constraints]") {
    CHECK(compare_members("r1i1p1f1", "r2i1p1f1") < 0);
    CHECK(compare_members("r2i1p1f1", "r10i1p1f1") < 0);
    CHECK(compare_members("r10i1p1f1", "r2i1p1f1") > 0);
    CHECK(compare_members("r1i1p1f2", "r1i1p2f1") < 0);
    CHECK(compare_members("r1i2p1f1", "r1i1p9f9") > 0);
    CHECK(compare_members("r1i1p1f1", "r1i1p1f1") == 0);
    CHECK(compare_members("r01i1p1f1", "r1i1p1f1") == 0);
    CHECK(compare_members("r99999999999999999999i1p1f1", "r100000000000000000000i1p1f1") < 0);
    // Any CMIP-style label before any other label.
    CHECK(compare_members("r100i1p1f1", "a") < 0);
    CHECK(compare_members("a", "r100i1p1f1") > 0);
    CHECK(compare_members("r1i1p1", "r1i1p1f1") > 0);
    CHECK(compare_members("r1i1p1f1x", "r2i1p1f1") > 0);
    CHECK(compare_members("R1i1p1f1", "r9i1p1f1") > 0);
    // Others by code point.
    CHECK(compare_members("obs-a", "obs-b") < 0);
    CHECK(compare_members("B", "a") < 0);
    CHECK(compare_members("_x", "a") < 0);
    CHECK(compare_members("Z", "_x") < 0);
    CHECK(compare_members("same", "same") == 0);
}

// ---------------------------------------------------------------------------------------------
// Dispatch and a composite requirement

TEST_CASE("apply_constraint dispatches to each constraint", "[constraints]") {
    const auto t = make_table({"variable_id", "source_id", "member_id"},
                              {{"tas", "A", "r2i1p1f1"}, {"tas", "A", "r1i1p1f1"}, {"pr", "B", "r1i1p1f1"}});
    CHECK(apply_constraint(Constraint{require("variable_id", {"pr"}, {"source_id"})}, t.all_rows(), t) == Rows{2});
    CHECK(apply_constraint(Constraint{IgnoreFacets{{{"source_id", {"B"}}}}}, t.all_rows(), t) == Rows{0, 1});
    CHECK(apply_constraint(Constraint{SelectFirstMember{}}, t.all_rows(), t) == Rows{1, 2});
    const AddSupplementaryDataset supplementary{{{"variable_id", {"pr"}}}, {}, {"source_id"}};
    CHECK(apply_constraint(Constraint{supplementary}, Rows{0}, t) == Rows{0, 2});
}

TEST_CASE("Composite ECS-style requirement (Example 17)", "[constraints]") {
    const std::vector<std::string> header{
        "source_id", "experiment_id", "variant_label", "member_id", "table_id", "variable_id", "grid_label",
        "parent_source_id", "parent_experiment_id", "parent_variant_label", "version", "instance_id",
        "start_time", "end_time"};
    std::vector<std::vector<std::string>> rows;
    auto add = [&](const std::string& model, const std::string& experiment, const std::string& table,
                   const std::string& variable) {
        const bool fx = table == "fx";
        rows.push_back({model, experiment, "r1i1p1f1", "r1i1p1f1", table, variable, "gn", model,
                        experiment == "piControl" ? "piControl-spinup" : "piControl", "r1i1p1f1", "v1",
                        "CMIP6.CMIP.X." + model + "." + experiment + ".r1i1p1f1." + table + "." + variable + ".gn.v1",
                        fx ? NA : "1850-01-16 12:00:00", fx ? NA : "1999-12-16 12:00:00"});
    };
    const std::vector<std::string> variables{"rlut", "rsdt", "rsut", "tas"};
    struct Model {
        std::string name;
        std::vector<std::string> abrupt, pi;
        bool areacella;
    };
    const std::vector<Model> models{{"A", variables, variables, true},
                                    {"B", variables, {"rlut", "rsut", "tas"}, false},
                                    {"C", {"rlut", "rsut", "tas"}, variables, false}};
    auto has = [](const std::vector<std::string>& list, const std::string& v) {
        return std::find(list.begin(), list.end(), v) != list.end();
    };
    for (const auto& m : models) {
        for (const auto& v : variables) {
            if (has(m.abrupt, v)) add(m.name, "abrupt-4xCO2", "Amon", v);
            if (has(m.pi, v)) add(m.name, "piControl", "Amon", v);
        }
        if (m.areacella) add(m.name, "piControl", "fx", "areacella");
    }
    const auto t = make_table(header, rows);

    const std::vector<Constraint> constraints{
        RequireOverlappingTimerange{{"instance_id"}},
        cmip6_parent(),
        RequireContiguousTimerange{{"instance_id"}},
        require("variable_id", variables, {"source_id", "member_id", "grid_label", "experiment_id"}),
        cmip6_supplementary("areacella"),
    };
    // The requirement's filter and group-by.
    Rows filtered;
    for (const uint32_t row : rows_where(t, "experiment_id", "abrupt-4xCO2"))
        if (t.text(row, t.column_index("table_id")) == std::optional<std::string_view>("Amon")) filtered.push_back(row);
    const auto groups = group_rows(filtered, t, {"source_id", "member_id", "grid_label"}, "test");
    REQUIRE(groups.size() == 3);

    std::vector<Rows> kept;
    for (const auto& g : groups) {
        Rows rows_now = g.rows;
        for (const auto& c : constraints) {
            rows_now = apply_constraint(c, rows_now, t);
            if (rows_now.empty()) break;
        }
        kept.push_back(rows_now);
    }
    // Model A: abrupt/piControl interleaved per variable (catalog order), then areacella.
    CHECK(kept[0] == Rows{0, 1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(t.text(8, t.column_index("variable_id")) == std::optional<std::string_view>("areacella"));
    CHECK(kept[1].empty());
    CHECK(kept[2].empty());

    // Model B after AddParent: the rsdt child has no parent and is removed.
    const Rows b = apply_constraint(constraints[1], groups[1].rows, t);
    CHECK(b.size() == 6);
    for (const uint32_t row : b)
        CHECK(t.text(row, t.column_index("variable_id")) != std::optional<std::string_view>("rsdt"));
}
