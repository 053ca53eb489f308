// Loading plugins: good ones load, each bad one is a clear error that names the
// file and the reason, and never stops the others from loading.
#include "host/registry.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace ref;
namespace fs = std::filesystem;

namespace {

const host::PluginProblem* problem_for(const host::PluginRegistry& registry, const std::string& file_name) {
    for (const auto& p : registry.problems())
        if (p.path.filename() == file_name) return &p;
    return nullptr;
}

}  // namespace

TEST_CASE("a provider written in plain C99 loads and declares its diagnostic", "[host]") {
    auto plugin = host::PluginLibrary::load(test::test_plugin("c99_provider"));
    CHECK(plugin->declaration().slug == "c99-demo");
    CHECK(plugin->abi_version() == REF_ABI_VERSION);
    REQUIRE(plugin->declaration().diagnostics.size() == 1);
    const auto& d = plugin->declaration().diagnostics[0];
    CHECK(d.slug == "count-files");
    REQUIRE(d.data_requirements.size() == 1);
    CHECK(d.data_requirements[0][0].source_type == solver::SourceType::Cmip6);
    CHECK_FALSE(plugin->supports_setup());
}

TEST_CASE("a plugin built against an older minor ABI version loads", "[host]") {
    auto plugin = host::PluginLibrary::load(test::test_plugin("older_minor_provider"));
    CHECK(REF_ABI_VERSION_MAJOR(plugin->abi_version()) == 1);
    CHECK(REF_ABI_VERSION_MINOR(plugin->abi_version()) == 0);
    CHECK(plugin->declaration().slug == "legacy");
    // Its table ends before the 1.1 setup slot, so the engine must not call it.
    CHECK_FALSE(plugin->supports_setup());
    const host::PluginCall call = plugin->setup(nullptr, "{}");
    CHECK(call.status == REF_STATUS_NOT_SUPPORTED);
}

TEST_CASE("a plugin of an unknown major ABI version is refused with a message naming the version", "[host]") {
    try {
        host::PluginLibrary::load(test::test_plugin("future_major_provider"));
        FAIL("the plugin was accepted");
    } catch (const host::PluginLoadError& e) {
        CHECK_THAT(e.reason(), Catch::Contains("major version 2"));
        CHECK_THAT(e.what(), Catch::Contains("future_major_provider.so"));
    }
}

TEST_CASE("bad plugins are clear errors and the good ones still load", "[host]") {
    test::TempDir tmp;
    const fs::path dir = test::plugin_folder(tmp.path() / "plugins",
                                             {"c99_provider", "no_entry_provider", "bad_json_provider",
                                              "bad_constraint_provider", "future_major_provider", "older_minor_provider"});
    std::ofstream(dir / "notes.so") << "this is a text file, not a shared object\n";
    std::ofstream(dir / "truncated.so") << "\x7f" "ELF";
    fs::copy_file(dir / "c99_provider.so", dir / "zz_duplicate.so");
    std::ofstream(dir / "README.txt") << "not a plugin and not named .so: ignored\n";

    host::PluginRegistry registry;
    registry.discover({dir, tmp.path() / "missing-folder"});

    REQUIRE(registry.plugins().size() == 2);
    CHECK(registry.find_provider("c99-demo") != nullptr);
    CHECK(registry.find_provider("legacy") != nullptr);
    CHECK(registry.problems().size() == 8);

    auto expect = [&](const std::string& file, const std::string& text) {
        INFO(file);
        const host::PluginProblem* p = problem_for(registry, file);
        REQUIRE(p != nullptr);
        CHECK_THAT(p->reason, Catch::Contains(text));
    };
    expect("no_entry_provider.so", "missing entry symbol 'ref_plugin_get_api'");
    expect("bad_json_provider.so", "declaration is not valid JSON");
    expect("bad_constraint_provider.so", "unknown constraint type 'teleport_datasets'");
    expect("bad_constraint_provider.so", "diagnostics[0].data_requirements[0][0].constraints[0].type");
    expect("future_major_provider.so", "major version 2");
    expect("notes.so", "not a shared object");
    expect("truncated.so", "cannot be loaded as a shared object");
    expect("zz_duplicate.so", "duplicate provider slug 'c99-demo'");
    expect("missing-folder", "does not exist");
}

TEST_CASE("diagnostics are found by their full slug", "[host]") {
    host::PluginRegistry registry;
    registry.load_file(test::test_plugin("misbehaving_provider"));
    REQUIRE(registry.problems().empty());
    auto found = registry.find_diagnostic("misbehaving/throws");
    REQUIRE(found.plugin != nullptr);
    CHECK(found.diagnostic->slug == "throws");
    CHECK(registry.find_diagnostic("misbehaving/nope").plugin == nullptr);
    CHECK(registry.find_diagnostic("nobody/throws").plugin == nullptr);
    CHECK(registry.find_diagnostic("no-slash").plugin == nullptr);
}
