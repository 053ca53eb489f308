// Executions through the plugin with a fake conda environment. ilamb3 cannot be installed
// here (no network), so a fake `micromamba` and a fake `python` shell script stand in for the
// environment manager and the tool: they check the command line and the generated inputs,
// then write small native outputs as ilamb3 would.
#include "ilamb_test_support.hpp"

#include <catch2/catch.hpp>

using namespace ilamb_test;
namespace ilamb = ref::ilamb;

namespace {

std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

const char* const scalar_csv =
    "source,region,analysis,name,type,units,value\n"
    "Reference,global,Bias,Period Mean [kg m-2 s-1],scalar,kg m-2 s-1,2.9e-08\n"
    "ACCESS-ESM1-5,global,Bias,Period Mean [kg m-2 s-1],scalar,kg m-2 s-1,3.51232e-08\n"
    "ACCESS-ESM1-5,global,Bias,Bias [kg m-2 s-1],scalar,kg m-2 s-1,8.230737e-09\n"
    "ACCESS-ESM1-5,global,Bias,Bias Score [1],score,1,0.4763393\n"
    "ACCESS-ESM1-5,tropical,Relationship tas,Relationship Score tas [1],score,1,0.5501582\n";

// A scratch setup: data root, fake environment, native outputs to copy, definition.
struct Scenario {
    TempDir tmp;
    fs::path out = tmp.path() / "scratch" / "ilamb" / "gpp-wecann" / "1";
    fs::path conda = tmp.path() / "conda";
    fs::path native = tmp.path() / "native";
    fs::path manager = tmp.path() / "bin" / "micromamba";
    fs::path tool = tmp.path() / "bin" / "fake-python";
    json settings;

    explicit Scenario(bool create_environment = true) {
        const fs::path data_root = tmp.path() / "refdata";
        populate_data_root(data_root);
        settings = {{"data_root", data_root.string()},
                    {"conda_prefix", conda.string()},
                    {"conda_exe", manager.string()}};
        const ref::tooling::CondaEnvironment environment(ilamb::environment_spec(), settings);
        if (create_environment) fs::create_directories(environment.path() / "conda-meta");
        // The fake manager: `run --prefix ENV cmd args...`; "python" is the fake tool.
        write_file(manager,
                   "#!/bin/sh\n"
                   "[ \"$1\" = run ] || { echo \"fake micromamba: unexpected $*\" >&2; exit 2; }\n"
                   "[ \"$2\" = --prefix ] || { echo \"fake micromamba: no --prefix\" >&2; exit 2; }\n"
                   "[ -d \"$3/conda-meta\" ] || { echo \"fake micromamba: $3 is no environment\" >&2; exit 2; }\n"
                   "shift 3\n"
                   "if [ \"$1\" = python ]; then shift; exec " + sh_quote(tool.string()) + " \"$@\"; fi\n"
                   "exec \"$@\"\n",
                   true);
        write_series_netcdf(native / "Reference.nc", {14, 45, 73},
                            {{"trace_global", "time", {1e-8, 2e-8, 3e-8}, "kg m-2 s-1", "gpp"}});
        write_file(native / "ACCESS-ESM1-5.csv", scalar_csv);
        write_file(native / "ACCESS-ESM1-5_global_bias.png", "png");
        write_file(native / "index.html", "<html></html>");
        write_file(native / "ilamb_run.json", R"({"ilamb3_version": "2026.6.15", "python_version": "3.12.9"})");
    }

    // The fake tool: checks its arguments and inputs, then runs `body`.
    void tool_script(const std::string& body) {
        write_file(tool,
                   "#!/bin/sh\n"
                   "set -e\n"
                   "driver=\"$1\"; config=\"$3\"\n"
                   "[ \"$2\" = --config ] || { echo \"fake ilamb3: bad arguments $*\"; exit 3; }\n"
                   "[ -f \"$driver\" ] || { echo \"fake ilamb3: no driver $driver\"; exit 3; }\n"
                   "grep -q run_single_block \"$driver\" || { echo 'fake ilamb3: not the driver'; exit 3; }\n"
                   "grep -q '\"diagnostic\": \"gpp-wecann\"' \"$config\" || { echo 'fake ilamb3: bad config'; exit 3; }\n"
                   "out=$(dirname \"$config\")\n"
                   "native=" + sh_quote(native.string()) + "\n" + body,
                   true);
    }

    json document() const {
        const std::string instance = "obs4MIPs.ColumbiaU.WECANN-1-0.mon.gpp.gn.v20250902";
        return definition_document(
            "gpp-wecann", out,
            {cmip6_row("gpp", "/data/gpp.nc"), cmip6_row("pr", "/data/pr.nc", "Amon"),
             cmip6_row("tas", "/data/tas.nc", "Amon"), cmip6_row("areacella", "/data/areacella.nc")},
            {{{"instance_id", instance}, {"path", "/ref/gpp_WECANN.nc"}, {"variable_id", "gpp"}}}, settings);
    }

    ref::plugin::ExecutionResult execute() {
        ilamb::IlambProvider provider;
        auto* diagnostic = provider.find("gpp-wecann");
        REQUIRE(diagnostic);
        fs::create_directories(out);
        return diagnostic->execute(definition(document()), ref::plugin::Host(nullptr));
    }
};

const char* const copy_outputs = "echo 'ilamb3: running gpp-WECANN'\ncp \"$native\"/* \"$out\"/\n";

}  // namespace

TEST_CASE("execute runs the driver in the environment and converts its outputs", "[ilamb][execute]") {
    Scenario s;
    s.tool_script(copy_outputs);
    const auto result = s.execute();
    CHECK(result.details == json({{"backend", "ilamb3"}, {"version", "2026.6.15"}, {"python_version", "3.12.9"}}));
    CHECK(result.metric_bundle == "diagnostic.json");
    CHECK(fs::is_regular_file(s.out / "ilamb_driver.py"));
    CHECK(fs::is_regular_file(s.out / "ilamb_config.yaml"));
    CHECK(read_file(s.out / "ilamb.log").find("ilamb3: running gpp-WECANN") != std::string::npos);

    const json metric = read_json(s.out / "diagnostic.json");
    const json& values = metric["RESULTS"]["model"]["WECANN"]["historical"]["ACCESS-ESM1-5"]["r1i1p1f1"]["gn"];
    CHECK(values["global"]["Bias"]["Bias Score"] == Approx(0.4763393));
    CHECK(values["tropical"]["Relationship tas"]["Relationship Score tas"] == Approx(0.5501582));
    const json output = read_json(s.out / "output.json");
    CHECK(output["plots"].contains("ACCESS-ESM1-5_global_bias.png"));
    CHECK(output["data"].contains("Reference.nc"));
    CHECK(output["index"] == "index.html");
    const json series = read_json(s.out / "series.json");
    REQUIRE(series.size() == 1);
    CHECK(series[0]["kind"] == "reference");
    CHECK(series[0]["dimensions"]["metric"] == "trace");
}

TEST_CASE("a missing environment is a system error naming the setup command", "[ilamb][execute][failure]") {
    Scenario s(false);
    s.tool_script(copy_outputs);
    try {
        s.execute();
        FAIL("expected a SystemError");
    } catch (const ref::plugin::SystemError& e) {
        CHECK_THAT(e.what(), Catch::Contains("ref-engine providers setup --provider ilamb"));
    }
}

TEST_CASE("a missing environment manager is a system error", "[ilamb][execute][failure]") {
    Scenario s;
    s.tool_script(copy_outputs);
    s.settings["conda_exe"] = (s.tmp.path() / "no-such-micromamba").string();
    CHECK_THROWS_AS(s.execute(), ref::plugin::SystemError);
}

TEST_CASE("python missing from the environment fails with the log tail", "[ilamb][execute][failure]") {
    Scenario s;  // no fake tool script written: exec fails inside the environment
    try {
        s.execute();
        FAIL("expected a DiagnosticError");
    } catch (const ref::plugin::DiagnosticError& e) {
        CHECK_THAT(e.what(), Catch::Contains("ilamb3 driver") && Catch::Contains("ilamb.log"));
        CHECK_THAT(e.what(), Catch::Contains("fake-python"));
    }
}

TEST_CASE("a crashing tool fails with the tail of its log", "[ilamb][execute][failure]") {
    Scenario s;
    s.tool_script("echo 'Traceback (most recent call last):'\necho \"KeyError: 'gpp'\"\nexit 1\n");
    try {
        s.execute();
        FAIL("expected a DiagnosticError");
    } catch (const ref::plugin::DiagnosticError& e) {
        CHECK_THAT(e.what(), Catch::Contains("exited with status 1") && Catch::Contains("KeyError: 'gpp'"));
    }
    CHECK_FALSE(fs::exists(s.out / "diagnostic.json"));
}

TEST_CASE("a tool that writes nothing fails with the log tail", "[ilamb][execute][failure]") {
    Scenario s;
    s.tool_script("echo 'ilamb3: no comparable data for ACCESS-ESM1-5'\n");
    try {
        s.execute();
        FAIL("expected a DiagnosticError");
    } catch (const ref::plugin::DiagnosticError& e) {
        CHECK_THAT(e.what(), Catch::Contains("no scalar file") && Catch::Contains("no comparable data"));
    }
}

TEST_CASE("malformed or empty tool outputs fail the execution", "[ilamb][execute][failure]") {
    SECTION("a CSV without the expected columns") {
        Scenario s;
        s.tool_script("printf 'model,score\\nx,1\\n' > \"$out/ACCESS-ESM1-5.csv\"\n");
        CHECK_THROWS_WITH(s.execute(), Catch::Contains("has no 'source' column"));
    }
    SECTION("only reference rows") {
        Scenario s;
        s.tool_script("printf 'source,region,analysis,name,type,units,value\\nReference,global,Bias,Period Mean [1],scalar,1,2\\n' "
                      "> \"$out/ACCESS-ESM1-5.csv\"\n");
        CHECK_THROWS_WITH(s.execute(), Catch::Contains("no finite model values"));
    }
    SECTION("a corrupt netCDF file") {
        Scenario s;
        s.tool_script("cp \"$native\"/ACCESS-ESM1-5.csv \"$out\"/\necho garbage > \"$out/ACCESS-ESM1-5.nc\"\n");
        CHECK_THROWS_WITH(s.execute(), Catch::Contains("ACCESS-ESM1-5.nc"));
    }
}
