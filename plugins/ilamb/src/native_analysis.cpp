// Native backend, scoring side: ilamb3's Bias, RMSE, Annual Cycle and Spatial Distribution
// (spec 5.2-5.5), the files ilamb3 writes, and the execution.
#include "ref/ilamb/native.hpp"
#include "ref/science/cmec.hpp"
#include "ref/science/grid.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/netcdf_file.hpp"
#include "ref/science/plot.hpp"
#include "ref/science/units.hpp"

#include <netcdf.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>

namespace ref::ilamb::native {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> spherical_areas(const GridField& f) {
    const double r2 = science::kMeanEarthRadius * science::kMeanEarthRadius, rad = M_PI / 180.0;
    std::vector<double> out;
    out.reserve(f.cells());
    for (std::size_t j = 0; j < f.lat.size(); ++j) {
        const double band = std::sin(f.lat_bounds[2 * j + 1] * rad) - std::sin(f.lat_bounds[2 * j] * rad);
        for (std::size_t i = 0; i < f.lon.size(); ++i)
            out.push_back(r2 * (f.lon_bounds[2 * i + 1] - f.lon_bounds[2 * i]) * rad * band);
    }
    return out;
}

// Areas for spatial means on a field's own grid: its cell measures when it has them.
std::vector<double> own_areas(const GridField& f) { return f.cell_measures.empty() ? spherical_areas(f) : f.cell_measures; }

// sum(a x)/sum(a) over the cells inside the region where both x and a are finite.
double area_mean(const double* x, const std::vector<double>& areas, const std::vector<unsigned char>& inside) {
    double sum = 0, weight = 0;
    for (std::size_t c = 0; c < areas.size(); ++c) {
        if (!inside[c] || !std::isfinite(x[c]) || !std::isfinite(areas[c])) continue;
        sum += areas[c] * x[c];
        weight += areas[c];
    }
    return weight > 0 ? sum / weight : kNaN;
}

// Time-weighted mean and population standard deviation per cell over the valid steps.
// Step by step with one running sum per cell: the field is read in memory order.
void time_moments(const GridField& f, std::vector<double>& mean, std::vector<double>* stddev) {
    const std::size_t cells = f.cells(), steps = f.steps();
    const auto dt = f.step_days();
    std::vector<double> sum(cells, 0.0), weight(cells, 0.0);
    for (std::size_t t = 0; t < steps; ++t) {
        const double* values = f.data.data() + t * cells;
        for (std::size_t c = 0; c < cells; ++c) {
            if (!std::isfinite(values[c])) continue;
            sum[c] += dt[t] * values[c];
            weight[c] += dt[t];
        }
    }
    mean.assign(cells, kNaN);
    for (std::size_t c = 0; c < cells; ++c)
        if (weight[c] > 0) mean[c] = sum[c] / weight[c];
    if (!stddev) return;
    std::vector<double>& var = sum;
    std::fill(var.begin(), var.end(), 0.0);
    for (std::size_t t = 0; t < steps; ++t) {
        const double* values = f.data.data() + t * cells;
        for (std::size_t c = 0; c < cells; ++c)
            if (std::isfinite(values[c])) var[c] += dt[t] * (values[c] - mean[c]) * (values[c] - mean[c]);
    }
    stddev->assign(cells, kNaN);
    for (std::size_t c = 0; c < cells; ++c)
        if (weight[c] > 0) (*stddev)[c] = std::sqrt(var[c] / weight[c]);
}

ScalarRow row(const std::string& source, const std::string& region, const std::string& analysis,
              const std::string& name, const std::string& type, const std::string& units, double value) {
    ScalarRow r;
    r.source = source;
    r.region = region;
    r.analysis = analysis;
    r.name = name + " [" + units + "]";
    r.type = type;
    r.units = units;
    r.value = value;
    return r;
}

int year_month(const science::DateTime& d) { return d.year * 12 + (d.month - 1); }

std::string format_value(double v) {
    if (!std::isfinite(v)) return "NaN";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

void check(int status, const std::string& what, const fs::path& path) {
    if (status != NC_NOERR)
        throw plugin::SystemError("cannot write " + path.string() + " (" + what + "): " + nc_strerror(status));
}

// trace_<region>(time) and cycle_<region>(month) of one source, written atomically.
void write_series_netcdf(const fs::path& path, const GridField& axis, const std::vector<Series>& traces,
                         const std::vector<Series>& cycles, const std::string& units) {
    const fs::path temporary = path.string() + ".part";
    int ncid = -1;
    check(nc_create(temporary.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid), "create", path);
    try {
        int time_dim = -1, month_dim = -1, time_var = -1, month_var = -1;
        if (!traces.empty()) {
            check(nc_def_dim(ncid, "time", axis.time.size(), &time_dim), "time", path);
            check(nc_def_var(ncid, "time", NC_DOUBLE, 1, &time_dim, &time_var), "time", path);
            check(nc_put_att_text(ncid, time_var, "units", axis.time_units.size(), axis.time_units.c_str()), "time", path);
            check(nc_put_att_text(ncid, time_var, "calendar", axis.calendar.size(), axis.calendar.c_str()), "time", path);
        }
        if (!cycles.empty()) {
            check(nc_def_dim(ncid, "month", 12, &month_dim), "month", path);
            check(nc_def_var(ncid, "month", NC_INT, 1, &month_dim, &month_var), "month", path);
        }
        std::vector<int> ids;
        auto define = [&](const Series& s, int dim, const std::string& long_name) {
            int id = -1;
            check(nc_def_var(ncid, s.name.c_str(), NC_DOUBLE, 1, &dim, &id), s.name, path);
            const double fill = kNaN;
            check(nc_def_var_fill(ncid, id, 0, &fill), s.name, path);
            check(nc_put_att_text(ncid, id, "units", units.size(), units.c_str()), s.name, path);
            check(nc_put_att_text(ncid, id, "long_name", long_name.size(), long_name.c_str()), s.name, path);
            ids.push_back(id);
        };
        for (const auto& s : traces) define(s, time_dim, "regional mean of " + axis.variable);
        for (const auto& s : cycles) define(s, month_dim, "annual cycle of " + axis.variable);
        check(nc_enddef(ncid), "enddef", path);
        if (time_var >= 0) check(nc_put_var_double(ncid, time_var, axis.time.data()), "time", path);
        if (month_var >= 0) {
            const int months[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            check(nc_put_var_int(ncid, month_var, months), "month", path);
        }
        std::size_t k = 0;
        for (const auto* list : {&traces, &cycles})
            for (const auto& s : *list) check(nc_put_var_double(ncid, ids[k++], s.values.data()), s.name, path);
        check(nc_close(ncid), "close", path);
    } catch (...) {
        nc_close(ncid);
        fs::remove(temporary);
        throw;
    }
    fs::rename(temporary, path);
}

// " over <region name>", nothing for the whole domain.
// Appends one map per region, cells outside the region left blank.
void add_maps(Outputs& out, const std::vector<Region>& regions, const std::vector<std::vector<unsigned char>>& masks,
              const std::string& source, const std::string& plot, const std::string& units, bool diverging,
              const std::vector<double>& lat, const std::vector<double>& lon, const double* values) {
    for (std::size_t k = 0; k < regions.size(); ++k) {
        MapFigure map{source, regions[k].label, plot, units, diverging, lat, lon, {}};
        map.values.assign(values, values + lat.size() * lon.size());
        for (std::size_t c = 0; c < map.values.size(); ++c)
            if (!masks[k][c]) map.values[c] = kNaN;
        out.maps.push_back(std::move(map));
    }
}

std::string over_region(const std::string& label) { return label == "None" ? "" : " over " + region_name(label); }

double decimal_year(const science::DateTime& d) {
    return d.year + (d.month - 1) / 12.0 + (d.day - 1) / 365.0;
}

// Everything of a field but its values (which may be hundreds of megabytes).
GridField without_data(GridField& f) {
    std::vector<double> data = std::move(f.data);
    f.data.clear();
    GridField copy = f;
    f.data = std::move(data);
    return copy;
}

}  // namespace

Outputs run_analyses(GridField ref, GridField com, const std::vector<Region>& regions, const std::string& source) {
    make_comparable(ref, com);
    Outputs out;
    out.units = normalise_units(science::canonical_units(ref.units) == "1" ? "1" : ref.units);
    const std::string& units = out.units;
    const NestedGrid nested = nest_grids(ref, com);
    const auto ref_areas = spherical_areas(ref), com_areas = own_areas(com);
    std::vector<std::vector<unsigned char>> on_ref, on_com, on_nested;
    for (const auto& r : regions) {
        on_ref.push_back(r.cells(ref.lat, ref.lon));
        on_com.push_back(r.cells(com.lat, com.lon));
        on_nested.push_back(r.cells(nested.lat, nested.lon));
    }
    const std::size_t N = nested.cells();

    // ---- Bias (5.2) ----
    std::vector<double> R, C, sd;
    time_moments(ref, R, &sd);
    time_moments(com, C, nullptr);
    const bool ref_varies = ref.temporal && ref.steps() > 1;
    std::vector<double> diff(N), bias_score(N);
    for (std::size_t n = 0; n < N; ++n) {
        const std::size_t rc = nested.reference_cell[n];
        const double d = C[nested.model_cell[n]] - R[rc];
        const double norm = ref_varies ? sd[rc] : R[rc];
        diff[n] = d;
        bias_score[n] = std::exp(-std::abs(d) / std::abs(norm));  // uncertainty u = 0
    }
    for (std::size_t k = 0; k < regions.size(); ++k) {
        const std::string& label = regions[k].label;
        out.scalars.push_back(row("Reference", label, "Bias", "Period Mean", "scalar", units,
                                  area_mean(R.data(), ref_areas, on_ref[k])));
        out.scalars.push_back(row(source, label, "Bias", "Period Mean", "scalar", units,
                                  area_mean(C.data(), com_areas, on_com[k])));
        out.scalars.push_back(row(source, label, "Bias", "Bias", "scalar", units,
                                  area_mean(diff.data(), nested.areas, on_nested[k])));
        out.scalars.push_back(row(source, label, "Bias", "Bias Score", "score", "1",
                                  area_mean(bias_score.data(), nested.areas, on_nested[k])));
    }

    add_maps(out, regions, on_ref, "Reference", "mean", units, false, ref.lat, ref.lon, R.data());
    add_maps(out, regions, on_com, source, "mean", units, false, com.lat, com.lon, C.data());
    add_maps(out, regions, on_nested, source, "bias", units, true, nested.lat, nested.lon, diff.data());
    add_maps(out, regions, on_nested, source, "biasscore", "1", false, nested.lat, nested.lon, bias_score.data());

    out.reference_axis = without_data(ref);
    out.model_axis = without_data(com);

    // ---- RMSE (5.3): monthly steps paired by (year, month) ----
    if (ref.temporal && com.temporal && ref.steps() >= 24 && com.steps() >= 24) {
        for (std::size_t k = 0; k < regions.size(); ++k) {
            Series rt{"trace_" + regions[k].label, {}}, ct{"trace_" + regions[k].label, {}};
            for (std::size_t t = 0; t < ref.steps(); ++t)
                rt.values.push_back(area_mean(ref.data.data() + t * ref.cells(), ref_areas, on_ref[k]));
            for (std::size_t t = 0; t < com.steps(); ++t)
                ct.values.push_back(area_mean(com.data.data() + t * com.cells(), com_areas, on_com[k]));
            out.reference_traces.push_back(std::move(rt));
            out.model_traces.push_back(std::move(ct));
        }
        std::map<int, std::size_t> com_step;
        for (std::size_t t = 0; t < com.steps(); ++t) com_step[year_month(com.dates[t])] = t;
        std::vector<std::pair<std::size_t, std::size_t>> pairs;  // reference step, model step
        std::vector<double> weight;                              // noleap month lengths
        for (std::size_t t = 0; t < ref.steps(); ++t) {
            const auto it = com_step.find(year_month(ref.dates[t]));
            if (it == com_step.end()) continue;
            pairs.emplace_back(t, it->second);
            weight.push_back(science::days_in_month(science::Calendar::noleap, 2001, ref.dates[t].month));
        }
        // Pair by pair with running sums per nested cell, so each step is read in memory order.
        std::vector<double> w(N, 0.0), r_sum(N, 0.0), c_sum(N, 0.0);
        for (std::size_t p = 0; p < pairs.size(); ++p) {
            const double* r_step = ref.data.data() + pairs[p].first * ref.cells();
            const double* c_step = com.data.data() + pairs[p].second * com.cells();
            for (std::size_t n = 0; n < N; ++n) {
                const double r = r_step[nested.reference_cell[n]], c = c_step[nested.model_cell[n]];
                if (!std::isfinite(r) || !std::isfinite(c)) continue;
                w[n] += weight[p];
                r_sum[n] += weight[p] * r;
                c_sum[n] += weight[p] * c;
            }
        }
        std::vector<double> sq(N, 0.0), csq(N, 0.0), rsq(N, 0.0);
        for (std::size_t p = 0; p < pairs.size(); ++p) {
            const double* r_step = ref.data.data() + pairs[p].first * ref.cells();
            const double* c_step = com.data.data() + pairs[p].second * com.cells();
            for (std::size_t n = 0; n < N; ++n) {
                if (w[n] <= 0) continue;
                const double r = r_step[nested.reference_cell[n]], c = c_step[nested.model_cell[n]];
                if (!std::isfinite(r) || !std::isfinite(c)) continue;
                const double r_mean = r_sum[n] / w[n], c_mean = c_sum[n] / w[n];
                sq[n] += weight[p] * (c - r) * (c - r);
                const double centred = (c - c_mean) - (r - r_mean);
                csq[n] += weight[p] * centred * centred;
                rsq[n] += weight[p] * (r - r_mean) * (r - r_mean);
            }
        }
        std::vector<double> rmse(N, kNaN), score(N, kNaN);
        for (std::size_t n = 0; n < N; ++n) {
            if (w[n] <= 0) continue;
            rmse[n] = std::sqrt(sq[n] / w[n]);
            const double crmse = std::sqrt(csq[n] / w[n]), crms = std::sqrt(rsq[n] / w[n]);
            score[n] = crmse == 0.0 ? 1.0 : std::exp(-crmse / crms);
        }
        for (std::size_t k = 0; k < regions.size(); ++k) {
            out.scalars.push_back(row(source, regions[k].label, "RMSE", "RMSE", "scalar", units,
                                      area_mean(rmse.data(), nested.areas, on_nested[k])));
            out.scalars.push_back(row(source, regions[k].label, "RMSE", "RMSE Score", "score", "1",
                                      area_mean(score.data(), nested.areas, on_nested[k])));
        }
        add_maps(out, regions, on_nested, source, "rmse", units, false, nested.lat, nested.lon, rmse.data());
        add_maps(out, regions, on_nested, source, "rmsescore", "1", false, nested.lat, nested.lon, score.data());
    }

    // ---- Annual cycle (5.4) ----
    const auto monthly = [](const GridField& f) {
        const double s = f.mean_step_days();
        return f.temporal && f.steps() >= 12 && s >= 27.0 && s <= 33.0;
    };
    if (monthly(ref) && monthly(com)) {
        // Plain mean of each calendar month per cell; tmax = month of the maximum (NaN -> 0 as ilamb3 fills).
        auto climatology = [](const GridField& f) {
            const std::size_t cells = f.cells();
            std::vector<double> sum(12 * cells, 0.0), count(12 * cells, 0.0);
            for (std::size_t t = 0; t < f.steps(); ++t) {
                const auto m = static_cast<std::size_t>(f.dates[t].month - 1);
                for (std::size_t c = 0; c < cells; ++c) {
                    const double v = f.data[t * cells + c];
                    if (std::isfinite(v)) {
                        sum[m * cells + c] += v;
                        count[m * cells + c] += 1;
                    }
                }
            }
            for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = count[i] > 0 ? sum[i] / count[i] : kNaN;
            return sum;
        };
        auto month_of_max = [](const std::vector<double>& clim, std::size_t cells) {
            std::vector<double> tmax(cells, kNaN);
            for (std::size_t c = 0; c < cells; ++c) {
                bool any = false;
                std::size_t best = 0;
                double best_value = 0;
                for (std::size_t m = 0; m < 12; ++m) {
                    const double raw = clim[m * cells + c];
                    any = any || std::isfinite(raw);
                    const double v = std::isfinite(raw) ? raw : 0.0;
                    if (m == 0 || v > best_value) {
                        best_value = v;
                        best = m;
                    }
                }
                if (any) tmax[c] = static_cast<double>(best);
            }
            return tmax;
        };
        const auto ref_clim = climatology(ref), com_clim = climatology(com);
        const auto ref_tmax = month_of_max(ref_clim, ref.cells()), com_tmax = month_of_max(com_clim, com.cells());
        std::vector<double> shift(N), cycle_score(N);
        for (std::size_t n = 0; n < N; ++n) {
            double s = com_tmax[nested.model_cell[n]] - ref_tmax[nested.reference_cell[n]];
            if (s > 6) s -= 12;
            if (s < -6) s += 12;
            shift[n] = s;
            cycle_score[n] = 1.0 - std::abs(s) / 6.0;
        }
        for (std::size_t k = 0; k < regions.size(); ++k) {
            Series rc{"cycle_" + regions[k].label, {}}, cc{"cycle_" + regions[k].label, {}};
            for (std::size_t m = 0; m < 12; ++m) {
                rc.values.push_back(area_mean(ref_clim.data() + m * ref.cells(), ref_areas, on_ref[k]));
                cc.values.push_back(area_mean(com_clim.data() + m * com.cells(), com_areas, on_com[k]));
            }
            out.reference_cycles.push_back(std::move(rc));
            out.model_cycles.push_back(std::move(cc));
            out.scalars.push_back(row(source, regions[k].label, "Annual Cycle", "Phase Shift", "scalar", "month",
                                      area_mean(shift.data(), nested.areas, on_nested[k])));
            out.scalars.push_back(row(source, regions[k].label, "Annual Cycle", "Seasonal Cycle Score", "score", "1",
                                      area_mean(cycle_score.data(), nested.areas, on_nested[k])));
        }
        add_maps(out, regions, on_ref, "Reference", "tmax", "month", false, ref.lat, ref.lon, ref_tmax.data());
        add_maps(out, regions, on_com, source, "tmax", "month", false, com.lat, com.lon, com_tmax.data());
        add_maps(out, regions, on_nested, source, "shift", "month", true, nested.lat, nested.lon, shift.data());
        add_maps(out, regions, on_nested, source, "cyclescore", "1", false, nested.lat, nested.lon, cycle_score.data());
    }

    // ---- Spatial distribution (5.5): unweighted over nested cells ----
    for (std::size_t k = 0; k < regions.size(); ++k) {
        auto moments = [&](const std::vector<double>& field, const std::vector<std::size_t>& index, double& mean) {
            double sum = 0, count = 0;
            for (std::size_t n = 0; n < N; ++n) {
                const double v = field[index[n]];
                if (on_nested[k][n] && std::isfinite(v)) {
                    sum += v;
                    count += 1;
                }
            }
            mean = count > 0 ? sum / count : kNaN;
            double var = 0;
            for (std::size_t n = 0; n < N; ++n) {
                const double v = field[index[n]];
                if (on_nested[k][n] && std::isfinite(v)) var += (v - mean) * (v - mean);
            }
            return count > 0 ? std::sqrt(var / count) : kNaN;
        };
        double r_mean = 0, c_mean = 0;
        const double sigma_r = moments(R, nested.reference_cell, r_mean);
        const double sigma_c = moments(C, nested.model_cell, c_mean);
        // ilamb3 skips a region without spatial variance with np.allclose(std, 0), i.e. an
        // absolute tolerance of 1e-8 in the reference's units.
        if (!std::isfinite(sigma_r) || sigma_r <= 1e-8) continue;
        // Pearson correlation over the cells valid in both.
        double sr = 0, sc = 0, count = 0;
        for (std::size_t n = 0; n < N; ++n) {
            const double r = R[nested.reference_cell[n]], c = C[nested.model_cell[n]];
            if (on_nested[k][n] && std::isfinite(r) && std::isfinite(c)) {
                sr += r;
                sc += c;
                count += 1;
            }
        }
        double cov = 0, vr = 0, vc = 0;
        for (std::size_t n = 0; n < N; ++n) {
            const double r = R[nested.reference_cell[n]], c = C[nested.model_cell[n]];
            if (on_nested[k][n] && std::isfinite(r) && std::isfinite(c)) {
                cov += (r - sr / count) * (c - sc / count);
                vr += (r - sr / count) * (r - sr / count);
                vc += (c - sc / count) * (c - sc / count);
            }
        }
        const double corr = cov / std::sqrt(vr * vc);
        const double sigma = sigma_c / sigma_r;
        const double score = 4.0 * (1.0 + corr) / (2.0 * std::pow(sigma + 1.0 / sigma, 2));
        out.scalars.push_back(row(source, regions[k].label, "Spatial Distribution", "Normalized Standard Deviation",
                                  "scalar", "1", sigma));
        out.scalars.push_back(row(source, regions[k].label, "Spatial Distribution", "Correlation", "scalar", "1", corr));
        out.scalars.push_back(row(source, regions[k].label, "Spatial Distribution", "Spatial Distribution Score",
                                  "score", "1", score));
    }
    for (auto& r : out.scalars) r.value_text = format_value(r.value);
    return out;
}

std::vector<std::pair<std::string, double>> overall_scores(const std::vector<ScalarRow>& scalars,
                                                           const std::string& source) {
    std::vector<std::pair<std::string, double>> out;
    std::map<std::string, std::pair<double, int>> sums;
    for (const auto& r : scalars) {
        if (r.source != source || r.type != "score" || !std::isfinite(r.value)) continue;
        if (!sums.count(r.region)) out.emplace_back(r.region, 0.0);
        sums[r.region].first += r.value;
        sums[r.region].second += 1;
    }
    for (auto& [region, value] : out) value = sums[region].first / sums[region].second;
    return out;
}

void write_outputs(const fs::path& dir, const Outputs& outputs, const std::string& source) {
    fs::create_directories(dir);
    {
        const fs::path csv = dir / (source + ".csv"), temporary = dir / (source + ".csv.part");
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file << "source,region,analysis,name,type,units,value\n";
        for (const auto& r : outputs.scalars)
            file << csv_field(r.source) << ',' << csv_field(r.region) << ',' << csv_field(r.analysis) << ','
                 << csv_field(r.name) << ',' << r.type << ',' << csv_field(r.units) << ',' << format_value(r.value)
                 << '\n';
        file.close();
        if (!file) throw plugin::SystemError("cannot write " + temporary.string());
        fs::rename(temporary, csv);
    }
    write_series_netcdf(dir / "Reference.nc", outputs.reference_axis, outputs.reference_traces, outputs.reference_cycles,
                        outputs.units);
    write_series_netcdf(dir / (source + ".nc"), outputs.model_axis, outputs.model_traces, outputs.model_cycles,
                        outputs.units);
    // Maps: <source>_<region>_<plot>.png, titled as the conversion captions them.
    std::vector<science::MapFigure> figures;
    for (const auto& map : outputs.maps) {
        const std::string stem = map.source + "_" + map.region + "_" + map.plot;
        science::MapPlot plot;
        plot.title = describe_plot(stem).caption;
        if (plot.title.empty()) plot.title = stem;
        plot.units = map.units;
        plot.lat = map.lat;
        plot.lon = map.lon;
        plot.values = map.values;
        plot.diverging = map.diverging;
        if (map.plot == "biasscore" || map.plot == "rmsescore" || map.plot == "cyclescore") {
            plot.low = 0.0;
            plot.high = 1.0;
        } else if (map.plot == "tmax") {
            plot.low = 0.0;
            plot.high = 11.0;
        } else if (map.plot == "shift") {
            plot.low = -6.0;
            plot.high = 6.0;
        }
        figures.push_back({(dir / (stem + ".png")).string(), {std::move(plot)}});
    }
    science::write_map_figures(figures);
    // Line plots: <source>_<region>_trace.png and <source>_<region>_cycle.png.
    for (std::size_t k = 0; k < outputs.model_traces.size(); ++k) {
        const std::string region = outputs.model_traces[k].name.substr(6);
        science::LinePlot plot;
        plot.title = "Regional mean of " + outputs.model_axis.variable + over_region(region);
        plot.x_label = "year";
        plot.y_label = outputs.units;
        science::LineSeries reference{"Reference", {}, outputs.reference_traces[k].values};
        for (const auto& d : outputs.reference_axis.dates) reference.x.push_back(decimal_year(d));
        science::LineSeries model{source, {}, outputs.model_traces[k].values};
        for (const auto& d : outputs.model_axis.dates) model.x.push_back(decimal_year(d));
        plot.series = {reference, model};
        science::write_line_plot((dir / (source + "_" + region + "_trace.png")).string(), plot);
    }
    for (std::size_t k = 0; k < outputs.model_cycles.size(); ++k) {
        const std::string region = outputs.model_cycles[k].name.substr(6);
        science::LinePlot plot;
        plot.title = "Annual cycle of " + outputs.model_axis.variable + over_region(region);
        plot.x_label = "month";
        plot.y_label = outputs.units;
        const std::vector<double> months{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        plot.series = {{"Reference", months, outputs.reference_cycles[k].values},
                       {source, months, outputs.model_cycles[k].values}};
        science::write_line_plot((dir / (source + "_" + region + "_cycle.png")).string(), plot);
    }
}

bool has_native_backend(const ConfigureEntry& entry) {
    if (!entry.analyses.empty() || !entry.relationships.empty() || entry.sources.size() != 1) return false;
    if (entry.analysis_variable || !entry.related_vars.empty() || !entry.model_expressions.empty()) return false;
    const auto& source = entry.sources.front();
    if (source.key && source.key->find("/site/") != std::string::npos) return false;  // site data
    for (const auto& transform : entry.transforms)
        for (const auto& [name, options] : transform.items())
            if (name != "select_depth" && name != "soil_moisture_to_vol_fraction") return false;
    return true;
}

namespace {

bool has_transform(const ConfigureEntry& entry, const std::string& name) {
    for (const auto& t : entry.transforms)
        if (t.contains(name)) return true;
    return false;
}

std::string row_text(const json& row, const std::string& key) {
    const auto it = row.find(key);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The model's cell measures: area x land/sea fraction/100 when the variable's cell_measures
// names one area variable the execution supplies (spec 4.3); non-positive values are NaN.
void attach_cell_measures(GridField& model, const std::string& file, const std::string& variable,
                          const std::map<std::string, std::vector<std::string>>& files_by_variable,
                          const plugin::Host& host) {
    std::string measures, methods;
    try {
        const science::NetcdfFile nc(file);
        measures = nc.string_attribute(variable, "cell_measures").value_or("");
        methods = nc.string_attribute(variable, "cell_methods").value_or("");
    } catch (const science::NetcdfError&) {
        return;
    }
    // Only a single "area: <name>" entry is understood, as in ilamb3.
    if (measures.rfind("area:", 0) != 0 || measures.find(':', 5) != std::string::npos) return;
    std::string area_name = measures.substr(5);
    area_name.erase(0, area_name.find_first_not_of(' '));
    area_name.erase(area_name.find_last_not_of(' ') + 1);
    const auto area_files = files_by_variable.find(area_name);
    if (area_files == files_by_variable.end()) return;
    try {
        GridField area = load_grid_field(area_files->second, area_name, false);
        if (area.cells() != model.cells()) {
            host.warning(area_files->second.front() + " does not match the grid of " + file + "; using spherical areas");
            return;
        }
        std::string fraction_name;
        if (methods.find("where land") != std::string::npos) fraction_name = "sftlf";
        if (methods.find("where sea") != std::string::npos) fraction_name = "sftof";
        if (const auto fraction = files_by_variable.find(fraction_name); fraction != files_by_variable.end()) {
            GridField frac = load_grid_field(fraction->second, fraction_name, false);
            if (frac.cells() == area.cells())
                for (std::size_t c = 0; c < area.cells(); ++c) area.data[c] *= frac.data[c] / 100.0;
        }
        for (double& a : area.data)
            if (!(a > 0)) a = std::numeric_limits<double>::quiet_NaN();
        model.cell_measures = std::move(area.data);
    } catch (const plugin::DiagnosticError& e) {
        host.warning(std::string("cell measures not used: ") + e.what());
    }
}

}  // namespace

plugin::ExecutionResult execute(const ConfigureEntry& entry, const plugin::ExecutionDefinition& definition,
                                const plugin::Host& host, const std::string& provider_version) {
    const fs::path out = definition.output_directory;
    fs::create_directories(out);
    const auto selectors = model_selectors(definition);
    std::string source = "None";
    for (const auto& [facet, value] : selectors)
        if (facet == "source_id") source = value;
    const std::string reference_source_id = reference_source_id_of(entry.name);
    const bool surface = has_transform(entry, "select_depth");
    const bool soil = has_transform(entry, "soil_moisture_to_vol_fraction");

    // Reference: a registry file, or the obs4MIPs dataset of the dict-form source.
    const SourceSpec& spec = entry.sources.front();
    std::vector<std::string> reference_files;
    std::string reference_variable = spec.name;
    if (spec.key) {
        const std::string registry = spec.key->rfind("obs4REF/", 0) == 0 ? "obs4ref" : "ilamb";
        reference_files.push_back(resolve_registry_file(definition.settings, registry, *spec.key).string());
    } else {
        for (const auto& [facet, value] : spec.facets)
            if (facet == "variable_id") reference_variable = value;
        if (const auto* obs = definition.find("obs4mips"))
            for (const auto& r : obs->rows)
                if (row_text(r, "variable_id").empty() || row_text(r, "variable_id") == reference_variable)
                    if (!row_text(r, "path").empty()) reference_files.push_back(row_text(r, "path"));
        if (reference_files.empty())
            throw plugin::DiagnosticError("no obs4mips dataset for the reference source '" + spec.name + "'");
    }
    std::sort(reference_files.begin(), reference_files.end());

    // Model: the alternate variable when present (tos, sos, mrsos), else the main one.
    const plugin::DatasetCollection* collection = definition.find("cmip6");
    if (!collection) collection = definition.find("cmip7");
    if (!collection) throw plugin::DiagnosticError("the execution has no cmip6 or cmip7 datasets");
    std::map<std::string, std::vector<std::string>> files_by_variable;
    for (const auto& r : collection->rows) {
        std::string variable = row_text(r, "variable_id");
        // CMIP7 rows without variable_id: the branded name starts with it ("tos_tavg-u-hxy-sea").
        if (variable.empty()) variable = row_text(r, "branded_variable").substr(0, row_text(r, "branded_variable").find('_'));
        if (!row_text(r, "path").empty()) files_by_variable[variable].push_back(row_text(r, "path"));
    }
    for (auto& [variable, files] : files_by_variable) std::sort(files.begin(), files.end());
    std::string model_variable;
    for (const auto& alternate : entry.alternate_vars)
        if (model_variable.empty() && files_by_variable.count(alternate)) model_variable = alternate;
    if (model_variable.empty() && files_by_variable.count(variable_id_of(entry))) model_variable = variable_id_of(entry);
    if (model_variable.empty())
        throw plugin::DiagnosticError("the model datasets hold none of " + variable_id_of(entry) +
                                      (entry.alternate_vars.empty() ? "" : " or its alternates"));

    host.info("native ILAMB: reference " + reference_variable + " from " + reference_files.front() + ", model " +
              model_variable + " (" + std::to_string(files_by_variable[model_variable].size()) + " files)");
    GridField reference = load_grid_field(reference_files, reference_variable, surface);
    GridField model = load_grid_field(files_by_variable[model_variable], model_variable, surface);
    model.variable = variable_id_of(entry);
    attach_cell_measures(model, files_by_variable[model_variable].front(), model_variable, files_by_variable, host);
    if (soil) {
        soil_moisture_to_volume_fraction(reference);
        soil_moisture_to_volume_fraction(model);
    }
    host.throw_if_cancelled();

    // Regions: land diagnostics use the ilamb-regions masks; without them the whole grid.
    std::vector<Region> regions;
    if (entry.realm == "land") {
        try {
            for (const auto& info : land_regions())
                regions.push_back(read_region(resolve_registry_file(definition.settings, "ilamb-regions", info.registry_key),
                                              info.label));
        } catch (const plugin::SystemError& e) {
            host.warning(std::string("region masks unavailable, scoring the whole grid as region None: ") + e.what());
            regions = {Region{}};
        }
    } else {
        regions = {Region{}};
    }

    const Outputs outputs = run_analyses(std::move(reference), std::move(model), regions, source);
    host.throw_if_cancelled();
    write_outputs(out, outputs, source);
    plugin::ExecutionResult result = write_bundles(out, selectors, reference_source_id);

    // The output bundle records which backend produced it.
    json bundle = json::parse(std::ifstream(out / "output.json"));
    bundle["provenance"]["environment"] = {{"backend", "native"}, {"provider", "ilamb"}, {"version", provider_version}};
    science::cmec::write_json_atomically(out / "output.json", bundle);

    json overall = json::object();
    for (const auto& [region, value] : overall_scores(outputs.scalars, source)) {
        overall[region] = value;
        host.info("Overall Score (" + region + "): " + format_value(value));
    }
    result.details = {{"backend", "native"}, {"version", provider_version}, {"overall_score", overall}};
    return result;
}

}  // namespace ref::ilamb::native
