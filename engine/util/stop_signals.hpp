// SIGINT and SIGTERM as a request to stop, not an immediate death: while an instance lives,
// they only set a flag the caller polls (system calls restart). The old handlers come back
// when it goes. One at a time per process.
#pragma once

namespace ref::util {

class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // The last SIGINT or SIGTERM received while installed, else 0.
    int caught() const;
};

}  // namespace ref::util
