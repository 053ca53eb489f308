// Identities of planned executions (solver spec §5, §7.2) and the digests behind them.
#include "solver/identity.hpp"
#include "util/digest.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

using namespace ref::solver;
using ref::util::blake2s_hex;
using ref::util::sha1_hex;

namespace {

CollectionIdentity cmip6(Selector selector, std::vector<std::string> ids = {}) {
    return {SourceType::Cmip6, std::move(selector), std::move(ids)};
}

CollectionIdentity obs4mips(Selector selector, std::vector<std::string> ids = {}) {
    return {SourceType::Obs4mips, std::move(selector), std::move(ids)};
}

// Deterministic non-text bytes of a given length (matches the Python used for the vectors:
// bytes((i * 7 + 3) & 255 for i in range(n))).
std::string pattern(size_t n) {
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 7 + 3) & 255);
    return out;
}

const std::string kTasHistorical = "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.historical.r1i1p1f1.Amon.tas.gn.v20191115";
const std::string kAreacellaHistorical =
    "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.historical.r1i1p1f1.fx.areacella.gn.v20191115";
const std::string kHadIsst = "obs4MIPs.obs4MIPs.MOHC.HadISST-1-1.mon.ts.250km.gn.v20250415";

const Selector kHadGemSelector = {{"experiment_id", "historical"},
                                  {"source_id", "HadGEM3-GC31-LL"},
                                  {"variable_id", "tas"},
                                  {"variant_label", "r1i1p1f3"}};

}  // namespace

// --- digests ----------------------------------------------------------------------------------

TEST_CASE("SHA-1 standard vectors", "[digest]") {
    CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("SHA-1 around the padding boundaries", "[digest]") {
    CHECK(sha1_hex(pattern(1)) == "9842926af7ca0a8cca12604f945414f07b01e13d");
    CHECK(sha1_hex(pattern(55)) == "ddf57317ef34bfee3b6df83d359098930eb278bc");
    CHECK(sha1_hex(pattern(56)) == "a0d492bb0fc889d0eca3bc137066ab6f4f74f369");
    CHECK(sha1_hex(pattern(63)) == "c55856749bef509bdfe6bfebfc7bf4e793e82132");
    CHECK(sha1_hex(pattern(64)) == "bede92be29c3874e1b54ddc77988d606fc857a8e");
    CHECK(sha1_hex(pattern(65)) == "b05a80522b053d6dc7e0a517d0e70212c7dad11f");
    CHECK(sha1_hex(pattern(119)) == "504e27376a6e0f0dba8295b85cb25dc4dfa17d23");
    CHECK(sha1_hex(pattern(120)) == "82134b02fb3f702491be9bed581eeab59334acb2");
    CHECK(sha1_hex(pattern(128)) == "a09133e6730ffe899efb70204cb5646cd5dc24ee");
    CHECK(sha1_hex(pattern(1000)) == "4231a8a50a10fa9758db8ec71fdef855b751048a");
}

TEST_CASE("BLAKE2s-256 RFC 7693 vectors", "[digest]") {
    CHECK(blake2s_hex("abc") == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    CHECK(blake2s_hex("") == "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
    CHECK(blake2s_hex(std::string(1000000, 'a')) ==
          "bec0c0e6cde5b67acb73b81f79a67a4079ae1c60dac9d2661af18e9f8b50dfa5");
}

TEST_CASE("BLAKE2s-256 around the block boundaries", "[digest]") {
    CHECK(blake2s_hex(pattern(1)) == "a28ac19d6bcbe2cd1d7de183485768d598e996b07889b9b11f418cb1b4a4fb0d");
    CHECK(blake2s_hex(pattern(63)) == "de27df0e375d83c49f1af9ca8270f9f2fe7b70bf800fc01672db0e9746021ebf");
    CHECK(blake2s_hex(pattern(64)) == "5377e4ff957bda4d4535f4879876b71a61056c4cec31e78397c66ec47a86a130");
    CHECK(blake2s_hex(pattern(65)) == "19b1b26fba093f4a670d8913e1b71cbb2916dfa701018cc6b05785c966593374");
    CHECK(blake2s_hex(pattern(127)) == "6846f99493436241d0a6f289c9a911b1d0f4860db8f2b5df5295ffd37d03a3c4");
    CHECK(blake2s_hex(pattern(128)) == "83470c75afa23d90cd7659906e4b47daa278131fbb225241dd37a40fd5355ac7");
    CHECK(blake2s_hex(pattern(129)) == "26fd8892ab0a5f12d4acbff1efd7dcd92b99e2d377f888f07e3cb81b232b11cf");
    CHECK(blake2s_hex(pattern(1000)) == "02a016193469710efadf8fb005ca19b509331cb847df5598cc0794bded669681");
}

TEST_CASE("BLAKE2s digest length is a parameter not a truncation", "[digest]") {
    CHECK(blake2s_hex("abc", 4) == "df7101d3");
    CHECK(blake2s_hex("", 4) == "36e9d246");
    CHECK(blake2s_hex("", 1) == "a1");
    CHECK(blake2s_hex(pattern(64), 4) == "9ee300a0");
    CHECK(blake2s_hex(pattern(65), 1) == "f6");
    CHECK(blake2s_hex(pattern(1000), 20) == "4b04b9741a57238801fac417ae678875636bd3d0");
    CHECK(blake2s_hex("abc", 4) != blake2s_hex("abc").substr(0, 8));
    CHECK_THROWS_AS(blake2s_hex("abc", 0), std::invalid_argument);
    CHECK_THROWS_AS(blake2s_hex("abc", 33), std::invalid_argument);
}

// --- execution-group key (§5.1) -------------------------------------------------------------------

TEST_CASE("group_key spec examples", "[identity]") {
    CHECK(group_key({cmip6({{"source_id", "ACCESS-ESM1-5"}, {"variable_id", "tas"}})}) == "cmip6_ACCESS-ESM1-5_tas");
    CHECK(group_key({cmip6({{"experiment_id", "historical"},
                            {"source_id", "CanESM5"},
                            {"variable_id", "tas"},
                            {"variant_label", "r1i1p1f1"}})}) == "cmip6_historical_CanESM5_tas_r1i1p1f1");
    // Requirement order does not matter: cmip6 always comes before obs4mips.
    CHECK(group_key({obs4mips({{"source_id", "HadISST-1-1"}, {"variable_id", "ts"}}),
                     cmip6({{"experiment_id", "ssp126"}, {"source_id", "ACCESS-ESM1-5"}, {"variable_id", "tas"}})}) ==
          "cmip6_ssp126_ACCESS-ESM1-5_tas__obs4mips_HadISST-1-1_ts");
    CHECK(group_key({cmip6({{"grid_label", "gn"}, {"member_id", "r1i1p1f1"}, {"source_id", "A"}})}) ==
          "cmip6_gn_r1i1p1f1_A");
    CHECK(group_key({cmip6({})}) == "cmip6_");
}

TEST_CASE("group_key sorts by facet and keeps values verbatim", "[identity]") {
    CHECK(group_key({cmip6({{"variable_id", "tas"}, {"source_id", "ACCESS-ESM1-5"}})}) == "cmip6_ACCESS-ESM1-5_tas");
    CHECK(group_key({cmip6({{"a", "x y.z_w"}})}) == "cmip6_x y.z_w");
    // Quirk Q7: distinct selectors can share a key.
    CHECK(group_key({cmip6({{"a", "a_b"}, {"b", "c"}})}) == group_key({cmip6({{"a", "a"}, {"b", "b_c"}})}));
}

TEST_CASE("group_key uses the canonical order of every source type", "[identity]") {
    std::vector<CollectionIdentity> all;
    for (auto it = all_source_types().rbegin(); it != all_source_types().rend(); ++it)
        all.push_back({*it, {{"f", "v"}}, {}});
    CHECK(group_key(all) == "cmip6_v__cmip7_v__esmvaltool-reference_v__obs4mips_v__obs4ref_v__pmp-climatology_v");
    CHECK(selectors_json(all) ==
          R"({"cmip6":[["f","v"]],"cmip7":[["f","v"]],"esmvaltool-reference":[["f","v"]],)"
          R"("obs4mips":[["f","v"]],"obs4ref":[["f","v"]],"pmp-climatology":[["f","v"]]})");
}

TEST_CASE("a source type twice in one candidate is rejected", "[identity]") {
    const std::vector<CollectionIdentity> twice = {cmip6({{"a", "x"}}, {"i"}), cmip6({{"a", "y"}}, {"j"})};
    CHECK_THROWS_AS(group_key(twice), std::invalid_argument);
    CHECK_THROWS_AS(selectors_json(twice), std::invalid_argument);
    CHECK_THROWS_AS(dataset_hash(twice), std::invalid_argument);
    CHECK_THROWS_AS(group_short(twice, 1, 1), std::invalid_argument);
}

// --- selectors (§5.2) -------------------------------------------------------------------------------

TEST_CASE("selectors_json is compact and canonical", "[identity]") {
    CHECK(selectors_json({cmip6({{"experiment_id", "ssp119"}, {"variable_id", "tas"}})}) ==
          R"({"cmip6":[["experiment_id","ssp119"],["variable_id","tas"]]})");
    CHECK(selectors_json({obs4mips({{"variable_id", "ts"}, {"source_id", "HadISST-1-1"}}),
                          cmip6({{"source_id", "ACCESS-ESM1-5"}, {"experiment_id", "historical"}})}) ==
          R"({"cmip6":[["experiment_id","historical"],["source_id","ACCESS-ESM1-5"]],)"
          R"("obs4mips":[["source_id","HadISST-1-1"],["variable_id","ts"]]})");
    CHECK(selectors_json({cmip6({})}) == R"({"cmip6":[]})");
    CHECK(selectors_json({}) == "{}");
    CHECK(selectors_json({cmip6({{"a", "say \"hi\"\\"}})}) == R"({"cmip6":[["a","say \"hi\"\\"]]})");
}

// --- dataset hash (§5.3) ----------------------------------------------------------------------------

TEST_CASE("dataset hash spec test vectors", "[identity]") {
    SECTION("single id") {
        CHECK(collection_hash({"CMIP6.A.tas.ssp119"}) == "7cfcc7aaacebc48aa10034942b67be5bbc4c309d");
        CHECK(dataset_hash({cmip6({}, {"CMIP6.A.tas.ssp119"})}) == "7b2916ebb2a252ab98c6db58e829602e9bb06770");
    }
    SECTION("two files of one dataset plus a supplementary") {
        const std::vector<std::string> ids = {kAreacellaHistorical, kTasHistorical, kTasHistorical};
        CHECK(collection_hash(ids) == "ab3ecb3fcb3aee95565f34745399d177ea9e962c");
        CHECK(dataset_hash({cmip6({}, ids)}) == "5fd4a808b7f19f14116cefcaacda31a25f53c502");
        // The documented hash inputs.
        CHECK(collection_hash(ids) ==
              sha1_hex(kTasHistorical + "\n" + kTasHistorical + "\n" + kAreacellaHistorical));
        CHECK(dataset_hash({cmip6({}, ids)}) == sha1_hex("cmip6:ab3ecb3fcb3aee95565f34745399d177ea9e962c"));
    }
    SECTION("same ids with one tas file") {
        const std::vector<std::string> ids = {kTasHistorical, kAreacellaHistorical};
        CHECK(collection_hash(ids) == "0741852b23efc9ca32d6abdc76f7f30786873944");
        CHECK(dataset_hash({cmip6({}, ids)}) == "5121013be40eab6ded0a1cf24138799b148fa730");
    }
    SECTION("two source types") {
        CHECK(collection_hash({"CMIP6.pr.ssp119"}) == "e042b5f89b5a7a21c3c95f00df5b8c72db2be23a");
        CHECK(collection_hash({"obs4MIPs.GPCPMON-3-1.pr"}) == "5ab75a47c517977a7635169e4f4eb2341de2721c");
        CHECK(dataset_hash({cmip6({}, {"CMIP6.pr.ssp119"}), obs4mips({}, {"obs4MIPs.GPCPMON-3-1.pr"})}) ==
              "d34abf8496bc17f8280d863c0b093842617af34e");
    }
    SECTION("two source types with a supplementary") {
        const std::vector<std::string> ids = {
            "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.historical.r1i1p1f1.Omon.tos.gn.v20191115",
            "CMIP6.CMIP.CSIRO.ACCESS-ESM1-5.historical.r1i1p1f1.Ofx.areacello.gn.v20191115"};
        CHECK(collection_hash(ids) == "aea69d0715baf4820abd8560ccbdc5d5ae7fb867");
        CHECK(collection_hash({kHadIsst}) == "60c59f5dcc5b2a48cd5d40a67b82556d11460985");
        CHECK(dataset_hash({obs4mips({}, {kHadIsst}), cmip6({}, ids)}) == "81a4bf72aa73f7e694a6d40e85a30718d13275a9");
    }
    SECTION("empty list") { CHECK(collection_hash({}) == "da39a3ee5e6b4b0d3255bfef95601890afd80709"); }
}

TEST_CASE("dataset hash ignores row order and selectors but counts rows", "[identity]") {
    const std::vector<std::string> ids = {kTasHistorical, kAreacellaHistorical, kTasHistorical};
    CHECK(dataset_hash({cmip6({{"a", "x"}}, ids)}) == dataset_hash({cmip6({{"b", "y"}}, {ids.rbegin(), ids.rend()})}));
    CHECK(dataset_hash({cmip6({}, ids)}) != dataset_hash({cmip6({}, {kTasHistorical, kAreacellaHistorical})}));
    // Identical ids under another source type hash differently.
    CHECK(dataset_hash({cmip6({}, ids)}) != dataset_hash({obs4mips({}, ids)}));
}

// --- worked examples (§8) -----------------------------------------------------------------------------

TEST_CASE("example 1 filter and two-facet group-by", "[identity]") {
    const auto first = cmip6({{"experiment_id", "ssp119"}, {"variable_id", "tas"}}, {"CMIP6.A.tas.ssp119"});
    const auto second = cmip6({{"experiment_id", "ssp126"}, {"variable_id", "tas"}}, {"CMIP6.A.tas.ssp126"});
    CHECK(group_key({first}) == "cmip6_ssp119_tas");
    CHECK(dataset_hash({first}) == "7b2916ebb2a252ab98c6db58e829602e9bb06770");
    CHECK(selectors_json({first}) == R"({"cmip6":[["experiment_id","ssp119"],["variable_id","tas"]]})");
    CHECK(group_key({second}) == "cmip6_ssp126_tas");
    CHECK(dataset_hash({second}) == "b14e96e4e85efa8b77b6e485ed3189ff60daa486");
}

TEST_CASE("example 2 OR of values within one facet", "[identity]") {
    const auto ssp119 = cmip6({{"experiment_id", "ssp119"}}, {"CMIP6.A.tas.ssp119", "CMIP6.A.pr.ssp119"});
    const auto ssp126 = cmip6({{"experiment_id", "ssp126"}}, {"CMIP6.A.tas.ssp126"});
    CHECK(group_key({ssp119}) == "cmip6_ssp119");
    CHECK(dataset_hash({ssp119}) == "a45b66d7743dee277abbeb6c6ac7b51f19e010c9");
    CHECK(group_key({ssp126}) == "cmip6_ssp126");
    CHECK(dataset_hash({ssp126}) == "b14e96e4e85efa8b77b6e485ed3189ff60daa486");
}

TEST_CASE("example 3 group_by none", "[identity]") {
    const auto all = cmip6({}, {"CMIP6.A.tas.ssp119", "CMIP6.A.tas.ssp126", "CMIP6.A.pr.ssp119"});
    CHECK(group_key({all}) == "cmip6_");
    CHECK(selectors_json({all}) == R"({"cmip6":[]})");
    CHECK(dataset_hash({all}) == "f86d8077522ab823cc974b7164ff6e984f5ac686");
}

TEST_CASE("example 11 two source types", "[identity]") {
    const auto obs = [](const std::string& source, const std::string& variable, const std::string& id) {
        return obs4mips({{"source_id", source}, {"variable_id", variable}}, {id});
    };
    const auto model = [](const std::string& experiment, const std::string& variable, const std::string& id) {
        return cmip6({{"experiment_id", experiment}, {"variable_id", variable}}, {id});
    };
    const auto airs = obs("AIRX3STM-006", "tas", "obs4MIPs.AIRX3STM-006.tas");
    const auto era5 = obs("ERA-5", "tas", "obs4MIPs.ERA-5.tas");
    const auto ssp119 = model("ssp119", "tas", "CMIP6.tas.ssp119");
    const auto ssp126 = model("ssp126", "tas", "CMIP6.tas.ssp126");

    CHECK(group_key({airs, ssp119}) == "cmip6_ssp119_tas__obs4mips_AIRX3STM-006_tas");
    CHECK(dataset_hash({airs, ssp119}) == "23fc5587859562d7ec1a649f84861d41ed932e4d");
    CHECK(group_key({airs, ssp126}) == "cmip6_ssp126_tas__obs4mips_AIRX3STM-006_tas");
    CHECK(dataset_hash({airs, ssp126}) == "5e3686eb10b0600e7698c058d5f9b85fce6d72e5");
    CHECK(group_key({era5, ssp119}) == "cmip6_ssp119_tas__obs4mips_ERA-5_tas");
    CHECK(dataset_hash({era5, ssp119}) == "981a8c8c7d7a99d2d7a65df6caabcff1091fbde3");
    CHECK(group_key({era5, ssp126}) == "cmip6_ssp126_tas__obs4mips_ERA-5_tas");
    CHECK(dataset_hash({era5, ssp126}) == "43595c6f6770443f837c196d9e6456534e2cb526");

    const auto gpcp = obs("GPCPMON-3-1", "pr", "obs4MIPs.GPCPMON-3-1.pr");
    const auto pr = model("ssp119", "pr", "CMIP6.pr.ssp119");
    CHECK(group_key({gpcp, pr}) == "cmip6_ssp119_pr__obs4mips_GPCPMON-3-1_pr");
    CHECK(dataset_hash({gpcp, pr}) == "d34abf8496bc17f8280d863c0b093842617af34e");
}

TEST_CASE("example 13 key stability and hash change", "[identity]") {
    const Selector tas = {{"source_id", "ACCESS-ESM1-5"}, {"variable_id", "tas"}};
    CHECK(group_key({cmip6(tas, {"CMIP6.tas.ssp119"})}) == "cmip6_ACCESS-ESM1-5_tas");
    CHECK(dataset_hash({cmip6(tas, {"CMIP6.tas.ssp119"})}) == "e1ae702f92c3c154ec6871048cd0400d88e28b30");
    CHECK(group_key({cmip6(tas, {"CMIP6.tas.ssp119", "CMIP6.tas.ssp126"})}) == "cmip6_ACCESS-ESM1-5_tas");
    CHECK(dataset_hash({cmip6(tas, {"CMIP6.tas.ssp119", "CMIP6.tas.ssp126"})}) ==
          "30a07752c8770aafaf6f693a0cfaedd52a0e6846");

    const auto obs = obs4mips({{"source_id", "HadISST-1-1"}, {"variable_id", "ts"}}, {kHadIsst});
    const Selector model = {{"experiment_id", "ssp126"}, {"source_id", "ACCESS-ESM1-5"}, {"variable_id", "tas"}};
    const auto before = cmip6(model, {"CMIP6.tas.ssp126"});
    const auto after = cmip6(model, {"CMIP6.tas.ssp126", "CMIP6.areacella.ssp126"});
    CHECK(group_key({obs, before}) == "cmip6_ssp126_ACCESS-ESM1-5_tas__obs4mips_HadISST-1-1_ts");
    CHECK(dataset_hash({obs, before}) == "5c4acd73f6258f6cafe8da588eb4b7a4b8158e96");
    CHECK(group_key({obs, after}) == "cmip6_ssp126_ACCESS-ESM1-5_tas__obs4mips_HadISST-1-1_ts");
    CHECK(dataset_hash({obs, after}) == "409be34619a9191ba3bdd369f869fde708fcdc81");
}

// --- Python repr (§7.2 step 4) --------------------------------------------------------------------------

TEST_CASE("python_repr quoting", "[identity]") {
    CHECK(python_repr("tas") == "'tas'");
    CHECK(python_repr("") == "''");
    CHECK(python_repr("it's") == R"("it's")");
    CHECK(python_repr(R"(say "hi")") == R"('say "hi"')");
    CHECK(python_repr(R"(both ' and ")") == R"('both \' and "')");
    CHECK(python_repr(R"(back\slash)") == R"('back\\slash')");
    CHECK(python_repr(R"(it's\)") == R"("it's\\")");
}

TEST_CASE("python_repr escapes", "[identity]") {
    CHECK(python_repr("tab\there\nnl\rcr") == R"('tab\there\nnl\rcr')");
    CHECK(python_repr(std::string("\x00\x1f\x7f", 3)) == R"('\x00\x1f\x7f')");
    CHECK(python_repr("\u0080\u00a0\u00ad") == R"('\x80\xa0\xad')");
    CHECK(python_repr("\u0085") == R"('\x85')");
    CHECK(python_repr("\u2028\ufeff\U000e0001\U0010fffd") == R"('\u2028\ufeff\U000e0001\U0010fffd')");
}

TEST_CASE("python_repr keeps printable non-ASCII", "[identity]") {
    CHECK(python_repr("é ü 中文 😀") == "'é ü 中文 😀'");
    CHECK(python_repr("\u00a1\u00ff") == "'\u00a1\u00ff'");
}

TEST_CASE("python_repr survives invalid UTF-8", "[identity]") {
    CHECK(python_repr("a\xff" "b") == R"('a\xffb')");
    CHECK(python_repr("\xc3") == R"('\xc3')");          // truncated sequence
    CHECK(python_repr("\xc0\xaf") == R"('\xc0\xaf')");  // overlong '/'
    CHECK(python_repr("\xed\xa0\x80") == R"('\xed\xa0\x80')");  // encoded surrogate
}

// --- group_short and output fragment (§7.2) ---------------------------------------------------------------

TEST_CASE("group_short spec test vectors", "[identity]") {
    CHECK(group_short({cmip6({{"experiment_id", "ssp119"}, {"variable_id", "tas"}})}, 1, 1) ==
          "ssp119_tas_g1_v1_169ca8f8");
    CHECK(group_short({cmip6({{"variable_id", "tas"}})}, 5, 1) == "tas_g5_v1_c6828eb2");
    CHECK(group_short({cmip6({})}, 7, 1) == "g7_v1_89b1ae24");

    const std::vector<CollectionIdentity> two_types = {
        cmip6({{"experiment_id", "historical"},
               {"source_id", "ACCESS-ESM1-5"},
               {"variable_id", "tos"},
               {"variant_label", "r1i1p1f1"}}),
        obs4mips({{"source_id", "HadISST-1-1"}, {"variable_id", "ts"}})};
    CHECK(group_short(two_types, 42, 1) == "historical_ACCESS-ESM1-5_tos_r1i1p1f1_HadISST-1-1_ts_g42_v1_87ed7875");
    CHECK(group_short(two_types, 42, 2) == "historical_ACCESS-ESM1-5_tos_r1i1p1f1_HadISST-1-1_ts_g42_v2_8b4a6c0a");

    CHECK(group_short({cmip6({{"activity_id", "C4MIP CDRMIP"}, {"source_id", "it's"}})}, 3, 1) ==
          "C4MIP_CDRMIP_it_s_g3_v1_d663f687");
    CHECK(group_short({cmip6(kHadGemSelector)}, 17, 1) == "historical_HadGEM3-GC31-LL_tas_r1i1p1f3_g17_v1_4f9b4a65");
    CHECK(group_short({cmip6({{"a", std::string(30, 'x')}, {"b", std::string(30, 'y')}, {"c", std::string(30, 'z')}})},
                      10, 1) == std::string(30, 'x') + "_" + std::string(30, 'y') + "_g10_v1_16a2e82b");
    CHECK(group_short({cmip6({{"a", std::string(100, 'x')}})}, 10, 1) == std::string(64, 'x') + "_g10_v1_1bc75670");
}

TEST_CASE("group_short sorts types and pairs and cleans tokens", "[identity]") {
    // Payload: (3, 1, [('cmip6', (('a', 'tas'), ('b', '__é v__'))), ('obs4mips', (('z', 'a\'b"c\\'),))])
    CHECK(group_short({obs4mips({{"z", "a'b\"c\\"}}), cmip6({{"b", "__é v__"}, {"a", "tas"}})}, 3, 1) ==
          "tas_v_a_b_c_g3_v1_442e405f");
    // Pairs sort by (facet, value), not by facet alone.
    CHECK(group_short({cmip6({{"source_id", "A"}, {"member_id", "r1i1p1f1"}, {"member_id", "r0"}})}, 2, 1) ==
          "r0_r1i1p1f1_A_g2_v1_ec878a8f");
    CHECK(group_short({}, 4, 1) == "g4_v1_7d3bdcc7");
}

TEST_CASE("group_short stays within 96 characters", "[identity]") {
    const std::vector<CollectionIdentity> long_value = {cmip6({{"a", std::string(100, 'x')}})};
    // The suffix grows with large ids; the token part shrinks so the suffix survives.
    const std::string big = group_short(long_value, 1000000000000000000, 1);
    CHECK(big == std::string(63, 'x') + "_g1000000000000000000_v1_bc66efa1");
    CHECK(big.size() == 96);
    const std::string negative = group_short(long_value, -1000000000000000000, INT32_MIN);
    CHECK(negative == std::string(52, 'x') + "_g-1000000000000000000_v-2147483648_074211bb");
    CHECK(negative.size() == 96);
    const std::string smallest = group_short(long_value, INT64_MIN, INT32_MIN);
    CHECK(smallest == std::string(52, 'x') + "_g-9223372036854775808_v-2147483648_dc0ffb0c");
    CHECK(smallest.size() <= 96);
    for (int64_t id : {int64_t{1}, int64_t{123456789}, INT64_MAX})
        CHECK(group_short({cmip6(kHadGemSelector), obs4mips({{"a", std::string(200, 'q')}})}, id, 1).size() <= 96);
}

TEST_CASE("output_fragment full example", "[identity]") {
    CHECK(output_fragment("example", "global-mean-timeseries", {cmip6(kHadGemSelector)}, 17, 123) ==
          "example/global-mean-timeseries/historical_HadGEM3-GC31-LL_tas_r1i1p1f3_g17_v1_4f9b4a65/123");
    // diagnostic_version is forwarded when given (the solver itself always passes 1, quirk Q4).
    CHECK(output_fragment("example", "global-mean-timeseries", {cmip6(kHadGemSelector)}, 17, 124, 2) ==
          "example/global-mean-timeseries/historical_HadGEM3-GC31-LL_tas_r1i1p1f3_g17_v2_04ab57b4/124");
}

TEST_CASE("output_fragment rejects unsafe slugs", "[identity]") {
    const std::vector<CollectionIdentity> collections = {cmip6(kHadGemSelector)};
    const std::string nul("a\0b", 3);
    for (const std::string& bad : {std::string(), std::string("."), std::string(".."), std::string("a/b"),
                                   std::string("a\\b"), nul, std::string("/abs"), std::string("../up")}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(output_fragment(bad, "diag", collections, 1, 1), std::invalid_argument);
        CHECK_THROWS_AS(output_fragment("prov", bad, collections, 1, 1), std::invalid_argument);
    }
    // Dots inside a name cannot climb out of the folder.
    CHECK(output_fragment("my.provider", "a..b", collections, 1, 2).starts_with("my.provider/a..b/"));
}
