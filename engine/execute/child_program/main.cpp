// ref-engine-child: the program an execution runs in. It does only what the child side of an
// isolated run needs (load one plugin, execute, report), so it starts in a fraction of the
// time the full ref-engine takes to load its dozens of libraries. `ref-engine
// __execute-child` does the same when this program is not installed beside ref-engine.
#include "execute/runner.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <unistd.h>

int main(int argc, char** argv) {
    std::string plugin, diagnostic;
    int control_fd = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "__execute-child") continue;  // the same arguments as `ref-engine __execute-child`
        if (i + 1 >= argc) break;
        const char* value = argv[++i];
        if (arg == "--plugin") plugin = value;
        else if (arg == "--diagnostic") diagnostic = value;
        else if (arg == "--control-fd") std::from_chars(value, value + std::strlen(value), control_fd);
    }
    if (plugin.empty() || diagnostic.empty() || control_fd < 0) {
        std::cerr << "usage: ref-engine-child --plugin FILE --diagnostic SLUG --control-fd FD\n"
                     "(started by ref-engine for each execution; not meant to be run by hand)\n";
        return 2;
    }
    int status = 2;
    try {
        status = ref::execute::child_main(plugin, diagnostic, control_fd);
    } catch (const std::exception& e) {
        std::cerr << "ref-engine-child: " << e.what() << '\n';
    }
#if !defined(__SANITIZE_ADDRESS__)
    // The result has been reported and every output file closed: leave without running the
    // plugin's and its libraries' exit handlers (HDF5's shutdown, static tables), a few
    // milliseconds of a small execution. Sanitizer builds exit normally for their leak check.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(status);
#endif
    return status;
}
