// Tools run in their own process group, so a cancel or time-out reaches everything they start,
// and die with the plugin's process (PR_SET_PDEATHSIG) so nothing outlives an execution.
#include "ref/tooling/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace ref::tooling {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kGraceSeconds = 5;

std::string lookup(const std::map<std::string, std::string>& overrides, const std::string& name) {
    if (auto it = overrides.find(name); it != overrides.end()) return it->second;
    const char* value = std::getenv(name.c_str());
    return value ? value : "";
}

std::vector<std::string> environment_of(const Command& command) {
    std::set<std::string> dropped(command.unset_environment.begin(), command.unset_environment.end());
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        if (dropped.count(name) || command.environment.count(name)) continue;
        out.push_back(entry);
    }
    for (const auto& [name, value] : command.environment)
        if (!dropped.count(name)) out.push_back(name + "=" + value);
    return out;
}

bool is_executable_file(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Sends `signal` to the whole process group of the tool.
void signal_group(pid_t pid, int signal) { ::kill(-pid, signal); }

}  // namespace

std::optional<fs::path> find_program(const std::string& name, const std::string& path_list) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string::npos) {
        if (is_executable_file(name)) return fs::absolute(name);
        return std::nullopt;
    }
    std::stringstream parts(path_list);
    std::string dir;
    while (std::getline(parts, dir, ':')) {
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (is_executable_file(candidate)) return fs::absolute(candidate);
    }
    return std::nullopt;
}

std::string display(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& arg : argv) {
        if (!out.empty()) out += ' ';
        const bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "0123456789-_./=:,+@%") == std::string::npos;
        if (plain) {
            out += arg;
        } else {
            out += '\'';
            for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
            out += '\'';
        }
    }
    return out;
}

CommandResult run(const Command& command, const plugin::Host* host) {
    if (command.argv.empty()) throw plugin::Error(REF_STATUS_INTERNAL_ERROR, "a tool command has no program");
    const std::string& program_name = command.argv.front();
    const auto program = find_program(program_name, lookup(command.environment, "PATH"));
    if (!program) {
        throw plugin::SystemError("cannot run '" + program_name + "': " +
                                  (program_name.find('/') != std::string::npos ? "no executable file at that path"
                                                                               : "not found in PATH"));
    }
    if (!command.working_directory.empty() && !fs::is_directory(command.working_directory))
        throw plugin::SystemError("cannot run '" + program_name + "': working directory " +
                                  command.working_directory.string() + " does not exist");

    // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
    std::vector<std::string> env = environment_of(command);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = command.argv;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string exe = program->string();
    const std::string cwd = command.working_directory.string();

    int log_fd = -1;
    if (!command.log_file.empty()) {
        log_fd = ::open(command.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0)
            throw plugin::SystemError("cannot open the log file " + command.log_file.string() + ": " + std::strerror(errno));
    }
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        if (log_fd >= 0) ::close(log_fd);
        throw plugin::SystemError(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const auto started = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(report[0]), ::close(report[1]);
        if (log_fd >= 0) ::close(log_fd);
        throw plugin::SystemError(std::string("cannot start '") + program_name + "': " + std::strerror(err));
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int in = ::open("/dev/null", O_RDONLY);
        if (in >= 0) ::dup2(in, STDIN_FILENO);
        int out = log_fd >= 0 ? log_fd : ::open("/dev/null", O_WRONLY);
        if (out >= 0) ::dup2(out, STDOUT_FILENO), ::dup2(out, STDERR_FILENO);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
            int err = errno;
            (void)!::write(report[1], &err, sizeof err);
            ::_exit(127);
        }
        ::execve(exe.c_str(), argv.data(), envp.data());
        int err = errno;
        (void)!::write(report[1], &err, sizeof err);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here, so the group exists before we might signal it
    ::close(report[1]);
    if (log_fd >= 0) ::close(log_fd);
    int exec_errno = 0;
    const ssize_t got = ::read(report[0], &exec_errno, sizeof exec_errno);
    ::close(report[0]);
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        ::waitpid(pid, nullptr, 0);
        throw plugin::SystemError("cannot start '" + program_name + "' (" + exe + "): " + std::strerror(exec_errno));
    }

    CommandResult result;
    std::optional<Clock::time_point> stop_sent;
    auto delay = std::chrono::milliseconds(5);
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
            break;
        }
        if (done < 0 && errno != EINTR) break;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        if (!stop_sent) {
            if (host && host->cancelled()) result.cancelled = true;
            else if (command.timeout_seconds > 0 && elapsed > command.timeout_seconds) result.timed_out = true;
            if (result.cancelled || result.timed_out) {
                signal_group(pid, SIGTERM);
                stop_sent = Clock::now();
            }
        } else if (std::chrono::duration<double>(Clock::now() - *stop_sent).count() > kGraceSeconds) {
            signal_group(pid, SIGKILL);
        }
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(200));
    }
    signal_group(pid, SIGKILL);  // leftovers of the tool (daemons, workers) go with it
    result.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

std::string describe(const CommandResult& result) {
    if (result.cancelled) return "was stopped because the execution was cancelled";
    if (result.timed_out) {
        std::ostringstream out;
        out << "timed out after " << static_cast<long>(result.wall_seconds) << " s";
        return out.str();
    }
    if (result.signal != 0)
        return "was killed by signal " + std::to_string(result.signal) + " (" + strsignal(result.signal) + ")";
    return "exited with status " + std::to_string(result.exit_code);
}

std::string tail_of_file(const fs::path& file, std::size_t lines) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    // Only the end of a large log is read.
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(in.tellg());
    const std::streamoff window = 64 * 1024;
    in.seekg(size > window ? size - window : 0);
    std::deque<std::string> kept;
    std::string line;
    while (std::getline(in, line)) {
        kept.push_back(line);
        if (kept.size() > lines) kept.pop_front();
    }
    std::string out;
    for (const auto& l : kept) out += l + "\n";
    return out;
}

CommandResult run_checked(const Command& command, const std::string& what, const plugin::Host* host) {
    if (host) host->info("running " + display(command.argv));
    CommandResult result = run(command, host);
    if (result.cancelled) throw plugin::Cancelled();
    if (!result.ok()) {
        std::string message = what + " " + describe(result);
        if (!command.log_file.empty()) {
            const std::string tail = tail_of_file(command.log_file);
            message += tail.empty() ? "; its log " + command.log_file.string() + " is empty"
                                    : "; last lines of " + command.log_file.string() + ":\n" + tail;
        }
        throw plugin::DiagnosticError(message);
    }
    return result;
}

}  // namespace ref::tooling
