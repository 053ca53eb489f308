// Running an external tool (esmvaltool, PMP drivers, ilamb) from a plugin: always an
// argument vector, never a shell, with its output kept in a log file for the diagnosis.
#pragma once

#include "ref/plugin.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ref::tooling {

struct Command {
    // argv[0] is a path, or a name looked up in PATH (of the overridden environment if set).
    std::vector<std::string> argv;
    std::filesystem::path working_directory;             // empty: the current one
    std::map<std::string, std::string> environment;      // set over the inherited environment
    std::vector<std::string> unset_environment;          // removed from the inherited environment
    std::filesystem::path log_file;                      // stdout and stderr are appended here; empty: discarded
    double timeout_seconds = 0;                          // <= 0: none (the engine has its own limit)
};

struct CommandResult {
    int exit_code = -1;       // when the program exited
    int signal = 0;           // when a signal ended it
    bool timed_out = false;
    bool cancelled = false;   // the engine asked the run to stop (host.cancelled())
    double wall_seconds = 0;
    bool ok() const { return exit_code == 0 && signal == 0 && !timed_out && !cancelled; }
};

// Starts the program and waits, polling `host` (may be null) for cancellation; the child and
// its descendants get SIGTERM, then SIGKILL after a grace period. A program that cannot be
// started (not found, not executable) throws plugin::SystemError naming it.
CommandResult run(const Command& command, const plugin::Host* host = nullptr);

// "exited with status 2", "was killed by signal 11 (Segmentation fault)", "timed out after 60 s".
std::string describe(const CommandResult& result);

// The last `lines` lines of a text file ("" when it cannot be read).
std::string tail_of_file(const std::filesystem::path& file, std::size_t lines = 30);

// Runs and throws plugin::DiagnosticError unless it succeeded:
// "<what> exited with status 1; last lines of <log>:\n...". Cancellation throws plugin::Cancelled.
CommandResult run_checked(const Command& command, const std::string& what, const plugin::Host* host = nullptr);

// The program's absolute path when `name` is found in `path_list` (PATH-style), else nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name, const std::string& path_list);

// The command line as one line for logs, each argument shell-quoted when it needs it
// (for people to read and paste; the program itself is never run through a shell).
std::string display(const std::vector<std::string>& argv);

}  // namespace ref::tooling
