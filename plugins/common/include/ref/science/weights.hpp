#pragma once

// Cell weights for spatial means: cell areas from fx files or cos(latitude).

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ref/science/field.hpp"

namespace ref::science {

struct Weights {
    std::string source;  // where the weights came from, for error messages
    std::vector<std::size_t> shape;
    std::vector<double> values;  // C order, never NaN
};

// Reads e.g. areacella/areacello from an fx file; missing cells get weight 0.
Weights read_area_weights(const std::string& path, const std::string& variable);

// cos(latitude) for every cell of a nlat x nlon grid.
Weights cos_lat_weights(std::span<const double> lat_degrees, std::size_t nlon);

// cos(latitude) from the 1-D `lat` coordinate of `path`, laid out like `variable`'s
// spatial dimensions (which must be lat and one other dimension, in either order).
Weights cos_lat_weights(const std::string& path, const std::string& variable);

// Throws std::runtime_error naming both sources when the shapes differ.
void require_matching_shape(const Weights& weights, const Field& field);

}  // namespace ref::science
