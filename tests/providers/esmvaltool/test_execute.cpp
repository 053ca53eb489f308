// Executions through the plugin with a fake conda environment. ESMValTool cannot be installed
// here (offline), so `micromamba` and `esmvaltool` are shell-script test doubles: the fake
// micromamba runs `run --prefix P cmd args...` as P/bin/cmd, like the real one, and the fake
// esmvaltool checks its arguments and input files, then writes outputs shaped as ESMValTool's.
#include "esmvaltool_test_support.hpp"
#include "ref/esmvaltool/provider.hpp"
#include "ref/esmvaltool/yaml_json.hpp"
#include "ref/tooling/quoting.hpp"

#include <catch2/catch.hpp>

using namespace esmvaltool_test;
using namespace ref::esmvaltool;

namespace {

const char* kFakeMicromamba = R"(#!/bin/sh
# Test double of micromamba: create an environment, or run a command inside one.
case "$1" in
  create)
    while [ $# -gt 0 ]; do
      if [ "$1" = --prefix ]; then
        mkdir -p "$2/conda-meta" "$2/bin"
        printf '#!/bin/sh\necho "fake pip $*"\n' > "$2/bin/pip"; chmod +x "$2/bin/pip"
        echo "created $2"; exit 0
      fi
      shift
    done
    exit 2 ;;
  run)
    [ "$2" = --prefix ] || exit 96
    prefix=$3; shift 3
    PATH="$prefix/bin:$PATH"; export PATH
    exec "$@" ;;
esac
exit 97
)";

struct FakeSetup {
    TempDir tmp;
    fs::path conda = tmp.path() / "conda";
    fs::path out = tmp.path() / "runs" / "esmvaltool" / "equilibrium-climate-sensitivity" / "cmip6_gn_r1i1p1f1_CanESM5";
    fs::path micromamba = tmp.path() / "bin" / "micromamba";
    json settings = {{"conda_prefix", conda.string()}, {"conda_exe", micromamba.string()}};
    fs::path environment;

    FakeSetup() {
        write_text(micromamba, kFakeMicromamba);
        make_executable(micromamba);
        const ref::tooling::CondaEnvironment env(environment_spec(), settings);
        environment = env.path();
    }
    void create_environment() const { fs::create_directories(environment / "conda-meta"); }
    void install_tool(const std::string& body) const {
        write_text(environment / "bin" / "esmvaltool", "#!/bin/sh\n" + body);
        make_executable(environment / "bin" / "esmvaltool");
    }
    ref::plugin::ExecutionDefinition ecs_definition() const {
        std::vector<json> rows = ecs_rows(tmp.path() / "data");
        for (const auto& row : rows) write_text(row["path"].get<std::string>(), "netcdf");
        return definition("equilibrium-climate-sensitivity", out, {{"cmip6", rows}},
                          {{"cmip6", {{"grid_label", "gn"}, {"member_id", "r1i1p1f1"}, {"source_id", "CanESM5"}}}},
                          settings);
    }
};

ref::plugin::ExecutionResult execute(const std::string& slug, const ref::plugin::ExecutionDefinition& def) {
    EsmvaltoolProvider provider;
    const ref::plugin::Host host(nullptr);
    return provider.find(slug)->execute(def, host);
}

std::string quoted(const fs::path& path) { return ref::tooling::shell_quote(path.string()); }

}  // namespace

TEST_CASE("an ECS execution runs esmvaltool in the environment and builds the bundles", "[esmvaltool][execute]") {
    FakeSetup fake;
    SECTION("plain output directory") {}
    SECTION("hostile output directory") {
        fake.out = fake.tmp.path() / "we ird \"q\" 'x' $(touch pwned) `id`; $HOME\nline" / "out";
    }
    fake.create_environment();
    const fs::path run = fake.out / "executions" / "recipe_20260101_120000";
    const fs::path staged = fake.tmp.path() / "native";
    write_ecs_run(staged, run);
    // The fake tool checks the command line and inputs, then "produces" the run directory.
    fake.install_tool(
        "out=" + quoted(fake.out) + "\n"
        "[ \"$1\" = run ] || { echo \"bad subcommand $1\"; exit 3; }\n"
        "[ \"$2\" = \"--config-dir=$out/config\" ] || { echo \"bad config dir $2\"; exit 3; }\n"
        "[ \"$3\" = \"$out/recipe.yml\" ] || { echo \"bad recipe $3\"; exit 3; }\n"
        "[ $# -eq 3 ] || { echo \"unexpected arguments\"; exit 3; }\n"
        "grep -q '5201/5350' \"$3\" || { echo 'no piControl timerange in recipe'; exit 4; }\n"
        "grep -q 'climate_metrics/ecs.py' \"$3\" || exit 4\n"
        "grep -q 'output_dir' \"$out/config/config.yml\" || { echo 'no output_dir'; exit 5; }\n"
        "[ -L \"$out/climate_data/CMIP6/CMIP/CCCma/CanESM5/piControl/r1i1p1f1/Amon/tas/gn/v20190429/"
        "tas_Amon_CanESM5_piControl_r1i1p1f1_gn_520101-620012.nc\" ] || { echo 'input not staged'; exit 6; }\n"
        "echo 'INFO    Starting the Earth System Model Evaluation Tool'\n"
        "mkdir -p \"$out/executions\" && cp -R " + quoted(staged) + " \"$out/executions/recipe_20260101_120000\"\n"
        "echo 'INFO    Run was successful'\n");

    const auto result = execute("equilibrium-climate-sensitivity", fake.ecs_definition());
    CHECK(result.details["backend"] == "esmvaltool");
    CHECK(result.details["version"] == "2.14.0.dev65+gb827ce01b");
    CHECK(result.metric_bundle == "diagnostic.json");
    const json metrics = read_json(fake.out / "diagnostic.json");
    CHECK(metrics["RESULTS"]["gn"]["r1i1p1f1"]["CanESM5"]["global"]["ecs"].get<double>() == Approx(5.615868));
    const json output = read_json(fake.out / "output.json");
    CHECK(output["index"] == (run / "index.html").string());
    CHECK(output["data"].contains("executions/recipe_20260101_120000/work/ecs/calculate/ecs.nc"));
    CHECK(read_json(fake.out / "series.json").size() == 1);
    CHECK(read_text(fake.out / "esmvaltool.log").find("Run was successful") != std::string::npos);
    CHECK(fs::exists(fake.out / "recipe.yml"));
    CHECK_FALSE(fs::exists(fake.out / "pwned"));
    CHECK_FALSE(fs::exists(fs::current_path() / "pwned"));
    // The configuration names the hostile directory exactly.
    const auto config = yaml_to_json(read_text(fake.out / "config" / "config.yml"));
    CHECK(config["output_dir"] == (fake.out / "executions").string());
}

TEST_CASE("execution failures name their cause", "[esmvaltool][execute]") {
    FakeSetup fake;
    SECTION("missing environment with the tool backend: a system error naming the setup command") {
        fake.settings["backend"] = "tool";
        try {
            execute("equilibrium-climate-sensitivity", fake.ecs_definition());
            FAIL("expected a SystemError");
        } catch (const ref::plugin::SystemError& e) {
            CHECK_THAT(e.what(), Catch::Contains("providers setup --provider esmvaltool"));
        }
    }
    SECTION("missing environment by default: the native backend runs and names the unreadable file") {
        try {
            execute("equilibrium-climate-sensitivity", fake.ecs_definition());
            FAIL("expected a DiagnosticError");
        } catch (const ref::plugin::DiagnosticError& e) {
            CHECK_THAT(e.what(), Catch::Contains("tas_Amon_CanESM5_abrupt-4xCO2"));
        }
    }
    SECTION("esmvaltool missing from the environment") {
        fake.create_environment();
        CHECK_THROWS_AS(execute("equilibrium-climate-sensitivity", fake.ecs_definition()), ref::plugin::DiagnosticError);
    }
    SECTION("esmvaltool exits with an error: the reason holds the log tail") {
        fake.create_environment();
        fake.install_tool("echo 'ERROR   Missing data for preprocessor ecs/tas: piControl'\nexit 1\n");
        try {
            execute("equilibrium-climate-sensitivity", fake.ecs_definition());
            FAIL("expected a DiagnosticError");
        } catch (const ref::plugin::DiagnosticError& e) {
            CHECK_THAT(e.what(), Catch::Contains("Missing data for preprocessor ecs/tas: piControl"));
            CHECK_THAT(e.what(), Catch::Contains("exited with status 1"));
        }
    }
    SECTION("esmvaltool succeeds but writes nothing") {
        fake.create_environment();
        fake.install_tool("echo 'INFO    nothing to do here'\nexit 0\n");
        try {
            execute("equilibrium-climate-sensitivity", fake.ecs_definition());
            FAIL("expected a DiagnosticError");
        } catch (const ref::plugin::DiagnosticError& e) {
            CHECK_THAT(e.what(), Catch::Contains("no run directory"));
            CHECK_THAT(e.what(), Catch::Contains("nothing to do here"));
        }
        CHECK_FALSE(fs::exists(fake.out / "diagnostic.json"));
    }
    SECTION("esmvaltool writes a malformed result") {
        fake.create_environment();
        const fs::path run = fake.out / "executions" / "recipe_20260101_120000";
        const fs::path staged = fake.tmp.path() / "native";
        write_ecs_run(staged, run);
        write_text(staged / "work/ecs/calculate/ecs.nc", "this is not netCDF");
        fake.install_tool("mkdir -p " + quoted(fake.out / "executions") + " && cp -R " + quoted(staged) + " " +
                          quoted(run) + "\necho 'INFO    Run was successful'\n");
        CHECK_THROWS_WITH(execute("equilibrium-climate-sensitivity", fake.ecs_definition()), Catch::Contains("ecs.nc"));
    }
    SECTION("datasets a recipe cannot be made from fail before running anything") {
        fake.create_environment();
        fake.install_tool("echo ran > " + quoted(fake.tmp.path() / "ran") + "\n");
        // The ECS rows hold no esm-piControl run, which TCRE needs.
        auto def = fake.ecs_definition();
        CHECK_THROWS_WITH(execute("transient-climate-response-emissions", def), Catch::Contains("esm-piControl"));
        CHECK_FALSE(fs::exists(fake.out / "recipe.yml"));
        CHECK_FALSE(fs::exists(fake.tmp.path() / "ran"));
    }
}

TEST_CASE("setup creates the environment through the manager", "[esmvaltool][execute]") {
    FakeSetup fake;
    EsmvaltoolProvider provider;
    const ref::plugin::Host host(nullptr);
    const json report = provider.setup(fake.settings, host);
    CHECK(report["created"] == true);
    CHECK(report["environment"] == fake.environment.string());
    CHECK(fs::exists(fake.environment / "conda-meta"));
    // The log sits under the conda prefix and records both pinned pip installs.
    std::string log;
    for (const auto& entry : fs::directory_iterator(fake.conda))
        if (entry.path().extension() == ".log") log = read_text(entry.path());
    CHECK_THAT(log, Catch::Contains("fake pip install --no-deps git+https://github.com/ESMValGroup/ESMValTool.git@"
                                    "b827ce01b109f75af6117be120f89a6214c7db1f"));
    CHECK_THAT(log, Catch::Contains("ESMValCore.git@d7569120c19a394b2c519e81c7117d0652942349"));
    // A second setup finds it.
    CHECK(provider.setup(fake.settings, host)["created"] == false);
}
