#include "ref/science/weights.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "ref/science/netcdf_file.hpp"

namespace ref::science {

Weights read_area_weights(const std::string& path, const std::string& variable) {
    const NetcdfFile file(path);
    Weights weights;
    weights.source = path + " (" + variable + ")";
    for (const auto& dim : file.dimensions(variable)) weights.shape.push_back(dim.size);
    weights.values = file.read(variable);
    for (double& w : weights.values) {
        if (!std::isfinite(w)) w = 0.0;
    }
    return weights;
}

Weights cos_lat_weights(std::span<const double> lat_degrees, std::size_t nlon) {
    Weights weights;
    weights.source = "cos(lat) weights";
    weights.shape = {lat_degrees.size(), nlon};
    weights.values.reserve(lat_degrees.size() * nlon);
    for (const double lat : lat_degrees) {
        const double w = std::isfinite(lat) ? std::max(0.0, std::cos(lat * std::numbers::pi / 180.0)) : 0.0;
        weights.values.insert(weights.values.end(), nlon, w);
    }
    return weights;
}

Weights cos_lat_weights(const std::string& path, const std::string& variable) {
    const NetcdfFile file(path);
    std::vector<Dimension> spatial;
    for (const auto& dim : file.dimensions(variable)) {
        if (dim.name != "time") spatial.push_back(dim);
    }
    const auto lat_dims = file.dimensions("lat");
    if (spatial.size() != 2 || lat_dims.size() != 1) {
        throw std::runtime_error(path + ": cos(lat) weights need '" + variable +
                                 "' on a regular grid with a 1-D 'lat' coordinate");
    }
    const auto lat = file.read("lat");
    Weights weights;
    if (spatial[0].name == lat_dims[0].name) {
        weights = cos_lat_weights(lat, spatial[1].size);
    } else if (spatial[1].name == lat_dims[0].name) {
        // Layout (x, lat): the latitude varies fastest.
        Weights by_lat = cos_lat_weights(lat, 1);
        weights.shape = {spatial[0].size, lat.size()};
        for (std::size_t i = 0; i < spatial[0].size; ++i) {
            weights.values.insert(weights.values.end(), by_lat.values.begin(), by_lat.values.end());
        }
    } else {
        throw std::runtime_error(path + ": variable '" + variable + "' is not laid out along the 'lat' dimension");
    }
    weights.source = path + " (cos(lat))";
    return weights;
}

void require_matching_shape(const Weights& weights, const Field& field) {
    if (weights.shape != field.spatial_shape) {
        const std::string where = field.files.empty() ? std::string("field") : field.files.front();
        throw std::runtime_error("weights " + weights.source + " have shape " + shape_text(weights.shape) +
                                 " but '" + field.variable + "' in " + where + " has spatial shape " +
                                 shape_text(field.spatial_shape));
    }
}

}  // namespace ref::science
