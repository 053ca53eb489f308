// ref-gen-data: writes the synthetic CMIP6/obs4MIPs test data tree.

#include <cstdio>
#include <exception>
#include <string>

#include "ref/datagen/default_tree.hpp"

namespace {

constexpr const char* usage =
    "Usage: ref-gen-data --output DIR\n"
    "\n"
    "Writes small synthetic CMIP6 and obs4MIPs netCDF files in the ESGF directory layout,\n"
    "whose area-weighted annual global means are known exactly, plus ready-made execution\n"
    "definitions (DIR/definitions) and the expected answers (DIR/expected).\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   folder to write into (created if missing; files are replaced)\n"
    "  -h, --help         show this help\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "ref-gen-data: %s\n\n%s", message.c_str(), usage);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string output;
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
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    if (output.empty()) return usage_error("missing --output DIR");
    try {
        const auto tree = ref::datagen::generate_default_tree(output);
        std::size_t files = 0;
        for (const auto& d : tree.datasets) files += d.files.size();
        std::printf("wrote %zu datasets (%zu data files) under %s\n", tree.datasets.size(), files, tree.root.c_str());
        for (const auto& d : tree.definitions) std::printf("definition: %s\n", d.c_str());
        std::printf("expected values: %s\n", tree.expected_values.c_str());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "ref-gen-data: %s\n", error.what());
        return 1;
    }
    return 0;
}
