#include "ref/science/regrid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace ref::science {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double degree = std::numbers::pi / 180.0;

void require_bounds(const LatLonGrid& grid, const char* which) {
    if (grid.lat.empty() || grid.lon.empty() || grid.lat_bounds.size() != 2 * grid.lat.size() ||
        grid.lon_bounds.size() != 2 * grid.lon.size())
        throw std::invalid_argument(std::string("regridding: the ") + which + " grid has no complete lat/lon bounds");
}

std::pair<double, double> ordered(double a, double b) { return {std::min(a, b), std::max(a, b)}; }

// Overlap weight of latitude bands: difference of sin(lat) over the common band.
std::vector<std::vector<std::pair<std::size_t, double>>> lat_overlaps(const LatLonGrid& source, const LatLonGrid& target) {
    std::vector<std::vector<std::pair<std::size_t, double>>> out(target.lat.size());
    for (std::size_t i = 0; i < target.lat.size(); ++i) {
        const auto [ts, tn] = ordered(target.lat_bounds[2 * i], target.lat_bounds[2 * i + 1]);
        for (std::size_t j = 0; j < source.lat.size(); ++j) {
            const auto [ss, sn] = ordered(source.lat_bounds[2 * j], source.lat_bounds[2 * j + 1]);
            const double south = std::max(ts, ss), north = std::min(tn, sn);
            if (north > south) out[i].emplace_back(j, std::sin(north * degree) - std::sin(south * degree));
        }
    }
    return out;
}

// Overlap length in degrees of longitude boxes, the source box shifted by whole turns.
std::vector<std::vector<std::pair<std::size_t, double>>> lon_overlaps(const LatLonGrid& source, const LatLonGrid& target) {
    std::vector<std::vector<std::pair<std::size_t, double>>> out(target.lon.size());
    for (std::size_t i = 0; i < target.lon.size(); ++i) {
        const auto [tw, te] = ordered(target.lon_bounds[2 * i], target.lon_bounds[2 * i + 1]);
        for (std::size_t j = 0; j < source.lon.size(); ++j) {
            auto [sw, se] = ordered(source.lon_bounds[2 * j], source.lon_bounds[2 * j + 1]);
            // Bring the source box to the first turn at or east of the target's west edge minus a turn.
            const double shift = std::floor((tw - sw) / 360.0) * 360.0;
            sw += shift;
            se += shift;
            double total = 0.0;
            for (int turn = 0; turn < 3; ++turn, sw += 360.0, se += 360.0) {
                const double west = std::max(tw, sw), east = std::min(te, se);
                if (east > west) total += east - west;
            }
            if (total > 0.0) out[i].emplace_back(j, total);
        }
    }
    return out;
}

// Fractional index of `x` among ascending centres, clamped to the ends.
std::pair<std::size_t, double> bracket(const std::vector<double>& centres, double x) {
    if (centres.size() == 1 || x <= centres.front()) return {0, 0.0};
    if (x >= centres.back()) return {centres.size() - 2, 1.0};
    const auto it = std::upper_bound(centres.begin(), centres.end(), x);
    const std::size_t hi = static_cast<std::size_t>(it - centres.begin());
    const std::size_t lo = hi - 1;
    return {lo, (x - centres[lo]) / (centres[hi] - centres[lo])};
}

}  // namespace

LatLonGrid uniform_global_grid(double dlat, double dlon) {
    if (!(dlat > 0.0) || !(dlon > 0.0)) throw std::invalid_argument("uniform_global_grid: spacings must be positive");
    const auto nlat = static_cast<std::size_t>(std::lround(180.0 / dlat));
    const auto nlon = static_cast<std::size_t>(std::lround(360.0 / dlon));
    LatLonGrid grid;
    for (std::size_t i = 0; i < nlat; ++i) {
        const double south = -90.0 + dlat * static_cast<double>(i);
        grid.lat.push_back(south + dlat / 2.0);
        grid.lat_bounds.push_back(south);
        grid.lat_bounds.push_back(std::min(90.0, south + dlat));
    }
    for (std::size_t i = 0; i < nlon; ++i) {
        const double west = dlon * static_cast<double>(i);
        grid.lon.push_back(west + dlon / 2.0);
        grid.lon_bounds.push_back(west);
        grid.lon_bounds.push_back(west + dlon);
    }
    return grid;
}

ConservativeRegridder::ConservativeRegridder(const LatLonGrid& source, const LatLonGrid& target) {
    require_bounds(source, "source");
    require_bounds(target, "target");
    lat_overlaps_ = lat_overlaps(source, target);
    lon_overlaps_ = lon_overlaps(source, target);
    // Only source rows some target row overlaps are summed; the latitude lists index them.
    std::vector<std::size_t> row_index(source.lat.size(), source.lat.size());
    for (auto& overlaps : lat_overlaps_)
        for (auto& [row, weight] : overlaps) {
            if (row_index[row] == source.lat.size()) {
                row_index[row] = source_rows_.size();
                source_rows_.push_back(row);
            }
            row = row_index[row];
        }
    source_nlon_ = source.lon.size();
    source_cells_ = source.cell_count();
    target_nlon_ = target.lon.size();
    target_cells_ = target.cell_count();
}

std::vector<double> ConservativeRegridder::apply(std::span<const double> source) const {
    if (source.size() != source_cells_)
        throw std::invalid_argument("regridding: " + std::to_string(source.size()) + " values for a grid of " +
                                    std::to_string(source_cells_) + " cells");
    // The weights are products of a latitude and a longitude factor, so the sums separate: first
    // along longitude within each source row (valid values and their weights), then along latitude.
    // Each target cell costs its few overlaps per axis, normalised by its own valid overlap.
    const std::size_t nlon = target_nlon_;
    std::vector<double> row_sum(source_rows_.size() * nlon), row_weight(source_rows_.size() * nlon);
    for (std::size_t r = 0; r < source_rows_.size(); ++r) {
        const double* values = source.data() + source_rows_[r] * source_nlon_;
        for (std::size_t k = 0; k < nlon; ++k) {
            double sum = 0.0, weight = 0.0;
            for (const auto& [sk, wlon] : lon_overlaps_[k]) {
                const double v = values[sk];
                const bool valid = std::isfinite(v);
                sum += valid ? wlon * v : 0.0;
                weight += valid ? wlon : 0.0;
            }
            row_sum[r * nlon + k] = sum;
            row_weight[r * nlon + k] = weight;
        }
    }
    std::vector<double> out(target_cells_, nan), sum(nlon), weight(nlon);
    for (std::size_t i = 0; i < lat_overlaps_.size(); ++i) {
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(weight.begin(), weight.end(), 0.0);
        for (const auto& [r, wlat] : lat_overlaps_[i]) {
            const double* rs = row_sum.data() + r * nlon;
            const double* rw = row_weight.data() + r * nlon;
            for (std::size_t k = 0; k < nlon; ++k) {
                sum[k] += wlat * rs[k];
                weight[k] += wlat * rw[k];
            }
        }
        for (std::size_t k = 0; k < nlon; ++k)
            if (weight[k] > 0.0) out[i * nlon + k] = sum[k] / weight[k];
    }
    return out;
}

std::vector<double> ConservativeRegridder::apply_steps(std::span<const double> source, std::size_t steps) const {
    if (source.size() != steps * source_cells_)
        throw std::invalid_argument("regridding: " + std::to_string(source.size()) + " values are not " +
                                    std::to_string(steps) + " fields of " + std::to_string(source_cells_) + " cells");
    std::vector<double> out;
    out.reserve(steps * target_cells_);
    for (std::size_t t = 0; t < steps; ++t) {
        const auto one = apply(source.subspan(t * source_cells_, source_cells_));
        out.insert(out.end(), one.begin(), one.end());
    }
    return out;
}

std::vector<double> bilinear_interpolate(const LatLonGrid& source, std::span<const double> values,
                                         const LatLonGrid& target) {
    if (values.size() != source.cell_count())
        throw std::invalid_argument("bilinear interpolation: " + std::to_string(values.size()) +
                                    " values for a grid of " + std::to_string(source.cell_count()) + " cells");
    return BilinearInterpolator(source, target).apply(values);
}

BilinearInterpolator::BilinearInterpolator(const LatLonGrid& source, const LatLonGrid& target)
    : source_cells_(source.cell_count()) {
    if (source.lat.empty() || source.lon.empty()) throw std::invalid_argument("bilinear interpolation: empty source grid");
    // Ascending latitude order, remembering the stored rows.
    std::vector<std::size_t> lat_order(source.lat.size());
    for (std::size_t i = 0; i < lat_order.size(); ++i) lat_order[i] = i;
    std::sort(lat_order.begin(), lat_order.end(), [&](std::size_t a, std::size_t b) { return source.lat[a] < source.lat[b]; });
    std::vector<double> lats;
    for (const auto i : lat_order) lats.push_back(source.lat[i]);
    // Longitudes as offsets east of the first source centre, ascending.
    const double lon0 = source.lon.front();
    std::vector<std::size_t> lon_order(source.lon.size());
    for (std::size_t i = 0; i < lon_order.size(); ++i) lon_order[i] = i;
    auto east_of_first = [&](double lon) { return std::fmod(std::fmod(lon - lon0, 360.0) + 360.0, 360.0); };
    std::sort(lon_order.begin(), lon_order.end(),
              [&](std::size_t a, std::size_t b) { return east_of_first(source.lon[a]) < east_of_first(source.lon[b]); });
    std::vector<double> lons;
    for (const auto i : lon_order) lons.push_back(east_of_first(source.lon[i]));
    const std::size_t nlon = source.lon.size();

    // The longitude neighbours are the same for every target row.
    struct LonBracket {
        std::size_t oa, ob;
        double fx;
    };
    std::vector<LonBracket> lon_brackets;
    for (const double target_lon : target.lon) {
        const double x = east_of_first(target_lon);
        LonBracket b{0, 0, 0.0};
        if (nlon == 1) {
            b = {0, 0, 0.0};
        } else if (x >= lons.back()) {  // between the last centre and the first one, one turn on
            b = {nlon - 1, 0, (x - lons.back()) / (360.0 - lons.back())};
        } else {
            const auto it = std::upper_bound(lons.begin(), lons.end(), x);
            b.ob = static_cast<std::size_t>(it - lons.begin());
            b.oa = b.ob - 1;
            b.fx = (x - lons[b.oa]) / (lons[b.ob] - lons[b.oa]);
        }
        lon_brackets.push_back(b);
    }
    corners_.reserve(target.cell_count());
    for (const double target_lat : target.lat) {
        const auto [la, fy] = bracket(lats, target_lat);
        const std::size_t lb = std::min(la + 1, lats.size() - 1);
        const auto cell = [&](std::size_t lat_index, std::size_t lon_index) {
            return lat_order[lat_index] * nlon + lon_order[lon_index];
        };
        for (const auto& b : lon_brackets) corners_.push_back({cell(la, b.oa), cell(la, b.ob), cell(lb, b.oa), cell(lb, b.ob), b.fx, fy});
    }
}

std::vector<double> BilinearInterpolator::apply(std::span<const double> values) const {
    if (values.size() != source_cells_)
        throw std::invalid_argument("bilinear interpolation: " + std::to_string(values.size()) +
                                    " values for a grid of " + std::to_string(source_cells_) + " cells");
    std::vector<double> out(corners_.size());
    for (std::size_t n = 0; n < corners_.size(); ++n) {
        const Corners& c = corners_[n];
        out[n] = (1 - c.fy) * ((1 - c.fx) * values[c.a_a] + c.fx * values[c.a_b]) +
                 c.fy * ((1 - c.fx) * values[c.b_a] + c.fx * values[c.b_b]);
    }
    return out;
}

}  // namespace ref::science
