// Reading a chunked HDF5 dataset chunk by chunk, decoding each chunk here.
#pragma once

#include <cstddef>
#include <vector>

#include <hdf5.h>

namespace ref::science::detail {

// Closes an HDF5 identifier when it leaves scope; a negative id (a failed call) is left alone.
struct Hdf5Handle {
    hid_t id;
    herr_t (*close)(hid_t);
    Hdf5Handle(hid_t handle, herr_t (*closer)(hid_t)) : id(handle), close(closer) {}
    Hdf5Handle(const Hdf5Handle&) = delete;
    Hdf5Handle& operator=(const Hdf5Handle&) = delete;
    ~Hdf5Handle() {
        if (id >= 0) close(id);
    }
};

// The chunk path saves HDF5's cost per chunk (1,800 one-step chunks of 6 x 12 doubles: 4.1 ms
// through H5Dread, 1.8 ms here) but decodes through a scratch buffer of its own: one large
// deflated chunk (120 x 96 x 192 floats) took 44 ms here against 36 ms through H5Dread.
// Below this many chunks there is little to save, and H5Dread keeps them.
inline constexpr std::size_t direct_chunk_read_minimum = 64;

// Reads the whole of `dataset` into `values` (row-major, as doubles) with one H5Dread_chunk per
// chunk, undoing deflate and shuffle here. Returns false, with `values` in an unspecified state,
// for anything it does not handle (a layout other than chunked, fewer chunks than
// `minimum_chunks`, a type other than little-endian IEEE floats and two's-complement integers,
// another filter, a chunk never written, a chunk that does not decode to its size): the caller
// then reads the dataset through H5Dread.
bool read_chunks_directly(hid_t dataset, std::vector<double>& values,
                          std::size_t minimum_chunks = direct_chunk_read_minimum);

}  // namespace ref::science::detail
