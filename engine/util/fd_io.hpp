// Writing to a pipe or file descriptor without losing bytes to short writes or signals.
#pragma once

#include <string_view>

namespace ref::util {

// Writes all of `text`, retrying after EINTR and short writes. Returns false when the
// descriptor refuses (e.g. the reader is gone); what was not written is dropped.
bool write_all(int fd, std::string_view text);

}  // namespace ref::util
