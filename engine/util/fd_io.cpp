#include "util/fd_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace ref::util {

bool write_all(int fd, std::string_view text) {
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace ref::util
