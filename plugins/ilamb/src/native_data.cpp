// Native backend, data side: loading gridded fields, make_comparable, the nested grid and
// region masks (spec 3.2, 4.2-4.4, 5.1).
#include "ref/ilamb/native.hpp"
#include "ref/science/field.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/netcdf_file.hpp"
#include "ref/science/units.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>

namespace ref::ilamb::native {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string joined(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files) out += (out.empty() ? "" : ", ") + f;
    return out;
}

// Per-cell [low, high] bounds of one axis, latitude clipped to +-90.
std::vector<double> ordered_bounds(const std::vector<double>& bounds, bool latitude) {
    std::vector<double> out(bounds.size());
    for (std::size_t i = 0; i + 1 < bounds.size(); i += 2) {
        double lo = std::min(bounds[i], bounds[i + 1]), hi = std::max(bounds[i], bounds[i + 1]);
        if (latitude) {
            lo = std::max(lo, -90.0);
            hi = std::min(hi, 90.0);
        }
        out[i] = lo;
        out[i + 1] = hi;
    }
    return out;
}

// Index of the centre nearest to x in an ascending axis.
std::size_t nearest(const std::vector<double>& axis, double x) {
    const auto it = std::lower_bound(axis.begin(), axis.end(), x);
    if (it == axis.begin()) return 0;
    if (it == axis.end()) return axis.size() - 1;
    const auto i = static_cast<std::size_t>(it - axis.begin());
    return (x - axis[i - 1] <= axis[i] - x) ? i - 1 : i;
}

int year_month(const science::DateTime& d) { return d.year * 12 + (d.month - 1); }

// Keeps the time steps whose flag is set, moving them forward in place (a field can be
// hundreds of megabytes: no second copy).
void keep_steps(GridField& f, const std::vector<bool>& keep) {
    const std::size_t cells = f.cells();
    std::size_t kept = 0;
    for (std::size_t t = 0; t < f.time.size(); ++t) {
        if (!keep[t]) continue;
        if (kept != t) {
            f.time[kept] = f.time[t];
            f.time_bounds[2 * kept] = f.time_bounds[2 * t];
            f.time_bounds[2 * kept + 1] = f.time_bounds[2 * t + 1];
            f.dates[kept] = f.dates[t];
            std::copy_n(f.data.begin() + static_cast<std::ptrdiff_t>(t * cells), cells,
                        f.data.begin() + static_cast<std::ptrdiff_t>(kept * cells));
        }
        ++kept;
    }
    f.time.resize(kept);
    f.time_bounds.resize(2 * kept);
    f.dates.resize(kept);
    f.data.resize(kept * cells);
}

// Time-weighted means of consecutive steps sharing a month (annual = false) or a year.
void coarsen_time(GridField& f, bool annual) {
    const std::size_t cells = f.cells();
    const auto dt = f.step_days();
    const std::vector<double> values = std::move(f.data);  // not copied with the metadata below
    f.data.clear();
    GridField out = f;
    out.time.clear();
    out.time_bounds.clear();
    out.dates.clear();
    std::size_t t = 0;
    while (t < f.time.size()) {
        const auto key = [&](std::size_t s) { return annual ? f.dates[s].year : year_month(f.dates[s]); };
        std::size_t end = t;
        while (end < f.time.size() && key(end) == key(t)) ++end;
        std::vector<double> sum(cells, 0.0), weight(cells, 0.0);
        for (std::size_t s = t; s < end; ++s)
            for (std::size_t c = 0; c < cells; ++c) {
                const double v = values[s * cells + c];
                if (std::isfinite(v)) {
                    sum[c] += dt[s] * v;
                    weight[c] += dt[s];
                }
            }
        for (std::size_t c = 0; c < cells; ++c) out.data.push_back(weight[c] > 0 ? sum[c] / weight[c] : kNaN);
        const double lo = f.time_bounds[2 * t], hi = f.time_bounds[2 * (end - 1) + 1];
        out.time.push_back(0.5 * (lo + hi));
        out.time_bounds.push_back(lo);
        out.time_bounds.push_back(hi);
        out.dates.push_back(f.dates[t]);
        t = end;
    }
    f = std::move(out);
}

// 2-D latitude/longitude coordinates on the variable's last two dimensions (named in its
// `coordinates` attribute or by the usual names); false when there are none.
bool read_2d_coordinates(const science::NetcdfFile& nc, const std::string& variable,
                         const std::vector<std::string>& spatial_names, GridField& f) {
    if (spatial_names.size() < 2) return false;
    const std::vector<std::string> horizontal(spatial_names.end() - 2, spatial_names.end());
    std::vector<std::string> candidates;
    std::istringstream listed(nc.string_attribute(variable, "coordinates").value_or(""));
    for (std::string name; listed >> name;) candidates.push_back(name);
    for (const char* name : {"latitude", "longitude", "lat", "lon", "nav_lat", "nav_lon"}) candidates.emplace_back(name);
    std::string lat_name, lon_name;
    for (const auto& name : candidates) {
        if (!nc.has_variable(name)) continue;
        const auto dims = nc.dimensions(name);
        if (dims.size() != 2 || dims[0].name != horizontal[0] || dims[1].name != horizontal[1]) continue;
        const std::string units = nc.string_attribute(name, "units").value_or("");
        const std::string standard = nc.string_attribute(name, "standard_name").value_or("");
        if (lat_name.empty() && (standard == "latitude" || units.rfind("degrees_n", 0) == 0 || name.find("lat") != std::string::npos))
            lat_name = name;
        else if (lon_name.empty() && (standard == "longitude" || units.rfind("degrees_e", 0) == 0 || name.find("lon") != std::string::npos))
            lon_name = name;
    }
    if (lat_name.empty() || lon_name.empty()) return false;
    f.lat2d = nc.read(lat_name);
    f.lon2d = nc.read(lon_name);
    return true;
}

// Samples a curvilinear field at the centres of `grid` (nearest cell in lat/lon degrees with
// longitudes in [-180, 180)), through buckets of 1 x 1 degree searched ring by ring.
void sample_onto(GridField& f, const GridField& grid) {
    constexpr int kLatBins = 180, kLonBins = 360;
    auto wrap = [](double x) {
        x = std::fmod(x, 360.0);
        if (x >= 180.0) x -= 360.0;
        if (x < -180.0) x += 360.0;
        return x;
    };
    std::vector<std::vector<std::size_t>> buckets(kLatBins * kLonBins);
    auto bin = [](double value, double low, int count) {
        return std::clamp(static_cast<int>(std::floor(value - low)), 0, count - 1);
    };
    std::vector<double> lons(f.lon2d.size());
    for (std::size_t c = 0; c < f.lat2d.size(); ++c) {
        lons[c] = wrap(f.lon2d[c]);
        if (!std::isfinite(f.lat2d[c]) || !std::isfinite(lons[c])) continue;
        buckets[static_cast<std::size_t>(bin(f.lat2d[c], -90.0, kLatBins) * kLonBins + bin(lons[c], -180.0, kLonBins))].push_back(c);
    }
    std::vector<std::size_t> source(grid.lat.size() * grid.lon.size());
    for (std::size_t j = 0; j < grid.lat.size(); ++j)
        for (std::size_t i = 0; i < grid.lon.size(); ++i) {
            const double y = grid.lat[j], x = wrap(grid.lon[i]);
            const int by = bin(y, -90.0, kLatBins), bx = bin(x, -180.0, kLonBins);
            double best = std::numeric_limits<double>::infinity();
            std::size_t best_cell = 0;
            for (int ring = 0; ring < kLonBins; ++ring) {
                // Every point outside the rings searched so far is at least `ring` degrees away.
                if (best <= static_cast<double>(ring - 1) * static_cast<double>(ring - 1) && ring > 0) break;
                for (int dy = -ring; dy <= ring; ++dy)
                    for (int dx = -ring; dx <= ring; ++dx) {
                        if (std::max(std::abs(dy), std::abs(dx)) != ring) continue;
                        const int yy = by + dy, xx = bx + dx;
                        if (yy < 0 || yy >= kLatBins || xx < 0 || xx >= kLonBins) continue;
                        for (std::size_t c : buckets[static_cast<std::size_t>(yy * kLonBins + xx)]) {
                            const double d = (f.lat2d[c] - y) * (f.lat2d[c] - y) + (lons[c] - x) * (lons[c] - x);
                            if (d < best) {
                                best = d;
                                best_cell = c;
                            }
                        }
                    }
            }
            source[j * grid.lon.size() + i] = best_cell;
        }
    const std::size_t cells = f.cells();
    std::vector<double> data;
    data.reserve(f.steps() * source.size());
    for (std::size_t t = 0; t < f.steps(); ++t)
        for (std::size_t s : source) data.push_back(f.data[t * cells + s]);
    f.data = std::move(data);
    f.lat = grid.lat;
    f.lon = grid.lon;
    f.lat_bounds = grid.lat_bounds;
    f.lon_bounds = grid.lon_bounds;
    f.lat2d.clear();
    f.lon2d.clear();
    f.cell_measures.clear();  // areas now come from the reference grid, as in ilamb3
}

std::string month_text(int ym) {
    const int year = ym / 12, month = ym % 12 + 1;
    return std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month);
}

}  // namespace

std::vector<double> GridField::step_days() const {
    std::vector<double> out(steps(), 1.0);  // one equal weight for a field without time
    if (!temporal || time.empty()) return out;
    const double per_day = science::seconds_per_unit(science::parse_time_units(time_units).unit) / 86400.0;
    for (std::size_t t = 0; t < time.size(); ++t) out[t] = (time_bounds[2 * t + 1] - time_bounds[2 * t]) * per_day;
    return out;
}

double GridField::mean_step_days() const {
    const auto dt = step_days();
    return dt.empty() ? 0.0 : std::accumulate(dt.begin(), dt.end(), 0.0) / static_cast<double>(dt.size());
}

GridField load_grid_field(const std::vector<std::string>& files, const std::string& variable, bool select_surface) {
    if (files.empty()) throw plugin::DiagnosticError("no files for the variable " + variable);
    GridField f;
    f.variable = variable;
    f.source = joined(files);
    std::vector<std::string> spatial_names;
    std::vector<std::size_t> shape;
    try {
        const science::NetcdfFile nc(files.front());
        if (!nc.has_variable(variable))
            throw plugin::DiagnosticError(files.front() + " has no variable " + variable);
        const auto dims = nc.dimensions(variable);
        f.temporal = !dims.empty() && dims.front().name == "time";
        // select_depth(value=0): only the level nearest 0 is read (a field with depth can hold
        // many times the values kept).
        const std::size_t first_spatial = f.temporal ? 1 : 0;
        std::optional<science::FixedIndex> surface;
        if (select_surface && dims.size() == first_spatial + 3) {
            const science::Dimension& depth = dims[first_spatial];
            std::vector<double> levels(depth.size);
            if (nc.has_variable(depth.name))
                levels = nc.read(depth.name);
            else
                std::iota(levels.begin(), levels.end(), 0.0);
            std::size_t best = 0;
            for (std::size_t k = 1; k < levels.size(); ++k)
                if (std::abs(levels[k]) < std::abs(levels[best])) best = k;
            surface = science::FixedIndex{first_spatial, best};
        }
        if (f.temporal) {
            science::Field field = science::read_field(files, variable, surface);
            f.units = field.units;
            f.time_units = field.time_units;
            f.calendar = field.calendar;
            f.time = std::move(field.time);
            f.time_bounds = std::move(field.time_bounds);
            f.dates = std::move(field.dates);
            f.data = std::move(field.data);
            spatial_names = field.spatial_dims;
            shape = field.spatial_shape;
        } else {
            f.units = nc.string_attribute(variable, "units").value_or("1");
            f.data = surface ? nc.read_level(variable, surface->dimension, surface->index) : nc.read(variable);
            for (std::size_t d = 0; d < dims.size(); ++d) {
                if (surface && d == surface->dimension) continue;
                spatial_names.push_back(dims[d].name);
                shape.push_back(dims[d].size);
            }
        }
        try {
            const science::LatLonGrid grid = science::read_lat_lon_grid(files.front(), variable);
            f.lat = grid.lat;
            f.lon = grid.lon;
            f.lat_bounds = ordered_bounds(grid.lat_bounds, true);
            f.lon_bounds = ordered_bounds(grid.lon_bounds, false);
        } catch (const std::runtime_error& e) {
            if (!read_2d_coordinates(nc, variable, spatial_names, f))
                throw plugin::DiagnosticError(std::string(e.what()) +
                                              "; the native ILAMB backend needs a latitude-longitude grid with 1-D "
                                              "or 2-D coordinates (set the provider setting backend = \"tool\")");
        }
        if (shape.size() == 3) {
            throw plugin::DiagnosticError(files.front() + ": " + variable + " has a third spatial dimension (" +
                                          spatial_names.front() + ") the diagnostic does not reduce");
        } else if (shape.size() != 2) {
            throw plugin::DiagnosticError(files.front() + ": " + variable + " is not a (time,) lat, lon field");
        }
    } catch (const science::NetcdfError& e) {
        throw plugin::DiagnosticError(e.what());
    } catch (const science::CfTimeError& e) {
        throw plugin::DiagnosticError("cannot decode the time axis of " + f.source + ": " + e.what());
    } catch (const plugin::DiagnosticError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw plugin::DiagnosticError(e.what());
    }
    if (f.data.size() != f.steps() * f.cells())
        throw plugin::DiagnosticError(f.source + ": " + variable + " does not match its lat/lon grid");
    return f;
}

void normalise_grid(GridField& f, bool negative_longitudes) {
    const std::size_t nlat = f.lat.size(), nlon = f.lon.size();
    for (std::size_t i = 0; i < nlon; ++i) {
        double shift = 0;
        if (negative_longitudes && f.lon[i] >= 180.0) shift = -360.0;
        if (!negative_longitudes && f.lon[i] < 0.0) shift = 360.0;
        f.lon[i] += shift;
        f.lon_bounds[2 * i] += shift;
        f.lon_bounds[2 * i + 1] += shift;
    }
    std::vector<std::size_t> lat_order(nlat), lon_order(nlon);
    std::iota(lat_order.begin(), lat_order.end(), 0);
    std::iota(lon_order.begin(), lon_order.end(), 0);
    std::stable_sort(lat_order.begin(), lat_order.end(), [&](auto a, auto b) { return f.lat[a] < f.lat[b]; });
    std::stable_sort(lon_order.begin(), lon_order.end(), [&](auto a, auto b) { return f.lon[a] < f.lon[b]; });
    const bool sorted = std::is_sorted(lat_order.begin(), lat_order.end()) && std::is_sorted(lon_order.begin(), lon_order.end());
    if (sorted) return;
    auto permute_axis = [](std::vector<double>& centres, std::vector<double>& bounds, const std::vector<std::size_t>& order) {
        std::vector<double> c, b;
        for (auto i : order) {
            c.push_back(centres[i]);
            b.push_back(bounds[2 * i]);
            b.push_back(bounds[2 * i + 1]);
        }
        centres = std::move(c);
        bounds = std::move(b);
    };
    permute_axis(f.lat, f.lat_bounds, lat_order);
    permute_axis(f.lon, f.lon_bounds, lon_order);
    auto permute_cells = [&](std::vector<double>& values, std::size_t steps) {
        std::vector<double> out(values.size());
        for (std::size_t t = 0; t < steps; ++t)
            for (std::size_t j = 0; j < nlat; ++j)
                for (std::size_t i = 0; i < nlon; ++i)
                    out[(t * nlat + j) * nlon + i] = values[(t * nlat + lat_order[j]) * nlon + lon_order[i]];
        values = std::move(out);
    };
    permute_cells(f.data, f.steps());
    if (!f.cell_measures.empty()) permute_cells(f.cell_measures, 1);
}

void soil_moisture_to_volume_fraction(GridField& f) {
    if (science::canonical_units(f.units) == "1" || science::units_convertible(f.units, "1")) {
        if (science::canonical_units(f.units) != "1") science::convert_units(f.data, f.units, "1");
        f.units = "1";
        return;
    }
    // Mass per area -> depth of water (m) -> fraction of a 0.1 m layer.
    try {
        science::convert_units_with_water_density(f.data, f.units, "m");
    } catch (const science::UnitError& e) {
        throw plugin::DiagnosticError(f.source + ": soil moisture of " + f.variable + ": " + e.what());
    }
    for (double& v : f.data) v /= 0.1;
    f.units = "1";
}

void make_comparable(GridField& ref, GridField& com) {
    // 1. Time scales.
    if (ref.temporal) {
        if (!com.temporal)
            throw plugin::DiagnosticError("the reference " + ref.source + " has a time axis but the model " +
                                          com.source + " has none");
        const double r = ref.mean_step_days(), c = com.mean_step_days();
        if (ref.time.size() == 1) {
            // The model cut to the reference's months; kept whole when they do not meet.
            const int lo = year_month(science::CfTime(ref.time_units, ref.calendar).decode(ref.time_bounds[0]));
            const int hi = year_month(science::CfTime(ref.time_units, ref.calendar).decode(ref.time_bounds[1] - 1e-6));
            std::vector<bool> keep(com.time.size());
            bool any = false;
            for (std::size_t t = 0; t < com.time.size(); ++t) {
                keep[t] = year_month(com.dates[t]) >= lo && year_month(com.dates[t]) <= hi;
                any = any || keep[t];
            }
            if (any) keep_steps(com, keep);
        } else if (std::abs(r - c) <= 3.0) {
            // same time scale
        } else if (r >= 27.0 && r <= 33.0 && c < 28.0) {
            coarsen_time(com, false);
        } else if (std::abs(r - 365.0) <= 6.0 && c < 350.0) {
            coarsen_time(com, true);
        } else {
            throw plugin::DiagnosticError("cannot reconcile time steps of " + std::to_string(r) + " days (reference " +
                                          ref.source + ") and " + std::to_string(c) + " days (model " + com.source + ")");
        }
        // 2. The (year, month) overlap (single-step references keep their own step).
        if (ref.time.size() > 1) {
            const int start = std::max(year_month(ref.dates.front()), year_month(com.dates.front()));
            const int end = std::min(year_month(ref.dates.back()), year_month(com.dates.back()));
            if (start > end)
                throw plugin::DiagnosticError("the reference " + ref.source + " (" + month_text(year_month(ref.dates.front())) +
                                              " to " + month_text(year_month(ref.dates.back())) + ") and the model " +
                                              com.source + " (" + month_text(year_month(com.dates.front())) + " to " +
                                              month_text(year_month(com.dates.back())) + ") have no common period");
            for (GridField* f : {&ref, &com}) {
                std::vector<bool> keep(f->time.size());
                for (std::size_t t = 0; t < keep.size(); ++t)
                    keep[t] = year_month(f->dates[t]) >= start && year_month(f->dates[t]) <= end;
                keep_steps(*f, keep);
            }
        }
    }
    // 3. A curvilinear model onto the reference grid.
    if (ref.curvilinear())
        throw plugin::DiagnosticError("the reference " + ref.source + " is on a curvilinear grid, which the native "
                                      "backend does not support");
    if (com.curvilinear()) sample_onto(com, ref);
    // 4. Longitude convention of the reference, both grids ascending.
    const bool negative = !ref.lon.empty() && *std::min_element(ref.lon.begin(), ref.lon.end()) < 0.0;
    normalise_grid(ref, negative);
    normalise_grid(com, negative);
    // 6. Model units -> reference units.
    try {
        if (science::canonical_units(com.units) != science::canonical_units(ref.units))
            science::convert_units_with_water_density(com.data, com.units, ref.units);
    } catch (const science::UnitError& e) {
        throw plugin::DiagnosticError("model " + com.source + " against reference " + ref.source + ": " + e.what());
    }
    com.units = ref.units;
}

NestedGrid nest_grids(const GridField& ref, const GridField& com) {
    auto edges = [](const std::vector<double>& a, const std::vector<double>& b) {
        std::vector<double> all(a);
        all.insert(all.end(), b.begin(), b.end());
        std::sort(all.begin(), all.end());
        std::vector<double> out;
        for (double e : all)
            if (out.empty() || e - out.back() > 1e-9) out.push_back(e);
        return out;
    };
    NestedGrid n;
    n.lat_edges = edges(ref.lat_bounds, com.lat_bounds);
    n.lon_edges = edges(ref.lon_bounds, com.lon_bounds);
    for (std::size_t j = 0; j + 1 < n.lat_edges.size(); ++j) n.lat.push_back(0.5 * (n.lat_edges[j] + n.lat_edges[j + 1]));
    for (std::size_t i = 0; i + 1 < n.lon_edges.size(); ++i) n.lon.push_back(0.5 * (n.lon_edges[i] + n.lon_edges[i + 1]));
    const double r2 = science::kMeanEarthRadius * science::kMeanEarthRadius, rad = M_PI / 180.0;
    n.reference_cell.reserve(n.cells());
    n.model_cell.reserve(n.cells());
    n.areas.reserve(n.cells());
    for (std::size_t j = 0; j < n.lat.size(); ++j) {
        const std::size_t rj = nearest(ref.lat, n.lat[j]), cj = nearest(com.lat, n.lat[j]);
        const double band = std::sin(n.lat_edges[j + 1] * rad) - std::sin(n.lat_edges[j] * rad);
        for (std::size_t i = 0; i < n.lon.size(); ++i) {
            n.reference_cell.push_back(rj * ref.lon.size() + nearest(ref.lon, n.lon[i]));
            n.model_cell.push_back(cj * com.lon.size() + nearest(com.lon, n.lon[i]));
            n.areas.push_back(r2 * (n.lon_edges[i + 1] - n.lon_edges[i]) * rad * band);
        }
    }
    return n;
}

std::vector<unsigned char> Region::cells(const std::vector<double>& lat_centres,
                                         const std::vector<double>& lon_centres) const {
    std::vector<unsigned char> out(lat_centres.size() * lon_centres.size(), 1);
    if (whole_domain()) return out;
    // The mask grid is kept in [-180, 180), ascending.
    for (std::size_t j = 0; j < lat_centres.size(); ++j) {
        const std::size_t mj = nearest(lat, lat_centres[j]);
        for (std::size_t i = 0; i < lon_centres.size(); ++i) {
            double x = std::fmod(lon_centres[i], 360.0);
            if (x >= 180.0) x -= 360.0;
            if (x < -180.0) x += 360.0;
            out[j * lon_centres.size() + i] = inside[mj * lon.size() + nearest(lon, x)];
        }
    }
    return out;
}

namespace {

std::vector<std::string> read_strings(int ncid, const std::string& variable, const std::string& file) {
    int varid = -1;
    if (nc_inq_varid(ncid, variable.c_str(), &varid) != NC_NOERR)
        throw plugin::DiagnosticError("region file " + file + " has no variable " + variable);
    nc_type type;
    int ndims = 0;
    int dimids[NC_MAX_VAR_DIMS];
    nc_inq_var(ncid, varid, nullptr, &type, &ndims, dimids, nullptr);
    std::vector<std::size_t> lengths(static_cast<std::size_t>(ndims));
    for (int d = 0; d < ndims; ++d) nc_inq_dimlen(ncid, dimids[d], &lengths[static_cast<std::size_t>(d)]);
    std::vector<std::string> out;
    if (type == NC_STRING && ndims == 1) {
        std::vector<char*> values(lengths[0]);
        if (nc_get_var_string(ncid, varid, values.data()) != NC_NOERR)
            throw plugin::DiagnosticError("cannot read " + variable + " of region file " + file);
        for (char* v : values) out.emplace_back(v ? v : "");
        nc_free_string(values.size(), values.data());
    } else if (type == NC_CHAR && ndims == 2) {
        std::vector<char> chars(lengths[0] * lengths[1]);
        if (nc_get_var_text(ncid, varid, chars.data()) != NC_NOERR)
            throw plugin::DiagnosticError("cannot read " + variable + " of region file " + file);
        for (std::size_t k = 0; k < lengths[0]; ++k) {
            std::string s(chars.data() + k * lengths[1], lengths[1]);
            s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
            while (!s.empty() && s.back() == ' ') s.pop_back();
            out.push_back(s);
        }
    } else {
        throw plugin::DiagnosticError("region file " + file + ": " + variable + " is not a list of strings");
    }
    return out;
}

}  // namespace

Region read_region(const std::filesystem::path& file, const std::string& label) {
    const std::string path = file.string();
    Region region;
    region.label = label;
    try {
        const science::NetcdfFile nc(path);
        std::string ids = "ids";
        if (!nc.has_variable(ids)) {
            ids.clear();
            for (const auto& name : nc.variable_names())
                if (nc.dimensions(name).size() == 2 && nc.string_attribute(name, "labels")) ids = name;
            if (ids.empty()) throw plugin::DiagnosticError("region file " + path + " has no 2-D region id array");
        }
        const auto labels_var = nc.string_attribute(ids, "labels");
        const auto names_var = nc.string_attribute(ids, "names");
        if (!labels_var || !names_var)
            throw plugin::DiagnosticError("region file " + path + ": " + ids + " has no labels/names attributes");
        int ncid = -1;
        if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) throw plugin::DiagnosticError("cannot open " + path);
        std::vector<std::string> labels, names;
        try {
            labels = read_strings(ncid, *labels_var, path);
            names = read_strings(ncid, *names_var, path);
        } catch (...) {
            nc_close(ncid);
            throw;
        }
        nc_close(ncid);
        const auto found = std::find(labels.begin(), labels.end(), label);
        if (found == labels.end()) throw plugin::DiagnosticError("region file " + path + " has no region " + label);
        const auto index = static_cast<std::size_t>(found - labels.begin());
        region.name = index < names.size() ? names[index] : label;
        const auto dims = nc.dimensions(ids);
        std::vector<double> lat = nc.read(dims[0].name), lon = nc.read(dims[1].name);
        const auto values = nc.read(ids);
        // Longitudes into [-180, 180), both axes ascending.
        for (double& x : lon)
            if (x >= 180.0) x -= 360.0;
        std::vector<std::size_t> lat_order(lat.size()), lon_order(lon.size());
        std::iota(lat_order.begin(), lat_order.end(), 0);
        std::iota(lon_order.begin(), lon_order.end(), 0);
        std::sort(lat_order.begin(), lat_order.end(), [&](auto a, auto b) { return lat[a] < lat[b]; });
        std::sort(lon_order.begin(), lon_order.end(), [&](auto a, auto b) { return lon[a] < lon[b]; });
        for (auto j : lat_order) region.lat.push_back(lat[j]);
        for (auto i : lon_order) region.lon.push_back(lon[i]);
        for (auto j : lat_order)
            for (auto i : lon_order) {
                const double v = values[j * lon.size() + i];
                region.inside.push_back(std::isfinite(v) && v == static_cast<double>(index) ? 1 : 0);
            }
    } catch (const science::NetcdfError& e) {
        throw plugin::DiagnosticError(std::string("region file: ") + e.what());
    }
    return region;
}

}  // namespace ref::ilamb::native
