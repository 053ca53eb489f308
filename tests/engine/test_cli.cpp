// The ref-engine program as a user runs it.
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string engine() { return test::engine_program().string(); }

}  // namespace

TEST_CASE("the version option prints the version and the plugin ABI", "[cli]") {
    auto r = test::run_command(engine() + " --version");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("ref-engine 0.1.0 (plugin ABI 1.1)"));
}

TEST_CASE("usage errors exit with code 2 and say what is wrong", "[cli]") {
    auto unknown = test::run_command(engine() + " frobnicate");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'"));
    auto bad_option = test::run_command(engine() + " providers list --colour");
    CHECK(bad_option.exit_code == 2);
    CHECK_THAT(bad_option.err, Catch::Contains("colour"));
    auto bad_format = test::run_command(engine() + " providers list --format yaml --plugins /nonexistent");
    CHECK(bad_format.exit_code == 2);
    auto missing = test::run_command(engine() + " run --diagnostic example/global-mean-timeseries");
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("definition"));
}

TEST_CASE("every command has --help", "[cli]") {
    for (const char* command : {"providers list", "providers check", "providers setup", "diagnostics list", "run"}) {
        INFO(command);
        auto r = test::run_command(engine() + " " + command + " --help");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains(std::string("ref-engine [global options] ") + command));
        CHECK_THAT(r.out, Catch::Contains("--plugins"));
    }
}

TEST_CASE("providers list shows loaded plugins and warns about bad ones", "[cli]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "p", {"c99_provider", "older_minor_provider", "no_entry_provider"});
    auto r = test::run_command(engine() + " --plugins " + dir.string() + " providers list --format json");
    REQUIRE(r.exit_code == 0);
    const json rows = json::parse(r.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["provider"] == "c99-demo");
    CHECK(rows[0]["abi"] == "1.1");
    CHECK(rows[1]["provider"] == "legacy");
    CHECK(rows[1]["abi"] == "1.0");
    CHECK_THAT(r.err, Catch::Contains("no_entry_provider.so: not a ref-engine plugin"));

    auto env = test::run_command("REF_PLUGINS=" + dir.string() + " " + engine() + " providers list");
    CHECK(env.exit_code == 0);
    CHECK_THAT(env.out, Catch::Contains("c99-demo"));
}

TEST_CASE("providers check exits 1 and names each broken file", "[cli]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "p", {"c99_provider", "future_major_provider"});
    auto r = test::run_command(engine() + " --plugins " + dir.string() + " providers check");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("future_major_provider.so"));
    CHECK_THAT(r.out, Catch::Contains("major version 2"));
    auto good = test::run_command(engine() + " --plugins " + test::test_plugin("c99_provider").string() + " providers check");
    CHECK(good.exit_code == 0);
}

TEST_CASE("a configuration file names the plugin folders; the command line wins", "[cli]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "p", {"c99_provider"});
    std::ofstream(tmp.path() / "ref.toml") << "log_level = \"warning\"\n[plugins]\npaths = [\"p\"]\n[surprise]\nx = 1\n";
    auto r = test::run_command(engine() + " --config " + (tmp.path() / "ref.toml").string() + " providers list --format json");
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out).at(0)["provider"] == "c99-demo");
    CHECK_THAT(r.err, Catch::Contains("unknown key 'surprise'"));

    auto missing = test::run_command(engine() + " --config " + (tmp.path() / "nope.toml").string() + " providers list");
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Catch::Contains("configuration file not found"));

    std::ofstream(tmp.path() / "broken.toml") << "[plugins\npaths = 3\n";
    auto broken = test::run_command(engine() + " --config " + (tmp.path() / "broken.toml").string() + " providers list");
    CHECK(broken.exit_code == 1);
    CHECK_THAT(broken.err, Catch::Contains("broken.toml"));
    CHECK_THAT(broken.err, Catch::Contains("line 1"));
}

TEST_CASE("diagnostics list shows what the providers declare", "[cli]") {
    auto r = test::run_command(engine() + " --plugins " + test::test_plugin("misbehaving_provider").string() + ":" +
                               test::test_plugin("c99_provider").string() + " diagnostics list --provider c99-demo --format json");
    REQUIRE(r.exit_code == 0);
    const json rows = json::parse(r.out);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["diagnostic"] == "count-files");
    CHECK(rows[0]["source_types"] == "cmip6");
    auto unknown = test::run_command(engine() + " --plugins " + test::test_plugin("c99_provider").string() +
                                     " diagnostics list --provider nobody");
    CHECK(unknown.exit_code == 2);
}

TEST_CASE("run reports a plugin crash as a failure with its reason and exits 1", "[cli]") {
    test::TempDir tmp;
    std::ofstream(tmp.path() / "def.json") << R"({"schema_version": 1, "datasets": {}})";
    auto r = test::run_command(engine() + " --plugins " + test::test_plugin("misbehaving_provider").string() +
                               " run --diagnostic misbehaving/segfaults --definition " + (tmp.path() / "def.json").string() +
                               " --output-directory " + (tmp.path() / "out").string());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("FAILED, system error (crashed, retryable)"));
    CHECK_THAT(r.out, Catch::Contains("SIGSEGV"));

    std::ofstream(tmp.path() / "bad.json") << "{not json";
    auto bad = test::run_command(engine() + " --plugins " + test::test_plugin("misbehaving_provider").string() +
                                 " run --diagnostic misbehaving/behaves --definition " + (tmp.path() / "bad.json").string());
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Catch::Contains("not a JSON object"));

    auto unknown = test::run_command(engine() + " --plugins " + test::test_plugin("misbehaving_provider").string() +
                                     " run --diagnostic misbehaving/flies --definition " + (tmp.path() / "def.json").string());
    CHECK(unknown.exit_code == 1);
    CHECK_THAT(unknown.err, Catch::Contains("declares no diagnostic 'flies'"));
}

TEST_CASE("listing reads declarations from the cache and a changed plugin is read again", "[cli][cache]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "p", {"c99_provider"});
    const fs::path cache = tmp.path() / "cache" / "plugins.json";
    const std::string env = "REF_PLUGIN_CACHE=" + cache.string() + " ";
    const std::string list = env + engine() + " --plugins " + dir.string() + " providers list --format json";

    auto first = test::run_command(list);
    REQUIRE(first.exit_code == 0);
    REQUIRE(fs::exists(cache));
    std::ifstream in(cache);
    CHECK_THAT(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), Catch::Contains("c99-demo"));

    // Same size and time stamp but no longer a shared object: listing trusts the cache
    // (it does not open the file), while `providers check` always loads for real.
    const fs::path plugin = dir / "c99_provider.so";
    const auto size = fs::file_size(plugin);
    const auto stamp = fs::last_write_time(plugin);
    std::ofstream(plugin, std::ios::binary | std::ios::trunc) << std::string(size, 'x');
    fs::last_write_time(plugin, stamp);
    auto cached = test::run_command(list);
    CHECK(cached.exit_code == 0);
    CHECK(json::parse(cached.out).at(0)["provider"] == "c99-demo");
    auto check = test::run_command(env + engine() + " --plugins " + dir.string() + " providers check");
    CHECK(check.exit_code == 1);
    CHECK_THAT(check.out, Catch::Contains("not a shared object"));

    // A new time stamp is a cache miss: the broken file is now reported.
    fs::last_write_time(plugin, stamp + std::chrono::seconds(5));
    auto fresh = test::run_command(list);
    CHECK(fresh.exit_code == 0);
    CHECK(json::parse(fresh.out).empty());
    CHECK_THAT(fresh.err, Catch::Contains("not a shared object"));
}

TEST_CASE("the declaration cache can be turned off and a corrupt one is ignored", "[cli][cache]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "p", {"c99_provider"});
    auto off = test::run_command("REF_PLUGIN_CACHE=off XDG_CACHE_HOME=" + tmp.path().string() + " " + engine() +
                                 " --plugins " + dir.string() + " providers list");
    CHECK(off.exit_code == 0);
    CHECK_FALSE(fs::exists(tmp.path() / "ref-engine"));

    const fs::path cache = tmp.path() / "corrupt.json";
    std::ofstream(cache) << "{\"engine_abi\": 65537, \"plugins\": {\"" << (dir / "c99_provider.so").string()
                         << "\": {\"declaration\": \"{not json\", \"size\": " << fs::file_size(dir / "c99_provider.so") << "}}";
    auto corrupt = test::run_command("REF_PLUGIN_CACHE=" + cache.string() + " " + engine() + " --plugins " + dir.string() +
                                     " providers list --format json");
    CHECK(corrupt.exit_code == 0);
    CHECK(json::parse(corrupt.out).at(0)["provider"] == "c99-demo");
}

TEST_CASE("the declaration cache forgets plugins that no longer exist", "[cli][cache]") {
    test::TempDir tmp;
    const fs::path kept = test::plugin_folder(tmp.path() / "kept", {"c99_provider"});
    const fs::path removed = test::plugin_folder(tmp.path() / "removed", {"c99_provider"});
    const fs::path cache = tmp.path() / "plugins.json";
    const std::string env = "REF_PLUGIN_CACHE=" + cache.string() + " ";
    const auto cached_paths = [&] {
        std::vector<std::string> paths;
        const json doc = json::parse(std::ifstream(cache));
        for (const auto& [path, entry] : doc.at("plugins").items()) paths.push_back(path);
        return paths;
    };

    REQUIRE(test::run_command(env + engine() + " --plugins " + removed.string() + " providers list").exit_code == 0);
    REQUIRE(test::run_command(env + engine() + " --plugins " + kept.string() + " providers list").exit_code == 0);
    CHECK(cached_paths().size() == 2);

    // The next write (a plugin read anew) leaves out the folder that is gone.
    fs::remove_all(removed);
    const fs::path plugin = kept / "c99_provider.so";
    fs::last_write_time(plugin, fs::last_write_time(plugin) + std::chrono::seconds(5));
    REQUIRE(test::run_command(env + engine() + " --plugins " + kept.string() + " providers list").exit_code == 0);
    const auto paths = cached_paths();
    REQUIRE(paths.size() == 1);
    CHECK_THAT(paths[0], Catch::Contains("kept"));
}

TEST_CASE("interrupting run stops the execution and reports it", "[cli]") {
    test::TempDir tmp;
    std::ofstream(tmp.path() / "def.json") << R"({"schema_version": 1, "datasets": {}})";
    const std::string command = engine() + " --plugins " + test::test_plugin("misbehaving_provider").string() +
                                " run --diagnostic misbehaving/hangs --definition " + (tmp.path() / "def.json").string() +
                                " --output-directory " + (tmp.path() / "out").string();
    // The shell starts the run, interrupts it after a moment, and reports its exit code.
    auto r = test::run_command("(" + command + " & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo \"exit=$?\")");
    CHECK_THAT(r.out, Catch::Contains("interrupted"));
    CHECK_THAT(r.out, Catch::Contains("exit=1"));
}
