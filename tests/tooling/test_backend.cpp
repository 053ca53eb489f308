// Backend selection: native, tool, or auto (the tool when its environment exists).
#include "ref/tooling/backend.hpp"
#include "tooling_test_support.hpp"

#include <catch2/catch.hpp>

using namespace ref;
using ref::tooling_test::ScratchDir;

namespace {

tooling::CondaEnvironmentSpec spec() { return {"demo", "environment.yml", "dependencies:\n  - python\n", {}}; }

plugin::json settings_with(const ScratchDir& dir, const std::string& backend) {
    plugin::json settings = {{"software_root", dir.path().string()}};
    if (!backend.empty()) settings["backend"] = backend;
    return settings;
}

}  // namespace

TEST_CASE("auto uses the native backend until the environment exists, then the tool", "[tooling][backend]") {
    ScratchDir dir;
    const tooling::CondaEnvironment env(spec(), settings_with(dir, ""));
    auto choice = tooling::choose_backend(settings_with(dir, ""), env, true, "ecs");
    CHECK(choice.backend == tooling::Backend::native);
    CHECK_THAT(choice.reason, Catch::Contains("does not exist"));
    std::filesystem::create_directories(env.path() / "conda-meta");
    choice = tooling::choose_backend(settings_with(dir, "auto"), env, true, "ecs");
    CHECK(choice.backend == tooling::Backend::tool);
    CHECK_THAT(choice.reason, Catch::Contains(env.path().string()));
}

TEST_CASE("an explicit backend wins over the environment's state", "[tooling][backend]") {
    ScratchDir dir;
    const tooling::CondaEnvironment env(spec(), settings_with(dir, ""));
    CHECK(tooling::choose_backend(settings_with(dir, "tool"), env, true, "ecs").backend == tooling::Backend::tool);
    std::filesystem::create_directories(env.path() / "conda-meta");
    CHECK(tooling::choose_backend(settings_with(dir, "native"), env, true, "ecs").backend == tooling::Backend::native);
}

TEST_CASE("a diagnostic without a native implementation uses the tool or says what to set", "[tooling][backend]") {
    ScratchDir dir;
    const tooling::CondaEnvironment env(spec(), settings_with(dir, ""));
    CHECK(tooling::choose_backend(settings_with(dir, ""), env, false, "fire").backend == tooling::Backend::tool);
    CHECK_THROWS_WITH(tooling::choose_backend(settings_with(dir, "native"), env, false, "fire"),
                      Catch::Contains("fire has no native implementation") && Catch::Contains("[providers.demo]"));
}

TEST_CASE("an unknown backend value is an error that names the allowed values", "[tooling][backend]") {
    ScratchDir dir;
    const tooling::CondaEnvironment env(spec(), settings_with(dir, ""));
    CHECK_THROWS_WITH(tooling::choose_backend(settings_with(dir, "fast"), env, true, "ecs"),
                      Catch::Contains("\"fast\"") && Catch::Contains("native, tool or auto"));
}
