#include "ref/tooling/digest.hpp"
#include "ref/tooling/quoting.hpp"
#include "tooling_test_support.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

using namespace ref;

TEST_CASE("yaml_quote round-trips any value through a YAML parser", "[tooling]") {
    const std::vector<std::string> values = {"plain", "a: b", "- x", "#comment", "it's", "\"dq\"", "back\\slash",
                                             "line\nbreak", "tab\there", "{flow}", "[x, y]", "&anchor *ref", "!tag",
                                             "null", "true", "1e3", "", "  spaced  ", "ünïcødé", "bell\x07"};
    for (const auto& value : values) {
        const std::string document = "key: " + tooling::yaml_quote(value) + "\n";
        INFO(document);
        const YAML::Node node = YAML::Load(document);
        CHECK(node["key"].as<std::string>() == value);
    }
}

TEST_CASE("python_quote and shell_quote escape what their readers would interpret", "[tooling]") {
    CHECK(tooling::python_quote("a'b\\c\nd") == "'a\\'b\\\\c\\nd'");
    CHECK(tooling::python_quote("$(x) ; `y`") == "'$(x) ; `y`'");
    CHECK(tooling::python_quote(std::string("nul\x01")) == "'nul\\x01'");
    CHECK(tooling::shell_quote("it's") == "'it'\\''s'");
}

TEST_CASE("digests match the published test vectors", "[tooling]") {
    CHECK(tooling::digest_hex("sha1", "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(tooling::digest_hex("sha256", "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(tooling::digest_hex("md5", "abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK_THROWS(tooling::digest_hex("crc32", "abc"));
    tooling_test::ScratchDir dir;
    std::ofstream(dir.path() / "f", std::ios::binary) << "abc";
    CHECK(tooling::file_digest_hex("sha256", dir.path() / "f") == tooling::digest_hex("sha256", "abc"));
    CHECK_THROWS_WITH(tooling::file_digest_hex("sha256", dir.path() / "missing"), Catch::Contains("missing"));
}
