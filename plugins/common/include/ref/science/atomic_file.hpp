#pragma once

// Output files are written under a temporary name in the same folder and then renamed,
// so a crash never leaves a half-written result behind.

#include <filesystem>
#include <functional>
#include <string_view>

namespace ref::science {

// A fresh, unused temporary path next to `path` (same folder, so the rename is atomic).
std::filesystem::path temporary_sibling(const std::filesystem::path& path);

// Calls write(temporary) and renames the temporary over `path`. The temporary is removed
// if write throws or the rename fails. The parent folder is created when missing.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write);

void write_text_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace ref::science
