// Outcome names, the output directory rules, and a single isolated run (a pool of one).
#include "execute/runner.hpp"

#include <unistd.h>

#include "execute/pool.hpp"

#include <stdexcept>

namespace ref::execute {

namespace fs = std::filesystem;

std::string to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::Succeeded: return "succeeded";
        case Outcome::DiagnosticError: return "diagnostic error";
        case Outcome::SystemError: return "system error";
    }
    return "unknown";
}

std::string to_string(FailureKind kind) {
    switch (kind) {
        case FailureKind::None: return "none";
        case FailureKind::PluginReported: return "plugin reported failure";
        case FailureKind::BadResult: return "unusable result";
        case FailureKind::Signal: return "crashed";
        case FailureKind::TimedOut: return "timed out";
        case FailureKind::NonZeroExit: return "exited without a result";
        case FailureKind::LaunchFailed: return "could not start";
        case FailureKind::Interrupted: return "interrupted";
    }
    return "unknown";
}

void check_output_directory(const fs::path& dir) {
    if (dir.empty() || !dir.is_absolute())
        throw std::invalid_argument("output_directory must be an absolute path, got '" + dir.string() + "'");
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec) && !fs::exists(dir / "out.log", ec))
        throw std::invalid_argument("output directory " + dir.string() +
                                    " exists, is not empty and holds no earlier run (no out.log); refusing to replace it");
}

void prepare_output_directory(const fs::path& dir) {
    check_output_directory(dir);
    fs::remove_all(dir);
    fs::create_directories(dir);
}

std::filesystem::path default_child_program() {
    static const std::filesystem::path program = [] {
        std::error_code ec;
        const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (!ec) {
            const auto child = self.parent_path() / "ref-engine-child";
            if (::access(child.c_str(), X_OK) == 0) return child;
        }
        return std::filesystem::path("/proc/self/exe");
    }();
    return program;
}

RunOutcome run_isolated(const RunRequest& request) {
    // Refusals are the caller's mistake and throw, as they always did; the pool checks again.
    check_output_directory(request.definition.at("output_directory").get<std::string>());
    RunOutcome outcome;
    ProcessPool pool(1, [&outcome](const Job&, RunOutcome finished) { outcome = std::move(finished); });
    pool.submit(Job{0, request});
    pool.drain();
    return outcome;
}

}  // namespace ref::execute
