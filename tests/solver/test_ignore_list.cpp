// The grey list ("ignore datasets") file format (solver spec §2.7, Example 16, Q20).
#include "solver/ignore_list.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace ref::solver;
namespace fs = std::filesystem;

namespace {

std::vector<IgnoreEntry> parse(const std::string& text, std::vector<std::string>& warnings) {
    return parse_ignore_list(text, "greylist.yaml", warnings);
}

std::vector<IgnoreEntry> parse(const std::string& text) {
    std::vector<std::string> warnings;
    auto entries = parse(text, warnings);
    CHECK(warnings.empty());
    return entries;
}

// The message parse_ignore_list throws for `text`, or "" when it does not throw.
std::string problem(const std::string& text) {
    std::vector<std::string> warnings;
    try {
        parse(text, warnings);
    } catch (const SolveError& e) {
        return e.what();
    }
    return "";
}

FacetFilter facets(const IgnoreEntry& entry) { return entry.facets.facets; }

}  // namespace

TEST_CASE("the Example 16 grey list ignores model A for cmip6", "[ignore-list]") {
    const auto entries = parse("mock_provider:\n  mock:\n    cmip6:\n      - source_id: A\n");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].provider == "mock_provider");
    CHECK(entries[0].diagnostic == "mock");
    CHECK(entries[0].type == SourceType::Cmip6);
    CHECK(facets(entries[0]) == FacetFilter{{"source_id", {"A"}}});
}

TEST_CASE("entries span providers and diagnostics and types in document order", "[ignore-list]") {
    const auto entries = parse(R"(
# the operator's list
example:
  global-mean-timeseries:
    cmip6:
      - {source_id: A, variable_id: [tas, pr]}
      - experiment_id: historical
    obs4mips:
      - source_id: ERA-5
  annual-cycle:
    cmip7:
      - {source_id: B}
pmp:
  enso_tel:
    pmp-climatology:
      - {variable_id: ts}
    esmvaltool-reference:
      - {dataset: HadISST}
    obs4ref:
      - {source_id: GPCP-2-3}
)");
    REQUIRE(entries.size() == 7);
    CHECK(entries[0].provider == "example");
    CHECK(entries[0].diagnostic == "global-mean-timeseries");
    CHECK(entries[0].type == SourceType::Cmip6);
    // Facets keep their written order; a list value keeps its order too.
    CHECK(facets(entries[0]) == FacetFilter{{"source_id", {"A"}}, {"variable_id", {"tas", "pr"}}});
    CHECK(entries[1].type == SourceType::Cmip6);
    CHECK(facets(entries[1]) == FacetFilter{{"experiment_id", {"historical"}}});
    CHECK(entries[2].type == SourceType::Obs4mips);
    CHECK(entries[3].diagnostic == "annual-cycle");
    CHECK(entries[3].type == SourceType::Cmip7);
    CHECK(entries[4].provider == "pmp");
    CHECK(entries[4].diagnostic == "enso_tel");
    CHECK(entries[4].type == SourceType::PmpClimatology);
    CHECK(entries[5].type == SourceType::EsmvaltoolReference);
    CHECK(facets(entries[5]) == FacetFilter{{"dataset", {"HadISST"}}});
    CHECK(entries[6].type == SourceType::Obs4ref);
}

TEST_CASE("scalar values are one-value lists and plain scalars are text", "[ignore-list]") {
    const auto entries = parse("p:\n  d:\n    cmip6:\n      - {member_id: r1i1p1f1, version: 20190101, grid_label: [gn]}\n"
                               "      - {source_id: \"quoted: value\", flag: yes}\n");
    REQUIRE(entries.size() == 2);
    CHECK(facets(entries[0]) ==
          FacetFilter{{"member_id", {"r1i1p1f1"}}, {"version", {"20190101"}}, {"grid_label", {"gn"}}});
    CHECK(facets(entries[1]) == FacetFilter{{"source_id", {"quoted: value"}}, {"flag", {"yes"}}});
}

TEST_CASE("an empty grey list ignores nothing", "[ignore-list]") {
    CHECK(parse("").empty());
    CHECK(parse("# nothing yet\n").empty());
    CHECK(parse("---\n").empty());
    CHECK(parse("{}").empty());
    // Empty sections (e.g. everything below commented out) ignore nothing either.
    CHECK(parse("example:\n").empty());
    CHECK(parse("example:\n  diag:\n").empty());
    CHECK(parse("example:\n  diag:\n    cmip6:\n").empty());
    CHECK(parse("example:\n  diag:\n    cmip6: []\n").empty());
}

TEST_CASE("anchors and aliases are resolved", "[ignore-list]") {
    const auto entries = parse("p:\n  a:\n    cmip6: &bad\n      - {source_id: A}\n  b:\n    cmip6: *bad\n");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].diagnostic == "a");
    CHECK(entries[1].diagnostic == "b");
    CHECK(facets(entries[1]) == FacetFilter{{"source_id", {"A"}}});
}

TEST_CASE("an unknown source type is a warning and the known ones are kept", "[ignore-list]") {
    std::vector<std::string> warnings{"earlier"};
    const auto entries = parse("p:\n  d:\n    cmip5:\n      - {source_id: A}\n    cmip6:\n      - {source_id: B}\n"
                               "    CMIP6:\n      - 42\n",
                               warnings);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].type == SourceType::Cmip6);
    CHECK(facets(entries[0]) == FacetFilter{{"source_id", {"B"}}});
    REQUIRE(warnings.size() == 3);
    CHECK(warnings[0] == "earlier");
    CHECK(warnings[1] == "greylist.yaml: p.d: unknown source type 'cmip5' ignored (line 3)");
    // Source-type values are exact, as in the REF.
    CHECK(warnings[2] == "greylist.yaml: p.d: unknown source type 'CMIP6' ignored (line 7)");
}

TEST_CASE("a grey list that is not nested mappings is refused naming the place", "[ignore-list]") {
    CHECK(problem("- example\n") == "greylist.yaml: top level: expected a mapping of provider slugs, found a list (line 1)");
    CHECK(problem("just text\n") ==
          "greylist.yaml: top level: expected a mapping of provider slugs, found 'just text' (line 1)");
    CHECK(problem("example: [a, b]\n") ==
          "greylist.yaml: example: expected a mapping of diagnostic slugs, found a list (line 1)");
    CHECK(problem("example:\n  diag: cmip6\n") ==
          "greylist.yaml: example.diag: expected a mapping of source types, found 'cmip6' (line 2)");
    CHECK(problem("example:\n  diag:\n    cmip6: {source_id: A}\n") ==
          "greylist.yaml: example.diag.cmip6: expected a list of facet mappings, found a mapping (line 3)");
}

TEST_CASE("a grey-list item must be a non-empty mapping of facets", "[ignore-list]") {
    CHECK(problem("example:\n  diag:\n    cmip6:\n      - source_id\n") ==
          "greylist.yaml: example.diag.cmip6[0]: expected a mapping of facets to values, found 'source_id' (line 4)");
    CHECK(problem("example:\n  diag:\n    cmip6:\n      - [a, b]\n") ==
          "greylist.yaml: example.diag.cmip6[0]: expected a mapping of facets to values, found a list (line 4)");
    // Q20: upstream raises on IgnoreFacets({}); we refuse it when the file is read.
    CHECK(problem("example:\n  global-mean-timeseries:\n    cmip6:\n      - {source_id: A}\n      - {}\n") ==
          "greylist.yaml: example.global-mean-timeseries.cmip6[1]: an empty entry would ignore nothing (or everything); "
          "list facets (line 5)");
    CHECK_THAT(problem("example:\n  diag:\n    cmip6:\n      -\n"),
               Catch::StartsWith("greylist.yaml: example.diag.cmip6[0]: an empty entry would ignore nothing"));
}

TEST_CASE("a facet value must be a string or a non-empty list of strings", "[ignore-list]") {
    CHECK(problem("p:\n  d:\n    cmip6:\n      - {source_id: {a: b}}\n") ==
          "greylist.yaml: p.d.cmip6[0].source_id: expected a string or a list of strings, found a mapping (line 4)");
    CHECK_THAT(problem("p:\n  d:\n    cmip6:\n      - {source_id: ~}\n"),
               Catch::StartsWith("greylist.yaml: p.d.cmip6[0].source_id: expected a string or a list of strings, "
                                 "found nothing (null)"));
    CHECK_THAT(problem("p:\n  d:\n    cmip6:\n      - source_id:\n"),
               Catch::StartsWith("greylist.yaml: p.d.cmip6[0].source_id: expected a string or a list of strings"));
    CHECK(problem("p:\n  d:\n    cmip6:\n      - {source_id: [A, [B]]}\n") ==
          "greylist.yaml: p.d.cmip6[0].source_id[1]: expected a string or a list of strings, found a list (line 4)");
    CHECK(problem("p:\n  d:\n    cmip6:\n      - {source_id: []}\n") ==
          "greylist.yaml: p.d.cmip6[0].source_id: an empty list would ignore nothing; list values or drop the facet "
          "(line 4)");
}

TEST_CASE("repeated or non-text keys are refused", "[ignore-list]") {
    CHECK(problem("p:\n  d:\n    cmip6: []\np:\n  e:\n    cmip6: []\n") ==
          "greylist.yaml: top level: key 'p' appears twice (line 4)");
    CHECK(problem("p:\n  d:\n    cmip6:\n      - {source_id: A, source_id: B}\n") ==
          "greylist.yaml: p.d.cmip6[0]: key 'source_id' appears twice (line 4)");
    CHECK_THAT(problem("? [a, b]\n: x\n"), Catch::StartsWith("greylist.yaml: top level: keys must be non-empty text, found a list"));
}

TEST_CASE("malformed YAML and several documents are refused", "[ignore-list]") {
    CHECK_THAT(problem("p:\n  d: [unclosed\n"), Catch::StartsWith("greylist.yaml: not valid YAML: "));
    CHECK(problem("p: {}\n---\nq: {}\n") == "greylist.yaml: holds 2 YAML documents; a grey list is one mapping");
}

TEST_CASE("a failed parse adds no warnings", "[ignore-list]") {
    std::vector<std::string> warnings;
    CHECK_THROWS_AS(parse("p:\n  d:\n    cmip5: []\n    cmip6:\n      - {}\n", warnings), SolveError);
    CHECK(warnings.empty());
}

TEST_CASE("load_ignore_list reads a file and names it in errors", "[ignore-list]") {
    const fs::path dir = fs::temp_directory_path() / ("ref-ignore-list-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<std::string> warnings;

    std::ofstream(dir / "grey.yaml") << "example:\n  diag:\n    cmip6:\n      - {source_id: A}\n    cmip9: []\n";
    const auto entries = load_ignore_list(dir / "grey.yaml", warnings);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].provider == "example");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::StartsWith((dir / "grey.yaml").string() + ": example.diag: unknown source type 'cmip9'"));

    std::ofstream(dir / "bad.yaml") << "example:\n  diag:\n    cmip6:\n      - {}\n";
    CHECK_THROWS_WITH(load_ignore_list(dir / "bad.yaml", warnings),
                      Catch::StartsWith((dir / "bad.yaml").string() + ": example.diag.cmip6[0]: an empty entry"));

    std::ofstream(dir / "empty.yaml").flush();
    CHECK(load_ignore_list(dir / "empty.yaml", warnings).empty());

    CHECK_THROWS_WITH(load_ignore_list(dir / "missing.yaml", warnings),
                      "cannot read grey list " + (dir / "missing.yaml").string() + ": No such file or directory");
    CHECK_THROWS_WITH(load_ignore_list(dir, warnings), "cannot read grey list " + dir.string() + ": is a folder");
    fs::remove_all(dir);
}
