// ref-gen-data: writes the synthetic CMIP6/CMIP7/obs4MIPs/obs4REF/PMP/ESMValTool test data tree.

#include <cstdio>
#include <exception>
#include <string>

#include "ref/datagen/default_tree.hpp"
#include "ref/datagen/experiments.hpp"

namespace {

constexpr const char* usage =
    "Usage: ref-gen-data --output DIR [--climate-sensitivity] [--bad-files BAD_DIR]\n"
    "\n"
    "Writes small synthetic netCDF files whose area-weighted annual global means are known\n"
    "exactly: CMIP6 and obs4MIPs in the ESGF directory layout, CMIP7 (MIP-DRS7), obs4REF,\n"
    "a PMP climatology and ESMValTool reference data, plus ready-made execution definitions\n"
    "(DIR/definitions) and the expected answers (DIR/expected).\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR        folder to write into (created if missing; files are replaced)\n"
    "  --climate-sensitivity   also write a CMIP6 climate-sensitivity set (piControl, abrupt-4xCO2,\n"
    "                          1pctCO2, esm-piControl, esm-1pctCO2 with fco2antt, esm-1pct-brch-1000PgC,\n"
    "                          historical and ssp245) with known ECS, TCR, TCRE, ZEC and warming-level\n"
    "                          years, and ESMValTool definitions, under DIR/climate-sensitivity\n"
    "  --bad-files BAD_DIR     also write files the ingest must reject (truncated, not netCDF,\n"
    "                          missing or wrong attributes) in valid DRS paths under BAD_DIR,\n"
    "                          which may be DIR; alone, only these are written\n"
    "  -h, --help              show this help\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "ref-gen-data: %s\n\n%s", message.c_str(), usage);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string output;
    std::string bad_files;
    bool climate_sensitivity = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (arg == "-o" || arg == "--output") {
            if (i + 1 >= argc) return usage_error("option " + arg + " needs a folder");
            output = argv[++i];
        } else if (arg.rfind("--output=", 0) == 0) {
            output = arg.substr(9);
        } else if (arg == "--climate-sensitivity") {
            climate_sensitivity = true;
        } else if (arg == "--bad-files") {
            if (i + 1 >= argc) return usage_error("option " + arg + " needs a folder");
            bad_files = argv[++i];
        } else if (arg.rfind("--bad-files=", 0) == 0) {
            bad_files = arg.substr(12);
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    if (output.empty() && bad_files.empty()) return usage_error("missing --output DIR");
    if (climate_sensitivity && output.empty()) return usage_error("--climate-sensitivity needs --output DIR");
    try {
        if (!output.empty()) {
            const auto tree = ref::datagen::generate_default_tree(output);
            std::size_t files = 0;
            for (const auto& d : tree.datasets) files += d.files.size();
            std::printf("wrote %zu datasets (%zu data files) under %s\n", tree.datasets.size(), files, tree.root.c_str());
            for (const auto& d : tree.definitions) std::printf("definition: %s\n", d.c_str());
            std::printf("expected values: %s\n", tree.expected_values.c_str());
            if (climate_sensitivity) {
                const auto set = ref::datagen::write_climate_sensitivity_set(tree.root / "climate-sensitivity");
                std::printf("wrote %zu climate-sensitivity files under %s (ECS %.6f K, TCR %.6f K)\n", set.files.size(),
                            set.root.c_str(), set.expected.ecs, set.expected.tcr);
                for (const auto& [slug, path] : set.definitions) std::printf("definition: %s\n", path.c_str());
            }
        }
        if (!bad_files.empty()) {
            for (const auto& bad : ref::datagen::write_bad_files(bad_files)) {
                std::printf("bad file (%s): %s\n", bad.name.c_str(), bad.path.c_str());
            }
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "ref-gen-data: %s\n", error.what());
        return 1;
    }
    return 0;
}
