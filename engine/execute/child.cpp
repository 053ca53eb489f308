// The child side of an isolated run: load one plugin, execute, report, exit.
#include "execute/runner.hpp"
#include "host/plugin_library.hpp"
#include "util/fd_io.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>

namespace ref::execute {

namespace {

volatile std::sig_atomic_t g_cancel_requested = 0;

extern "C" void on_stop_signal(int) { g_cancel_requested = 1; }

// JSON lines to the parent. Plugins may log from several threads.
class ControlChannel {
public:
    explicit ControlChannel(int fd) : fd_(fd) {}
    void send(const nlohmann::json& message) {
        const std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::lock_guard lock(mutex_);
        util::write_all(fd_, line);  // if the parent is gone there is nothing useful left to do
    }

private:
    int fd_;
    std::mutex mutex_;
};

const char* level_name(int32_t level) {
    if (level >= REF_LOG_ERROR) return "ERROR";
    if (level >= REF_LOG_WARNING) return "WARNING";
    if (level >= REF_LOG_INFO) return "INFO";
    return "DEBUG";
}

// One line of out.log (standard error of the child is that file).
void write_log_line(const char* level, const std::string& message) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    std::fprintf(stderr, "%sZ | %-7s | %s\n", stamp, level, message.c_str());
    std::fflush(stderr);
}

void host_log(void* context, int32_t level, const char* message) {
    const std::string text = message ? message : "";
    write_log_line(level_name(level), text);
    static_cast<ControlChannel*>(context)->send({{"log", {{"level", level}, {"message", text}}}});
}

void host_progress(void* context, double fraction, const char* message) {
    static_cast<ControlChannel*>(context)->send(
        {{"progress", {{"fraction", fraction}, {"message", message ? message : ""}}}});
}

int32_t host_is_cancelled(void*) { return g_cancel_requested ? 1 : 0; }

// Diagnostics allocate and free fields of megabytes again and again. glibc maps such blocks
// afresh and hands them back to the kernel when freed, so each new field pays for zeroed pages
// (a tenth of a small execution's time, a third of a large one's). This process lives for one
// execution: all blocks come from the heap and freed memory stays for reuse. The address-space
// limit still applies.
void keep_freed_memory() {
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

int child_main(const std::filesystem::path& plugin_path, const std::string& diagnostic_slug, int control_fd) {
    ::fcntl(control_fd, F_SETFD, FD_CLOEXEC);  // tools the plugin starts must not hold the channel open
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGINT, on_stop_signal);
    ControlChannel channel(control_fd);
    keep_freed_memory();

    // read(2) in blocks: a character-at-a-time std::cin costs more than the whole plugin load.
    std::string definition;
    char block[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, block, sizeof block);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        definition.append(block, static_cast<std::size_t>(n));
    }
    write_log_line("INFO", "execution of " + diagnostic_slug + " from " + plugin_path.string());
    write_log_line("INFO", "definition: " + definition);

    std::shared_ptr<const host::PluginLibrary> plugin;
    try {
        // The parent has validated the declaration already; building it again would cost
        // more than the rest of loading for a plugin with many diagnostics.
        plugin = host::PluginLibrary::open_for_execution(plugin_path);
    } catch (const std::exception& e) {
        write_log_line("ERROR", e.what());
        channel.send({{"launch_error", e.what()}});
        return 3;
    }

    ref_host_api host{};
    host.struct_size = sizeof(ref_host_api);
    host.abi_version = REF_ABI_VERSION;
    host.context = &channel;
    host.log = &host_log;
    host.progress = &host_progress;
    host.is_cancelled = &host_is_cancelled;

    const host::PluginCall call = plugin->execute(&host, diagnostic_slug, definition);
    write_log_line(call.ok() ? "INFO" : "ERROR",
                   call.ok() ? "execution finished" : "execution failed (" + host::status_name(call.status) + "): " + call.error);
    channel.send({{"result", {{"status", call.status}, {"payload", call.payload}, {"error", call.error}}}});
    return 0;
}

}  // namespace ref::execute
