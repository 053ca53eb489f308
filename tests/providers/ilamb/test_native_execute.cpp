// Native executions through the provider: backend choice, generated inputs, and the bundles
// the existing conversion builds from the native outputs.
#include "native_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

using namespace ilamb_test;
namespace ilamb = ref::ilamb;
using Catch::Matchers::Contains;

namespace {

constexpr double kPi = 3.14159265358979323846;

// 2 in the north, 4 in the south, with an annual cycle; the model is identical.
double hemispheres(int month, double lat) { return (lat > 0 ? 2.0 : 4.0) + std::cos(2.0 * kPi * month / 12.0); }

struct NativeScenario {
    TempDir tmp;
    fs::path out = tmp.path() / "out";
    fs::path data_root = tmp.path() / "refdata";
    json settings;

    explicit NativeScenario(bool regions = true, const std::string& backend = "native") {
        settings = {{"data_root", data_root.string()}, {"conda_prefix", (tmp.path() / "conda").string()}};
        if (!backend.empty()) settings["backend"] = backend;
        const GridSpec grid = regular_grid(18, 36);
        FieldFile field;
        field.months = 36;
        field.value = [](int, int m, double la, double) { return hemispheres(m, la); };
        write_grid_file(tmp / "obs" / "mrro_LORA.nc", grid, field);
        field.cell_measures = "area: areacella";
        field.cell_methods = "area: mean where land time: mean";
        write_grid_file(tmp / "cmip" / "mrro_Lmon.nc", grid, field);
        FieldFile area;
        area.variable = "areacella";
        area.units = "m2";
        area.value = [](int, int, double la, double) { return 1e10 * std::cos(la * kPi / 180.0); };
        write_grid_file(tmp / "cmip" / "areacella.nc", grid, area);
        // Land only in the north: the model's period mean covers the north alone.
        FieldFile land;
        land.variable = "sftlf";
        land.units = "%";
        land.value = [](int, int, double la, double) { return la > 0 ? 100.0 : 0.0; };
        write_grid_file(tmp / "cmip" / "sftlf.nc", grid, land);
        if (regions) {
            write_region_file(data_root / "ilamb/regions/GlobalLand.nc", regular_grid(36, 72, -180.0), {"global"},
                              {"Global - Land"}, [](double, double) { return 0; });
            write_region_file(data_root / "ilamb/regions/Koppen_coarse.nc", regular_grid(36, 72, -180.0),
                              {"polar", "tropical"}, {"Polar", "Tropical climates"},
                              [](double la, double) { return std::abs(la) < 30 ? 1 : 0; });
        }
    }

    json document(const std::string& slug = "mrro-lora") const {
        return definition_document(
            slug, out,
            {cmip6_row("mrro", (tmp.path() / "cmip" / "mrro_Lmon.nc").string()),
             cmip6_row("areacella", (tmp.path() / "cmip" / "areacella.nc").string()),
             cmip6_row("sftlf", (tmp.path() / "cmip" / "sftlf.nc").string())},
            {{{"instance_id", "obs4MIPs.ARCCSS.LORA-1-0.mon.mrro.gn.v20250902"},
              {"path", (tmp.path() / "obs" / "mrro_LORA.nc").string()},
              {"variable_id", "mrro"}}},
            settings);
    }

    ref::plugin::ExecutionResult execute(const std::string& slug = "mrro-lora") const {
        ilamb::IlambProvider provider;
        auto* diagnostic = provider.find(slug);
        REQUIRE(diagnostic);
        fs::create_directories(out);
        return diagnostic->execute(definition(document(slug)), ref::plugin::Host(nullptr));
    }
};

}  // namespace

TEST_CASE("gridded diagnostics declare a native backend, the others only ilamb", "[ilamb][native]") {
    ilamb::IlambProvider provider;
    for (const char* slug : {"mrro-lora", "mrsos-wangmao", "csoil-hwsd2", "snc-esacci", "burntfractionall-gfed",
                             "thetao-woa2023-surface", "so-woa2023-surface"}) {
        INFO(slug);
        CHECK(provider.find(slug)->extra_declaration()["backends"] == json({"native", "ilamb"}));
    }
    for (const char* slug : {"gpp-wecann", "gpp-fluxnet2015", "lai-avh15c1", "nbp-hoffman", "emp-gleamgpcp2.3", "amoc-rapid"}) {
        INFO(slug);
        CHECK(provider.find(slug)->extra_declaration()["backends"] == json({"ilamb"}));
    }
}

TEST_CASE("a native execution writes ilamb3's files and the REF bundles", "[ilamb][native]") {
    NativeScenario s;
    const auto result = s.execute();
    CHECK(result.details["backend"] == "native");
    CHECK(result.details["version"] == "0.17.2");
    CHECK(result.details["overall_score"]["global"] == Approx(1.0));
    CHECK(result.details["overall_score"]["tropical"] == Approx(1.0));
    for (const char* file : {"ACCESS-ESM1-5.csv", "Reference.nc", "ACCESS-ESM1-5.nc", "ACCESS-ESM1-5_global_trace.png",
                             "ACCESS-ESM1-5_tropical_cycle.png", "diagnostic.json", "output.json", "series.json"})
        CHECK(fs::is_regular_file(s.out / file));

    // The CSV as ilamb3 writes it: names carry their units, reference period means included.
    const auto rows = ilamb::read_scalar_csv(s.out / "ACCESS-ESM1-5.csv");
    CHECK(scalar(rows, "Reference", "global", "Period Mean [kg m-2 s-1]") == Approx(3.0).epsilon(1e-9));
    // The model's cell measures (area x land fraction) keep the north only.
    CHECK(scalar(rows, "ACCESS-ESM1-5", "global", "Period Mean [kg m-2 s-1]") == Approx(2.0).epsilon(1e-9));
    CHECK(scalar(rows, "Reference", "tropical", "Period Mean [kg m-2 s-1]") == Approx(3.0).epsilon(1e-9));

    const json metric = read_json(s.out / "diagnostic.json");
    CHECK(metric["DIMENSIONS"]["json_structure"] ==
          json({"kind", "reference_source_id", "experiment_id", "source_id", "member_id", "grid_label", "region", "metric",
                "statistic"}));
    const json& values = metric["RESULTS"]["model"]["LORA"]["historical"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"];
    for (const char* region : {"global", "tropical"}) {
        INFO(region);
        CHECK(values[region]["Bias"]["Bias Score"] == Approx(1.0));
        CHECK(values[region]["RMSE"]["RMSE Score"] == Approx(1.0));
        CHECK(values[region]["Annual Cycle"]["Seasonal Cycle Score"] == Approx(1.0));
        CHECK(values[region]["Annual Cycle"]["Phase Shift"] == Approx(0.0).margin(1e-12));
        CHECK(values[region]["Spatial Distribution"]["Spatial Distribution Score"] == Approx(1.0));
    }
    CHECK(metric["DIMENSIONS"]["statistic"]["Bias"] == json({{"type", "scalar"}, {"units", "kg m-2 s-1"}}));
    CHECK(metric["DIMENSIONS"]["statistic"]["Phase Shift"]["units"] == "month");
    CHECK(metric["DIMENSIONS"]["region"]["global"]["Generator"] == "GlobalLand.nc");
    CHECK(metric["DIMENSIONS"]["region"]["tropical"]["LongName"] == "Tropical climates");

    const json output = read_json(s.out / "output.json");
    CHECK(output["provenance"]["environment"] ==
          json({{"backend", "native"}, {"provider", "ilamb"}, {"version", "0.17.2"}}));
    CHECK(output["plots"]["ACCESS-ESM1-5_global_trace.png"]["long_name"] ==
          "The regional mean for ACCESS-ESM1-5 over the Global - Land region.");
    CHECK(output["plots"]["ACCESS-ESM1-5_tropical_cycle.png"]["dimensions"]["statistic"] == "Annual cycle");
    CHECK(output["data"].contains("ACCESS-ESM1-5.csv"));
    CHECK(output["data"].contains("Reference.nc"));

    const json series = read_json(s.out / "series.json");
    int traces = 0, cycles = 0;
    for (const auto& entry : series) {
        const std::string metric_name = entry["dimensions"]["metric"];
        if (metric_name == "trace") {
            ++traces;
            CHECK(entry["values"].size() == 36);
            CHECK(entry["index"][0] == "2000-01-16T00:00:00");
            CHECK(entry["calendar"] == "360_day");
        }
        if (metric_name == "cycle") {
            ++cycles;
            CHECK(entry["index"] == json({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
            CHECK(entry["index_name"] == "month");
        }
        CHECK(entry["value_units"] == "kg m-2 s-1");
    }
    CHECK(traces == 4);  // reference and model, two regions
    CHECK(cycles == 4);
}

bool is_png(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    char magic[8] = {};
    file.read(magic, 8);
    return file.gcount() == 8 && std::string(magic, 8) == "\x89PNG\r\n\x1a\n";
}

TEST_CASE("a native execution draws ilamb3's maps and the conversion captions them", "[ilamb][native][plots]") {
    NativeScenario s;
    s.execute();
    const json output = read_json(s.out / "output.json");
    for (const char* region : {"global", "tropical"}) {
        for (const char* plot : {"mean", "bias", "biasscore", "rmse", "rmsescore", "shift", "tmax", "cyclescore"}) {
            const std::string name = std::string("ACCESS-ESM1-5_") + region + "_" + plot + ".png";
            INFO(name);
            CHECK(is_png(s.out / name));
            REQUIRE(output["plots"].contains(name));
            CHECK(output["plots"][name]["dimensions"]["region"] == region);
            CHECK(output["plots"][name]["dimensions"]["source_id"] == "ACCESS-ESM1-5");
        }
        for (const char* plot : {"mean", "tmax"}) {
            const std::string name = std::string("Reference_") + region + "_" + plot + ".png";
            INFO(name);
            CHECK(is_png(s.out / name));
            REQUIRE(output["plots"].contains(name));
            CHECK(output["plots"][name]["dimensions"]["kind"] == "reference");
        }
    }
    CHECK(output["plots"]["ACCESS-ESM1-5_global_bias.png"]["long_name"] ==
          "The bias for ACCESS-ESM1-5 over the Global - Land region.");
    CHECK(output["plots"]["ACCESS-ESM1-5_tropical_shift.png"]["dimensions"]["statistic"] == "Shift in maximum month");
    CHECK(output["plots"]["ACCESS-ESM1-5_global_rmsescore.png"]["dimensions"]["statistic"] == "RMSE score");
    CHECK(output["plots"]["Reference_global_tmax.png"]["long_name"] ==
          "The maxmimum month for the reference data over the Global - Land region.");
    CHECK(output["plots"]["Reference_tropical_mean.png"]["dimensions"]["statistic"] == "Period Mean");
}

TEST_CASE("without the region masks the native backend scores region None", "[ilamb][native]") {
    NativeScenario s(false);
    const auto result = s.execute();
    const json metric = read_json(s.out / "diagnostic.json");
    CHECK(metric["DIMENSIONS"]["region"] == json({{"None", {{"LongName", "None"},
                                                            {"Description", "Reference data extents"},
                                                            {"Generator", "N/A"}}}}));
    CHECK(result.details["overall_score"]["None"] == Approx(1.0));
}

TEST_CASE("auto picks the native backend when the environment is missing", "[ilamb][native]") {
    NativeScenario s(true, "");
    const auto result = s.execute();
    CHECK(result.details["backend"] == "native");
}

TEST_CASE("native is refused for diagnostics without a native implementation", "[ilamb][native]") {
    NativeScenario s;
    CHECK_THROWS_WITH(s.execute("amoc-rapid"), Contains("amoc-rapid has no native implementation"));
}

TEST_CASE("bad native input is a diagnostic error naming the file", "[ilamb][native][failure]") {
    NativeScenario s;
    // The model file holds another variable.
    FieldFile other;
    other.variable = "tas";
    other.months = 12;
    other.value = [](int, int, double, double) { return 1.0; };
    write_grid_file(s.tmp / "cmip" / "mrro_Lmon.nc", regular_grid(4, 8), other);
    try {
        s.execute();
        FAIL("expected a DiagnosticError");
    } catch (const ref::plugin::DiagnosticError& e) {
        CHECK_THAT(e.what(), Contains("mrro_Lmon.nc") && Contains("mrro"));
    }
    CHECK_FALSE(fs::exists(s.out / "diagnostic.json"));
}
