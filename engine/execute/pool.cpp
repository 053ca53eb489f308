// The pool: start children as slots free, one poll() over all their pipes, reap, limit, classify.
#include "execute/pool.hpp"
#include "results/json_file.hpp"
#include "results/metric_bundle.hpp"

#include "ref/plugin.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace ref::execute {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Limits beyond this are "none" (and would overflow the clock).
constexpr double kLongestLimitSeconds = 1e9;

Clock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// ---- one signal guard for every pool -------------------------------------------------------

static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");
std::atomic<int> g_signal_count{0};
std::atomic<int> g_last_signal{0};
int g_wake_read = -1, g_wake_write = -1;  // self-pipe: a signal on any thread wakes the poll()
std::mutex g_guard_mutex;
int g_armed_pools = 0;
struct sigaction g_old_int {}, g_old_term {};

extern "C" void ref_pool_on_stop_signal(int sig) {
    const int saved = errno;
    g_last_signal.store(sig);
    g_signal_count.fetch_add(1);
    if (g_wake_write >= 0) {
        [[maybe_unused]] const ssize_t n = ::write(g_wake_write, "!", 1);
    }
    errno = saved;
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string signal_text(int sig) {
    const char* description = strsignal(sig);
    std::string out = signal_name(sig);
    if (description) out += std::string(" (") + description + ")";
    return out;
}

// ---- descriptors ---------------------------------------------------------------------------

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { close_fd(fd_); }
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) close_fd(fd_), fd_ = other.release();
        return *this;
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

struct Pipe {
    Fd read, write;
    static Pipe make() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
        return Pipe{fds[0], fds[1]};
    }
    Pipe(int r, int w) : read(r), write(w) {}
};

// A child that died before reading its definition must not kill the engine with SIGPIPE
// (the test runner, unlike ref-engine's main, does not ignore it).
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    const ssize_t n = ::write(fd, data, size);
    const int error = errno;
    if (n < 0 && error == EPIPE) {
        const timespec no_wait{0, 0};
        ::sigtimedwait(&pipe_set, nullptr, &no_wait);  // drop the SIGPIPE this write raised
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = error;
    return n;
}

// ---- classification ------------------------------------------------------------------------

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
        std::error_code ec;
        if (!fs::is_regular_file(output_dir / rel, ec)) return std::string(key) + " file '" + rel.string() + "' was not written";
        json doc;
        try {
            doc = results::read_json_file(output_dir / rel, std::string(key) == "metric_bundle" ? "metric bundle" : key);
        } catch (const results::BundleError& e) {
            return e.what();
        }
        if (required && (!doc.is_object() || !doc.contains("DIMENSIONS") || !doc.contains("RESULTS")))
            return "metric bundle '" + rel.string() + "' lacks DIMENSIONS or RESULTS";
    }
    return std::nullopt;
}

// Splits what the child sends into JSON lines and dispatches them.
class ControlReader {
public:
    explicit ControlReader(const RunRequest& request) : request_(&request) {}
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
        if (auto it = message.find("log"); it != message.end() && request_->on_log) {
            request_->on_log(it->value("level", REF_LOG_INFO), it->value("message", ""));
        } else if (auto p = message.find("progress"); p != message.end() && request_->on_progress) {
            request_->on_progress(p->value("fraction", -1.0), p->value("message", ""));
        } else if (auto r = message.find("result"); r != message.end()) {
            result = *r;
        } else if (auto l = message.find("launch_error"); l != message.end() && l->is_string()) {
            launch_error = l->get<std::string>();
        }
    }
    const RunRequest* request_;
    std::string buffer_;
};

struct StopState {
    bool timed_out = false;
    bool interrupted = false;
    std::string why;  // of the interruption
};

RunOutcome classify(const RunRequest& request, const ControlReader& reader, int status, const StopState& stop,
                    const fs::path& output_dir) {
    RunOutcome out;
    out.outcome = Outcome::SystemError;
    // A run that delivered a good result and exited cleanly before the stop took effect is done:
    // its work is not thrown away.
    const bool finished_anyway = WIFEXITED(status) && WEXITSTATUS(status) == 0 && reader.result &&
                                 reader.result->value("status", REF_STATUS_INTERNAL_ERROR) == REF_STATUS_OK;
    if (stop.interrupted && !finished_anyway) {
        out.kind = FailureKind::Interrupted;
        out.message = "interrupted: " + stop.why + "; the run was stopped";
        return out;
    }
    if (stop.timed_out && !finished_anyway) {
        out.kind = FailureKind::TimedOut;
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g", request.timeout_seconds);
        out.message = std::string("timed out after ") + limit + " s; the run was stopped";
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

RunOutcome not_run(FailureKind kind, std::string message) {
    RunOutcome out;
    out.outcome = Outcome::SystemError;
    out.kind = kind;
    out.message = std::move(message);
    return out;
}

}  // namespace

// ---- one job -------------------------------------------------------------------------------

struct ProcessPool::Task {
    Job job;
    Clock::time_point submitted, started;
    pid_t pid = -1;
    int control = -1;  // read end of the child's JSON lines
    int input = -1;    // write end of its standard input, until the definition is written
    std::optional<Clock::time_point> control_closed;  // when the child closed its end (it is exiting)
    std::string definition;
    std::size_t written = 0;
    std::optional<ControlReader> reader;  // refers to job.request; the task never moves
    fs::path output_dir;
    Clock::time_point deadline = Clock::time_point::max();
    std::optional<Clock::time_point> kill_at;
    bool killed = false;
    StopState stop;
    RunOutcome outcome;

    Task() = default;
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        close_fd(control);
        close_fd(input);
    }
    bool stopping() const { return stop.timed_out || stop.interrupted; }
    // SIGTERM lets the plugin see is_cancelled() and its tools stop; SIGKILL follows the grace.
    void ask_to_stop(Clock::time_point now) {
        ::kill(-pid, SIGTERM);
        const double grace = job.request.cancel_grace_seconds;
        kill_at = now + to_duration(std::clamp(grace, 0.0, kLongestLimitSeconds));
    }
    void read_control() {
        char buffer[65536];
        const ssize_t n = ::read(control, buffer, sizeof buffer);
        if (n > 0) reader->feed(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            close_fd(control);
            control_closed = Clock::now();
        }
    }
    // After the child is gone: whatever is left, without waiting for a stray holder of the pipe.
    void drain_control() {
        char buffer[65536];
        while (control >= 0) {
            const ssize_t n = ::read(control, buffer, sizeof buffer);
            if (n > 0) reader->feed(buffer, static_cast<std::size_t>(n));
            else if (n < 0 && errno == EINTR) continue;
            else close_fd(control);
        }
    }
    void write_input() {
        const ssize_t n = write_without_sigpipe(input, definition.data() + written, definition.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == definition.size()) close_fd(input);
    }
};

// ---- the pool ------------------------------------------------------------------------------

ProcessPool::ProcessPool(std::size_t max_workers, FinishedCallback on_finished, StartedCallback on_started)
    : max_workers_(max_workers), on_finished_(std::move(on_finished)), on_started_(std::move(on_started)) {
    if (max_workers_ == 0) throw std::invalid_argument("a process pool needs at least one worker");
}

ProcessPool::~ProcessPool() {
    for (const auto& task : running_) {
        ::kill(-task->pid, SIGKILL);
        int status;
        while (::waitpid(task->pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    running_.clear();
    disarm();
}

void ProcessPool::arm() {
    if (armed_) return;
    std::lock_guard lock(g_guard_mutex);
    if (g_armed_pools++ == 0) {
        if (g_wake_read < 0) {
            int fds[2];
            if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) g_wake_read = fds[0], g_wake_write = fds[1];
        }
        struct sigaction action {};
        action.sa_handler = ref_pool_on_stop_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &g_old_int);
        ::sigaction(SIGTERM, &action, &g_old_term);
    }
    signals_at_arm_ = g_signal_count.load();
    armed_ = true;
}

void ProcessPool::disarm() {
    if (!armed_) return;
    check_signal();  // a signal that came with the last report still marks the pool interrupted
    std::lock_guard lock(g_guard_mutex);
    if (--g_armed_pools == 0) {
        ::sigaction(SIGINT, &g_old_int, nullptr);
        ::sigaction(SIGTERM, &g_old_term, nullptr);
    }
    armed_ = false;
}

void ProcessPool::check_signal() {
    if (!armed_) return;
    const int count = g_signal_count.load();
    if (count == signals_at_arm_) return;
    signals_at_arm_ = count;
    if (interrupt_signal_ == 0) {
        interrupt_signal_ = g_last_signal.load();
        begin_stop("the engine received " + signal_name(interrupt_signal_));
        return;
    }
    // Asked again while stopping: no more grace.
    for (const auto& task : running_) {
        if (task->killed) continue;
        task->killed = true;
        ::kill(-task->pid, SIGKILL);
    }
}

void ProcessPool::submit(Job job) {
    auto task = std::make_shared<Task>();
    task->job = std::move(job);
    task->submitted = Clock::now();
    ++submitted_;
    arm();
    if (stopped_) {
        finish_without_running(task, not_run(FailureKind::Interrupted, "cancelled before it started: " + stop_reason_));
        return;
    }
    queue_.push_back(std::move(task));
}

void ProcessPool::finish_without_running(const std::shared_ptr<Task>& task, RunOutcome outcome) {
    const auto now = Clock::now();
    outcome.usage.queue_seconds = seconds_between(task->submitted, now);
    task->outcome = std::move(outcome);
    events_.push_back({true, task});
}

void ProcessPool::start_queued() {
    while (!stopped_ && !queue_.empty() && running_.size() < max_workers_) {
        auto task = std::move(queue_.front());
        queue_.pop_front();
        start(task);
    }
}

void ProcessPool::start(const std::shared_ptr<Task>& task) {
    task->started = Clock::now();
    const double queued_for = seconds_between(task->submitted, task->started);
    const RunRequest& request = task->job.request;
    const auto launch_failed = [&](const std::string& why) {
        RunOutcome out = not_run(FailureKind::LaunchFailed, why);
        out.usage.queue_seconds = queued_for;
        out.usage.wall_seconds = seconds_between(task->started, Clock::now());
        task->outcome = std::move(out);
        events_.push_back({true, task});
    };

    // Everything that can fail before fork finishes this job only, never the pool.
    std::optional<Pipe> input, control;
    Fd log;
    try {
        auto dir = request.definition.find("output_directory");
        if (dir == request.definition.end() || !dir->is_string())
            throw std::invalid_argument("the execution definition has no output_directory");
        task->output_dir = dir->get<std::string>();
        prepare_output_directory(task->output_dir);
        if (request.provider_settings.empty()) {
            task->definition = request.definition.dump();
        } else {
            nlohmann::json definition = request.definition;
            definition["provider_settings"] = nlohmann::json::parse(request.provider_settings);
            task->definition = definition.dump();
        }
        const fs::path log_path = task->output_dir / "out.log";
        log = Fd(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
        if (log.get() < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + log_path.string());
        input.emplace(Pipe::make());
        control.emplace(Pipe::make());
    } catch (const std::exception& e) {
        launch_failed(e.what());
        return;
    }

    const std::vector<std::string> args{request.program.string(), "__execute-child", "--plugin",
                                        request.plugin_path.string(), "--diagnostic", request.diagnostic_slug,
                                        "--control-fd", "3"};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const rlim_t memory_bytes = static_cast<rlim_t>(request.memory_limit_mb) * 1024 * 1024;
    const int child_input = input->read.get(), child_log = log.get(), child_control = control->write.get();

    const pid_t parent = ::getpid();
    // vfork: the child borrows this process's memory until exec instead of copying its page
    // tables (a fifth of a queue worker's CPU with fork). The parent waits until the exec.
    // Signals stay blocked until the child has dropped this process's handlers, which would
    // otherwise run in the child on the shared memory.
    sigset_t all_signals, previous_mask;
    ::sigfillset(&all_signals);
    ::pthread_sigmask(SIG_SETMASK, &all_signals, &previous_mask);
    const pid_t pid = ::vfork();
    if (pid == 0) {
        // Only system calls until exec: nothing here may write this process's memory.
        for (int signal = 1; signal < NSIG; ++signal) {
            struct sigaction action {};
            if (::sigaction(signal, nullptr, &action) == 0 && action.sa_handler != SIG_DFL &&
                action.sa_handler != SIG_IGN) {
                action.sa_handler = SIG_DFL;
                action.sa_flags = 0;
                ::sigaction(signal, &action, nullptr);
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
        ::setpgid(0, 0);
        // A child outliving its runner (a worker killed with SIGKILL) would race the task's
        // next delivery for the same output folder: it dies with us instead.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) _exit(127);
        ::dup2(child_input, 0);
        ::dup2(child_log, 1);
        ::dup2(child_log, 2);
        ::dup2(child_control, 3);  // dup2 clears close-on-exec on the copies
        if (memory_bytes > 0) {
            rlimit limit{memory_bytes, memory_bytes};
            ::setrlimit(RLIMIT_AS, &limit);
        }
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    const int vfork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    if (pid < 0) {
        launch_failed(std::system_error(vfork_error, std::generic_category(), "vfork").what());
        return;
    }
    ::setpgid(pid, pid);  // also here, so a kill(-pid) right away cannot miss
    task->pid = pid;
    task->input = input->write.release();
    task->control = control->read.release();
    ::fcntl(task->input, F_SETFL, O_NONBLOCK);
    ::fcntl(task->control, F_SETFL, O_NONBLOCK);
    task->reader.emplace(request);
    task->outcome.usage.queue_seconds = queued_for;
    if (request.timeout_seconds > 0 && request.timeout_seconds < kLongestLimitSeconds)
        task->deadline = task->started + to_duration(request.timeout_seconds);
    running_.push_back(task);
    events_.push_back({false, task});
}

void ProcessPool::service(std::chrono::milliseconds max_wait) {
    using std::chrono::milliseconds;
    if (running_.empty()) return;  // nothing to wait for
    const auto now = Clock::now();
    auto wake = now + std::max(max_wait, milliseconds(0));
    if (!events_.empty() && !delivering_) wake = now;  // reports are waiting, or started jobs to announce
    std::vector<pollfd> fds;
    std::vector<Task*> owners;
    if (armed_ && g_wake_read >= 0) {
        fds.push_back({g_wake_read, POLLIN, 0});
        owners.push_back(nullptr);
    }
    for (const auto& task : running_) {
        // A child whose pipe just closed is about to exit: look again soon. One whose pipe a
        // stray process holds open is only noticed by wait4, so look at least every 100 ms.
        const bool exiting = task->control_closed && now - *task->control_closed < std::chrono::seconds(1);
        wake = std::min(wake, now + (exiting ? milliseconds(5) : milliseconds(100)));
        if (!task->stopping()) wake = std::min(wake, task->deadline);
        if (task->kill_at && !task->killed) wake = std::min(wake, *task->kill_at);
        if (task->control >= 0) fds.push_back({task->control, POLLIN, 0}), owners.push_back(task.get());
        if (task->input >= 0) fds.push_back({task->input, POLLOUT, 0}), owners.push_back(task.get());
    }
    const auto wait = std::chrono::ceil<milliseconds>(std::max(wake - now, Clock::duration::zero()));
    const int timeout = static_cast<int>(std::min<long long>(wait.count(), INT_MAX));
    if (::poll(fds.data(), fds.size(), timeout) <= 0) return;

    for (std::size_t i = 0; i < fds.size(); ++i) {
        const pollfd& p = fds[i];
        if (!p.revents) continue;
        Task* task = owners[i];
        if (!task) {
            char drained[64];
            while (::read(g_wake_read, drained, sizeof drained) > 0) {
            }
        } else if (p.fd == task->control && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            task->read_control();
        } else if (p.fd == task->input && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
            task->write_input();
        }
    }
}

void ProcessPool::reap_and_enforce() {
    for (std::size_t i = 0; i < running_.size();) {
        Task& task = *running_[i];
        int status = 0;
        rusage usage{};
        const pid_t done = ::wait4(task.pid, &status, WNOHANG, &usage);
        if (done == task.pid || (done < 0 && errno == ECHILD)) {
            const auto ended = Clock::now();
            ::kill(-task.pid, SIGKILL);  // anything the plugin left running in its process group
            task.drain_control();
            close_fd(task.input);
            RunOutcome out = classify(task.job.request, *task.reader, status, task.stop, task.output_dir);
            out.usage.queue_seconds = task.outcome.usage.queue_seconds;
            out.usage.wall_seconds = seconds_between(task.started, ended);
            out.usage.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
            out.usage.max_rss_kib = usage.ru_maxrss;
            task.outcome = std::move(out);
            events_.push_back({true, running_[i]});
            running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        const auto now = Clock::now();
        if (!task.stopping() && now >= task.deadline) {
            task.stop.timed_out = true;
            task.ask_to_stop(now);
        }
        if (task.kill_at && !task.killed && now >= *task.kill_at) {
            task.killed = true;
            ::kill(-task.pid, SIGKILL);
        }
        ++i;
    }
}

void ProcessPool::begin_stop(const std::string& why) {
    if (!stopped_) {
        stopped_ = true;
        stop_reason_ = why;
    }
    while (!queue_.empty()) {
        auto task = std::move(queue_.front());
        queue_.pop_front();
        finish_without_running(task, not_run(FailureKind::Interrupted, "cancelled before it started: " + why));
    }
    const auto now = Clock::now();
    for (const auto& task : running_) {
        if (task->stopping()) continue;  // a run already timing out stays a time-out
        task->stop.interrupted = true;
        task->stop.why = why;
        task->ask_to_stop(now);
    }
}

void ProcessPool::deliver() {
    if (delivering_) return;  // a callback stepped the pool: the outer loop reports in order
    delivering_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{delivering_};
    while (!events_.empty()) {
        Event event = std::move(events_.front());
        events_.pop_front();
        if (event.finished) {
            ++finished_;
            if (on_finished_) on_finished_(event.task->job, std::move(event.task->outcome));
        } else if (on_started_) {
            on_started_(event.task->job);
        }
    }
}

bool ProcessPool::step(std::chrono::milliseconds max_wait) {
    check_signal();
    start_queued();
    if (!has_work()) {
        disarm();
        return false;
    }
    service(max_wait);
    check_signal();
    reap_and_enforce();
    start_queued();  // before the reports, which may take a while
    deliver();
    if (!has_work()) {
        disarm();
        return false;
    }
    return busy();
}

void ProcessPool::drain(const ProgressCallback& on_progress, std::chrono::milliseconds interval) {
    auto next_report = Clock::now() + interval;
    std::size_t reported = finished_;
    while (busy()) {
        const auto until_report = std::chrono::duration_cast<std::chrono::milliseconds>(next_report - Clock::now());
        step(std::max(until_report, std::chrono::milliseconds(0)));
        if (!on_progress) continue;
        const auto now = Clock::now();
        if (finished_ != reported || now >= next_report) {
            reported = finished_;
            next_report = now + interval;
            on_progress(progress());
        }
    }
    if (!delivering_ && !has_work()) disarm();
}

void ProcessPool::stop_all(const std::string& why) {
    begin_stop(why);
    drain();
}

}  // namespace ref::execute
