#include "hdf5_chunks.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include <zlib.h>

// Why: CMOR writes one time step per chunk, and H5Dread spends most of its time per chunk in
// HDF5's selection and free-list machinery (figures in hdf5_chunks.hpp). Reading each chunk's
// bytes and decoding them here keeps only the file read and the decompression.

namespace ref::science::detail {
namespace {

enum class Element { f32, f64, i8, u8, i16, u16, i32, u32, i64, u64 };

// The element types decoded here: exactly the standard little-endian ones, on a
// little-endian machine. Anything else (big-endian, odd precision or padding) is for HDF5.
std::optional<Element> plain_element(hid_t type) {
    if (std::endian::native != std::endian::little) return std::nullopt;
    const std::pair<hid_t, Element> known[] = {
        {H5T_IEEE_F32LE, Element::f32}, {H5T_IEEE_F64LE, Element::f64}, {H5T_STD_I8LE, Element::i8},
        {H5T_STD_U8LE, Element::u8},    {H5T_STD_I16LE, Element::i16},  {H5T_STD_U16LE, Element::u16},
        {H5T_STD_I32LE, Element::i32},  {H5T_STD_U32LE, Element::u32},  {H5T_STD_I64LE, Element::i64},
        {H5T_STD_U64LE, Element::u64},
    };
    for (const auto& [standard, element] : known) {
        if (H5Tequal(type, standard) > 0) return element;
    }
    return std::nullopt;
}

template <typename T>
void convert_run(const unsigned char* from, std::size_t count, double* to) {
    for (std::size_t i = 0; i < count; ++i) {
        T value;
        std::memcpy(&value, from + i * sizeof(T), sizeof(T));
        to[i] = static_cast<double>(value);
    }
}

void convert_run(Element element, const unsigned char* from, std::size_t count, double* to) {
    switch (element) {
        case Element::f32: return convert_run<float>(from, count, to);
        case Element::f64: return convert_run<double>(from, count, to);
        case Element::i8: return convert_run<std::int8_t>(from, count, to);
        case Element::u8: return convert_run<std::uint8_t>(from, count, to);
        case Element::i16: return convert_run<std::int16_t>(from, count, to);
        case Element::u16: return convert_run<std::uint16_t>(from, count, to);
        case Element::i32: return convert_run<std::int32_t>(from, count, to);
        case Element::u32: return convert_run<std::uint32_t>(from, count, to);
        case Element::i64: return convert_run<std::int64_t>(from, count, to);
        case Element::u64: return convert_run<std::uint64_t>(from, count, to);
    }
}

struct Filter {
    H5Z_filter_t id;
    std::size_t shuffle_element_size;  // shuffle only
};

// The dataset's filter pipeline in write order, or nothing when a filter is not decoded here.
std::optional<std::vector<Filter>> decodable_pipeline(hid_t creation) {
    const int count = H5Pget_nfilters(creation);
    if (count < 0) return std::nullopt;
    std::vector<Filter> pipeline;
    for (int i = 0; i < count; ++i) {
        unsigned flags = 0, config = 0;
        unsigned parameters[8] = {};
        std::size_t parameter_count = std::size(parameters);
        char name[64] = {};
        const H5Z_filter_t id = H5Pget_filter2(creation, static_cast<unsigned>(i), &flags, &parameter_count,
                                               parameters, sizeof name, name, &config);
        if (id == H5Z_FILTER_DEFLATE) {
            pipeline.push_back({id, 0});
        } else if (id == H5Z_FILTER_SHUFFLE && parameter_count >= 1 && parameters[0] > 0) {
            // HDF5 records the element size in the first parameter when the dataset is created.
            pipeline.push_back({id, parameters[0]});
        } else {
            return std::nullopt;  // fletcher32 (its checksum must be verified), szip, nbit, plugins...
        }
    }
    return pipeline;
}

// HDF5's shuffle stores byte 0 of every element, then byte 1, ...; trailing bytes that make
// no whole element stay where they are.
void unshuffle(const unsigned char* in, std::size_t bytes, std::size_t element_size, unsigned char* out) {
    const std::size_t count = bytes / element_size;
    if (element_size <= 1 || count <= 1) {
        std::memcpy(out, in, bytes);
        return;
    }
    for (std::size_t b = 0; b < element_size; ++b) {
        const unsigned char* plane = in + b * count;
        for (std::size_t i = 0; i < count; ++i) out[i * element_size + b] = plane[i];
    }
    std::memcpy(out + count * element_size, in + count * element_size, bytes - count * element_size);
}

}  // namespace

bool read_chunks_directly(hid_t dataset, std::vector<double>& values, std::size_t minimum_chunks) {
    const Hdf5Handle creation{H5Dget_create_plist(dataset), H5Pclose};
    if (creation.id < 0 || H5Pget_layout(creation.id) != H5D_CHUNKED) return false;
    unsigned options = 0;
    // Edge chunks left unfiltered would not say so in their filter mask.
    if (H5Pget_chunk_opts(creation.id, &options) < 0 || (options & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS) != 0) {
        return false;
    }
    const Hdf5Handle space{H5Dget_space(dataset), H5Sclose};
    if (space.id < 0) return false;
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 1 || rank > H5S_MAX_RANK) return false;
    const auto dims = static_cast<std::size_t>(rank);
    std::vector<hsize_t> extent(dims), chunk(dims);
    if (H5Sget_simple_extent_dims(space.id, extent.data(), nullptr) != rank) return false;
    if (H5Pget_chunk(creation.id, rank, chunk.data()) != rank) return false;
    std::size_t elements = 1, chunk_elements = 1, chunks = 1;
    for (std::size_t d = 0; d < dims; ++d) {
        if (chunk[d] == 0) return false;
        elements *= extent[d];
        chunk_elements *= chunk[d];
        chunks *= (extent[d] + chunk[d] - 1) / chunk[d];
    }
    if (elements != values.size() || elements == 0 || chunks < minimum_chunks) return false;

    const Hdf5Handle type{H5Dget_type(dataset), H5Tclose};
    if (type.id < 0) return false;
    const auto element = plain_element(type.id);
    if (!element) return false;
    const std::size_t element_size = H5Tget_size(type.id);
    const auto pipeline = decodable_pipeline(creation.id);
    if (!pipeline) return false;
    const std::size_t chunk_bytes = chunk_elements * element_size;
    // Deflate never stores more than about 0.1% over the data (else the chunk is kept unfiltered):
    // a larger stored size means a damaged index, left to HDF5 rather than allocated.
    const std::size_t most_stored = pipeline->empty() ? chunk_bytes : chunk_bytes + chunk_bytes / 256 + 64;

    std::vector<std::size_t> chunk_stride(dims, 1), value_stride(dims, 1);
    for (std::size_t d = dims - 1; d > 0; --d) {
        chunk_stride[d - 1] = chunk_stride[d] * chunk[d];
        value_stride[d - 1] = value_stride[d] * extent[d];
    }
    // Unfiltered doubles in chunks spanning every dimension but the first (CMOR's one time step
    // per chunk) already are their place in the output: they are read straight into it.
    bool whole_rows = pipeline->empty() && *element == Element::f64;
    for (std::size_t d = 1; d < dims; ++d) whole_rows = whole_rows && chunk[d] == extent[d];
    std::vector<unsigned char> stored, decoded[2];
    std::vector<hsize_t> origin(dims, 0), inside(dims), row(dims, 0);
    for (std::size_t c = 0; c < chunks; ++c) {
        hsize_t stored_bytes = 0;
        // A chunk never written has no storage (size 0): its fill values are HDF5's to supply.
        if (H5Dget_chunk_storage_size(dataset, origin.data(), &stored_bytes) < 0 || stored_bytes == 0 ||
            stored_bytes > most_stored) {
            return false;
        }
        if (whole_rows && origin[0] + chunk[0] <= extent[0]) {
            std::uint32_t skipped = 0;
            double* place = values.data() + origin[0] * value_stride[0];
            if (stored_bytes != chunk_bytes || H5Dread_chunk(dataset, H5P_DEFAULT, origin.data(), &skipped, place) < 0) {
                return false;
            }
            origin[0] += chunk[0];
            continue;
        }
        stored.resize(stored_bytes);
        std::uint32_t skipped = 0;  // bit i set: filter i was not applied to this chunk
        if (H5Dread_chunk(dataset, H5P_DEFAULT, origin.data(), &skipped, stored.data()) < 0) return false;

        // Undo the filters in reverse order, each into the buffer the previous one did not fill.
        const unsigned char* data = stored.data();
        std::size_t size = stored.size();
        int next = 0;
        for (std::size_t i = pipeline->size(); i-- > 0;) {
            if (i < 32 && (skipped & (std::uint32_t{1} << i)) != 0) continue;
            auto& out = decoded[next];
            out.resize(chunk_bytes);
            if ((*pipeline)[i].id == H5Z_FILTER_DEFLATE) {
                uLongf length = chunk_bytes;
                if (uncompress(out.data(), &length, data, size) != Z_OK || length != chunk_bytes) return false;
            } else {
                if (size != chunk_bytes) return false;
                unshuffle(data, size, (*pipeline)[i].shuffle_element_size, out.data());
            }
            data = out.data();
            size = chunk_bytes;
            next ^= 1;
        }
        if (size != chunk_bytes) return false;

        // Copy the part of the chunk inside the extent, one run along the last dimension at a time.
        std::size_t runs = 1;
        for (std::size_t d = 0; d < dims; ++d) {
            inside[d] = std::min<hsize_t>(chunk[d], extent[d] - origin[d]);
            if (d + 1 < dims) runs *= inside[d];
        }
        std::fill(row.begin(), row.end(), 0);
        for (std::size_t r = 0; r < runs; ++r) {
            std::size_t from = 0, to = origin[dims - 1];
            for (std::size_t d = 0; d + 1 < dims; ++d) {
                from += row[d] * chunk_stride[d];
                to += (origin[d] + row[d]) * value_stride[d];
            }
            convert_run(*element, data + from * element_size, inside[dims - 1], values.data() + to);
            for (std::size_t d = dims - 1; d-- > 0;) {
                if (++row[d] < inside[d]) break;
                row[d] = 0;
            }
        }

        // Next chunk in storage order: the last dimension fastest.
        for (std::size_t d = dims; d-- > 0;) {
            origin[d] += chunk[d];
            if (origin[d] < extent[d]) break;
            origin[d] = 0;
        }
    }
    return true;
}

}  // namespace ref::science::detail
