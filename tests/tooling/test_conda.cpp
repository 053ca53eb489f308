// CondaEnvironment against a stand-in micromamba: a shell script that implements the two
// subcommands the plugins use (create, run), since real environments need the internet.
#include "ref/tooling/conda.hpp"
#include "tooling_test_support.hpp"

#include <catch2/catch.hpp>

using namespace ref;
using ref::tooling_test::read_text;
using ref::tooling_test::ScratchDir;
using ref::tooling_test::write_script;

namespace {

const char* kFakeMicromamba = R"(case "$1" in
create)
  # create --yes --file F --prefix P
  [ "$2" = --yes ] && [ "$3" = --file ] && [ "$5" = --prefix ] || { echo "bad create args: $*"; exit 2; }
  grep -q 'FAIL-SOLVE' "$4" && { echo "error: could not solve"; mkdir -p "$6"; exit 1; }
  mkdir -p "$6/conda-meta" "$6/bin"
  printf '#!/bin/sh\necho "pip $*" >> "%s/pip-installed"\n' "$6" > "$6/bin/pip"; chmod +x "$6/bin/pip"
  echo "created $6";;
run)
  [ "$2" = --prefix ] || { echo "bad run args: $*"; exit 2; }
  [ -d "$3/conda-meta" ] || { echo "no env at $3"; exit 3; }
  env="$3"; shift 3; PATH="$env/bin:$PATH" exec "$@";;
*) echo "unknown: $*"; exit 2;;
esac
)";

const ref_host_api kQuietHost{sizeof(ref_host_api), REF_ABI_VERSION, nullptr, nullptr, nullptr, nullptr};

tooling::CondaEnvironmentSpec spec(const std::string& text = "dependencies:\n  - python=3.11\n") {
    return {"demo", "environment.yml", text, {"git+https://example.org/pkg.git@abc"}};
}

}  // namespace

TEST_CASE("an environment's name is the provider and the hash of its definition", "[tooling][conda]") {
    const auto a = tooling::environment_hash(spec());
    CHECK(a.size() == 40);
    CHECK(a == tooling::environment_hash(spec()));
    CHECK(a != tooling::environment_hash(spec("dependencies:\n  - python=3.12\n")));
    auto no_pip = spec();
    no_pip.pip_packages.clear();
    CHECK(a != tooling::environment_hash(no_pip));
    const tooling::CondaEnvironment env(spec(), {{"software_root", "/opt/ref/software"}});
    CHECK(env.path() == std::filesystem::path("/opt/ref/software/conda/demo-" + a));
    const tooling::CondaEnvironment moved(spec(), {{"software_root", "/x"}, {"conda_prefix", "/envs"}});
    CHECK(moved.path() == std::filesystem::path("/envs/demo-" + a));
    CHECK(env.declaration()["name"] == "demo-" + a);
}

TEST_CASE("create makes the environment once; wrap runs commands inside it", "[tooling][conda]") {
    ScratchDir dir;
    const auto manager = write_script(dir.path() / "bin/micromamba", kFakeMicromamba);
    const plugin::json settings = {{"software_root", (dir.path() / "software").string()}, {"conda_exe", manager.string()}};
    const tooling::CondaEnvironment env(spec(), settings);
    CHECK_FALSE(env.exists());
    CHECK_THROWS_WITH(env.wrap(tooling::Command{{"python"}, {}, {}, {}, {}, 0}),
                      Catch::Contains("not installed") && Catch::Contains("providers setup --provider demo"));

    const plugin::Host host(&kQuietHost);
    const auto log = dir.path() / "setup.log";
    // The fake pip is a program inside the environment's bin, found through the manager's run.
    const auto report = env.create(host, log);
    CHECK(report["created"] == true);
    CHECK(env.exists());
    CHECK(read_text(log).find("created " + env.path().string()) != std::string::npos);
    CHECK(read_text(env.prefix() / (env.name() + ".environment.yml")) == spec().definition_text);
    CHECK(read_text(env.path() / "pip-installed") == "pip install --no-deps git+https://example.org/pkg.git@abc\n");
    CHECK(env.create(host, log)["created"] == false);  // idempotent

    const auto tool = write_script(dir.path() / "tool", "echo \"inside: $1\"\n");
    auto wrapped = env.wrap(tooling::Command{{tool.string(), "arg with space"}, {}, {}, {}, dir.path() / "tool.log", 0});
    CHECK(wrapped.argv == std::vector<std::string>{manager.string(), "run", "--prefix", env.path().string(), tool.string(),
                                                   "arg with space"});
    REQUIRE(tooling::run(wrapped).ok());
    CHECK(read_text(dir.path() / "tool.log") == "inside: arg with space\n");
}

TEST_CASE("a failed creation leaves no half environment behind", "[tooling][conda]") {
    ScratchDir dir;
    const auto manager = write_script(dir.path() / "micromamba", kFakeMicromamba);
    const tooling::CondaEnvironment env(spec("dependencies: [FAIL-SOLVE]\n"),
                                        {{"conda_prefix", (dir.path() / "envs").string()}, {"conda_exe", manager.string()}});
    const plugin::Host host(&kQuietHost);
    CHECK_THROWS_WITH(env.create(host, dir.path() / "setup.log"),
                      Catch::Contains("exited with status 1") && Catch::Contains("could not solve"));
    CHECK_FALSE(std::filesystem::exists(env.path()));
}

TEST_CASE("without micromamba or conda the error says how to install one", "[tooling][conda]") {
    ScratchDir dir;
    const char* old_path = std::getenv("PATH");
    const std::string saved = old_path ? old_path : "";
    ::setenv("PATH", (dir.path() / "empty").c_str(), 1);
    const tooling::CondaEnvironment env(spec(), {{"conda_prefix", (dir.path() / "envs").string()}});
    CHECK_FALSE(env.find_manager());
    CHECK_THROWS_WITH(env.manager(), Catch::Contains("install micromamba") && Catch::Contains("[providers.demo]") &&
                                         Catch::Contains((dir.path() / "envs/micromamba").string()));
    ::setenv("PATH", saved.c_str(), 1);
    const tooling::CondaEnvironment configured(spec(), {{"conda_exe", (dir.path() / "nope").string()}});
    CHECK_THROWS_WITH(configured.manager(), Catch::Contains("conda_exe"));
}
