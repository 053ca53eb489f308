#pragma once

// Horizontal regridding between regular latitude-longitude grids.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "ref/science/grid.hpp"

namespace ref::science {

// A global grid of dlat x dlon degree cells: latitudes from -90 + dlat/2, longitudes from
// dlon/2 (PMP's 2.5x2.5 target grid for dlat = dlon = 2.5), with exact bounds.
LatLonGrid uniform_global_grid(double dlat, double dlon);

// Area-overlap (first-order conservative) regridding with regrid2 semantics: each target
// cell is the mean of the source cells it overlaps, weighted by the exact overlap of the
// lat/lon boxes (sin(lat) band times longitude overlap, longitudes compared modulo 360).
// Missing source cells are left out and the weights normalised by the valid overlap; a
// target cell without any valid overlap is NaN.
class ConservativeRegridder {
public:
    ConservativeRegridder(const LatLonGrid& source, const LatLonGrid& target);

    std::size_t source_cells() const { return source_cells_; }
    std::size_t target_cells() const { return target_cells_; }
    // One field [lat][lon] on the source grid -> the target grid.
    std::vector<double> apply(std::span<const double> source) const;
    // Several fields stored one after another ([step][cell]).
    std::vector<double> apply_steps(std::span<const double> source, std::size_t steps) const;

private:
    using Overlaps = std::vector<std::vector<std::pair<std::size_t, double>>>;  // target index -> (source index, weight)
    Overlaps lat_overlaps_, lon_overlaps_;  // lat_overlaps_ index source_rows_, not the grid's rows
    std::vector<std::size_t> source_rows_;  // the source rows that overlap any target row
    std::size_t source_nlon_ = 0, source_cells_ = 0, target_nlon_ = 0, target_cells_ = 0;
};

// Bilinear interpolation of a [lat][lon] field at the target cell centres; periodic in
// longitude, latitudes beyond the outermost source centres take the edge row. NaN at any
// of the four neighbours gives NaN.
std::vector<double> bilinear_interpolate(const LatLonGrid& source, std::span<const double> values,
                                         const LatLonGrid& target);

// The same interpolation with the neighbours and weights of every target cell worked out once,
// for many fields on the same pair of grids (e.g. one map per year).
class BilinearInterpolator {
public:
    BilinearInterpolator(const LatLonGrid& source, const LatLonGrid& target);
    std::vector<double> apply(std::span<const double> values) const;

private:
    struct Corners {
        std::size_t a_a, a_b, b_a, b_b;  // source cells at (lower lat, lower lon), ... (upper, upper)
        double fx, fy;
    };
    std::vector<Corners> corners_;  // one per target cell
    std::size_t source_cells_ = 0;
};

}  // namespace ref::science
