// The parent side of an isolated run: spawn, feed, watch, limit, classify.
#include "execute/runner.hpp"

#include "ref/plugin.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <optional>
#include <vector>

namespace ref::execute {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

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

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) { g_interrupted = 1; }

// While a run is watched, SIGINT and SIGTERM stop the run (not just this process,
// which would orphan the child's process group); the old handlers come back after.
class InterruptGuard {
public:
    InterruptGuard() {
        g_interrupted = 0;
        struct sigaction action {};
        action.sa_handler = on_interrupt;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &old_int_);
        ::sigaction(SIGTERM, &action, &old_term_);
    }
    ~InterruptGuard() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    struct sigaction old_int_ {}, old_term_ {};
};

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
        read = fds[0], write = fds[1];
    }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

std::string signal_text(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    const char* description = strsignal(sig);
    std::string out = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
    if (description) out += std::string(" (") + description + ")";
    return out;
}

// The bundles a result names must exist inside the output directory and be JSON objects.
std::optional<std::string> check_result(const json& result, const fs::path& output_dir) {
    if (!result.is_object()) return "result is not a JSON object";
    if (result.value("schema_version", 0) != REF_RESULT_SCHEMA_VERSION)
        return "result has an unsupported schema_version (expected " + std::to_string(REF_RESULT_SCHEMA_VERSION) + ")";
    if (!result.value("successful", false)) return "result does not say successful: true";
    const std::vector<std::pair<const char*, bool>> files{{"metric_bundle", true}, {"output_bundle", false}, {"series", false}};
    for (const auto& [key, required] : files) {
        auto it = result.find(key);
        if (it == result.end() || it->is_null()) {
            if (required) return std::string("result names no ") + key;
            continue;
        }
        if (!it->is_string()) return std::string(key) + " must be a file name";
        const fs::path rel(it->get<std::string>());
        if (rel.empty() || rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0)
            return std::string(key) + " '" + rel.string() + "' is not a path inside the output directory";
        std::ifstream in(output_dir / rel);
        if (!in) return std::string(key) + " file '" + rel.string() + "' was not written";
        json doc = json::parse(in, nullptr, false, true);
        if (doc.is_discarded()) return std::string(key) + " file '" + rel.string() + "' is not valid JSON";
        if (required && (!doc.is_object() || !doc.contains("DIMENSIONS") || !doc.contains("RESULTS")))
            return "metric bundle '" + rel.string() + "' lacks DIMENSIONS or RESULTS";
    }
    return std::nullopt;
}

// Splits what the child sends into JSON lines and dispatches them.
class ControlReader {
public:
    explicit ControlReader(const RunRequest& request) : request_(request) {}
    void feed(const char* data, std::size_t size) {
        buffer_.append(data, size);
        std::size_t start = 0, end;
        while ((end = buffer_.find('\n', start)) != std::string::npos) {
            handle(buffer_.substr(start, end - start));
            start = end + 1;
        }
        buffer_.erase(0, start);
    }
    std::optional<json> result;
    std::optional<std::string> launch_error;

private:
    void handle(const std::string& line) {
        json message = json::parse(line, nullptr, false);
        if (!message.is_object()) return;
        if (auto it = message.find("log"); it != message.end() && request_.on_log) {
            request_.on_log(it->value("level", REF_LOG_INFO), it->value("message", ""));
        } else if (auto p = message.find("progress"); p != message.end() && request_.on_progress) {
            request_.on_progress(p->value("fraction", -1.0), p->value("message", ""));
        } else if (auto r = message.find("result"); r != message.end()) {
            result = *r;
        } else if (auto l = message.find("launch_error"); l != message.end() && l->is_string()) {
            launch_error = l->get<std::string>();
        }
    }
    const RunRequest& request_;
    std::string buffer_;
};

RunOutcome classify(const RunRequest& request, const ControlReader& reader, int status, bool timed_out,
                    bool interrupted, const fs::path& output_dir) {
    RunOutcome out;
    out.outcome = Outcome::SystemError;
    if (interrupted) {
        out.kind = FailureKind::Interrupted;
        out.message = "interrupted: the engine was asked to stop, and stopped the run";
        return out;
    }
    if (timed_out) {
        out.kind = FailureKind::TimedOut;
        out.message = "timed out after " + std::to_string(static_cast<long long>(request.timeout_seconds)) +
                      " s; the run was stopped";
        return out;
    }
    if (WIFSIGNALED(status)) {
        out.kind = FailureKind::Signal;
        out.signal = WTERMSIG(status);
        out.message = "crashed: killed by " + signal_text(out.signal);
        if (out.signal == SIGKILL) out.message += "; likely out of memory (kernel OOM killer or a memory limit)";
        return out;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (reader.launch_error) {
        out.kind = FailureKind::LaunchFailed;
        out.message = "could not load the plugin in the child: " + *reader.launch_error;
        return out;
    }
    if (!reader.result) {
        out.kind = code == 127 ? FailureKind::LaunchFailed : FailureKind::NonZeroExit;
        out.message = code == 127 ? "could not start " + request.program.string()
                                  : "child exited with code " + std::to_string(code) + " without reporting a result";
        return out;
    }
    const json& r = *reader.result;
    out.plugin_status = r.value("status", REF_STATUS_INTERNAL_ERROR);
    if (out.plugin_status != REF_STATUS_OK) {
        out.kind = FailureKind::PluginReported;
        out.message = r.value("error", std::string("(no message)"));
        const bool system = out.plugin_status == REF_STATUS_SYSTEM_ERROR || out.plugin_status == REF_STATUS_CANCELLED;
        out.outcome = system ? Outcome::SystemError : Outcome::DiagnosticError;
        return out;
    }
    json payload = json::parse(r.value("payload", std::string()), nullptr, false);
    if (payload.is_discarded()) {
        out.outcome = Outcome::DiagnosticError;
        out.kind = FailureKind::BadResult;
        out.message = "the plugin returned a result that is not JSON";
        return out;
    }
    if (auto problem = check_result(payload, output_dir)) {
        out.outcome = Outcome::DiagnosticError;
        out.kind = FailureKind::BadResult;
        out.message = "unusable result: " + *problem;
        return out;
    }
    out.outcome = Outcome::Succeeded;
    out.result = std::move(payload);
    return out;
}

}  // namespace

RunOutcome run_isolated(const RunRequest& request) {
    const auto started = Clock::now();
    const fs::path output_dir = request.definition.at("output_directory").get<std::string>();
    if (output_dir.empty() || !output_dir.is_absolute())
        throw std::invalid_argument("output_directory must be an absolute path, got '" + output_dir.string() + "'");
    // Only an earlier run's output (it has out.log) is replaced: a mistyped
    // --output-directory must never delete somebody's data.
    std::error_code ec;
    if (fs::exists(output_dir, ec) && !fs::is_empty(output_dir, ec) && !fs::exists(output_dir / "out.log", ec))
        throw std::invalid_argument("output directory " + output_dir.string() +
                                    " exists, is not empty and holds no earlier run (no out.log); refusing to replace it");
    fs::remove_all(output_dir);
    fs::create_directories(output_dir);

    const std::string definition = request.definition.dump();
    const int log_fd = ::open((output_dir / "out.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + (output_dir / "out.log").string());
    Pipe input, control;

    const std::vector<std::string> args{request.program.string(), "__execute-child", "--plugin",
                                        request.plugin_path.string(), "--diagnostic", request.diagnostic_slug,
                                        "--control-fd", "3"};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const rlim_t memory_bytes = static_cast<rlim_t>(request.memory_limit_mb) * 1024 * 1024;

    InterruptGuard interrupt_guard;
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        // Only async-signal-safe calls until exec.
        ::setpgid(0, 0);
        ::dup2(input.read, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::dup2(control.write, 3);  // dup2 clears close-on-exec on the copies
        if (memory_bytes > 0) {
            rlimit limit{memory_bytes, memory_bytes};
            ::setrlimit(RLIMIT_AS, &limit);
        }
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    ::setpgid(pid, pid);
    int log_copy = log_fd;
    close_fd(log_copy);
    close_fd(input.read);
    close_fd(control.write);
    ::fcntl(input.write, F_SETFL, O_NONBLOCK);
    ::fcntl(control.read, F_SETFL, O_NONBLOCK);

    ControlReader reader(request);
    std::size_t written = 0;
    const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.timeout_seconds));
    std::optional<Clock::time_point> kill_at;
    bool timed_out = false, interrupted = false, killed = false, reaped = false;
    int status = 0;
    rusage usage{};
    char buffer[65536];

    while (!reaped) {
        std::vector<pollfd> fds;
        if (control.read >= 0) fds.push_back({control.read, POLLIN, 0});
        if (input.write >= 0) fds.push_back({input.write, POLLOUT, 0});
        ::poll(fds.data(), fds.size(), 100);

        for (const auto& p : fds) {
            if (p.fd == control.read && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
                const ssize_t n = ::read(control.read, buffer, sizeof buffer);
                if (n > 0) reader.feed(buffer, static_cast<std::size_t>(n));
                else if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(control.read);
            } else if (p.fd == input.write && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
                const ssize_t n = ::write(input.write, definition.data() + written, definition.size() - written);
                if (n > 0) written += static_cast<std::size_t>(n);
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == definition.size()) close_fd(input.write);
            }
        }

        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) reaped = true;
        const auto now = Clock::now();
        const bool stop_now = !timed_out && !interrupted && (now >= deadline || g_interrupted);
        if (!reaped && stop_now) {
            (g_interrupted ? interrupted : timed_out) = true;
            ::kill(-pid, SIGTERM);  // the plugin sees is_cancelled(); its tools get SIGTERM
            kill_at = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.cancel_grace_seconds));
        }
        if (!reaped && kill_at && !killed && now >= *kill_at) {
            killed = true;
            ::kill(-pid, SIGKILL);
        }
    }
    ::kill(-pid, SIGKILL);  // anything the plugin left running in its process group
    while (control.read >= 0) {
        const ssize_t n = ::read(control.read, buffer, sizeof buffer);
        if (n > 0) reader.feed(buffer, static_cast<std::size_t>(n));
        else close_fd(control.read);
    }
    close_fd(input.write);

    RunOutcome out = classify(request, reader, status, timed_out, interrupted, output_dir);
    out.usage.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    out.usage.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                            static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out.usage.max_rss_kib = usage.ru_maxrss;
    return out;
}

}  // namespace ref::execute
