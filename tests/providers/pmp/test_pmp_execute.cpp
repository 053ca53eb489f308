// End to end through the diagnostics' execute with a fake conda environment.
//
// PMP cannot be installed here (no network, no conda). The test builds a fake environment
// directory, a fake `micromamba` that handles `run --prefix P cmd args...` by putting P/bin on
// PATH and exec'ing the command, and fake PMP drivers in P/bin. These are test doubles of the
// real tools: they record their arguments and environment, check their inputs exist and write
// small native outputs in PMP's formats.
#include "pmp_test_support.hpp"

#include <sys/stat.h>

using namespace pmp_test;
namespace pmp = ref::pmp;
using ref::plugin::DiagnosticError;
using ref::plugin::SystemError;

namespace {

void write_script(const fs::path& path, const std::string& text) {
    write_text(path, text);
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
}

class FakeEnvironment {
public:
    FakeEnvironment() {
        prefix_ = tmp_.path() / "conda";
        settings_ = {{"conda_prefix", prefix_.string()}, {"conda_exe", (tmp_.path() / "tools" / "micromamba").string()}};
        const ref::tooling::CondaEnvironment environment(pmp::environment_spec(), settings_);
        env_ = environment.path();
        fs::create_directories(env_ / "conda-meta");
        fs::create_directories(env_ / "bin");
        write_script(tmp_.path() / "tools" / "micromamba",
                     "#!/bin/sh\n"
                     "# Test double of micromamba: only `run --prefix P cmd args...`.\n"
                     "[ \"$1\" = run ] || { echo \"fake micromamba: unsupported $1\" >&2; exit 2; }\n"
                     "shift\n"
                     "[ \"$1\" = --prefix ] || { echo 'fake micromamba: --prefix expected' >&2; exit 2; }\n"
                     "PATH=\"$2/bin:$PATH\"; export PATH; shift 2\n"
                     "exec \"$@\"\n");
    }
    const json& settings() const { return settings_; }
    const fs::path& root() const { return tmp_.path(); }
    fs::path out() const { return tmp_.path() / "out"; }
    // The tool records its argv (NUL-separated) in <root>/<name>.args.
    void add_tool(const std::string& name, const std::string& body) {
        write_script(env_ / "bin" / name, "#!/bin/sh\n# Test double of PMP's " + name +
                                              ".\nprintf '%s\\0' \"$@\" > '" + (root() / (name + ".args")).string() +
                                              "'\necho \"FI_PROVIDER=$FI_PROVIDER\" > '" +
                                              (root() / (name + ".env")).string() + "'\n" + body);
    }
    std::vector<std::string> args(const std::string& name) const {
        const std::string text = read_text(root() / (name + ".args"));
        std::vector<std::string> out;
        std::string item;
        for (char c : text) {
            if (c == '\0') {
                out.push_back(item);
                item.clear();
            } else {
                item += c;
            }
        }
        return out;
    }
    void remove_environment() const { fs::remove_all(env_); }

private:
    TempDir tmp_;
    fs::path prefix_, env_;
    json settings_;
};

const ref::plugin::Host& no_host() {
    static const ref::plugin::Host host(nullptr);
    return host;
}

ref::plugin::Diagnostic& diagnostic(const std::string& slug) {
    static pmp::PmpProvider provider;
    auto* d = provider.find(slug);
    REQUIRE(d != nullptr);
    return *d;
}

// The value after `--key` in a recorded argv.
std::string option(const std::vector<std::string>& argv, const std::string& key) {
    const auto it = std::find(argv.begin(), argv.end(), "--" + key);
    REQUIRE(it != argv.end());
    REQUIRE(it + 1 != argv.end());
    return *(it + 1);
}

json annual_cycle_cmec() {
    auto values = [](double b) { return json{{"ann", b}, {"djf", b}, {"CalendarMonths", {"1.0e+00"}}}; };
    return {{"DIMENSIONS",
             {{"json_structure", {"model", "reference", "rip", "region", "statistic", "season"}},
              {"model", {{"ACCESS-ESM1-5", json::object()}}},
              {"reference", {{"default", json::object()}}},
              {"rip", {{"r1i1p1f1", json::object()}}},
              {"region", {{"global", json::object()}}},
              {"statistic", {{"rms_xy", json::object()}}},
              {"season", {{"ann", json::object()}, {"djf", json::object()}, {"CalendarMonths", json::object()}}}}},
            {"provenance", {{"userId", "fake"}}},
            {"RESULTS",
             {{"ACCESS-ESM1-5", {{"default", {{"r1i1p1f1", {{"global", {{"rms_xy", values(1.5)}}}}}}}}}}}};
}

json annual_cycle_datasets(const std::string& model_file) {
    return {{"cmip6", {model_row("cmip6", "ts", model_file)}},
            {"pmp-climatology", {reference_row("ERA-5", "ts", "/ref/ts_ERA-5_AC.nc")}}};
}

// Fake drivers of a successful annual-cycle run: the climatology step writes its AC file, the
// metrics step checks the obs_dict and the climatology and writes the CMEC JSON and a plot.
void add_annual_cycle_tools(FakeEnvironment& env, const fs::path& native) {
    env.add_tool("pcmdi_compute_climatologies.py",
                 "while [ $# -gt 0 ]; do case \"$1\" in --outfile) outfile=\"$2\"; shift;; -p) params=\"$2\"; shift;; "
                 "esac; shift; done\n"
                 "[ -f \"$params\" ] || { echo \"missing parameter file $params\"; exit 3; }\n"
                 "echo 'climatology written'\n"
                 "touch \"${outfile%.nc}.198101-200512.AC.v5.nc\"\n");
    env.add_tool("mean_climate_driver.py",
                 "while [ $# -gt 0 ]; do case \"$1\" in --metrics_output_path) out=\"$2\"; shift;; "
                 "--custom_observations) obs=\"$2\"; shift;; esac; shift; done\n"
                 "[ -f \"$obs\" ] || { echo \"missing $obs\"; exit 3; }\n"
                 "ls \"$out\"/*AC.v5.nc > /dev/null || { echo 'no climatology'; exit 3; }\n"
                 "mkdir -p \"$out/ts\" && touch \"$out/ts/ts_ACCESS-ESM1-5_r1i1p1f1_interpolated_regrid2_global_AC_basicTest.png\"\n"
                 "cp '" + native.string() + "' \"$out/ts_2.5x2.5_regrid2_metrics_basicTest_cmec.json\"\n");
}

}  // namespace

TEST_CASE("pmp annual-cycle runs both PMP steps in the environment and writes bundles", "[pmp][execute]") {
    FakeEnvironment env;
    const fs::path native = env.root() / "native_cmec.json";
    write_json(native, annual_cycle_cmec());
    add_annual_cycle_tools(env, native);

    const std::string model_file = "/data/ts_Amon_ACCESS-ESM1-5_historical_r1i1p1f1_gn_185001-201412.nc";
    const auto def = definition("annual-cycle", env.out(), annual_cycle_datasets(model_file), env.settings());
    const auto result = diagnostic("annual-cycle").execute(def, no_host());

    CHECK(result.details["backend"] == "pmp");
    CHECK(result.details["pcmdi_metrics"] == "3.9.2");
    const auto clims = env.args("pcmdi_compute_climatologies.py");
    CHECK(option(clims, "infile") == model_file);
    CHECK(option(clims, "version") == "v5");
    CHECK(clims[1] == (env.out() / "pmp_param_annualcycle_1-clims.py").string());
    const auto metrics = env.args("mean_climate_driver.py");
    CHECK(option(metrics, "test_data_set") == "ACCESS-ESM1-5");
    CHECK(metrics.back() == "--cmec");
    if (!std::getenv("FI_PROVIDER")) CHECK(read_text(env.root() / "mean_climate_driver.py.env") == "FI_PROVIDER=tcp\n");

    const json metric = read_json(env.out() / "diagnostic.json");
    CHECK(metric["DIMENSIONS"]["json_structure"][0] == "kind");
    CHECK(metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["ts"]["ERA-5"]["global"]["rms_xy"] ==
          json{{"ann", 1.5}, {"djf", 1.5}});
    const json output = read_json(env.out() / "output.json");
    CHECK(output["plots"]["ts_ACCESS-ESM1-5_r1i1p1f1_interpolated_regrid2_global_AC_basicTest.png"]["filename"] ==
          "ts/ts_ACCESS-ESM1-5_r1i1p1f1_interpolated_regrid2_global_AC_basicTest.png");
    CHECK(read_json(env.out() / "series.json") == json::array());
    CHECK(read_text(env.out() / "pmp.log").find("climatology written") != std::string::npos);
}

TEST_CASE("pmp modes of variability run with a hostile model path", "[pmp][execute][quoting]") {
    FakeEnvironment env;
    const std::string model_file = "/data/" + hostile_text() + "/psl.nc";
    env.add_tool("variability_modes_driver.py",
                 "while [ $# -gt 0 ]; do case \"$1\" in --results_dir) out=\"$2\"; shift;; esac; shift; done\n"
                 "cat > \"$out/var_mode_NAO_EOF1_stat_cmip6_historical_mo_atm_ACCESS-ESM1-5_r1i1p1f1_1900-2005_cmec.json\" <<'EOF'\n" +
                     json{{"DIMENSIONS",
                           {{"json_structure", {"model", "realization", "reference", "mode", "season", "method", "statistic"}},
                            {"model", {{"ACCESS-ESM1-5", json::object()}}},
                            {"realization", {{"r1i1p1f1", json::object()}}},
                            {"reference", {{"defaultReference", json::object()}}},
                            {"mode", {{"NAO", json::object()}}},
                            {"season", {{"DJF", json::object()}}},
                            {"method", {{"cbf", json::object()}}},
                            {"statistic", {{"cor", json::object()}}}}},
                          {"provenance", json::object()},
                          {"RESULTS",
                           {{"ACCESS-ESM1-5",
                             {{"r1i1p1f1",
                               {{"defaultReference", {{"NAO", {{"DJF", {{"cbf", {{"cor", 0.75}, {"rms", nullptr}}}}}}}}}}}}}}}}
                         .dump() +
                     "\nEOF\n"
                     "touch \"$out/NAO_psl_EOF1_DJF_obs_1900-2005.nc\"\n");
    const json datasets = {{"cmip6", {model_row("cmip6", "psl", model_file)}},
                           {"obs4mips", {reference_row("20CR-V2", "psl", "/obs/psl_mon_20CR-V2_PCMDI_gn_187101-201212.nc")}}};
    const auto def = definition("extratropical-modes-of-variability-nao", env.out(), datasets, env.settings());
    diagnostic("extratropical-modes-of-variability-nao").execute(def, no_host());

    const auto argv = env.args("variability_modes_driver.py");
    CHECK(option(argv, "modpath") == model_file);
    CHECK(option(argv, "reference_data_name") == "20CR-V2");
    CHECK(option(argv, "results_dir") == env.out().string());
    CHECK(std::count(argv.begin(), argv.end(), model_file) == 1);
    const json metric = read_json(env.out() / "diagnostic.json");
    CHECK(metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["historical"]["20CR-V2"]["NAO"]["DJF"]["cbf"] ==
          json{{"cor", 0.75}});
    CHECK(read_json(env.out() / "output.json")["data"].size() == 1);
}

TEST_CASE("pmp ENSO runs the embedded driver with the environment's python", "[pmp][execute]") {
    FakeEnvironment env;
    env.add_tool("python",
                 "driver=\"$1\"; shift\n"
                 "grep -q ComputeCollection \"$driver\" || { echo 'not the ENSO driver'; exit 3; }\n"
                 "while [ $# -gt 0 ]; do case \"$1\" in --output_directory) out=\"$2\"; shift;; --input_json_path) "
                 "input=\"$2\"; shift;; esac; shift; done\n"
                 "[ -f \"$input\" ] || { echo \"missing $input\"; exit 3; }\n"
                 "cat > \"$out/ENSO_proc_ACCESS-ESM1-5_historical_r1i1p1f1_cmec.json\" <<'EOF'\n" +
                     json{{"DIMENSIONS",
                           {{"json_structure", {"model", "realization", "metric", "reference_source_id"}},
                            {"model", {{"ACCESS-ESM1-5", json::object()}}},
                            {"realization", {{"r1i1p1f1", json::object()}}},
                            {"metric", {{"EnsoFbSstTaux", json::object()}}},
                            {"reference_source_id", {{"HadISST_Tropflux", json::object()}}}}},
                          {"RESULTS", {{"ACCESS-ESM1-5", {{"r1i1p1f1", {{"EnsoFbSstTaux", {{"HadISST_Tropflux", 72.75427}}}}}}}}},
                          {"REF", json::object()},
                          {"provenance", json::object()}}
                         .dump() +
                     "\nEOF\n");
    const json datasets = {{"cmip6",
                            {model_row("cmip6", "ts", "/m/ts.nc"), model_row("cmip6", "tauu", "/m/tauu.nc"),
                             model_row("cmip6", "areacella", "/m/areacella.nc")}},
                           {"obs4mips",
                            {reference_row("HadISST-1-1", "ts", "/o/ts.nc"), reference_row("TropFlux-1-0", "tauu", "/o/tauu.nc")}}};
    const auto def = definition("enso_proc", env.out(), datasets, env.settings());
    diagnostic("enso_proc").execute(def, no_host());

    const auto argv = env.args("python");
    CHECK(argv[0] == (env.out() / "pmp_enso_driver.py").string());
    CHECK(option(argv, "metrics_collection") == "ENSO_proc");
    const json input = read_json(env.out() / "input_ENSO_proc_ACCESS-ESM1-5_historical_r1i1p1f1.json");
    CHECK(input["model"]["ACCESS-ESM1-5_r1i1p1f1"].size() == 2);
    const json metric = read_json(env.out() / "diagnostic.json");
    CHECK(metric["DIMENSIONS"]["json_structure"] == json{"kind", "mip_id", "source_id", "member_id", "grid_label",
                                                         "experiment_id", "metric", "reference_source_id"});
    CHECK(metric["RESULTS"]["model"]["cmip6"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"]["historical"]["EnsoFbSstTaux"]
                ["HadISST_Tropflux"] == 72.75427);
}

TEST_CASE("pmp execution fails clearly without the environment", "[pmp][execute][failure]") {
    FakeEnvironment env;
    env.remove_environment();
    json settings = env.settings();
    settings["backend"] = "tool";
    const auto def = definition("annual-cycle", env.out(), annual_cycle_datasets("/m/ts.nc"), settings);
    CHECK_THROWS_AS(diagnostic("annual-cycle").execute(def, no_host()), SystemError);
    CHECK_THROWS_WITH(diagnostic("annual-cycle").execute(def, no_host()),
                      Catch::Contains("ref-engine providers setup --provider pmp"));
    // auto without the environment runs natively, which names the unreadable model file.
    const auto automatic = definition("annual-cycle", env.out(), annual_cycle_datasets("/m/ts.nc"), env.settings());
    CHECK_THROWS_AS(diagnostic("annual-cycle").execute(automatic, no_host()), DiagnosticError);
    CHECK_THROWS_WITH(diagnostic("annual-cycle").execute(automatic, no_host()), Catch::Contains("/m/ts.nc"));
}

TEST_CASE("pmp execution fails when the PMP driver is not installed", "[pmp][execute][failure]") {
    FakeEnvironment env;  // no tools in the environment
    const auto def = definition("annual-cycle", env.out(), annual_cycle_datasets("/m/ts.nc"), env.settings());
    try {
        diagnostic("annual-cycle").execute(def, no_host());
        FAIL("execute succeeded without the PMP drivers");
    } catch (const DiagnosticError& e) {
        const std::string message = e.what();
        CHECK(message.find("pcmdi_compute_climatologies.py") != std::string::npos);
        CHECK(message.find("exited with status 127") != std::string::npos);
    }
}

TEST_CASE("pmp execution fails with the log tail when a driver crashes", "[pmp][execute][failure]") {
    FakeEnvironment env;
    env.add_tool("pcmdi_compute_climatologies.py",
                 "echo 'Traceback (most recent call last):'\necho 'ValueError: no data in 1981-2005' >&2\nexit 1\n");
    const auto def = definition("annual-cycle", env.out(), annual_cycle_datasets("/m/ts.nc"), env.settings());
    try {
        diagnostic("annual-cycle").execute(def, no_host());
        FAIL("execute succeeded although the driver failed");
    } catch (const DiagnosticError& e) {
        const std::string message = e.what();
        CHECK(message.find("exited with status 1") != std::string::npos);
        CHECK(message.find("ValueError: no data in 1981-2005") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(env.out() / "diagnostic.json"));
}

TEST_CASE("pmp execution fails when the drivers write no or malformed results", "[pmp][execute][failure]") {
    FakeEnvironment env;
    env.add_tool("pcmdi_compute_climatologies.py", "exit 0\n");
    env.add_tool("mean_climate_driver.py", "exit 0\n");
    const auto def = definition("annual-cycle", env.out(), annual_cycle_datasets("/m/ts.nc"), env.settings());
    CHECK_THROWS_WITH(diagnostic("annual-cycle").execute(def, no_host()), Catch::Contains("no *_cmec.json"));

    env.add_tool("mean_climate_driver.py",
                 "while [ $# -gt 0 ]; do case \"$1\" in --metrics_output_path) out=\"$2\"; shift;; esac; shift; done\n"
                 "echo '{\"DIMENSIONS\": {' > \"$out/ts_2.5x2.5_regrid2_metrics_basicTest_cmec.json\"\n");
    CHECK_THROWS_WITH(diagnostic("annual-cycle").execute(def, no_host()), Catch::Contains("not valid JSON"));

    const auto mode_def = definition("extratropical-modes-of-variability-pdo", env.out(),
                                     {{"cmip6", {model_row("cmip6", "ts", "/m/ts.nc")}},
                                      {"obs4mips", {reference_row("HadISST-1-1", "ts", "/o/ts.nc")}}},
                                     env.settings());
    env.add_tool("variability_modes_driver.py", "exit 0\n");
    CHECK_THROWS_WITH(diagnostic("extratropical-modes-of-variability-pdo").execute(mode_def, no_host()),
                      Catch::Contains("expected exactly one"));
}

TEST_CASE("pmp setup creates the environment through the manager", "[pmp][setup]") {
    FakeEnvironment env;
    // A manager double that creates the prefix it is given, as `micromamba create` would.
    write_script(env.root() / "tools" / "micromamba",
                 "#!/bin/sh\n# Test double of micromamba create.\n"
                 "while [ $# -gt 0 ]; do case \"$1\" in --prefix) prefix=\"$2\"; shift;; --file) file=\"$2\"; shift;; esac; "
                 "shift; done\n"
                 "grep -q pcmdi_metrics \"$file\" || exit 4\nmkdir -p \"$prefix/conda-meta\"\n");
    env.remove_environment();
    pmp::PmpProvider provider;
    const json report = provider.setup(env.settings(), no_host());
    CHECK(report["created"] == true);
    const ref::tooling::CondaEnvironment environment(pmp::environment_spec(), env.settings());
    CHECK(environment.exists());
    CHECK(provider.setup(env.settings(), no_host())["created"] == false);
}
