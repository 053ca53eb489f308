// Provider settings reaching the plugin, environment states, `datasets fetch-data` from a
// local mirror and `datasets list-reference`, all through the ref-engine program.
#include "ref/datagen/default_tree.hpp"
#include "ref/datagen/experiments.hpp"
#include "skip.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string engine() { return test::engine_program().string(); }

// The engine with its configuration folder in `dir` and only the misbehaving test plugin.
std::string engine_in(const fs::path& dir) {
    return "REF_CONFIGURATION=" + dir.string() + " REF_PLUGIN_CACHE=off " + engine() + " --plugins " +
           test::test_plugin("misbehaving_provider").string();
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("a plugin receives the software root and its [providers.<slug>] options as settings", "[cli][settings]") {
    test::TempDir tmp;
    write_text(tmp.path() / "ref.toml", "[paths]\nsoftware = \"" + (tmp.path() / "sw").string() +
                                             "\"\n[providers.misbehaving]\ntimeout = 60\nconda_exe = \"/opt/mm\"\n"
                                             "backend = \"tool\"\nretries = 2\nverbose = true\n");
    write_text(tmp.path() / "def.json", R"({"schema_version": 1, "datasets": {}})");
    const auto r = test::run_command(engine_in(tmp.path()) + " run --diagnostic misbehaving/echo-settings --definition " +
                                     (tmp.path() / "def.json").string() + " --output-directory " +
                                     (tmp.path() / "out").string());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const json settings = json::parse(read_text(tmp.path() / "out/settings.json"));
    CHECK(settings["software_root"] == (tmp.path() / "sw").string());
    CHECK(settings["conda_prefix"] == (tmp.path() / "sw/conda").string());
    CHECK(settings["conda_exe"] == "/opt/mm");
    CHECK(settings["backend"] == "tool");
    CHECK(settings["retries"] == "2");
    CHECK(settings["verbose"] == "true");
    CHECK_FALSE(settings.contains("timeout"));  // the engine's own limit, not the plugin's business

    // REF_SOFTWARE_ROOT wins over the file; a provider's conda_prefix over the software root.
    write_text(tmp.path() / "ref.toml", "[providers.misbehaving]\nconda_prefix = \"/envs\"\n");
    const auto env = test::run_command("REF_SOFTWARE_ROOT=/elsewhere " + engine_in(tmp.path()) +
                                       " run --diagnostic misbehaving/echo-settings --definition " +
                                       (tmp.path() / "def.json").string() + " --output-directory " +
                                       (tmp.path() / "out2").string());
    REQUIRE(env.exit_code == 0);
    const json second = json::parse(read_text(tmp.path() / "out2/settings.json"));
    CHECK(second["software_root"] == "/elsewhere");
    CHECK(second["conda_prefix"] == "/envs");

    write_text(tmp.path() / "ref.toml", "[providers.misbehaving]\nlist = [1, 2]\n");
    const auto bad = test::run_command(engine_in(tmp.path()) + " providers list");
    CHECK(bad.exit_code != 0);
    CHECK_THAT(bad.err, Catch::Contains("providers.misbehaving.list"));
}

TEST_CASE("providers list shows where a provider's conda environment is and whether it exists", "[cli][settings]") {
    test::TempDir tmp;
    write_text(tmp.path() / "ref.toml", "[paths]\nsoftware = \"" + (tmp.path() / "sw").string() + "\"\n");
    auto r = test::run_command(engine_in(tmp.path()) + " providers list --format json");
    REQUIRE(r.exit_code == 0);
    json rows = json::parse(r.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["environment"] == (tmp.path() / "sw/conda/misbehaving-0123abcd").string());
    CHECK(rows[0]["state"] == "not installed");
    CHECK(rows[0]["backend"] == "auto (native)");
    // No manager anywhere: the listing says how to get one. With one, it names the setup command.
    const auto bare = test::run_command("PATH=" + (tmp.path() / "nothing").string() + " " + engine_in(tmp.path()) + " providers list");
    CHECK_THAT(bare.err, Catch::Contains("neither micromamba nor conda was found") && Catch::Contains("install micromamba"));
    fs::create_directories(tmp.path() / "sw/conda");
    std::ofstream(tmp.path() / "sw/conda/micromamba") << "#!/bin/sh\n";
    fs::permissions(tmp.path() / "sw/conda/micromamba", fs::perms::owner_all);
    const auto with = test::run_command(engine_in(tmp.path()) + " providers list");
    CHECK_THAT(with.err, Catch::Contains("create it with `ref-engine providers setup --provider misbehaving`"));
    fs::create_directories(tmp.path() / "sw/conda/misbehaving-0123abcd/conda-meta");
    rows = json::parse(test::run_command(engine_in(tmp.path()) + " providers list --format json").out);
    CHECK(rows[0]["state"] == "installed");
    CHECK(rows[0]["backend"] == "auto (tool)");
    rows = json::parse(test::run_command("REF_PROVIDERS_BACKEND=native " + engine_in(tmp.path()) +
                                         " providers list --format json").out);
    CHECK(rows[0]["backend"] == "native");
}

TEST_CASE("the backend setting is checked and reaches the plugin: provider's own, else the default", "[cli][settings]") {
    test::TempDir tmp;
    write_text(tmp.path() / "def.json", R"({"schema_version": 1, "datasets": {}})");
    const auto settings_after = [&](const std::string& toml, const std::string& env, const std::string& out) {
        write_text(tmp.path() / "ref.toml", toml);
        const auto r = test::run_command(env + " " + engine_in(tmp.path()) +
                                         " run --diagnostic misbehaving/echo-settings --definition " +
                                         (tmp.path() / "def.json").string() + " --output-directory " +
                                         (tmp.path() / out).string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        return json::parse(read_text(tmp.path() / out / "settings.json"));
    };
    CHECK(settings_after("", "", "a")["backend"] == "auto");
    CHECK(settings_after("[providers]\nbackend = \"native\"\n", "", "b")["backend"] == "native");
    CHECK(settings_after("[providers]\nbackend = \"native\"\n[providers.misbehaving]\nbackend = \"tool\"\n", "", "c")["backend"] == "tool");
    CHECK(settings_after("[providers.misbehaving]\nbackend = \"tool\"\n", "REF_PROVIDERS_BACKEND=native", "d")["backend"] == "native");

    write_text(tmp.path() / "ref.toml", "[providers.misbehaving]\nbackend = \"fast\"\n");
    const auto bad = test::run_command(engine_in(tmp.path()) + " config list");
    CHECK(bad.exit_code != 0);
    CHECK_THAT(bad.err, Catch::Contains("providers.misbehaving.backend") && Catch::Contains("\"native\", \"tool\" or \"auto\""));
    write_text(tmp.path() / "ref.toml", "");
    const auto bad_env = test::run_command("REF_PROVIDERS_BACKEND=quick " + engine_in(tmp.path()) + " config list");
    CHECK(bad_env.exit_code != 0);
    CHECK_THAT(bad_env.err, Catch::Contains("REF_PROVIDERS_BACKEND"));
}

TEST_CASE("fetch-data copies a declared registry from a mirror, checking each checksum", "[cli][fetch]") {
    test::TempDir tmp;
    const fs::path mirror = tmp.path() / "mirror", out = tmp.path() / "cache";
    write_text(mirror / "greetings/hello.txt", "hello\n");
    write_text(mirror / "greetings/unchecked.txt", "anything\n");
    const std::string fetch = engine_in(tmp.path()) + " datasets fetch-data --registry misbehaving-greetings --from " +
                              mirror.string() + " --output-directory " + out.string();

    // The unchecked file is refused by default: nothing vouches for it.
    auto r = test::run_command(fetch);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("greetings/unchecked.txt: the registry records no checksum"));
    CHECK(read_text(out / "greetings/hello.txt") == "hello\n");
    CHECK_FALSE(fs::exists(out / "greetings/unchecked.txt"));
    CHECK_THAT(r.out, Catch::Contains("1 fetched, 0 already present, 1 failed"));

    r = test::run_command(fetch + " --allow-unverified");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1 fetched, 1 already present, 0 failed"));
    CHECK(fs::exists(out / "greetings/unchecked.txt"));

    // A corrupted copy in the cache is replaced; a corrupted mirror is refused and leaves nothing.
    write_text(out / "greetings/hello.txt", "tampered\n");
    r = test::run_command(fetch + " --allow-unverified");
    CHECK(r.exit_code == 0);
    CHECK(read_text(out / "greetings/hello.txt") == "hello\n");
    fs::remove_all(out);
    write_text(mirror / "greetings/hello.txt", "hullo\n");
    r = test::run_command(fetch + " --allow-unverified");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("greetings/hello.txt: sha256 mismatch"));
    CHECK_FALSE(fs::exists(out / "greetings/hello.txt"));
    CHECK_FALSE(fs::exists(out / "greetings/hello.txt.partial"));

    fs::remove_all(mirror / "greetings");
    r = test::run_command(fetch);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("greetings/hello.txt: not in the mirror"));

    auto unknown = test::run_command(engine_in(tmp.path()) + " datasets fetch-data --registry nope --from " + mirror.string());
    CHECK(unknown.exit_code == 1);
    CHECK_THAT(unknown.err, Catch::Contains("unknown registry 'nope'") && Catch::Contains("misbehaving-greetings (misbehaving)"));
}

TEST_CASE("fetch-data reads a registry file and can link instead of copy", "[cli][fetch]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const fs::path mirror = tmp.path() / "data";
    // Checksums from sha256sum, an implementation independent of the engine's.
    std::string registry;
    std::vector<std::string> keys;
    for (const auto& file : tree.files_of("obs4mips")) {
        const std::string key = fs::relative(file.path, mirror).string();
        const auto sum = test::run_command("sha256sum '" + file.path.string() + "'");
        REQUIRE(sum.exit_code == 0);
        registry += key + " " + sum.out.substr(0, 64) + "\n";
        keys.push_back(key);
    }
    REQUIRE_FALSE(keys.empty());
    write_text(tmp.path() / "registry.txt", "# generated obs4MIPs files\n" + registry);
    const fs::path out = tmp.path() / "linked";
    auto r = test::run_command(engine_in(tmp.path()) + " datasets fetch-data --registry generated --registry-file " +
                               (tmp.path() / "registry.txt").string() + " --from " + mirror.string() +
                               " --output-directory " + out.string() + " --symlink");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& key : keys) CHECK(fs::is_symlink(out / key));

    write_text(tmp.path() / "bad-registry.txt", "only-a-key\n");
    r = test::run_command(engine_in(tmp.path()) + " datasets fetch-data --registry x --registry-file " +
                          (tmp.path() / "bad-registry.txt").string() + " --from " + mirror.string());
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("bad-registry.txt:1: expected '<key> <checksum>'"));
}

TEST_CASE("fetch-data verifies the sample data against its published registry", "[cli][fetch][sample-data]") {
    const fs::path sample = REF_SAMPLE_DATA_DIR;
    if (!fs::exists(sample / "registry.txt")) test::skip_test("no sample data at " + sample.string());
    test::TempDir tmp;
    const auto r = test::run_command(engine_in(tmp.path()) + " datasets fetch-data --registry sample-data --registry-file " +
                                     (sample / "registry.txt").string() + " --from " + sample.string() +
                                     " --output-directory " + (tmp.path() / "copy").string());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("34 fetched, 0 already present, 0 failed"));
}

TEST_CASE("list-reference says which reference data is ingested", "[cli][reference]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    const std::string ref = "REF_CONFIGURATION=" + tmp.path().string() + " REF_PLUGIN_CACHE=off " + engine() +
                            " --plugins " + test::provider_plugin_dir().string() + "/example.so";
    auto list = [&] {
        const auto r = test::run_command(ref + " datasets list-reference --format json");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out);
    };
    json rows = list();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["diagnostic"] == "global-sst-bias");
    CHECK(rows[0]["source_type"] == "obs4mips");
    CHECK(rows[0]["status"] == "missing");
    const auto ingest = test::run_command(ref + " datasets ingest --source-type obs4mips " + tree.directory_of("obs4mips").string());
    REQUIRE(ingest.exit_code == 0);
    rows = list();
    CHECK(rows[0]["status"] == "ingested");
    CHECK(rows[0]["datasets"] == 1);
    const auto missing = test::run_command(ref + " datasets list-reference --missing --format json");
    CHECK(json::parse(missing.out).empty());
    CHECK(test::run_command(ref + " datasets list-reference --provider nobody").exit_code == 2);
}

TEST_CASE("a tool provider without its environment fails each execution with the setup command", "[cli][settings]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    // The tool backend explicitly: by default (auto) the diagnostic would run natively.
    write_text(tmp.path() / "ref.toml", "[paths]\nsoftware = \"" + (tmp.path() / "sw").string() + "\"\nscratch = \"" +
                                             (tmp.path() / "scratch").string() + "\"\nresults = \"" +
                                             (tmp.path() / "results").string() +
                                             "\"\n[providers.esmvaltool]\nbackend = \"tool\"\n");
    const std::string ref = "REF_CONFIGURATION=" + tmp.path().string() + " REF_PLUGIN_CACHE=off " + engine() +
                            " --plugins " + (test::provider_plugin_dir() / "esmvaltool.so").string();
    REQUIRE(test::run_command(ref + " datasets ingest --source-type cmip6 " + tree.directory_of("cmip6").string()).exit_code == 0);
    const auto solve = test::run_command(ref + " solve --diagnostic global-mean-timeseries");
    INFO(solve.out << solve.err);
    CHECK(solve.exit_code != 0);
    const auto groups = test::run_command(ref + " executions list-groups --format json");
    REQUIRE(groups.exit_code == 0);
    const json rows = json::parse(groups.out);
    REQUIRE_FALSE(rows.empty());
    for (const auto& row : rows) {
        CHECK(row["status"] == "failed");
        const std::string reason = row["failure_reason"].get<std::string>();
        CHECK_THAT(reason, Catch::Contains("the esmvaltool conda environment is not installed (expected at " +
                                           (tmp.path() / "sw/conda/esmvaltool-").string()));
        CHECK_THAT(reason, Catch::Contains("ref-engine providers setup --provider esmvaltool"));
    }
}

TEST_CASE("without its environment the ESMValTool global mean time series runs natively", "[cli][settings]") {
    test::TempDir tmp;
    const auto tree = datagen::generate_default_tree(tmp.path() / "data");
    write_text(tmp.path() / "ref.toml", "[paths]\nsoftware = \"" + (tmp.path() / "sw").string() + "\"\nscratch = \"" +
                                             (tmp.path() / "scratch").string() + "\"\nresults = \"" +
                                             (tmp.path() / "results").string() + "\"\n");
    const std::string ref = "REF_CONFIGURATION=" + tmp.path().string() + " REF_PLUGIN_CACHE=off " + engine() +
                            " --plugins " + (test::provider_plugin_dir() / "esmvaltool.so").string();
    REQUIRE(test::run_command(ref + " datasets ingest --source-type cmip6 " + tree.directory_of("cmip6").string()).exit_code == 0);
    const auto solve = test::run_command(ref + " solve --diagnostic global-mean-timeseries");
    INFO(solve.out << solve.err);
    CHECK(solve.exit_code == 0);
    const auto groups = test::run_command(ref + " executions list-groups --format json");
    REQUIRE(groups.exit_code == 0);
    const json rows = json::parse(groups.out);
    REQUIRE_FALSE(rows.empty());
    for (const auto& row : rows) {
        INFO(row.dump());
        CHECK(row["status"] == "succeeded");
    }
}

TEST_CASE("the native climate-sensitivity family passes the engine's bundle checks and stores the known answers",
          "[cli][settings][native]") {
    test::TempDir tmp;
    const auto set = datagen::write_climate_sensitivity_set(tmp.path() / "data");
    write_text(tmp.path() / "ref.toml", "[providers]\nbackend = \"native\"\n[paths]\nscratch = \"" +
                                             (tmp.path() / "scratch").string() + "\"\nresults = \"" +
                                             (tmp.path() / "results").string() + "\"\n");
    const std::string ref = "REF_CONFIGURATION=" + tmp.path().string() + " REF_PLUGIN_CACHE=off " + engine() +
                            " --plugins " + (test::provider_plugin_dir() / "esmvaltool.so").string();
    REQUIRE(test::run_command(ref + " datasets ingest --source-type cmip6 " + (tmp.path() / "data/CMIP6").string()).exit_code == 0);
    std::string diagnostics;
    for (const char* slug : {"equilibrium-climate-sensitivity", "transient-climate-response", "zero-emission-commitment",
                             "climate-at-global-warming-levels"})
        diagnostics += std::string(" --diagnostic ") + slug;
    const auto solve = test::run_command(ref + " solve" + diagnostics);
    INFO(solve.out << solve.err);
    CHECK(solve.exit_code == 0);
    const json groups = json::parse(test::run_command(ref + " executions list-groups --format json").out);
    std::set<std::string> succeeded;
    for (const auto& row : groups) {
        INFO(row.dump());
        CHECK(row["status"] == "succeeded");
        if (row["status"] == "succeeded") succeeded.insert(row["diagnostic"].get<std::string>());
    }
    CHECK(succeeded.size() == 5);  // the four above and transient-climate-response-emissions (its slug matches)

    const json values = json::parse(test::run_command(ref + " metric-values list --limit 1000 --format json").out);
    std::map<std::string, double> by_metric;
    std::map<std::string, double> gwl_years;  // level -> year, for the scenario that has both models
    for (const auto& v : values) {
        if (!v["value"].is_number()) continue;
        if (v.contains("global_warming_level") && v["global_warming_level"].is_string())
            gwl_years[v["global_warming_level"].get<std::string>()] = v["value"].get<double>();
        else by_metric[v["metric"].get<std::string>()] = v["value"].get<double>();
    }
    CHECK(by_metric["ecs"] == Approx(set.expected.ecs).epsilon(1e-6));
    CHECK(by_metric["lambda"] == Approx(set.expected.lambda).epsilon(1e-6));
    CHECK(by_metric["tcr"] == Approx(set.expected.tcr).epsilon(1e-6));
    CHECK(by_metric["tcre"] == Approx(set.expected.tcre).epsilon(1e-6));
    CHECK(by_metric["zec"] == Approx(set.expected.zec).margin(1e-9));
    CHECK_FALSE(gwl_years.empty());
}
