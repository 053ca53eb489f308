#include "ref/science/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <unistd.h>

namespace ref::science {

std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
    static std::atomic<unsigned long> counter{0};
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) about "literal" + std::string at -O3.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter.fetch_add(1));
    return path.parent_path() / name;
}

void write_atomically(const std::filesystem::path& path,
                      const std::function<void(const std::filesystem::path&)>& write) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    const auto temporary = temporary_sibling(path);
    try {
        write(temporary);
        std::filesystem::rename(temporary, path);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw;
    }
}

void write_text_atomically(const std::filesystem::path& path, std::string_view content) {
    write_atomically(path, [&](const std::filesystem::path& temporary) {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(path.string() + ": cannot create file: " + std::strerror(errno));
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out) throw std::runtime_error(path.string() + ": write failed: " + std::strerror(errno));
    });
}

}  // namespace ref::science
