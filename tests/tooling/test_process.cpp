#include "ref/tooling/process.hpp"
#include "tooling_test_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <chrono>

using namespace ref;
using ref::tooling_test::read_text;
using ref::tooling_test::ScratchDir;
using ref::tooling_test::write_script;

namespace {

// A host whose is_cancelled answers from a flag the test sets.
struct CancellingHost {
    static int32_t cancelled(void* context) { return *static_cast<bool*>(context) ? 1 : 0; }
    bool flag = false;
    ref_host_api api{sizeof(ref_host_api), REF_ABI_VERSION, &flag, nullptr, nullptr, &cancelled};
};

}  // namespace

TEST_CASE("a tool gets every argument unchanged, without a shell", "[tooling]") {
    ScratchDir dir;
    // printf writes each argument on its own line, exactly as received.
    const std::vector<std::string> hostile = {"a b", "it's", "\"q\"", "$(touch pwned)", "; rm -rf x", "`id`", "*", "ünï"};
    tooling::Command command;
    command.argv = {"printf", "%s\\n"};
    command.argv.insert(command.argv.end(), hostile.begin(), hostile.end());
    command.working_directory = dir.path();
    command.log_file = dir.path() / "tool.log";
    const auto result = tooling::run(command);
    REQUIRE(result.ok());
    std::string expected;
    for (const auto& h : hostile) expected += h + "\n";
    CHECK(read_text(command.log_file) == expected);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "pwned"));
}

TEST_CASE("a tool sees the environment overrides and runs in its working directory", "[tooling]") {
    ScratchDir dir;
    const auto script = write_script(dir.path() / "show-env", "echo \"$REF_TOOLING_PROBE|$HOME_PROBE|$(pwd)\"\n");
    tooling::Command command;
    command.argv = {script.string()};
    command.environment = {{"REF_TOOLING_PROBE", "value with spaces"}};
    command.unset_environment = {"HOME_PROBE"};
    command.working_directory = dir.path();
    command.log_file = dir.path() / "log";
    ::setenv("HOME_PROBE", "should be gone", 1);
    REQUIRE(tooling::run(command).ok());
    ::unsetenv("HOME_PROBE");
    CHECK(read_text(command.log_file) == "value with spaces||" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST_CASE("a failing tool gives its exit status and the tail of its log", "[tooling]") {
    ScratchDir dir;
    const auto script = write_script(dir.path() / "fails", "i=0; while [ $i -lt 50 ]; do echo line $i; i=$((i+1)); done; echo 'Error: no data' >&2; exit 3\n");
    tooling::Command command{{script.string()}, {}, {}, {}, dir.path() / "fails.log", 0};
    const auto result = tooling::run(command);
    CHECK(result.exit_code == 3);
    CHECK(tooling::describe(result) == "exited with status 3");
    try {
        tooling::run_checked(command, "the fake tool");
        FAIL("run_checked should throw");
    } catch (const plugin::DiagnosticError& e) {
        const std::string message = e.what();
        CHECK(message.find("the fake tool exited with status 3") == 0);
        CHECK(message.find("Error: no data") != std::string::npos);
        CHECK(message.find("line 49") != std::string::npos);
        CHECK(message.find("line 1\n") == std::string::npos);  // only the tail
    }
}

TEST_CASE("a program that does not exist is a system error naming it", "[tooling]") {
    tooling::Command command{{"ref-no-such-tool-anywhere", "x"}, {}, {}, {}, {}, 0};
    CHECK_THROWS_AS(tooling::run(command), plugin::SystemError);
    CHECK_THROWS_WITH(tooling::run(command), Catch::Contains("ref-no-such-tool-anywhere") && Catch::Contains("not found in PATH"));
    ScratchDir dir;
    std::ofstream(dir.path() / "not-executable") << "data";
    tooling::Command direct{{(dir.path() / "not-executable").string()}, {}, {}, {}, {}, 0};
    CHECK_THROWS_AS(tooling::run(direct), plugin::SystemError);
}

TEST_CASE("a tool killed by a signal or past its time limit is reported as such", "[tooling]") {
    ScratchDir dir;
    const auto crash = write_script(dir.path() / "crash", "kill -SEGV $$\n");
    auto result = tooling::run(tooling::Command{{crash.string()}, {}, {}, {}, {}, 0});
    CHECK(result.signal == SIGSEGV);
    CHECK(tooling::describe(result).find("signal 11") != std::string::npos);

    // The sleeping grandchild is in the tool's process group and goes too.
    const auto slow = write_script(dir.path() / "slow", "sleep 30 & sleep 30\n");
    const auto started = std::chrono::steady_clock::now();
    result = tooling::run(tooling::Command{{slow.string()}, {}, {}, {}, {}, 0.3});
    CHECK(result.timed_out);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("a cancelled execution stops its tool", "[tooling]") {
    ScratchDir dir;
    const auto slow = write_script(dir.path() / "slow", "sleep 30\n");
    CancellingHost cancelling;
    cancelling.flag = true;
    plugin::Host host(&cancelling.api);
    const auto result = tooling::run(tooling::Command{{slow.string()}, {}, {}, {}, {}, 0}, &host);
    CHECK(result.cancelled);
    CHECK_THROWS_AS(tooling::run_checked(tooling::Command{{slow.string()}, {}, {}, {}, {}, 0}, "slow", &host),
                    plugin::Cancelled);
}

TEST_CASE("display quotes only what needs quoting", "[tooling]") {
    CHECK(tooling::display({"esmvaltool", "run", "/a/recipe.yml"}) == "esmvaltool run /a/recipe.yml");
    CHECK(tooling::display({"x", "a b", "it's"}) == "x 'a b' 'it'\\''s'");
    CHECK(tooling::tail_of_file("/nonexistent/file").empty());
}
