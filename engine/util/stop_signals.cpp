#include "util/stop_signals.hpp"

#include <signal.h>

#include <atomic>

namespace ref::util {

namespace {

std::atomic<int> caught_signal{0};
void on_signal(int sig) { caught_signal.store(sig); }
struct sigaction old_int {}, old_term {};

}  // namespace

StopSignals::StopSignals() {
    caught_signal.store(0);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &old_int);
    ::sigaction(SIGTERM, &action, &old_term);
}

StopSignals::~StopSignals() {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
}

int StopSignals::caught() const { return caught_signal.load(); }

}  // namespace ref::util
