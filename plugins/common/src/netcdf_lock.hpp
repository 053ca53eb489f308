#pragma once

#include <mutex>

namespace ref::science::detail {

// netCDF-C keeps global state and is not thread-safe: every call from this library holds this lock.
inline std::recursive_mutex& netcdf_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

using NetcdfLock = std::lock_guard<std::recursive_mutex>;

}  // namespace ref::science::detail
