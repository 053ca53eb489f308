// ref.toml keys, their REF_* overrides and `config list`.
#include "config/config.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

using namespace ref;
namespace fs = std::filesystem;

namespace {

// Sets (or, with nullopt, unsets) an environment variable for the scope's lifetime.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) old_ = old;
        set(value);
    }
    ~ScopedEnv() { set(old_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    void set(const std::optional<std::string>& value) {
        if (value) ::setenv(name_.c_str(), value->c_str(), 1);
        else ::unsetenv(name_.c_str());
    }
    std::string name_;
    std::optional<std::string> old_;
};

// A private configuration folder and none of the variables under test set.
struct CleanEnvironment {
    test::TempDir dir;
    ScopedEnv configuration{"REF_CONFIGURATION", dir.path().string()};
    ScopedEnv ignore{"REF_IGNORE_DATASETS_FILE", std::nullopt};
    ScopedEnv jobs{"REF_N_JOBS", std::nullopt};
    ScopedEnv cmip6{"REF_CMIP6_PARSER", std::nullopt};
    ScopedEnv cmip7{"REF_CMIP7_PARSER", std::nullopt};
    ScopedEnv providers{"REF_DIAGNOSTIC_PROVIDERS", std::nullopt};
    ScopedEnv software{"REF_SOFTWARE_ROOT", std::nullopt};
    ScopedEnv cache{"REF_DATASET_CACHE_DIR", std::nullopt};

    // Writes `text` as <dir>/<name> and loads it with --config.
    config::Config load(const std::string& text, const std::string& name = "ref.toml") const {
        std::ofstream(dir.path() / name) << text;
        config::Overrides overrides;
        overrides.config_file = dir.path() / name;
        return config::load(overrides);
    }
    fs::path file(const std::string& name = "ref.toml") const { return dir.path() / name; }
    // The error loading `text` gives, or "" when it loads.
    std::string error_of(const std::string& text) const {
        try {
            load(text);
        } catch (const config::ConfigError& e) {
            return e.what();
        }
        return {};
    }
};

bool has_warning(const config::Config& c, const std::string& text) {
    for (const auto& w : c.warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("the new keys have the REF's defaults", "[config]") {
    CleanEnvironment env;
    const config::Config c = config::load({});
    CHECK(c.file.empty());
    CHECK_FALSE(c.ignore_datasets_file);
    CHECK(c.n_jobs == 1);
    CHECK(c.cmip6_parser == config::DatasetParser::Complete);
    CHECK(c.cmip7_parser == config::DatasetParser::Complete);
    CHECK(c.enabled_providers.empty());
}

TEST_CASE("ref.toml sets the grey list and jobs and parsers and providers", "[config]") {
    CleanEnvironment env;
    const config::Config c = env.load("n_jobs = 4\ncmip6_parser = \"drs\"\ncmip7_parser = \"complete\"\n"
                                      "ignore_datasets_file = \"lists/grey.yaml\"\n"
                                      "[providers]\nenabled = [\"pmp\", \"example\"]\n");
    CHECK(c.warnings.empty());
    CHECK(c.n_jobs == 4);
    CHECK(c.cmip6_parser == config::DatasetParser::Drs);
    CHECK(c.cmip7_parser == config::DatasetParser::Complete);
    // Relative to the file's folder, like the other paths.
    CHECK(c.ignore_datasets_file == env.dir.path() / "lists" / "grey.yaml");
    CHECK(c.enabled_providers == std::vector<std::string>{"pmp", "example"});

    CHECK(env.load("n_jobs = -1\n").n_jobs == -1);
    CHECK(env.load("[providers]\nenabled = []\n").enabled_providers.empty());
    CHECK(env.load("ignore_datasets_file = \"/etc/ref/grey.yaml\"\n").ignore_datasets_file == fs::path("/etc/ref/grey.yaml"));
}

TEST_CASE("the grey-list path expands a tilde and a blank one is unset", "[config]") {
    CleanEnvironment env;
    ScopedEnv home("HOME", (env.dir.path() / "home").string());
    CHECK(env.load("ignore_datasets_file = \"~/grey.yaml\"\n").ignore_datasets_file == env.dir.path() / "home" / "grey.yaml");
    CHECK(env.load("ignore_datasets_file = \"~\"\n").ignore_datasets_file == env.dir.path() / "home");
    CHECK_FALSE(env.load("ignore_datasets_file = \"\"\n").ignore_datasets_file);
    CHECK_FALSE(env.load("ignore_datasets_file = \"  \"\n").ignore_datasets_file);
}

TEST_CASE("REF_ variables override the new keys and empty ones are unset", "[config]") {
    CleanEnvironment env;
    const std::string file = "n_jobs = 4\ncmip6_parser = \"drs\"\nignore_datasets_file = \"grey.yaml\"\n"
                             "[providers]\nenabled = [\"pmp\"]\n";
    {
        ScopedEnv jobs("REF_N_JOBS", "8");
        ScopedEnv cmip6("REF_CMIP6_PARSER", "complete");
        ScopedEnv cmip7("REF_CMIP7_PARSER", "drs");
        ScopedEnv ignore("REF_IGNORE_DATASETS_FILE", "/srv/grey.yaml");
        ScopedEnv providers("REF_DIAGNOSTIC_PROVIDERS", " example , pmp,,esmvaltool ");
        const config::Config c = env.load(file);
        CHECK(c.n_jobs == 8);
        CHECK(c.cmip6_parser == config::DatasetParser::Complete);
        CHECK(c.cmip7_parser == config::DatasetParser::Drs);
        CHECK(c.ignore_datasets_file == fs::path("/srv/grey.yaml"));
        CHECK(c.enabled_providers == std::vector<std::string>{"example", "pmp", "esmvaltool"});
    }
    {
        ScopedEnv jobs("REF_N_JOBS", "");
        ScopedEnv cmip6("REF_CMIP6_PARSER", "");
        ScopedEnv ignore("REF_IGNORE_DATASETS_FILE", "");
        ScopedEnv providers("REF_DIAGNOSTIC_PROVIDERS", "");
        const config::Config c = env.load(file);
        CHECK(c.n_jobs == 4);
        CHECK(c.cmip6_parser == config::DatasetParser::Drs);
        CHECK(c.ignore_datasets_file == env.dir.path() / "grey.yaml");
        CHECK(c.enabled_providers == std::vector<std::string>{"pmp"});
    }
    {
        ScopedEnv home("HOME", "/home/operator");
        ScopedEnv jobs("REF_N_JOBS", "-1");
        ScopedEnv ignore("REF_IGNORE_DATASETS_FILE", "~/grey.yaml");
        const config::Config c = config::load({});
        CHECK(c.n_jobs == -1);
        CHECK(c.ignore_datasets_file == fs::path("/home/operator/grey.yaml"));
    }
}

TEST_CASE("invalid values of the new keys are errors naming the file and key", "[config]") {
    CleanEnvironment env;
    const std::string file = env.file().string();
    auto error_of = [&](const std::string& text) { return env.error_of(text); };
    CHECK(error_of("n_jobs = 0\n") == file + ": 'n_jobs' must be -1 (all CPUs) or a whole number >= 1, not 0");
    CHECK(error_of("n_jobs = -2\n") == file + ": 'n_jobs' must be -1 (all CPUs) or a whole number >= 1, not -2");
    CHECK(error_of("n_jobs = \"4\"\n") == file + ": 'n_jobs' must be an integer (line 1, column 10)");
    CHECK(error_of("n_jobs = 1.5\n") == file + ": 'n_jobs' must be an integer (line 1, column 10)");
    CHECK(error_of("n_jobs = 4294967297\n") == file + ": 'n_jobs' is too large: 4294967297");
    CHECK(error_of("cmip6_parser = \"fast\"\n") ==
          file + ": 'cmip6_parser': unknown parser 'fast' (expected \"complete\" or \"drs\") (line 1, column 16)");
    CHECK(error_of("cmip7_parser = \"DRS\"\n") ==
          file + ": 'cmip7_parser': unknown parser 'DRS' (expected \"complete\" or \"drs\") (line 1, column 16)");
    CHECK(error_of("cmip7_parser = true\n") == file + ": 'cmip7_parser' must be a string (line 1, column 16)");
    CHECK(error_of("ignore_datasets_file = 3\n") == file + ": 'ignore_datasets_file' must be a string (line 1, column 24)");
    CHECK(error_of("providers = [\"pmp\"]\n") == file + ": 'providers' must be a table (line 1, column 13)");
    CHECK(error_of("[providers]\nenabled = \"pmp\"\n") ==
          file + ": 'providers.enabled' must be a list of provider slugs (line 2, column 11)");
    CHECK(error_of("[providers]\nenabled = [\"pmp\", 3]\n") ==
          file + ": 'providers.enabled[1]' must be a string (line 2, column 19)");
    CHECK(error_of("[providers]\nenabled = [\"pmp\", \"example\", \"pmp\"]\n") ==
          file + ": 'providers.enabled': provider 'pmp' is listed twice");
    CHECK(error_of("[providers]\nenabled = [\"\"]\n") == file + ": 'providers.enabled': empty provider slug");
}

TEST_CASE("invalid REF_ values of the new keys are errors naming the variable", "[config]") {
    CleanEnvironment env;
    auto error_with = [&](const std::string& name, const std::string& value) {
        ScopedEnv variable(name, value);
        try {
            config::load({});
        } catch (const config::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_with("REF_N_JOBS", "all") == "REF_N_JOBS must be -1 (all CPUs) or a whole number >= 1, not 'all'");
    CHECK(error_with("REF_N_JOBS", "2x") == "REF_N_JOBS must be -1 (all CPUs) or a whole number >= 1, not '2x'");
    CHECK(error_with("REF_N_JOBS", "0") == "REF_N_JOBS must be -1 (all CPUs) or a whole number >= 1, not 0");
    CHECK(error_with("REF_N_JOBS", " 3 ").empty());
    // The REF quietly takes any other value as drs; a typo here should not change the parser.
    CHECK(error_with("REF_CMIP6_PARSER", "drs2") == "REF_CMIP6_PARSER: unknown parser 'drs2' (expected \"complete\" or \"drs\")");
    CHECK(error_with("REF_CMIP7_PARSER", "x") == "REF_CMIP7_PARSER: unknown parser 'x' (expected \"complete\" or \"drs\")");
    CHECK(error_with("REF_DIAGNOSTIC_PROVIDERS", "pmp,example,pmp") ==
          "REF_DIAGNOSTIC_PROVIDERS: provider 'pmp' is listed twice");
}

TEST_CASE("unknown provider keys warn and the REF's provider table gets a hint", "[config]") {
    CleanEnvironment env;
    const config::Config c = env.load("[[diagnostic_providers]]\nprovider = \"climate_ref_pmp:provider\"\n"
                                      "[providers]\nenabled = [\"pmp\"]\ndisabled = [\"ilamb\"]\n");
    CHECK(c.enabled_providers == std::vector<std::string>{"pmp"});
    CHECK(has_warning(c, "unknown key 'diagnostic_providers' ignored (list provider slugs in [providers] enabled"));
    CHECK(has_warning(c, "unknown key 'providers.disabled' ignored"));
}

TEST_CASE("effective_jobs resolves -1 to the CPUs available", "[config]") {
    CHECK(config::effective_jobs(1) == 1);
    CHECK(config::effective_jobs(6) == 6);
    CHECK(config::effective_jobs(-1) >= 1);
    CHECK(config::parse_dataset_parser("drs") == config::DatasetParser::Drs);
    CHECK(config::to_string(config::DatasetParser::Complete) == "complete");
    CHECK(config::to_string(config::DatasetParser::Drs) == "drs");
}

TEST_CASE("config list prints the new keys as TOML that loads back", "[config][cli]") {
    CleanEnvironment env;
    std::ofstream(env.file()) << "n_jobs = -1\ncmip7_parser = \"drs\"\nignore_datasets_file = \"grey \\\"list\\\".yaml\"\n"
                                 "[providers]\nenabled = [\"pmp\", \"example\"]\n";
    auto r = test::run_command(test::engine_program().string() + " --config " + env.file().string() + " config list");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\nn_jobs = -1\n"));
    CHECK_THAT(r.out, Catch::Contains("\ncmip6_parser = \"complete\"\ncmip7_parser = \"drs\"\n"));
    CHECK_THAT(r.out, Catch::Contains("\n[providers]\nenabled = [\"pmp\", \"example\"]\n"));

    // The listing is itself a configuration file with the same values.
    std::ofstream(env.file("listed.toml")) << r.out;
    config::Overrides overrides;
    overrides.config_file = env.file("listed.toml");
    const config::Config listed = config::load(overrides);
    CHECK(listed.warnings.empty());
    CHECK(listed.n_jobs == -1);
    CHECK(listed.cmip6_parser == config::DatasetParser::Complete);
    CHECK(listed.cmip7_parser == config::DatasetParser::Drs);
    CHECK(listed.ignore_datasets_file == env.dir.path() / "grey \"list\".yaml");
    CHECK(listed.enabled_providers == std::vector<std::string>{"pmp", "example"});

    // Unset optional values are left out: TOML has no null.
    std::ofstream(env.file()) << "n_jobs = 2\n";
    r = test::run_command(test::engine_program().string() + " --config " + env.file().string() + " config list");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, !Catch::Contains("ignore_datasets_file"));
    CHECK_THAT(r.out, Catch::Contains("\n[providers]\nenabled = []\n"));
}

TEST_CASE("provider software, the dataset cache and provider options load, list and load back", "[config][cli]") {
    CleanEnvironment env;
    const config::Config defaults = config::load({});
    CHECK(defaults.software_root == env.dir.path() / "software");
    CHECK(defaults.dataset_cache == env.dir.path() / "cache");
    CHECK(config::conda_prefix_for(defaults, "pmp") == fs::absolute(env.dir.path() / "software/conda"));

    std::ofstream(env.file()) << "[paths]\nsoftware = \"sw\"\ndataset_cache = \"/data/cache\"\n"
                                 "[providers.pmp]\ntimeout = 60\nconda_exe = \"/opt/micro mamba\"\nbackend = \"tool\"\n"
                                 "[providers.ilamb]\nconda_prefix = \"/envs\"\n";
    auto r = test::run_command(test::engine_program().string() + " --config " + env.file().string() + " config list");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\nsoftware = \"" + (env.dir.path() / "sw").string() + "\"\n"));
    CHECK_THAT(r.out, Catch::Contains("[providers.pmp]\ntimeout = 60\nbackend = \"tool\"\nconda_exe = \"/opt/micro mamba\"\n"));
    std::ofstream(env.file("listed.toml")) << r.out;
    config::Overrides overrides;
    overrides.config_file = env.file("listed.toml");
    const config::Config listed = config::load(overrides);
    CHECK(listed.warnings.empty());
    CHECK(listed.software_root == env.dir.path() / "sw");
    CHECK(listed.dataset_cache == "/data/cache");
    CHECK(listed.provider_options.at("pmp").at("conda_exe") == "/opt/micro mamba");
    CHECK(config::conda_prefix_for(listed, "ilamb") == "/envs");
    CHECK(config::conda_prefix_for(listed, "pmp") == env.dir.path() / "sw/conda");
    const auto settings = nlohmann::json::parse(config::provider_settings_json(listed, "pmp"));
    CHECK(settings["backend"] == "tool");
    CHECK(settings["conda_prefix"] == (env.dir.path() / "sw/conda").string());

    ScopedEnv software("REF_SOFTWARE_ROOT", "/from/env");
    CHECK(config::load(overrides).software_root == "/from/env");
    CHECK_THAT(env.error_of("[providers.pmp]\nextra = 1.5\n"), Catch::Contains("'providers.pmp.extra' must be a string"));
}

TEST_CASE("the redis executor's keys have defaults and come from the file and REF_ variables", "[config]") {
    CleanEnvironment env;
    ScopedEnv executor("REF_EXECUTOR", std::nullopt);
    ScopedEnv redis("REF_REDIS_URL", std::nullopt);
    ScopedEnv prefix("REF_QUEUE_PREFIX", std::nullopt);
    const config::Config defaults = config::load({});
    CHECK(defaults.redis_url == "redis://localhost:6379/1");
    CHECK(defaults.queue_prefix == "ref");
    CHECK(defaults.task_lease_seconds == 60);
    CHECK(defaults.max_deliveries == 3);

    const config::Config file = env.load("[executor]\nexecutor = \"redis\"\nredis_url = \"redis://:secret@queue:6380/2\"\n"
                                         "queue_prefix = \"site-a\"\ntask_lease = 30\nmax_deliveries = 5\n");
    CHECK(file.executor == "redis");
    CHECK(file.redis_url == "redis://:secret@queue:6380/2");
    CHECK(file.queue_prefix == "site-a");
    CHECK(file.task_lease_seconds == 30);
    CHECK(file.max_deliveries == 5);
    CHECK(file.warnings.empty());

    {
        ScopedEnv e("REF_EXECUTOR", "redis");
        ScopedEnv r("REF_REDIS_URL", " redis://other:6379/0 ");
        ScopedEnv p("REF_QUEUE_PREFIX", "site-b");
        const config::Config c = config::load({});
        CHECK(c.executor == "redis");
        CHECK(c.redis_url == "redis://other:6379/0");
        CHECK(c.queue_prefix == "site-b");
    }

    const std::string path = env.file().string();
    auto error_of = [&](const std::string& text) { return env.error_of(text); };
    CHECK(error_of("[executor]\nexecutor = \"celery\"\n") ==
          path + ": 'executor.executor': unknown executor 'celery' (expected \"local\", \"synchronous\" or \"redis\") "
                 "(line 2, column 12)");
    CHECK(error_of("[executor]\ntask_lease = 0.5\n") == path + ": 'executor.task_lease' must be a number of seconds >= 1");
    CHECK(error_of("[executor]\nmax_deliveries = 0\n") ==
          path + ": 'executor.max_deliveries' must be a whole number from 1 to 1000");
    CHECK(error_of("[executor]\nqueue_prefix = \"a*\"\n") ==
          path + ": 'executor.queue_prefix': queue prefix must be 1 to 64 characters without spaces or *?[]");
    std::ofstream(env.file()) << "";  // the file is fine; the variable is not
    ScopedEnv bad("REF_QUEUE_PREFIX", "has space");
    CHECK_THROWS_WITH(config::load({}), "REF_QUEUE_PREFIX: queue prefix must be 1 to 64 characters without spaces or *?[]");
}

TEST_CASE("config list shows the redis executor's keys with the password hidden", "[config][cli]") {
    CleanEnvironment env;
    std::ofstream(env.file()) << "[executor]\nredis_url = \"redis://:secret@queue:6380/2\"\ntask_lease = 30\n";
    const auto r = test::run_command("REF_REDIS_URL= " + test::engine_program().string() + " --config " +
                                     env.file().string() + " config list");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("redis_url = \"redis://:***@queue:6380/2\""));
    CHECK_THAT(r.out, !Catch::Contains("secret"));
    CHECK_THAT(r.out, Catch::Contains("\nqueue_prefix = \"ref\"\ntask_lease = 30\nmax_deliveries = 3\n"));
}
