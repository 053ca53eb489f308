// annual-cycle computed in C++ (spec pmp.md §3.3), writing the files PMP's mean climate
// driver writes so the tool path's conversion turns them into the same bundles.
#include "ref/pmp/pmp.hpp"
#include "ref/science/climatology.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/field.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/means.hpp"
#include "ref/science/netcdf_file.hpp"
#include "ref/science/regrid.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace ref::pmp {

namespace sci = ref::science;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double kDegree = 3.14159265358979323846 / 180.0;

// PMP's seasonal month weights, indexed by month 0..11 (offset by one month; spec §6.3).
constexpr std::array<double, 12> kPmpMonthWeights = {31, 31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30};
const std::vector<std::pair<std::string, std::array<int, 3>>>& pmp_seasons() {
    static const std::vector<std::pair<std::string, std::array<int, 3>>> seasons = {
        {"djf", {11, 0, 1}}, {"mam", {2, 3, 4}}, {"jja", {5, 6, 7}}, {"son", {8, 9, 10}}};
    return seasons;
}

struct Moments {
    double bias = nan, mae = nan, rms = nan, rmsc = nan, cor = nan, std_model = nan, std_reference = nan,
           mean_model = nan, mean_reference = nan;
};

// Area-weighted comparison of two fields over the cells where both are finite.
Moments compare(std::span<const double> a, std::span<const double> b, std::span<const double> w) {
    double sw = 0, sa = 0, sb = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i])) sw += w[i], sa += w[i] * a[i], sb += w[i] * b[i];
    Moments m;
    if (!(sw > 0)) return m;
    m.mean_model = sa / sw;
    m.mean_reference = sb / sw;
    double bias = 0, mae = 0, ms = 0, msc = 0, va = 0, vb = 0, cov = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(std::isfinite(a[i]) && std::isfinite(b[i]))) continue;
        const double d = a[i] - b[i], da = a[i] - m.mean_model, db = b[i] - m.mean_reference;
        bias += w[i] * d;
        mae += w[i] * std::fabs(d);
        ms += w[i] * d * d;
        msc += w[i] * (da - db) * (da - db);
        va += w[i] * da * da;
        vb += w[i] * db * db;
        cov += w[i] * da * db;
    }
    m.bias = bias / sw;
    m.mae = mae / sw;
    m.rms = std::sqrt(ms / sw);
    m.rmsc = std::sqrt(msc / sw);
    m.std_model = std::sqrt(va / sw);
    m.std_reference = std::sqrt(vb / sw);
    m.cor = (cov / sw) / (m.std_model * m.std_reference);
    return m;
}

// Time-weighted mean of the given months of a [12][cell] climatology.
std::vector<double> months_mean(std::span<const double> climatology, std::size_t cells, const std::vector<int>& months,
                                const std::vector<double>& weights) {
    std::vector<double> out(cells, 0.0);
    double total = 0;
    for (std::size_t k = 0; k < months.size(); ++k) total += weights[k];
    for (std::size_t c = 0; c < cells; ++c) {
        double s = 0;
        for (std::size_t k = 0; k < months.size(); ++k)
            s += weights[k] * climatology[static_cast<std::size_t>(months[k]) * cells + c];
        out[c] = s / total;
    }
    return out;
}

// Each cell minus the mean of its latitude row (over the row's finite cells).
std::vector<double> deviation_from_zonal_mean(std::span<const double> x, std::size_t nlat, std::size_t nlon,
                                              std::vector<double>* zonal) {
    std::vector<double> out(x.begin(), x.end());
    if (zonal) zonal->assign(nlat, nan);
    for (std::size_t j = 0; j < nlat; ++j) {
        double s = 0, n = 0;
        for (std::size_t i = 0; i < nlon; ++i)
            if (std::isfinite(x[j * nlon + i])) s += x[j * nlon + i], ++n;
        const double mean = n > 0 ? s / n : nan;
        if (zonal) (*zonal)[j] = mean;
        for (std::size_t i = 0; i < nlon; ++i) out[j * nlon + i] -= mean;
    }
    return out;
}

std::string format_like_pmp(double value) {
    if (!std::isfinite(value)) return "nan";
    char text[64];
    std::snprintf(text, sizeof text, "%.5e", value);
    return text;
}

json pmp_value(double value) {
    const double rounded = round_like_pmp(value);
    return std::isfinite(rounded) ? json(rounded) : json(nullptr);
}

// One level of [step][level][cell] values.
std::vector<double> select_level(std::span<const double> values, std::size_t steps, std::size_t levels, std::size_t level) {
    const std::size_t cells = values.size() / (steps * levels);
    std::vector<double> out;
    out.reserve(steps * cells);
    for (std::size_t t = 0; t < steps; ++t) {
        const auto first = values.begin() + static_cast<std::ptrdiff_t>((t * levels + level) * cells);
        out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(cells));
    }
    return out;
}

// Index of `hpa` on the file's plev axis (Pa when its units say so or its maximum exceeds 10000).
std::size_t level_index(const std::string& path, const sci::Field& field, double hpa) {
    if (field.spatial_dims.size() != 3)
        throw plugin::DiagnosticError(path + ": variable " + field.variable + " has no pressure-level dimension");
    const std::string axis = field.spatial_dims.front();
    const sci::NetcdfFile file(path);
    if (!file.has_variable(axis)) throw plugin::DiagnosticError(path + ": no coordinate variable " + axis);
    const auto levels = file.read(axis);
    const auto units = file.string_attribute(axis, "units").value_or("");
    double top = 0;
    for (const double l : levels) top = std::max(top, l);
    const double wanted = (units == "Pa" || top > 10000.0) ? hpa * 100.0 : hpa;
    for (std::size_t i = 0; i < levels.size(); ++i)
        if (std::fabs(levels[i] - wanted) <= 0.001 * wanted) return i;
    throw plugin::DiagnosticError(path + ": no pressure level within 0.1% of " + sci::shape_text({}) +
                                  std::to_string(static_cast<int>(hpa)) + " hPa on axis " + axis);
}

bool is_kg_per_m2_s(const std::string& units) {
    return units.empty() || units == "kg m-2 s-1" || units == "kg m^-2 s^-1" || units == "kg/m2/s";
}

sci::Field read_or_fail(const std::vector<std::string>& files, const std::string& variable) {
    try {
        return sci::read_field(files, variable);
    } catch (const plugin::DiagnosticError&) {
        throw;
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError(std::string("cannot read ") + variable + ": " + e.what());
    }
}

// The files with a time step inside [first, last]; whole-period 3-D files are large, so the
// others are not read at all. Files whose time axis cannot be decoded are kept (read_field reports them).
std::vector<std::string> files_covering(const std::vector<std::string>& files, const sci::DateTime& first,
                                        const sci::DateTime& last) {
    std::vector<std::string> out;
    for (const auto& path : files) {
        try {
            const sci::NetcdfFile file(path);
            const auto time = file.read("time");
            const sci::CfTime decoder(file.string_attribute("time", "units").value_or(""),
                                      file.string_attribute("time", "calendar").value_or(""));
            bool inside = false;
            for (const double t : time) {
                const auto date = decoder.decode(t);
                if (date >= first && date <= last) {
                    inside = true;
                    break;
                }
            }
            if (inside) out.push_back(path);
        } catch (const std::exception&) {
            out.push_back(path);
        }
    }
    return out;
}

sci::LatLonGrid grid_or_fail(const std::string& path, const std::string& variable) {
    try {
        return sci::read_lat_lon_grid(path, variable);
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError(e.what());
    }
}

// The model, reference and difference maps of the annual mean and each season, to be written
// all together (write_map_figures draws several at once).
void add_maps(std::vector<sci::MapFigure>& figures, const fs::path& directory, const std::string& stem,
              const std::string& region, const sci::LatLonGrid& grid, std::span<const double> model,
              std::span<const double> reference, const std::array<double, 12>& month_lengths,
              const std::string& variable, const std::string& units) {
    const std::size_t cells = grid.cell_count();
    std::vector<std::pair<std::string, std::pair<std::vector<int>, std::vector<double>>>> periods;
    periods.push_back({"AC", {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
                              std::vector<double>(month_lengths.begin(), month_lengths.end())}});
    for (const auto& [name, months] : pmp_seasons()) {
        std::vector<double> w;
        for (const int m : months) w.push_back(kPmpMonthWeights[static_cast<std::size_t>(m)]);
        std::string upper = name;
        for (auto& ch : upper) ch = static_cast<char>(ch - 'a' + 'A');
        periods.push_back({upper, {std::vector<int>(months.begin(), months.end()), w}});
    }
    for (const auto& [name, selection] : periods) {
        const auto a = months_mean(model, cells, selection.first, selection.second);
        const auto b = months_mean(reference, cells, selection.first, selection.second);
        std::vector<double> difference(cells);
        double low = INFINITY, high = -INFINITY;
        for (std::size_t c = 0; c < cells; ++c) {
            difference[c] = a[c] - b[c];
            for (const double v : {a[c], b[c]})
                if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
        }
        sci::MapPlot m{variable + " model (" + region + ", " + name + ")", units, grid.lat, grid.lon, a, false, {}, {}};
        if (std::isfinite(low)) m.low = low, m.high = high;
        sci::MapPlot r = m;
        r.title = variable + " reference (" + region + ", " + name + ")";
        r.values = b;
        sci::MapPlot d{variable + " model - reference (" + region + ", " + name + ")", units, grid.lat, grid.lon,
                       difference, true, {}, {}};
        figures.push_back({(directory / (stem + "_" + region + "_" + name + "_basicTest.png")).string(), {m, r, d}});
    }
}

}  // namespace

double round_like_pmp(double value) {
    if (!std::isfinite(value)) return value;
    return std::strtod(format_like_pmp(value).c_str(), nullptr);
}

std::vector<std::string> annual_cycle_regions(const std::string& variable_id) {
    if (variable_id == "pr") return {"global", "doubleITCZ"};
    if (variable_id == "rlut") return {"global"};
    return {"global", "NHEX", "SHEX", "TROPICS"};
}

RegionBox annual_cycle_region(const std::string& region) {
    if (region == "global") return {};
    if (region == "NHEX") return {30, 90, 0, 360};
    if (region == "SHEX") return {-90, -30, 0, 360};
    if (region == "TROPICS") return {-30, 30, 0, 360};
    if (region == "doubleITCZ") return {-20, 0, 100, 210};
    throw plugin::DiagnosticError("unknown annual-cycle region '" + region + "'");
}

std::vector<double> cells_of_each_step(std::span<const double> data, std::size_t cells,
                                       const std::vector<std::size_t>& keep) {
    const std::size_t steps = data.size() / cells;
    std::vector<double> out;
    out.reserve(steps * keep.size());
    for (std::size_t t = 0; t < steps; ++t)
        for (const auto c : keep) out.push_back(data[t * cells + c]);
    return out;
}

RegionCut cut_region(const sci::LatLonGrid& grid, const RegionBox& box) {
    RegionCut cut;
    std::vector<std::size_t> rows, columns;
    for (std::size_t j = 0; j < grid.lat.size(); ++j)
        if (grid.lat[j] >= box.lat_min && grid.lat[j] <= box.lat_max) rows.push_back(j);
    for (std::size_t i = 0; i < grid.lon.size(); ++i) {
        double lon = std::fmod(grid.lon[i] - box.lon_min, 360.0);
        if (lon < 0) lon += 360.0;
        if (box.lon_max - box.lon_min >= 360.0 || lon <= box.lon_max - box.lon_min) columns.push_back(i);
    }
    for (const auto j : rows) {
        cut.grid.lat.push_back(grid.lat[j]);
        cut.grid.lat_bounds.push_back(grid.lat_bounds[2 * j]);
        cut.grid.lat_bounds.push_back(grid.lat_bounds[2 * j + 1]);
    }
    for (const auto i : columns) {
        cut.grid.lon.push_back(grid.lon[i]);
        cut.grid.lon_bounds.push_back(grid.lon_bounds[2 * i]);
        cut.grid.lon_bounds.push_back(grid.lon_bounds[2 * i + 1]);
    }
    for (const auto j : rows)
        for (const auto i : columns) cut.cells.push_back(j * grid.lon.size() + i);
    return cut;
}

json annual_cycle_statistics(const sci::LatLonGrid& grid, std::span<const double> model,
                             std::span<const double> reference, const std::array<double, 12>& month_lengths) {
    const std::size_t cells = grid.cell_count();
    if (model.size() != 12 * cells || reference.size() != 12 * cells)
        throw std::invalid_argument("annual-cycle statistics need 12 months of " + std::to_string(cells) + " cells");
    const auto w = sci::spherical_cell_areas(grid, 1.0).values;
    json out = json::object();
    const auto put = [&](const std::string& statistic, const std::string& season, double value) {
        out[statistic][season] = pmp_value(value);
    };

    // Monthly values and the monthly time-weighted statistics.
    std::vector<double> month_rms(12), month_mean_model(12), month_mean_reference(12);
    json calendar = json::object();
    for (std::size_t k = 0; k < 12; ++k) {
        const auto a = model.subspan(k * cells, cells), b = reference.subspan(k * cells, cells);
        const Moments m = compare(a, b, w);
        month_rms[k] = m.rms;
        month_mean_model[k] = sci::weighted_mean(a, w);
        month_mean_reference[k] = sci::weighted_mean(b, w);
        for (const auto& [name, value] :
             std::vector<std::pair<std::string, double>>{{"bias_xy", m.bias}, {"mae_xy", m.mae}, {"rms_xy", m.rms},
                                                         {"rmsc_xy", m.rmsc}, {"cor_xy", m.cor}, {"std_xy", m.std_model},
                                                         {"std-obs_xy", m.std_reference}, {"mean_xy", m.mean_model},
                                                         {"mean-obs_xy", m.mean_reference}})
            calendar[name].push_back(format_like_pmp(value));
    }

    const std::vector<double> lengths(month_lengths.begin(), month_lengths.end());
    const std::vector<int> all_months = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const auto annual_model = months_mean(model, cells, all_months, lengths);
    const auto annual_reference = months_mean(reference, cells, all_months, lengths);

    const auto put_moments = [&](const std::string& season, const Moments& m) {
        put("bias_xy", season, m.bias);
        put("mae_xy", season, m.mae);
        put("rms_xy", season, m.rms);
        put("rmsc_xy", season, m.rmsc);
        put("cor_xy", season, m.cor);
        put("std_xy", season, m.std_model);
        put("std-obs_xy", season, m.std_reference);
        put("mean_xy", season, m.mean_model);
        put("mean-obs_xy", season, m.mean_reference);
    };
    put_moments("ann", compare(annual_model, annual_reference, w));
    for (const auto& [name, months] : pmp_seasons()) {
        std::vector<double> weights;
        for (const int m : months) weights.push_back(kPmpMonthWeights[static_cast<std::size_t>(m)]);
        const std::vector<int> list(months.begin(), months.end());
        put_moments(name, compare(months_mean(model, cells, list, weights), months_mean(reference, cells, list, weights), w));
    }

    // Annual-only statistics: time-weighted over the 12 months, zonal structure.
    double total = 0, rms_t = 0, g_model = 0, g_reference = 0;
    for (std::size_t k = 0; k < 12; ++k) {
        total += month_lengths[k];
        rms_t += month_lengths[k] * month_rms[k];
        g_model += month_lengths[k] * month_mean_model[k];
        g_reference += month_lengths[k] * month_mean_reference[k];
    }
    g_model /= total;
    g_reference /= total;
    double var_model = 0, var_reference = 0;
    for (std::size_t k = 0; k < 12; ++k) {
        std::vector<double> dm(cells), dr(cells);
        for (std::size_t c = 0; c < cells; ++c) {
            const double a = model[k * cells + c] - g_model, b = reference[k * cells + c] - g_reference;
            dm[c] = a * a;
            dr[c] = b * b;
        }
        var_model += month_lengths[k] * sci::weighted_mean(dm, w);
        var_reference += month_lengths[k] * sci::weighted_mean(dr, w);
    }
    put("rms_xyt", "ann", rms_t / total);
    put("std_xyt", "ann", std::sqrt(var_model / total));
    put("std-obs_xyt", "ann", std::sqrt(var_reference / total));

    const std::size_t nlat = grid.lat.size(), nlon = grid.lon.size();
    std::vector<double> zonal_model, zonal_reference;
    const auto dev_model = deviation_from_zonal_mean(annual_model, nlat, nlon, &zonal_model);
    const auto dev_reference = deviation_from_zonal_mean(annual_reference, nlat, nlon, &zonal_reference);
    double sy = 0, swy = 0;
    for (std::size_t j = 0; j < nlat; ++j) {
        const double d = zonal_model[j] - zonal_reference[j];
        if (!std::isfinite(d)) continue;
        const double wy = std::fabs(std::sin(grid.lat_bounds[2 * j + 1] * kDegree) - std::sin(grid.lat_bounds[2 * j] * kDegree));
        sy += wy * d * d;
        swy += wy;
    }
    put("rms_y", "ann", swy > 0 ? std::sqrt(sy / swy) : nan);
    const Moments devzm = compare(dev_model, dev_reference, w);
    put("rms_devzm", "ann", devzm.rms);
    put("std_xy_devzm", "ann", devzm.std_model);
    put("std-obs_xy_devzm", "ann", devzm.std_reference);

    for (auto& [name, values] : calendar.items()) out[name]["CalendarMonths"] = values;
    return out;
}

namespace {
void run_native_annual_cycle_unchecked(const ModelSelection& model, const ReferenceSelection& reference, const fs::path& out,
                             const plugin::Host& host) {
    const AnnualCycleVariable* variable = find_annual_cycle_variable(model.variable_id);
    if (!variable) throw plugin::DiagnosticError("annual-cycle does not support variable '" + model.variable_id + "'");
    const std::string& v = model.variable_id;
    const std::string data = model.source_id + "_" + model.experiment_id + "_" + model.member_id;
    const std::string climatology_name =
        v + "_" + data + "_clims.198101-200512.AC." + kAnnualCycleClimatologyVersion + ".nc";

    host.progress(0.0, "reading the model");
    const sci::DateTime first{1981, 1, 1}, last{2005, 12, 31, 23, 59, 59};
    std::vector<std::string> model_files = files_covering(model.files, first, last);
    if (model_files.empty())
        throw plugin::DiagnosticError("no model file has data between 1981-01 and 2005-12 (first file: " +
                                      model.files.front() + ")");
    sci::Field model_field = read_or_fail(model_files, v);
    sci::MonthlyClimatology model_climatology;
    try {
        model_climatology = sci::monthly_climatology(model_field, first, last);
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError(std::string("the model climatology 1981-01..2005-12 cannot be formed: ") + e.what());
    }
    // Only the climatology is used from here on: the memory of the whole series (tens of MB) is
    // handed back for the regridding and the figures, which then need no fresh pages.
    std::vector<double>().swap(model_field.data);
    host.progress(0.3, "reading the reference climatology");
    const sci::Field reference_field = read_or_fail({reference.path}, v);
    if (reference_field.step_count() != 12)
        throw plugin::DiagnosticError(reference.path + ": a reference climatology needs 12 monthly steps, found " +
                                      std::to_string(reference_field.step_count()));
    sci::MonthlyClimatology reference_climatology;
    try {
        reference_climatology = sci::monthly_climatology(reference_field);
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError(e.what());
    }

    const sci::LatLonGrid model_grid = grid_or_fail(model_files.front(), v);
    const sci::LatLonGrid reference_grid = grid_or_fail(reference.path, v);
    const sci::LatLonGrid target = sci::uniform_global_grid(2.5, 2.5);
    const sci::ConservativeRegridder model_regrid(model_grid, target);
    const sci::ConservativeRegridder reference_regrid(reference_grid, target);

    const bool pr = v == "pr";
    const double model_scale = pr && is_kg_per_m2_s(model_field.units) ? 86400.0 : 1.0;
    const double reference_scale = pr && is_kg_per_m2_s(reference_field.units) ? 86400.0 : 1.0;
    const std::string units = pr ? "mm/day" : model_field.units;

    std::vector<std::string> levels = variable->levels;
    if (levels.empty()) levels.push_back("");
    for (std::size_t li = 0; li < levels.size(); ++li) {
        host.throw_if_cancelled();
        const std::string& level = levels[li];
        const std::string var_name = level.empty() ? v : v + "-" + level;
        std::vector<double> m = model_climatology.data, r = reference_climatology.data;
        if (!level.empty()) {
            const double hpa = std::stod(level);
            const std::size_t nm = model_field.spatial_shape.empty() ? 1 : model_field.spatial_shape.front();
            const std::size_t nr = reference_field.spatial_shape.empty() ? 1 : reference_field.spatial_shape.front();
            const std::size_t im = level_index(model_files.front(), model_field, hpa);
            const std::size_t ir = level_index(reference.path, reference_field, hpa);
            m = select_level(m, 12, nm, im);
            r = select_level(r, 12, nr, ir);
        }
        if (m.size() != 12 * model_grid.cell_count())
            throw plugin::DiagnosticError(model_files.front() + ": " + v + " is not laid out as (time, lat, lon)" +
                                          (level.empty() ? "" : " per level"));
        if (r.size() != 12 * reference_grid.cell_count())
            throw plugin::DiagnosticError(reference.path + ": " + v + " is not laid out as (time, lat, lon)" +
                                          (level.empty() ? "" : " per level"));
        for (auto& x : m) x *= model_scale;
        for (auto& x : r) x *= reference_scale;
        const auto model_target = model_regrid.apply_steps(m, 12);
        const auto reference_target = reference_regrid.apply_steps(r, 12);

        const fs::path plot_directory = out / var_name;
        fs::create_directories(plot_directory);
        const std::string plot_stem = var_name + "_" + model.source_id + "_" + model.member_id + "_interpolated_regrid2";
        json regions = json::object();
        std::vector<sci::MapFigure> figures;
        for (const auto& region : annual_cycle_regions(v)) {
            const RegionCut cut = cut_region(target, annual_cycle_region(region));
            const auto mc = cells_of_each_step(model_target, target.cell_count(), cut.cells);
            const auto rc = cells_of_each_step(reference_target, target.cell_count(), cut.cells);
            regions[region] = annual_cycle_statistics(cut.grid, mc, rc, model_climatology.month_lengths);
            add_maps(figures, plot_directory, plot_stem, region, cut.grid, mc, rc, model_climatology.month_lengths,
                     var_name, units);
        }
        sci::write_map_figures(figures);

        json statistics = json::object(), seasons = json::object();
        for (const auto& [name, by_season] : regions["global"].items()) {
            statistics[name] = json::object();
            for (const auto& [season, value] : by_season.items()) seasons[season] = json::object();
        }
        json region_keys = json::object();
        for (const auto& [name, value] : regions.items()) region_keys[name] = json::object();
        json member = regions;
        member["attributes"] = {{"InputClimatologyFileName", climatology_name}};
        json variable_info = {{"id", v}};
        if (!level.empty()) variable_info["level"] = std::stod(level);
        const json native = {
            {"DIMENSIONS",
             {{"json_structure", {"model", "reference", "rip", "region", "statistic", "season"}},
              {"model", {{model.source_id, json::object()}}},
              {"reference", {{"default", json::object()}}},
              {"rip", {{model.member_id, json::object()}}},
              {"region", region_keys},
              {"statistic", statistics},
              {"season", seasons}}},
            {"SCHEMA", {{"name", "CMEC"}, {"package", "PMP"}, {"version", "v1"}}},
            {"provenance",
             {{"environment", {{"backend", "native"}, {"provider", "pmp"}, {"version", kProviderVersion}}},
              {"method", "pcmdi_metrics " + std::string(kPcmdiMetricsVersion) + " mean climate, re-implemented"}}},
            {"Variable", variable_info},
            {"References", {{"default", {{"template", reference.path}}}}},
            {"json_version", 3.0},
            {"RESULTS",
             {{model.source_id,
               {{"default", {{model.member_id, member}, {"attributes", {{"source", reference.source_id}}}}},
                {"attributes", {{"units", units}}}}}}}};
        sci::cmec::write_json_atomically(out / (var_name + "_2.5x2.5_regrid2_metrics_basicTest_cmec.json"), native);
        host.progress(0.4 + 0.6 * static_cast<double>(li + 1) / static_cast<double>(levels.size()), var_name);
    }
}

}  // namespace

// Numerical failures (no valid cell, mismatched grids) become bad-data errors that name the inputs.
void run_native_annual_cycle(const ModelSelection& model, const ReferenceSelection& reference, const fs::path& out,
                             const plugin::Host& host) {
    try {
        run_native_annual_cycle_unchecked(model, reference, out, host);
    } catch (const plugin::Error&) {
        throw;
    } catch (const std::system_error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw plugin::DiagnosticError("cannot compute " + std::string("annual-cycle") + " natively from " +
                                      model.files.front() + " and " + reference.path + ": " + e.what());
    }
}

}  // namespace ref::pmp
