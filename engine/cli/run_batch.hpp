// The hidden `__run-batch FILE` command: the background half of `solve --no-wait`.
#pragma once

#include "config/config.hpp"

#include <filesystem>

namespace ref::cli {

// Runs and records every execution of a batch file, then deletes it. Returns the exit code.
int run_batch(const std::filesystem::path& file, const config::Overrides& overrides);

}  // namespace ref::cli
