// Extratropical modes of variability computed in C++ (spec pmp.md §4.3), writing the files
// PMP's variability modes driver writes so the tool path's conversion builds the bundles.
#include "ref/pmp/pmp.hpp"
#include "ref/science/atomic_file.hpp"
#include "ref/science/climatology.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/eof.hpp"
#include "ref/science/field.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/means.hpp"
#include "ref/science/plot.hpp"
#include "ref/science/regrid.hpp"

#include <netcdf.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace ref::pmp {

namespace sci = ref::science;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr int kLastModelYear = 2005;
constexpr int kFirstModelYear = 1900;

enum class SignRule { box_mean_positive_flips, box_mean_negative_flips, last_cell_positive_flips };

struct ModeGeometry {
    RegionBox domain;
    SignRule rule = SignRule::last_cell_positive_flips;
    RegionBox sign_box;
};

// EOF domains and sign conventions of spec §4.1 and §4.3 step 9.
ModeGeometry mode_geometry(const std::string& mode) {
    if (mode == "PDO") return {{20, 70, 110, 260}, SignRule::box_mean_positive_flips, {30, 40, 150, 180}};
    if (mode == "NPGO") return {{20, 70, 110, 260}, SignRule::last_cell_positive_flips, {}};
    if (mode == "NAO") return {{20, 80, -90, 40}, SignRule::box_mean_positive_flips, {60, 80, -90, 40}};
    if (mode == "NAM") return {{20, 90, -180, 180}, SignRule::box_mean_positive_flips, {60, 80, 0, 360}};
    if (mode == "PNA") return {{20, 85, 120, 240}, SignRule::box_mean_negative_flips, {80, 90, 0, 360}};
    if (mode == "NPO") return {{20, 85, 120, 240}, SignRule::last_cell_positive_flips, {}};
    if (mode == "SAM") return {{-90, -20, 0, 360}, SignRule::box_mean_positive_flips, {-90, -60, 0, 360}};
    throw plugin::DiagnosticError("no native definition of the mode " + mode);
}

std::vector<std::string> mode_seasons(const ModeConfig& mode) {
    if (mode.variable_id == "ts") return {"monthly"};
    return {"DJF", "MAM", "JJA", "SON"};
}

std::vector<double> cell_areas(const sci::LatLonGrid& grid) { return sci::spherical_cell_areas(grid, 1.0).values; }

std::vector<double> take(std::span<const double> values, const std::vector<std::size_t>& cells) {
    std::vector<double> out;
    out.reserve(cells.size());
    for (const auto c : cells) out.push_back(values[c]);
    return out;
}

// A read, period-trimmed and unit-adjusted input (spec §4.3 steps 1-3).
struct ModeInput {
    sci::Field field;  // data [time][cell] on `grid`
    sci::LatLonGrid grid;
    int first_year = 0, last_year = 0;
};

ModeInput read_mode_input(const std::vector<std::string>& files, const std::string& variable, int first_year,
                          int last_year, bool model, const std::string& what) {
    ModeInput in;
    sci::Field all;
    try {
        all = sci::read_field(files, variable);
        in.grid = sci::read_lat_lon_grid(files.front(), variable);
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError("cannot read the " + what + ": " + e.what());
    }
    if (all.cell_count() != in.grid.cell_count())
        throw plugin::DiagnosticError(files.front() + ": " + variable + " is not a (time, lat, lon) field");
    // Whole years only: from the first January to the last December inside the period.
    std::vector<std::size_t> steps;
    for (std::size_t t = 0; t < all.step_count(); ++t)
        if (all.dates[t].year >= first_year && all.dates[t].year <= last_year) steps.push_back(t);
    while (!steps.empty() && all.dates[steps.front()].month != 1) steps.erase(steps.begin());
    while (!steps.empty() && all.dates[steps.back()].month != 12) steps.pop_back();
    if (steps.size() < 24)
        throw plugin::DiagnosticError(files.front() + ": the " + what + " has fewer than two whole years between " +
                                      std::to_string(first_year) + " and " + std::to_string(last_year));
    for (std::size_t k = 1; k < steps.size(); ++k) {
        const auto& a = all.dates[steps[k - 1]];
        const auto& b = all.dates[steps[k]];
        const int gap = (b.year - a.year) * 12 + (b.month - a.month);
        if (gap != 1)
            throw plugin::DiagnosticError(files.front() + ": the " + what + " is not monthly without gaps (after " +
                                          sci::format_datetime(a) + " comes " + sci::format_datetime(b) + ")");
    }
    in.first_year = all.dates[steps.front()].year;
    in.last_year = all.dates[steps.back()].year;
    // The kept steps are contiguous: trim the field in place rather than copy it (inputs can be GBs).
    const std::size_t first = steps.front(), count = steps.size(), cells = all.cell_count();
    sci::Field& f = in.field;
    f = std::move(all);
    const auto keep = [&](auto& values, std::size_t per_step) {
        values.erase(values.begin() + static_cast<std::ptrdiff_t>((first + count) * per_step), values.end());
        values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(first * per_step));
        values.shrink_to_fit();
    };
    keep(f.time, 1);
    keep(f.dates, 1);
    keep(f.time_bounds, 2);
    keep(f.data, cells);
    if (variable == "psl") {
        for (auto& v : f.data) v /= 100.0;  // Pa -> hPa
        f.units = "hPa";
    } else if (variable == "ts") {
        const double offset = model ? 273.15 : 0.0;  // K -> degC, the model only (spec §6.8)
        if (model) f.units = "degC";
        for (auto& v : f.data) {  // one pass: the unit change and the sea-ice floor
            v -= offset;
            if (std::isfinite(v) && v < -1.8) v = -1.8;
        }
    }
    return in;
}

// Anomalies of one season ([step][cell]) and their count of steps. With `last_use` the monthly
// anomalies are computed in the field's own storage, which is handed over (no copy of the field).
std::vector<double> season_anomalies(sci::Field& field, const std::string& season, bool last_use, std::size_t* steps) {
    if (season == "monthly") {
        *steps = field.step_count();
        if (!last_use) return sci::monthly_anomalies(field);
        const sci::MonthlyClimatology climatology = sci::monthly_climatology(field);
        const std::size_t cells = field.cell_count();
        for (std::size_t t = 0; t < field.step_count(); ++t) {
            const auto normal = climatology.month(static_cast<std::size_t>(field.dates[t].month - 1));
            double* values = field.data.data() + t * cells;
            for (std::size_t c = 0; c < cells; ++c) values[c] -= normal[c];
        }
        return std::move(field.data);
    }
    sci::YearlyField y = sci::seasonal_anomalies(field, sci::parse_season(season));
    *steps = y.years.size();
    return std::move(y.data);
}

// Subtracts the area-weighted domain mean of every step from all cells (step 5).
void remove_domain_mean(std::vector<double>& data, std::size_t steps, const sci::LatLonGrid& grid,
                        const RegionCut& domain) {
    const std::size_t cells = grid.cell_count();
    const auto areas = take(cell_areas(grid), domain.cells);
    for (std::size_t t = 0; t < steps; ++t) {
        std::span<double> step(data.data() + t * cells, cells);
        const double mean = sci::weighted_mean(take(step, domain.cells), areas);
        for (auto& v : step) v -= mean;
    }
}

struct EofMode {
    std::vector<double> pattern;  // domain, covariance EOF
    std::vector<double> pc;
    double frac = nan, stdv_pc = nan;
    std::vector<double> teleconnection;  // global eof_lr
    std::vector<double> slope, intercept;
};

bool needs_flip(const ModeGeometry& g, const RegionCut& domain, std::span<const double> pattern) {
    if (g.rule == SignRule::last_cell_positive_flips) {
        const std::size_t nlat = domain.grid.lat.size(), nlon = domain.grid.lon.size();
        double v = pattern[nlat * nlon - 1];
        if (!std::isfinite(v) && nlat > 1 && nlon > 1) v = pattern[(nlat - 2) * nlon + (nlon - 2)];
        return v >= 0;
    }
    const RegionCut box = cut_region(domain.grid, g.sign_box);
    const double mean = sci::weighted_mean(take(pattern, box.cells), take(cell_areas(domain.grid), box.cells));
    return g.rule == SignRule::box_mean_positive_flips ? mean >= 0 : mean <= 0;
}

// eof_lr = slope * stdv_pc + intercept of the global anomalies regressed on the PC (step 11).
void teleconnection(EofMode& m, std::span<const double> global) {
    m.stdv_pc = sci::sample_std(m.pc);
    const sci::Regression r = sci::regress_on_series(global, m.pc);
    m.slope = r.slope;
    m.intercept = r.intercept;
    m.teleconnection.resize(r.slope.size());
    for (std::size_t c = 0; c < r.slope.size(); ++c) m.teleconnection[c] = r.slope[c] * m.stdv_pc + r.intercept[c];
}

std::vector<double> sqrt_area_weights(const sci::LatLonGrid& domain_grid) {
    auto w = cell_areas(domain_grid);
    double total = 0;
    for (const double v : w) total += v;
    for (auto& v : w) v = std::sqrt(v / total);
    return w;
}

// Spatial comparison (model map on the reference grid vs the reference map).
struct Comparison {
    double cor = nan, rms = nan, rmsc = nan, bias = nan;
};
Comparison compare_maps(std::span<const double> a, std::span<const double> b, std::span<const double> w) {
    double sw = 0, sa = 0, sb = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i])) sw += w[i], sa += w[i] * a[i], sb += w[i] * b[i];
    Comparison c;
    if (!(sw > 0)) return c;
    const double ma = sa / sw, mb = sb / sw;
    double va = 0, vb = 0, cov = 0, ms = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(std::isfinite(a[i]) && std::isfinite(b[i]))) continue;
        va += w[i] * (a[i] - ma) * (a[i] - ma);
        vb += w[i] * (b[i] - mb) * (b[i] - mb);
        cov += w[i] * (a[i] - ma) * (b[i] - mb);
        ms += w[i] * (a[i] - b[i]) * (a[i] - b[i]);
    }
    const double sda = std::sqrt(va / sw), sdb = std::sqrt(vb / sw);
    c.cor = (cov / sw) / (sda * sdb);
    c.rms = std::sqrt(ms / sw);
    c.bias = ma - mb;
    double msc = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(std::isfinite(a[i]) && std::isfinite(b[i]))) continue;
        const double d = (a[i] - ma) / sda - (b[i] - mb) / sdb;
        msc += w[i] * d * d;
    }
    c.rmsc = std::sqrt(msc / sw);
    return c;
}

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

void check_nc(int status, const std::string& path, const std::string& what) {
    if (status != NC_NOERR)
        throw plugin::SystemError(path + ": cannot write " + what + ": " + nc_strerror(status));
}

// pc, eof (the teleconnection map), slope, intercept and frac of one EOF, as PMP writes.
void write_mode_netcdf(const fs::path& path, const sci::LatLonGrid& grid, const EofMode& m, const std::string& units) {
    sci::write_atomically(path, [&](const fs::path& temporary) {
        int nc = -1;
        check_nc(nc_create(temporary.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), path.string(), "the file");
        const std::string p = path.string();
        int dt, dlat, dlon;
        check_nc(nc_def_dim(nc, "time", m.pc.size(), &dt), p, "time");
        check_nc(nc_def_dim(nc, "lat", grid.lat.size(), &dlat), p, "lat");
        check_nc(nc_def_dim(nc, "lon", grid.lon.size(), &dlon), p, "lon");
        int vlat, vlon, vpc, veof, vslope, vintercept, vfrac;
        const int map_dims[2] = {dlat, dlon};
        check_nc(nc_def_var(nc, "lat", NC_DOUBLE, 1, &dlat, &vlat), p, "lat");
        check_nc(nc_def_var(nc, "lon", NC_DOUBLE, 1, &dlon, &vlon), p, "lon");
        check_nc(nc_def_var(nc, "pc", NC_DOUBLE, 1, &dt, &vpc), p, "pc");
        check_nc(nc_def_var(nc, "eof", NC_DOUBLE, 2, map_dims, &veof), p, "eof");
        check_nc(nc_def_var(nc, "slope", NC_DOUBLE, 2, map_dims, &vslope), p, "slope");
        check_nc(nc_def_var(nc, "intercept", NC_DOUBLE, 2, map_dims, &vintercept), p, "intercept");
        check_nc(nc_def_var(nc, "frac", NC_DOUBLE, 0, nullptr, &vfrac), p, "frac");
        const double fill = 1e20;
        for (const int v : {veof, vslope, vintercept}) {
            check_nc(nc_def_var_fill(nc, v, 0, &fill), p, "_FillValue");
            check_nc(nc_put_att_text(nc, v, "units", units.size(), units.c_str()), p, "units");
        }
        check_nc(nc_put_att_text(nc, vlat, "units", 13, "degrees_north"), p, "lat units");
        check_nc(nc_put_att_text(nc, vlon, "units", 12, "degrees_east"), p, "lon units");
        check_nc(nc_enddef(nc), p, "the header");
        const auto filled = [&](const std::vector<double>& v) {
            std::vector<double> out(v);
            for (auto& x : out)
                if (!std::isfinite(x)) x = fill;
            return out;
        };
        check_nc(nc_put_var_double(nc, vlat, grid.lat.data()), p, "lat");
        check_nc(nc_put_var_double(nc, vlon, grid.lon.data()), p, "lon");
        check_nc(nc_put_var_double(nc, vpc, m.pc.data()), p, "pc");
        check_nc(nc_put_var_double(nc, veof, filled(m.teleconnection).data()), p, "eof");
        check_nc(nc_put_var_double(nc, vslope, filled(m.slope).data()), p, "slope");
        check_nc(nc_put_var_double(nc, vintercept, filled(m.intercept).data()), p, "intercept");
        check_nc(nc_put_var_double(nc, vfrac, &m.frac), p, "frac");
        check_nc(nc_close(nc), p, "the file");
    });
}

sci::MapPlot map_of(const std::string& title, const std::string& units, const sci::LatLonGrid& grid,
                    std::vector<double> values) {
    return sci::MapPlot{title, units, grid.lat, grid.lon, std::move(values), true, {}, {}};
}

// The domain's rows/columns, longitudes made ascending from the domain's west edge for plots.
sci::LatLonGrid plot_grid(const sci::LatLonGrid& grid, double west) {
    sci::LatLonGrid out = grid;
    for (auto& lon : out.lon) {
        lon = std::fmod(lon - west, 360.0);
        if (lon < 0) lon += 360.0;
        lon += west;
    }
    return out;
}

// Reorders a [lat][lon] field and its grid so longitudes ascend (for drawing only).
std::pair<sci::LatLonGrid, std::vector<double>> ascending(const sci::LatLonGrid& grid, std::span<const double> values,
                                                          double west) {
    sci::LatLonGrid g = plot_grid(grid, west);
    std::vector<std::size_t> order(g.lon.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return g.lon[a] < g.lon[b]; });
    sci::LatLonGrid sorted = g;
    std::vector<double> out(values.size());
    for (std::size_t k = 0; k < order.size(); ++k) sorted.lon[k] = g.lon[order[k]];
    for (std::size_t j = 0; j < g.lat.size(); ++j)
        for (std::size_t k = 0; k < order.size(); ++k) out[j * order.size() + k] = values[j * order.size() + order[k]];
    return {sorted, out};
}

void write_map(const fs::path& path, const std::string& title, const std::string& units, const sci::LatLonGrid& grid,
               std::span<const double> values, double west) {
    auto [g, v] = ascending(grid, values, west);
    sci::write_map_plot(path.string(), map_of(title, units, g, std::move(v)));
}

void write_north_test(const fs::path& out, const std::string& stem, const sci::EofAnalysis& eof, std::size_t samples) {
    const std::size_t n = std::min<std::size_t>(eof.eigenvalues.size(), 10);
    std::ostringstream text;
    text << "# EOF  variance_fraction  north_error  (error = fraction * sqrt(2/N), N = " << samples << ")\n";
    sci::LinePlot plot{"North test: eigenvalue spectrum", "EOF", "fraction of variance", {}, false};
    sci::LineSeries centre{"fraction", {}, {}}, upper{"+ North error", {}, {}}, lower{"- North error", {}, {}};
    for (std::size_t k = 0; k < n; ++k) {
        const double f = eof.variance_fractions[k];
        const double e = f * std::sqrt(2.0 / static_cast<double>(samples));
        char line[128];
        std::snprintf(line, sizeof line, "%zu %.6e %.6e\n", k + 1, f, e);
        text << line;
        for (auto* s : {&centre, &upper, &lower}) s->x.push_back(static_cast<double>(k + 1));
        centre.y.push_back(f);
        upper.y.push_back(f + e);
        lower.y.push_back(f - e);
    }
    plot.series = {centre, upper, lower};
    sci::write_text_atomically(out / (stem + ".txt"), text.str());
    sci::write_line_plot((out / (stem + ".png")).string(), plot);
}

}  // namespace

namespace {
void run_native_mode_unchecked(const ModeConfig& mode, const ModelSelection& model, const ReferenceSelection& reference,
                     const fs::path& out, const plugin::Host& host) {
    const ModeGeometry geometry = mode_geometry(mode.mode);
    const std::string& var = mode.variable_id;
    const std::size_t eofn = static_cast<std::size_t>(mode.eofn);

    host.progress(0.0, "reading the reference");
    ModeInput obs = read_mode_input({reference.path}, var, mode.obs_start_year, kLastModelYear, false, "reference");
    host.progress(0.15, "reading the model");
    ModeInput mod = read_mode_input(model.files, var, kFirstModelYear, kLastModelYear, true, "model");

    const RegionCut obs_domain = cut_region(obs.grid, geometry.domain);
    const RegionCut mod_domain = cut_region(mod.grid, geometry.domain);
    if (obs_domain.cells.empty() || mod_domain.cells.empty())
        throw plugin::DiagnosticError("the " + mode.mode + " domain holds no grid cell of the " +
                                      (obs_domain.cells.empty() ? "reference " + reference.path : "model " + model.files.front()));

    // ts: the ocean is where the reference has data (no land polygons offline): model cells
    // whose area is more than 20% reference-missing are masked.
    if (var == "ts") {
        std::vector<double> ocean(obs.grid.cell_count(), 1.0);
        for (std::size_t t = 0; t < obs.field.step_count(); ++t) {
            const auto s = obs.field.step(t);
            for (std::size_t c = 0; c < ocean.size(); ++c)
                if (!std::isfinite(s[c])) ocean[c] = 0.0;
        }
        const auto fraction = sci::ConservativeRegridder(obs.grid, mod.grid).apply(ocean);
        const std::size_t cells = mod.grid.cell_count();
        for (std::size_t t = 0; t < mod.field.step_count(); ++t)
            for (std::size_t c = 0; c < cells; ++c)
                if (!(fraction[c] >= 0.8)) mod.field.data[t * cells + c] = nan;
    }

    const sci::ConservativeRegridder to_obs_grid(mod.grid, obs.grid);
    const auto obs_areas = cell_areas(obs.grid);
    const auto mod_areas = cell_areas(mod.grid);
    const auto obs_domain_areas = take(obs_areas, obs_domain.cells);
    const auto mod_domain_areas = take(mod_areas, mod_domain.cells);
    const auto obs_weights = sqrt_area_weights(obs_domain.grid);
    const auto mod_weights = sqrt_area_weights(mod_domain.grid);
    const double west = geometry.domain.lon_min;

    const std::string mip = model.source_type;
    const std::string obs_period = std::to_string(obs.first_year) + "-" + std::to_string(obs.last_year);
    const std::string mod_period = std::to_string(mod.first_year) + "-" + std::to_string(mod.last_year);
    const std::string model_tag = mip + "_" + model.source_id + "_" + model.experiment_id + "_" + model.member_id +
                                  "_mo_atm_" + mod_period;
    const std::string units = var == "psl" ? "hPa" : "degC";

    json seasons_results = json::object();
    json reference_results = json::object();
    const auto seasons = mode_seasons(mode);
    for (std::size_t si = 0; si < seasons.size(); ++si) {
        host.throw_if_cancelled();
        const std::string& season = seasons[si];
        const std::string prefix = mode.mode + "_" + var + "_EOF";

        // Reference EOF.
        std::size_t obs_steps = 0, mod_steps = 0;
        const bool last_season = si + 1 == seasons.size();
        std::vector<double> obs_anomalies = season_anomalies(obs.field, season, last_season, &obs_steps);
        remove_domain_mean(obs_anomalies, obs_steps, obs.grid, obs_domain);
        const auto obs_domain_data = cells_of_each_step(obs_anomalies, obs.grid.cell_count(), obs_domain.cells);
        sci::EofAnalysis obs_eof = sci::compute_eofs(obs_domain_data, obs_steps, obs_weights, eofn);
        if (obs_eof.count() < eofn)
            throw plugin::DiagnosticError(reference.path + ": fewer than " + std::to_string(eofn) + " EOFs");
        const std::size_t n = eofn - 1;
        if (needs_flip(geometry, obs_domain, obs_eof.covariance_maps[n])) obs_eof.flip(n);
        EofMode ref;
        ref.pattern = obs_eof.covariance_maps[n];
        ref.pc = obs_eof.pcs[n];
        ref.frac = obs_eof.variance_fractions[n];
        teleconnection(ref, obs_anomalies);
        reference_results[season] = {{"frac", finite_or_null(ref.frac)},
                                     {"stdv_pc", finite_or_null(ref.stdv_pc)},
                                     {"mean", finite_or_null(sci::weighted_mean(ref.pattern, obs_domain_areas))},
                                     {"mean_glo", finite_or_null(sci::weighted_mean(ref.teleconnection, obs_areas))}};
        const std::string obs_stem = prefix + std::to_string(eofn) + "_" + season + "_obs_" + obs_period;
        write_mode_netcdf(out / (obs_stem + ".nc"), obs.grid, ref, units);
        write_map(out / (obs_stem + ".png"), mode.mode + " EOF" + std::to_string(eofn) + " " + season + " " +
                      reference.source_id + " " + obs_period, units, obs_domain.grid, ref.pattern, west);
        write_map(out / (obs_stem + "_teleconnection.png"), mode.mode + " teleconnection " + season + " " +
                      reference.source_id, units, obs.grid, ref.teleconnection, 0.0);
        write_north_test(out, "EG_Spec_North_test_" + mode.mode + "_" + season + "_" + reference.source_id + "_" + obs_period,
                         obs_eof, obs_steps);

        // Model anomalies, on the native grid and on the reference grid (domain only).
        std::vector<double> mod_anomalies = season_anomalies(mod.field, season, last_season, &mod_steps);
        remove_domain_mean(mod_anomalies, mod_steps, mod.grid, mod_domain);
        const auto mod_domain_data = cells_of_each_step(mod_anomalies, mod.grid.cell_count(), mod_domain.cells);
        std::vector<double> regridded_domain;
        regridded_domain.reserve(mod_steps * obs_domain.cells.size());
        for (std::size_t t = 0; t < mod_steps; ++t) {
            const auto step = to_obs_grid.apply(std::span<const double>(mod_anomalies).subspan(t * mod.grid.cell_count(),
                                                                                                mod.grid.cell_count()));
            for (const auto c : obs_domain.cells) regridded_domain.push_back(step[c]);
        }

        const auto statistics = [&](const EofMode& m, std::span<const double> domain_pattern) {
            const auto global_on_obs = to_obs_grid.apply(m.teleconnection);
            const auto domain_on_obs = take(global_on_obs, obs_domain.cells);
            const Comparison d = compare_maps(domain_on_obs, ref.pattern, obs_domain_areas);
            const Comparison g = compare_maps(global_on_obs, ref.teleconnection, obs_areas);
            return json{{"frac", finite_or_null(m.frac)},
                        {"stdv_pc", finite_or_null(m.stdv_pc)},
                        {"stdv_pc_ratio_to_obs", finite_or_null(m.stdv_pc / ref.stdv_pc)},
                        {"mean", finite_or_null(sci::weighted_mean(domain_pattern, mod_domain_areas))},
                        {"mean_glo", finite_or_null(sci::weighted_mean(m.teleconnection, mod_areas))},
                        {"cor", finite_or_null(d.cor)},
                        {"cor_glo", finite_or_null(g.cor)},
                        {"rms", finite_or_null(d.rms)},
                        {"rms_glo", finite_or_null(g.rms)},
                        {"rmsc", finite_or_null(d.rmsc)},
                        {"rmsc_glo", finite_or_null(g.rmsc)},
                        {"bias", finite_or_null(d.bias)},
                        {"bias_glo", finite_or_null(g.bias)}};
        };

        // CBF: the model projected on the reference EOF (steps 13-16).
        EofMode cbf;
        cbf.pc = sci::project_onto_eof(obs_eof, n, regridded_domain, mod_steps);
        teleconnection(cbf, mod_anomalies);
        const auto cbf_domain = take(cbf.teleconnection, mod_domain.cells);
        const auto variance_fraction = [&](std::span<const double> pattern, std::span<const double> data,
                                           std::span<const double> areas) {
            const std::size_t cells = pattern.size();
            double pc_mean = 0, pc_var = 0;
            for (const double p : cbf.pc) pc_mean += p;
            pc_mean /= static_cast<double>(cbf.pc.size());
            for (const double p : cbf.pc) pc_var += (p - pc_mean) * (p - pc_mean);
            pc_var /= static_cast<double>(cbf.pc.size());
            std::vector<double> explained(cells), total(cells);
            for (std::size_t c = 0; c < cells; ++c) {
                explained[c] = pattern[c] * pattern[c] * pc_var / (cbf.stdv_pc * cbf.stdv_pc);
                double s = 0, ss = 0, k = 0;
                for (std::size_t t = 0; t < mod_steps; ++t) {
                    const double v = data[t * cells + c];
                    if (std::isfinite(v)) s += v, ss += v * v, ++k;
                }
                total[c] = k > 0 ? ss / k - (s / k) * (s / k) : nan;
                if (!std::isfinite(total[c])) explained[c] = nan;
            }
            return sci::weighted_mean(explained, areas) / sci::weighted_mean(total, areas);
        };
        cbf.frac = variance_fraction(cbf_domain, mod_domain_data, mod_domain_areas);
        const double frac_regrid =
            variance_fraction(take(to_obs_grid.apply(cbf.teleconnection), obs_domain.cells), regridded_domain, obs_domain_areas);
        json methods = json::object();
        methods["cbf"] = statistics(cbf, cbf_domain);
        methods["cbf"]["frac_cbf_regrid"] = finite_or_null(frac_regrid);
        const std::string cbf_stem = prefix + std::to_string(eofn) + "_" + season + "_" + model_tag + "_cbf";
        write_mode_netcdf(out / (cbf_stem + ".nc"), mod.grid, cbf, units);
        write_map(out / (cbf_stem + ".png"), mode.mode + " CBF " + season + " " + model.source_id, units, mod_domain.grid,
                  cbf_domain, west);
        write_map(out / (cbf_stem + "_teleconnection.png"), mode.mode + " CBF teleconnection " + season + " " + model.source_id,
                  units, mod.grid, cbf.teleconnection, 0.0);
        {
            auto [go, vo] = ascending(obs_domain.grid, ref.pattern, west);
            auto [gm, vm] = ascending(mod_domain.grid, cbf_domain, west);
            sci::write_map_panels((out / (cbf_stem + "_compare_obs.png")).string(),
                                  {map_of(mode.mode + " " + reference.source_id + " (reference)", units, go, vo),
                                   map_of(mode.mode + " " + model.source_id + " CBF", units, gm, vm)});
        }

        // Conventional EOFs of the model (steps 17-20).
        sci::EofAnalysis mod_eof = sci::compute_eofs(mod_domain_data, mod_steps, mod_weights, eofn);
        std::vector<double> rms_values, cor_values, tcor_values;
        for (std::size_t k = 0; k < mod_eof.count(); ++k) {
            if (needs_flip(geometry, mod_domain, mod_eof.covariance_maps[k])) mod_eof.flip(k);
            EofMode m;
            m.pattern = mod_eof.covariance_maps[k];
            m.pc = mod_eof.pcs[k];
            m.frac = mod_eof.variance_fractions[k];
            teleconnection(m, mod_anomalies);
            json stats = statistics(m, m.pattern);
            if (stats["cor"].is_number() && stats["cor"].get<double>() < 0) {
                mod_eof.flip(k);
                m.pattern = mod_eof.covariance_maps[k];
                m.pc = mod_eof.pcs[k];
                // Regressing on -pc negates the slope and keeps the intercept exactly: no second pass.
                for (std::size_t c = 0; c < m.slope.size(); ++c) {
                    m.slope[c] = -m.slope[c];
                    m.teleconnection[c] = m.slope[c] * m.stdv_pc + m.intercept[c];
                }
                stats = statistics(m, m.pattern);
            }
            const double tcor = sci::temporal_correlation(cbf.pc, m.pc);
            stats["tcor_cbf_vs_eof_pc"] = finite_or_null(tcor);
            rms_values.push_back(stats["rms"].is_number() ? stats["rms"].get<double>() : INFINITY);
            cor_values.push_back(stats["cor"].is_number() ? stats["cor"].get<double>() : -INFINITY);
            tcor_values.push_back(std::isfinite(tcor) ? tcor : -INFINITY);
            const std::string method = "eof" + std::to_string(k + 1);
            methods[method] = stats;
            const std::string stem = prefix + std::to_string(k + 1) + "_" + season + "_" + model_tag;
            write_mode_netcdf(out / (stem + ".nc"), mod.grid, m, units);
            write_map(out / (stem + ".png"), mode.mode + " EOF" + std::to_string(k + 1) + " " + season + " " +
                          model.source_id, units, mod_domain.grid, m.pattern, west);
            write_map(out / (stem + "_teleconnection.png"), mode.mode + " EOF" + std::to_string(k + 1) +
                          " teleconnection " + season + " " + model.source_id, units, mod.grid, m.teleconnection, 0.0);
            if (k + 1 == eofn) {
                auto [go, vo] = ascending(obs_domain.grid, ref.pattern, west);
                auto [gm, vm] = ascending(mod_domain.grid, m.pattern, west);
                sci::write_map_panels((out / (stem + "_eof" + std::to_string(k + 1) + "_compare_obs.png")).string(),
                                      {map_of(mode.mode + " " + reference.source_id + " (reference)", units, go, vo),
                                       map_of(mode.mode + " " + model.source_id + " EOF" + std::to_string(k + 1), units, gm, vm)});
            }
        }
        const auto arg = [](const std::vector<double>& v, bool smallest) {
            std::size_t best = 0;
            for (std::size_t i = 1; i < v.size(); ++i)
                if (smallest ? v[i] < v[best] : v[i] > v[best]) best = i;
            return static_cast<int>(best + 1);
        };
        methods["attributes"] = {{"best_matching_model_eofs__cor", arg(cor_values, false)},
                                 {"best_matching_model_eofs__rms", arg(rms_values, true)},
                                 {"best_matching_model_eofs__tcor_cbf_vs_eof_pc", arg(tcor_values, false)},
                                 {"period", mod_period}};
        seasons_results[season] = methods;
        host.progress(0.2 + 0.8 * static_cast<double>(si + 1) / static_cast<double>(seasons.size()), season);
    }

    json method_keys = json::object(), statistic_keys = json::object(), season_keys = json::object();
    for (const auto& [season, methods] : seasons_results.items()) {
        season_keys[season] = json::object();
        for (const auto& [method, stats] : methods.items()) {
            if (method == "attributes") continue;
            method_keys[method] = json::object();
        }
    }
    for (const auto& [statistic, value] : seasons_results[seasons.front()]["cbf"].items())
        statistic_keys[statistic] = json::object();
    json mode_results = seasons_results;
    mode_results["attributes"] = {{"target_model_eofs", mode.eofn}};
    json reference_block = reference_results;
    json obs_block = {{mode.mode, reference_block},
                      {"period", obs_period},
                      {"reference_eofs", mode.eofn},
                      {"source", reference.path}};
    const json native = {
        {"DIMENSIONS",
         {{"json_structure", {"model", "realization", "reference", "mode", "season", "method", "statistic"}},
          {"model", {{model.source_id, json::object()}}},
          {"realization", {{model.member_id, json::object()}}},
          {"reference", {{"defaultReference", json::object()}}},
          {"mode", {{mode.mode, json::object()}}},
          {"season", season_keys},
          {"method", method_keys},
          {"statistic", statistic_keys}}},
        {"SCHEMA", {{"name", "CMEC"}, {"package", "PMP"}, {"version", "v1"}}},
        {"REF", {{"obs", {{"defaultReference", obs_block}}}}},
        {"json_version", 3.0},
        {"provenance",
         {{"environment", {{"backend", "native"}, {"provider", "pmp"}, {"version", kProviderVersion}}}}},
        {"RESULTS",
         {{model.source_id, {{model.member_id, {{"defaultReference", {{mode.mode, mode_results}}}}}}}}}};
    const std::string json_stem = "var_mode_" + mode.mode + "_EOF" + std::to_string(eofn) + "_stat_" + mip + "_" +
                                  model.experiment_id + "_mo_atm_" + model.source_id + "_" + model.member_id + "_" +
                                  mod_period;
    sci::cmec::write_json_atomically(out / (json_stem + ".json"), native);
    sci::cmec::write_json_atomically(out / (json_stem + "_cmec.json"), native);
}

}  // namespace

// Numerical failures (no valid cell, mismatched grids) become bad-data errors that name the inputs.
void run_native_mode(const ModeConfig& mode, const ModelSelection& model, const ReferenceSelection& reference,
                     const fs::path& out, const plugin::Host& host) {
    try {
        run_native_mode_unchecked(mode, model, reference, out, host);
    } catch (const plugin::Error&) {
        throw;
    } catch (const std::system_error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError("cannot compute " + std::string("the " + mode.mode + " mode") + " natively from " +
                                      model.files.front() + " and " + reference.path + ": " + e.what());
    }
}

}  // namespace ref::pmp
