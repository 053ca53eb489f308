#!/usr/bin/python3
"""The baselines of bench/science: the native diagnostics' algorithms written the way the
Python tools compute them (xarray + numpy + scipy, files opened with netCDF4/cftime).

    xarray_diagnostics.py [--figures OUTDIR] DIAGNOSTIC DEFINITION.json|CMIP6_FOLDER|INPUTS_ROOT [RESULT.json]

Two baselines:
  - without --figures, only the metric values (no figures, no bundles); matplotlib is not imported;
  - with --figures OUTDIR, after the values the figures the native diagnostic reports are drawn
    with matplotlib (Agg), as ESMValTool, PMP and ILAMB draw theirs: as many PNGs under the same
    names, the same kinds (line plots, a scatter with its regression line, a bar chart,
    pcolormesh maps with a colour bar, stacked panels where the native figure has them) and the
    same sizes (900x500, maps 900x520 per panel), from the arrays the baseline computed (plus
    those only the figures need, e.g. the global-warming-level maps). The values go to
    OUTDIR/metrics.json, standing in for the native bundles.

ESMValTool diagnostics (global-mean-timeseries, equilibrium-climate-sensitivity,
transient-climate-response, transient-climate-response-emissions, zero-emission-commitment,
climate-at-global-warming-levels) read the execution definition JSON the engine hands to the
plugin, or a folder whose CMIP6 files (ESGF layout .../<experiment>/<member>/<table>/<variable>/
<grid>/<version>/<file>.nc) are the input rows.

The gridded ones (PMP annual-cycle and extratropical-modes-of-variability-pdo, ILAMB
thetao-woa2023-surface) read the folder bench/science/make_inputs.py writes.

The metric values are printed as JSON so the benchmark can put them beside the native ones.
XARRAY_REPEAT=N computes N times in one process and reports the import and per-run times
(with --figures also the matplotlib import, the drawing times and the number of figures).
"""
import json
import sys
import time
import warnings

START = time.perf_counter()

import numpy as np
import xarray as xr
from scipy import stats

IMPORTED = time.perf_counter()
warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN (land) cells in nan-reductions


class Figures:
    """The figures a diagnostic reports, collected while it computes and drawn afterwards.

    Sizes follow the native PNGs: line, scatter and bar plots 900x500, maps 900x520 per panel.
    """

    def __init__(self):
        self.items = []

    def line(self, name, title, x_label, y_label, series, zero_line=False):
        """series: (label, x, y) tuples, one line each."""
        self.items.append(("line", name, dict(title=title, x_label=x_label, y_label=y_label, series=series,
                                              zero_line=zero_line)))

    def scatter(self, name, title, x_label, y_label, x, y, slope, intercept, line_x=()):
        """Points with the line slope * x + intercept across their x range, extended to line_x."""
        self.items.append(("scatter", name, dict(title=title, x_label=x_label, y_label=y_label, x=x, y=y,
                                                 slope=slope, intercept=intercept, line_x=line_x)))

    def bar(self, name, title, y_label, labels, values):
        self.items.append(("bar", name, dict(title=title, y_label=y_label, labels=labels, values=values)))

    def maps(self, name, panels):
        """panels: dicts of title, units, lat, lon (cell centres), values [lat, lon], and optionally
        diverging (blue-white-red around 0), low and high (the colour range)."""
        self.items.append(("maps", name, panels))

    def draw(self, folder):
        """Writes every figure as a PNG under folder; returns the number written."""
        import os
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        for kind, name, spec in self.items:
            path = os.path.join(folder, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if kind == "maps":
                figure = plt.figure(figsize=(9, 5.2 * len(spec)), dpi=100)
                for k, panel in enumerate(spec):
                    draw_map(figure, figure.add_subplot(len(spec), 1, k + 1), panel)
            else:
                figure, axes = plt.subplots(figsize=(9, 5), dpi=100)
                if kind == "line":
                    for label, x, y in spec["series"]:
                        axes.plot(x, y, label=label)
                    if len(spec["series"]) > 1:
                        axes.legend()
                elif kind == "scatter":
                    x = np.asarray(spec["x"])
                    axes.scatter(x, spec["y"], s=12, label="annual means")
                    ends = np.array([min(x.min(), *spec["line_x"]), max(x.max(), *spec["line_x"])])
                    axes.plot(ends, spec["slope"] * ends + spec["intercept"], color="C1", label="least-squares fit")
                    axes.legend()
                else:
                    axes.bar(spec["labels"], spec["values"])
                if spec.get("zero_line") or kind == "scatter":
                    axes.axhline(0.0, color="grey", linestyle="--", linewidth=0.8)
                axes.set_title(spec["title"])
                axes.set_xlabel(spec.get("x_label", ""))
                axes.set_ylabel(spec["y_label"])
            figure.savefig(path)
            plt.close(figure)
        return len(self.items)


def draw_map(figure, axes, panel):
    values = np.asarray(panel["values"], dtype=float)
    low, high = panel.get("low"), panel.get("high")
    if low is None:
        low, high = np.nanmin(values), np.nanmax(values)
        if panel.get("diverging"):
            high = max(abs(low), abs(high))
            low = -high
    mesh = axes.pcolormesh(panel["lon"], panel["lat"], values, shading="nearest", vmin=low, vmax=high,
                           cmap="RdBu_r" if panel.get("diverging") else "viridis")
    axes.set_title(panel["title"])
    figure.colorbar(mesh, ax=axes, orientation="horizontal", label=panel["units"], shrink=0.8, pad=0.08)

PARENTS = {"equilibrium-climate-sensitivity": ("piControl", 150),
           "transient-climate-response": ("piControl", 140)}


def rows_from_folder(root):
    import os
    rows = []
    for folder, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".nc"):
                continue
            parts = os.path.join(folder, name).split(os.sep)
            source, experiment, variable = parts[-8], parts[-7], parts[-4]
            rows.append({"path": os.path.join(folder, name), "variable_id": variable, "experiment_id": experiment,
                         "source_id": source})
    return rows


def rows_of(definition):
    datasets = definition["datasets"]
    source_type = "cmip6" if "cmip6" in datasets else "cmip7"
    return datasets[source_type]["rows"]


def files(rows, variable, experiment=None):
    return sorted(r["path"] for r in rows
                  if r["variable_id"] == variable and (experiment is None or r["experiment_id"] == experiment))


def open_variable(paths, variable):
    parts = [xr.open_dataset(p, use_cftime=True)[variable] for p in paths]
    data = xr.concat(parts, dim="time") if len(parts) > 1 else parts[0]
    data = data.sortby("time")
    return data.isel(time=~data.get_index("time").duplicated())


def global_mean(paths, variable, area):
    data = open_variable(paths, variable)
    return data.weighted(area.fillna(0.0)).mean(("lat", "lon"))


def annual(series):
    return series.groupby("time.year").mean("time")


def model_of(rows, variable, experiment=None):
    return next(r.get("source_id", "model") for r in rows
                if r["variable_id"] == variable and (experiment is None or r["experiment_id"] == experiment))


def area_of(rows):
    paths = files(rows, "areacella")
    return xr.open_dataset(paths[0])["areacella"]


def parent_window(rows, child, years=None):
    """Child start year and the parent year at the branch, as climate-ref's child/parent selection does."""
    import cftime
    first = xr.open_dataset(files(rows, "tas", child)[0], use_cftime=True, decode_times=False)
    attributes = first.attrs
    calendar = first["time"].attrs.get("calendar", "standard")
    parent_units = attributes["parent_time_units"]
    child_units = first["time"].attrs["units"]
    t_bp = cftime.num2date(attributes["branch_time_in_parent"], parent_units, calendar)
    t_bc = cftime.num2date(attributes["branch_time_in_child"], child_units, calendar)
    child_start = cftime.num2date(first["time"].values[0], child_units, calendar)
    parent_start = child_start + (t_bp - t_bc)
    return child_start.year, parent_start.year


def year_slice(series, first_year, years):
    return series.sel(year=slice(first_year, first_year + years - 1))


def control_line(parent, x):
    fit = stats.linregress(x, parent.values)
    return fit.slope * x + fit.intercept


def anomaly_vs_control(rows, variable, child, parent, years, area, derive=None):
    child_year, parent_year = parent_window(rows, child, years)
    def annual_global(experiment, first_year):
        if derive:
            series = derive(experiment)
        else:
            series = global_mean(files(rows, variable, experiment), variable, area)
        return year_slice(annual(series), first_year, years)
    a_child = annual_global(child, child_year)
    a_parent = annual_global(parent, parent_year)
    n = min(a_child.sizes["year"], a_parent.sizes["year"])
    a_child, a_parent = a_child.isel(year=slice(0, n)), a_parent.isel(year=slice(0, n))
    return a_child.values - control_line(a_parent, a_parent["year"].values.astype(float))


def month_lengths(paths):
    """Length in days of every step of the merged files, from their time bounds."""
    parts = [xr.open_dataset(p, use_cftime=True) for p in paths]
    bounds = xr.concat([d[d["time"].attrs.get("bounds", "time_bnds")] for d in parts], dim="time")
    bounds = bounds.sortby("time")
    bounds = bounds.isel(time=~bounds.get_index("time").duplicated())
    days = np.array([(b - a).total_seconds() / 86400.0 for a, b in bounds.values])
    return xr.DataArray(days, coords={"time": bounds["time"]}, dims="time")


def tcre(rows, area, figures=None):
    """Warming over years 46-65 of esm-1pctCO2 per cumulative emission at year 55 (CMIP6)."""
    child, parent, years = "esm-1pctCO2", "esm-piControl", 65
    child_year, parent_year = parent_window(rows, child)
    a_child = year_slice(annual(global_mean(files(rows, "tas", child), "tas", area)), child_year, years)
    tas_parent_monthly = global_mean(files(rows, "tas", parent), "tas", area)
    a_parent = year_slice(annual(tas_parent_monthly), parent_year, years)
    # The control line is fitted against the parent's mid-year times, as ESMValTool does after
    # converting them to days.
    parent_time = tas_parent_monthly["time"].groupby("time.year").map(
        lambda t: xr.DataArray(cftime_days(t.values).mean())).sel(year=a_parent["year"])
    anomaly = a_child.values - control_line(a_parent, parent_time.values)
    flux_paths = files(rows, "fco2antt", child)
    flux = open_variable(flux_paths, "fco2antt")
    total = (flux * area.fillna(0.0)).sum(("lat", "lon"))          # kg s-1
    seconds = month_lengths(flux_paths) * 86400.0
    yearly = year_slice(annual(total), child_year, years)
    year_seconds = year_slice(seconds.groupby("time.year").sum(), child_year, years)
    cumulative = np.cumsum(yearly.values * year_seconds.values) / 1e12  # Pg
    warming = float(np.mean(anomaly[45:65]))
    if figures is not None:
        model = model_of(rows, "tas", child)
        n = min(len(cumulative), len(anomaly))
        figures.line(f"{model}_tcre.png", f"{model} {child}: warming vs cumulative emissions", "E [PgC]", "ΔT [K]",
                     [("ΔT", cumulative[:n], anomaly[:n])], zero_line=True)
    return {"tcre": 1000.0 * warming / cumulative[54], "years": len(anomaly)}


def cftime_days(times):
    import cftime
    return np.asarray(cftime.date2num(list(times), "days since 1850-01-01", times[0].calendar))


def zec(rows, area, figures=None):
    child = "esm-1pct-brch-1000PgC"
    parent = next(r["experiment_id"] for r in rows if r["variable_id"] == "tas" and r["experiment_id"] != child)
    child_year, parent_year = parent_window(rows, child)
    a_child = year_slice(annual(global_mean(files(rows, "tas", child), "tas", area)), child_year, 100)
    parent_paths = files(rows, "tas", parent)
    monthly = global_mean(parent_paths, "tas", area)
    first = parent_year - 10
    window = monthly.sel(time=monthly["time.year"].isin(range(first, first + 20)))
    lengths = month_lengths(parent_paths).sel(time=window["time"])
    base = float((window * lengths).sum() / lengths.sum())
    series = a_child.values - base
    value = float(np.mean(series[40:59]))
    if figures is not None:
        model = model_of(rows, "tas", child)
        figures.line("zec_timeseries_all_models.png", f"Zero emissions commitment: {model}", "years after the branch",
                     "ZEC [K]", [(model, np.arange(len(series)), series)], zero_line=True)
        figures.bar("zec_50_barplot.png", "ZEC 50 years after the end of emissions", "ZEC [K]", [model], [value])
    return {"zec": value, "years": len(series)}


def gwl(rows, area, figures=None):
    """First year the 21-year running mean of the anomaly to 1850-1900 exceeds each level."""
    levels = (1.5, 2.0, 3.0, 4.0, 5.0)
    groups = {}
    for r in rows:
        if r["variable_id"] == "tas":
            key = (r.get("source_id", ""), r.get("member_id", ""), r.get("grid_label", ""))
            groups.setdefault(key, []).append(r)
    result = {}
    curves, records = [], []
    for key, tas_rows in sorted(groups.items()):
        if all(r["experiment_id"] == "historical" for r in tas_rows):
            continue
        paths = sorted(r["path"] for r in tas_rows)
        monthly = global_mean(paths, "tas", area)
        yearly = annual(monthly)
        lengths = month_lengths(paths).groupby("time.year").sum()
        reference_years = yearly.sel(year=slice(1850, 1900))
        w = lengths.sel(year=reference_years["year"])
        reference = float((reference_years * w).sum() / w.sum())
        anomaly = yearly.sel(year=slice(2000, 2100)) - reference
        smooth = anomaly.rolling(year=21, center=True).mean()
        curves.append((f"{key[0]} {key[1]}", smooth["year"].values, smooth.values))
        for level in levels:
            above = smooth.where(smooth > level, drop=True)
            if above.sizes["year"]:
                result[str(level)] = int(above["year"].values[0])
                records.append((key, level, result[str(level)]))
    if figures is not None:
        figures.line("gwl_smoothed_anomalies.png", "21-year mean tas anomaly relative to 1850-1900", "year",
                     "anomaly [K]", curves)
        gwl_maps(rows, records, levels, figures)
    return result


def gwl_maps(rows, records, levels, figures):
    """Per level and variable, the multi-model mean (with two or more models also the standard
    deviation) of each exceeding model's 21-year mean around its exceedance year, on a 1x1 degree grid."""
    lat, lon = np.arange(-89.5, 90.0, 1.0), np.arange(0.5, 360.0, 1.0)
    variables = ["tas"] + (["pr"] if any(r["variable_id"] == "pr" for r in rows) else [])
    for variable in variables:
        yearly = {}
        for key in sorted({key for key, _, _ in records}):
            paths = sorted(r["path"] for r in rows if r["variable_id"] == variable and
                           (r.get("source_id", ""), r.get("member_id", ""), r.get("grid_label", "")) == key)
            if not paths:
                continue
            data = open_variable(paths, variable)
            data = annual(data.sel(time=data["time.year"].isin(range(2000, 2101))))
            data = data * 86400.0 if variable == "pr" else data - 273.15
            # Bilinear onto the target: longitudes wrapped around, the edge rows held to the poles.
            data = data.sortby("lat")
            data = xr.concat([data.isel(lon=[-1]).assign_coords(lon=data["lon"].values[-1:] - 360.0), data,
                              data.isel(lon=[0]).assign_coords(lon=data["lon"].values[:1] + 360.0)], dim="lon")
            data = xr.concat([data.isel(lat=[0]).assign_coords(lat=[-90.0]), data,
                              data.isel(lat=[-1]).assign_coords(lat=[90.0])], dim="lat")
            yearly[key] = data.interp(lat=lat, lon=lon)
        units = "degrees_C" if variable == "tas" else "mm day-1"
        for level in levels:
            windows = [yearly[key].sel(year=slice(year - 10, year + 10)).mean("year").values
                       for key, at, year in records if at == level and key in yearly]
            if not windows:
                continue
            stack = np.stack(windows)
            statistics = [("mean", stack.mean(axis=0))]
            if len(windows) >= 2:
                statistics.append(("stdev", stack.std(axis=0, ddof=1)))
            for statistic, values in statistics:
                title = f"Multi-model {statistic} of {variable} at {level} K warming ({len(windows)} models)"
                figures.maps(f"gwl_mean_plots_{variable}/CMIP6_mm_{statistic}_{level}.png",
                             [dict(title=title, units=units, lat=lat, lon=lon, values=values)])


# ---- gridded diagnostics (PMP annual cycle and PDO, ILAMB) on the bench/science inputs ----

def one_file(root, pattern):
    import glob
    paths = sorted(glob.glob(f"{root}/{pattern}", recursive=True))
    if not paths:
        sys.exit(f"no file matches {root}/{pattern}")
    return paths


def edges_of(ds, name):
    bounds = ds[ds[name].attrs["bounds"]].values
    return np.append(bounds[:, 0], bounds[-1, 1])


def overlap_matrix(src, dst, periodic=False):
    """Overlap lengths of destination cells (rows) with source cells (columns), as regrid2 does."""
    lo_s, hi_s = np.minimum(src[:-1], src[1:]), np.maximum(src[:-1], src[1:])
    lo_d, hi_d = np.minimum(dst[:-1], dst[1:]), np.maximum(dst[:-1], dst[1:])
    total = np.zeros((lo_d.size, lo_s.size))
    for shift in ((-360.0, 0.0, 360.0) if periodic else (0.0,)):
        total += np.clip(np.minimum(hi_d[:, None], hi_s[None, :] + shift) -
                         np.maximum(lo_d[:, None], lo_s[None, :] + shift), 0.0, None)
    return total


def conservative_regridder(lat_src, lon_src, lat_dst, lon_dst):
    """regrid2: sin(lat) x longitude overlaps, missing source cells left out, normalised by the valid overlap."""
    wy = overlap_matrix(np.sin(np.radians(lat_src)), np.sin(np.radians(lat_dst)))
    wx = overlap_matrix(lon_src, lon_dst, periodic=True)
    def apply(field):
        valid = np.isfinite(field)
        values = np.where(valid, field, 0.0)
        num = np.einsum("ij,...jk,lk->...il", wy, values, wx, optimize=True)
        den = np.einsum("ij,...jk,lk->...il", wy, valid.astype(float), wx, optimize=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)
    return apply


def band_areas(lat_edges, lon_edges):
    return np.outer(np.abs(np.diff(np.sin(np.radians(lat_edges)))), np.abs(np.diff(lon_edges)))


def wmean(x, w):
    valid = np.isfinite(x)
    return float((np.where(valid, x, 0.0) * w).sum() / (w * valid).sum())


def bound_days(ds):
    name = ds["time"].attrs.get("bounds") or ds["time"].attrs.get("climatology")
    return np.array([(b - a).total_seconds() / 86400.0 for a, b in ds[name].values])


PMP_GRID = (np.linspace(-90, 90, 73), np.linspace(0, 360, 145))
MO_WTS = np.array([31, 31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30])
SEASONS = {"djf": (11, 0, 1), "mam": (2, 3, 4), "jja": (5, 6, 7), "son": (8, 9, 10)}


def pmp_annual_cycle(root, figures=None):
    """PMP mean climate (pr against GPCP-3-3): 1981-2005 climatology, 2.5 deg regrid2, statistics."""
    model_path = one_file(root, "CMIP6/**/Amon/pr/**/*.nc")[0]
    model = xr.open_dataset(model_path, use_cftime=True)
    model = model.sel(time=slice("1981-01-01", "2005-12-31"))
    days = xr.DataArray(bound_days(model), coords={"time": model["time"]}, dims="time")
    pr = model["pr"] * 86400.0
    clim_m = ((pr * days).groupby("time.month").sum() / days.groupby("time.month").sum()).values
    d_k = days.values[:12]  # the climatology is dated in one (non-leap) year: its month lengths
    reference = xr.open_dataset(one_file(root, "PMP_obs4MIPsClims/pr/**/*.nc")[0], use_cftime=True)
    clim_o = reference["pr"].values * 86400.0
    to_pmp_m = conservative_regridder(edges_of(model, "lat"), edges_of(model, "lon"), *PMP_GRID)
    to_pmp_o = conservative_regridder(edges_of(reference, "lat"), edges_of(reference, "lon"), *PMP_GRID)
    m, o = to_pmp_m(clim_m), to_pmp_o(clim_o)
    lat = (PMP_GRID[0][:-1] + PMP_GRID[0][1:]) / 2
    lon = (PMP_GRID[1][:-1] + PMP_GRID[1][1:]) / 2
    area = band_areas(*PMP_GRID)
    regions = {"global": (np.ones(lat.size, bool), np.ones(lon.size, bool)),
               "doubleITCZ": ((lat >= -20) & (lat <= 0), (lon >= 100) & (lon <= 210))}
    result = {}
    for region, (ys, xs) in regions.items():
        mm, oo, w = m[:, ys][:, :, xs], o[:, ys][:, :, xs], area[ys][:, xs]
        fields = {"ann": ((d_k[:, None, None] * mm).sum(0) / d_k.sum(), (d_k[:, None, None] * oo).sum(0) / d_k.sum())}
        for season, months in SEASONS.items():
            wt = MO_WTS[list(months)]
            fields[season] = tuple((wt[:, None, None] * x[list(months)]).sum(0) / wt.sum() for x in (mm, oo))
        if figures is not None:
            source, member = model_path.split("/")[-8], model_path.split("/")[-6]
            stem = f"pr/pr_{source}_{member}_interpolated_regrid2"
            for period, (a, b) in fields.items():
                name = "AC" if period == "ann" else period.upper()
                shared = dict(units="mm/day", lat=lat[ys], lon=lon[xs],
                              low=np.nanmin([np.nanmin(a), np.nanmin(b)]), high=np.nanmax([np.nanmax(a), np.nanmax(b)]))
                figures.maps(f"{stem}_{region}_{name}_basicTest.png",
                             [dict(shared, title=f"pr model ({region}, {name})", values=a),
                              dict(shared, title=f"pr reference ({region}, {name})", values=b),
                              dict(title=f"pr model - reference ({region}, {name})", units="mm/day", lat=lat[ys],
                                   lon=lon[xs], values=a - b, diverging=True)])
        stats_ = {}
        for season, (a, b) in fields.items():
            ma, mb = wmean(a, w), wmean(b, w)
            sa, sb = np.sqrt(wmean((a - ma) ** 2, w)), np.sqrt(wmean((b - mb) ** 2, w))
            stats_[f"bias_xy/{season}"] = wmean(a - b, w)
            stats_[f"rms_xy/{season}"] = np.sqrt(wmean((a - b) ** 2, w))
            stats_[f"rmsc_xy/{season}"] = np.sqrt(wmean(((a - ma) - (b - mb)) ** 2, w))
            stats_[f"cor_xy/{season}"] = wmean((a - ma) * (b - mb), w) / (sa * sb)
            stats_[f"mae_xy/{season}"] = wmean(np.abs(a - b), w)
        rms_k = np.array([np.sqrt(wmean((mm[k] - oo[k]) ** 2, w)) for k in range(12)])
        stats_["rms_xyt/ann"] = float((d_k * rms_k).sum() / d_k.sum())
        g = sum(d_k[k] * wmean(mm[k], w) for k in range(12)) / d_k.sum()
        stats_["std_xyt/ann"] = float(np.sqrt(sum(d_k[k] * wmean((mm[k] - g) ** 2, w) for k in range(12)) / d_k.sum()))
        a, b = fields["ann"]
        za, zb = np.nanmean(a, axis=1), np.nanmean(b, axis=1)
        wy = w[:, 0]
        stats_["rms_y/ann"] = float(np.sqrt((wy * (za - zb) ** 2).sum() / wy.sum()))
        da, db = a - za[:, None], b - zb[:, None]
        stats_["rms_devzm/ann"] = float(np.sqrt(wmean((da - db) ** 2, w)))
        result.update({f"{region}/{k}": float(f"{v:.5e}") for k, v in stats_.items()})
    return result


def pmp_pdo(root, figures=None):
    """PMP PDO: EOF1 of the HadISST anomalies (20-70N, 110-260E), CBF projection of the model, EOF1 of the model."""
    def load(path, model):
        ds = xr.open_dataset(path, use_cftime=True).sel(time=slice("1900-01-01", "2005-12-31"))
        months = ds["time.month"].values
        first = np.argmax(months == 1)
        last = len(months) - 1 - np.argmax(months[::-1] == 12)
        ds = ds.isel(time=slice(first, last + 1))
        x = ds["ts"].values.astype(float)
        if model:
            x = np.maximum(x - 273.15, -1.8)
        days = bound_days(ds)
        month = ds["time.month"].values
        clim = np.stack([np.nansum((days[month == k, None, None] * x[month == k]), 0) / days[month == k].sum()
                         for k in range(1, 13)])
        return ds, x - clim[month - 1], edges_of(ds, "lat"), edges_of(ds, "lon")
    ref_ds, ref, ref_lat_e, ref_lon_e = load(one_file(root, "obs4MIPs/**/ts_*.nc")[0], False)
    mod_path = one_file(root, "CMIP6/**/Amon/ts/**/*.nc")[0]
    mod_ds, mod, mod_lat_e, mod_lon_e = load(mod_path, True)
    ocean = np.isfinite(ref).all(axis=0).astype(float)
    fraction = conservative_regridder(ref_lat_e, ref_lon_e, mod_lat_e, mod_lon_e)(ocean)
    mod[:, ~(fraction >= 0.8)] = np.nan

    def domain(lat_e, lon_e):
        lat, lon = (lat_e[:-1] + lat_e[1:]) / 2, ((lon_e[:-1] + lon_e[1:]) / 2) % 360
        return np.outer((lat >= 20) & (lat <= 70), (lon >= 110) & (lon <= 260)), lat, lon

    def remove_domain_mean(x, cut, area):
        w = np.where(cut, area, 0.0)
        valid = np.isfinite(x)
        mean = (np.where(valid, x, 0.0) * w).sum((1, 2)) / (valid * w).sum((1, 2))
        return x - mean[:, None, None]

    def eof(x, cut, area, n=1):
        cells = cut & np.isfinite(x).all(axis=0)
        wt = np.sqrt(area[cells] / area[cut].sum())  # normalised over the whole domain, as eofs gets it
        data = x[:, cells]
        centred = data - data.mean(axis=0)
        u, s, vt = np.linalg.svd(centred * wt, full_matrices=False)
        lam = s ** 2 / (data.shape[0] - 1)
        pc = u[:, n - 1] * s[n - 1]
        unit = (pc - pc.mean()) / pc.std(ddof=1)
        pattern = np.full(area.shape, np.nan)
        pattern[cells] = unit @ centred / (data.shape[0] - 1)
        return pc, pattern, lam[n - 1] / lam.sum(), vt[n - 1], cells, wt, lam / lam.sum()

    def sign_flip(pattern, lat, lon):
        # PMP's PDO convention (spec 4.3 step 9): flipped when the 30-40N, 150-180E mean is >= 0.
        box = np.outer((lat >= 30) & (lat <= 40), (lon >= 150) & (lon <= 180))
        return -1.0 if np.nanmean(pattern[box]) >= 0 else 1.0

    def teleconnection(x, pc):
        p = pc - pc.mean()
        slope = np.einsum("t,tij->ij", p, x - np.nanmean(x, axis=0)) / (p ** 2).sum()
        intercept = np.nanmean(x, axis=0) - slope * pc.mean()
        return slope * pc.std(ddof=1) + intercept

    ref_area, mod_area = band_areas(ref_lat_e, ref_lon_e), band_areas(mod_lat_e, mod_lon_e)
    ref_cut, ref_lat, ref_lon = domain(ref_lat_e, ref_lon_e)
    mod_cut, mod_lat, mod_lon = domain(mod_lat_e, mod_lon_e)
    ref = remove_domain_mean(ref, ref_cut, ref_area)
    mod = remove_domain_mean(mod, mod_cut, mod_area)
    pc_o, pattern_o, frac_o, vector_o, cells_o, wt_o, fractions_o = eof(ref, ref_cut, ref_area)
    flip = sign_flip(pattern_o, ref_lat, ref_lon)
    pc_o, pattern_o = flip * pc_o, flip * pattern_o
    std_o = pc_o.std(ddof=1)
    lr_o = teleconnection(ref, pc_o)
    to_ref = conservative_regridder(mod_lat_e, mod_lon_e, ref_lat_e, ref_lon_e)
    regridded = np.nan_to_num(to_ref(mod))
    cbf_pc = flip * (regridded[:, cells_o] * wt_o) @ vector_o
    std_cbf = cbf_pc.std(ddof=1)
    lr_cbf = teleconnection(mod, cbf_pc)

    def compare(model_map, reference_map, cut):
        a = to_ref(model_map[None])[0]
        both = cut & np.isfinite(a) & np.isfinite(reference_map)
        w = np.where(both, ref_area, 0.0)
        ma, mb = wmean(np.where(both, a, np.nan), w), wmean(np.where(both, reference_map, np.nan), w)
        da, db = np.where(both, a - ma, 0.0), np.where(both, reference_map - mb, 0.0)
        cor = (w * da * db).sum() / np.sqrt((w * da ** 2).sum() * (w * db ** 2).sum())
        rms = np.sqrt((w * np.where(both, a - reference_map, 0.0) ** 2).sum() / w.sum())
        return {"cor": float(cor), "rms": float(rms), "bias": float(ma - mb)}

    domain_o = np.where(ref_cut, pattern_o, np.nan)
    result = {"cbf/stdv_pc": float(std_cbf), "cbf/stdv_pc_ratio_to_obs": float(std_cbf / std_o)}
    result.update({f"cbf/{k}": v for k, v in compare(lr_cbf, domain_o, ref_cut).items()})
    result.update({f"cbf/{k}_glo": v for k, v in compare(lr_cbf, lr_o, np.ones_like(ref_cut)).items()})
    pc_m, pattern_m, frac_m, *_ = eof(mod, mod_cut, mod_area)
    lr_m = teleconnection(mod, pc_m)
    stats_m = compare(lr_m, domain_o, ref_cut)
    if stats_m["cor"] < 0:
        pc_m, lr_m, pattern_m = -pc_m, -lr_m, -pattern_m
        stats_m = compare(lr_m, domain_o, ref_cut)
    result.update({"eof1/frac": float(frac_m), "eof1/stdv_pc": float(pc_m.std(ddof=1)),
                   "eof1/tcor_cbf_vs_eof_pc": float(np.corrcoef(cbf_pc, pc_m)[0, 1])})
    result.update({f"eof1/{k}": v for k, v in stats_m.items()})
    if figures is not None:
        pdo_figures(figures, ref_ds, mod_path, fractions_o, ref.shape[0], {
            "obs": (ref_lat, ref_lon, ref_cut, pattern_o, lr_o),
            "cbf": (mod_lat, mod_lon, mod_cut, lr_cbf, lr_cbf),
            "eof1": (mod_lat, mod_lon, mod_cut, pattern_m, lr_m)})
    return result


def pdo_figures(figures, ref_ds, mod_path, fractions, samples, maps):
    """PMP's PDO figures: the reference's eigenvalue spectrum (North test), and per method the
    domain pattern and the global teleconnection, the model ones also beside the reference."""
    years = "{}-{}".format(int(ref_ds["time.year"].values[0]), int(ref_ds["time.year"].values[-1]))
    parts = mod_path.split("/")
    source, member = parts[-8], parts[-6]
    reference = ref_ds.attrs.get("source_id", "reference")
    f = fractions[:10]
    error = f * np.sqrt(2.0 / samples)
    k = np.arange(1, f.size + 1)
    figures.line(f"EG_Spec_North_test_PDO_monthly_{reference}_{years}.png", "North test: eigenvalue spectrum", "EOF",
                 "fraction of variance",
                 [("fraction", k, f), ("+ North error", k, f + error), ("- North error", k, f - error)])

    def domain_panel(title, lat, lon, cut, values):
        rows = np.flatnonzero(cut.any(axis=1))
        columns = np.flatnonzero(cut.any(axis=0))
        columns = columns[np.argsort(lon[columns])]
        return dict(title=title, units="degC", diverging=True, lat=lat[rows], lon=lon[columns],
                    values=values[np.ix_(rows, columns)])

    def global_panel(title, lat, lon, values):
        order = np.argsort(lon)
        return dict(title=title, units="degC", diverging=True, lat=lat, lon=lon[order], values=values[:, order])

    obs = domain_panel(f"PDO {reference} (reference)", *maps["obs"][:4])
    model_stem = f"PDO_ts_EOF1_monthly_cmip6_{source}_historical_{member}_mo_atm_{years}"
    for method, (lat, lon, cut, pattern, tele) in maps.items():
        label = {"obs": reference, "cbf": f"CBF {source}", "eof1": f"EOF1 {source}"}[method]
        stem = f"PDO_ts_EOF1_monthly_obs_{years}" if method == "obs" else \
            model_stem + ("_cbf" if method == "cbf" else "")
        figures.maps(stem + ".png", [domain_panel(f"PDO {label}", lat, lon, cut, pattern)])
        figures.maps(stem + "_teleconnection.png", [global_panel(f"PDO {label} teleconnection", lat, lon, tele)])
        if method != "obs":
            compare = model_stem + ("_cbf_compare_obs.png" if method == "cbf" else "_eof1_compare_obs.png")
            figures.maps(compare, [obs, domain_panel(f"PDO {source} {method.upper()}", lat, lon, cut, pattern)])


def ilamb_surface_temperature(root, figures=None):
    """ILAMB thetao-WOA2023-surface: Bias, RMSE, Annual Cycle and Spatial Distribution on the nested grid."""
    ref_ds = xr.open_dataset(one_file(root, "obs4REF/**/thetao_*.nc")[0], use_cftime=True)
    ref_ds = ref_ds.sel(lev=0.0, method="nearest")
    mod_path = one_file(root, "CMIP6/**/Omon/tos/**/*.nc")[0]
    mod_ds = xr.open_dataset(mod_path, use_cftime=True)
    cell_area = xr.open_dataset(one_file(root, "CMIP6/**/Ofx/areacello/**/*.nc")[0])["areacello"].values
    def common(ds):
        return ds.sel(time=slice(max(ref_ds["time"].values[0], mod_ds["time"].values[0]).strftime("%Y-%m"),
                                 min(ref_ds["time"].values[-1], mod_ds["time"].values[-1]).strftime("%Y-%m")))
    ref_ds, mod_ds = common(ref_ds), common(mod_ds)
    R_t, C_t = ref_ds["thetao"].values.astype(float), mod_ds["tos"].values.astype(float)
    dt_r, dt_c = bound_days(ref_ds), bound_days(mod_ds)

    def mean_t(x, dt):
        valid = np.isfinite(x)
        return np.where(valid.any(0), (np.where(valid, x, 0) * dt[:, None, None]).sum(0) /
                        np.maximum((valid * dt[:, None, None]).sum(0), 1e-300), np.nan)

    def std_t(x, dt, mean):
        return np.sqrt(mean_t((x - mean) ** 2, dt))

    R, C = mean_t(R_t, dt_r), mean_t(C_t, dt_c)
    N = std_t(R_t, dt_r, R)
    ref_lat_e, ref_lon_e = edges_of(ref_ds, "lat"), edges_of(ref_ds, "lon")
    mod_lat_e, mod_lon_e = edges_of(mod_ds, "lat"), edges_of(mod_ds, "lon")
    lat_e = np.union1d(ref_lat_e, mod_lat_e)
    lon_e = np.union1d(ref_lon_e, mod_lon_e)
    lat_c, lon_c = (lat_e[:-1] + lat_e[1:]) / 2, (lon_e[:-1] + lon_e[1:]) / 2

    def nearest(centres_, targets):
        return np.abs(centres_[None, :] - targets[:, None]).argmin(axis=1)

    def nest(x, lat_edges, lon_edges):
        iy = nearest((lat_edges[:-1] + lat_edges[1:]) / 2, lat_c)
        ix = nearest((lon_edges[:-1] + lon_edges[1:]) / 2, lon_c)
        return x[..., iy, :][..., ix]

    area_n = 6371000.0 ** 2 * np.outer(np.diff(np.sin(np.radians(lat_e))), np.radians(np.diff(lon_e)))
    ref_area = 6371000.0 ** 2 * np.outer(np.diff(np.sin(np.radians(ref_lat_e))), np.radians(np.diff(ref_lon_e)))
    Rn, Cn, Nn = (nest(x, ref_lat_e, ref_lon_e) if x is not C else nest(x, mod_lat_e, mod_lon_e) for x in (R, C, N))
    diff = Cn - Rn
    score = np.exp(-np.abs(diff) / np.abs(Nn))
    result = {"Bias/Period Mean": wmean(C, cell_area), "Bias/Bias": wmean(diff, area_n),
              "Bias/Bias Score": wmean(score, area_n)}
    Rtn, Ctn = nest(R_t, ref_lat_e, ref_lon_e), nest(C_t, mod_lat_e, mod_lon_e)
    # RMSE works on a noleap monthly calendar (ilamb3 converts both), so February counts 28 days.
    dt = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)[mod_ds["time.month"].values - 1]
    rmse = np.sqrt(mean_t((Ctn - Rtn) ** 2, dt))
    anomaly_r, anomaly_c = Rtn - mean_t(Rtn, dt), Ctn - mean_t(Ctn, dt)
    crmse = np.sqrt(mean_t((anomaly_c - anomaly_r) ** 2, dt))
    crms = np.sqrt(mean_t(anomaly_r ** 2, dt))
    result["RMSE/RMSE"] = wmean(rmse, area_n)
    result["RMSE/RMSE Score"] = wmean(np.exp(-crmse / crms), area_n)
    month_r, month_c = ref_ds["time.month"].values, mod_ds["time.month"].values
    def climatology(x, months):
        return np.stack([np.nanmean(x[months == k], axis=0) for k in range(1, 13)])
    def peak_month(clim):
        peak = np.argmax(np.nan_to_num(clim, nan=-np.inf), axis=0).astype(float)
        peak[~np.isfinite(clim).any(0)] = np.nan
        return peak
    clim_r, clim_c = climatology(R_t, month_r), climatology(C_t, month_c)
    peak_r, peak_c = peak_month(clim_r), peak_month(clim_c)
    shift = nest(peak_c, mod_lat_e, mod_lon_e) - nest(peak_r, ref_lat_e, ref_lon_e)
    shift = np.where(shift > 6, shift - 12, np.where(shift < -6, shift + 12, shift))
    result["Annual Cycle/Phase Shift"] = wmean(shift, area_n)
    result["Annual Cycle/Seasonal Cycle Score"] = wmean(1 - np.abs(shift) / 6, area_n)
    both = np.isfinite(Rn) & np.isfinite(Cn)
    sigma = np.nanstd(Cn) / np.nanstd(Rn)
    corr = np.corrcoef(Rn[both], Cn[both])[0, 1]
    result["Spatial Distribution/Normalized Standard Deviation"] = float(sigma)
    result["Spatial Distribution/Correlation"] = float(corr)
    result["Spatial Distribution/Spatial Distribution Score"] = float(4 * (1 + corr) / (2 * (sigma + 1 / sigma) ** 2))
    if figures is not None:
        source = mod_path.split("/")[-8]
        grids = {"Reference": (ref_ds["lat"].values, ref_ds["lon"].values),
                 source: (mod_ds["lat"].values, mod_ds["lon"].values), "nested": (lat_c, lon_c)}
        maps = [("Reference", "mean", "period mean", R, "degC", {}, "Reference"),
                (source, "mean", "period mean", C, "degC", {}, source),
                (source, "bias", "bias", diff, "degC", dict(diverging=True), "nested"),
                (source, "biasscore", "bias score", score, "1", dict(low=0.0, high=1.0), "nested"),
                (source, "rmse", "RMSE", rmse, "degC", {}, "nested"),
                (source, "rmsescore", "RMSE score", np.exp(-crmse / crms), "1", dict(low=0.0, high=1.0), "nested"),
                ("Reference", "tmax", "maximum month", peak_r, "month", dict(low=0.0, high=11.0), "Reference"),
                (source, "tmax", "maximum month", peak_c, "month", dict(low=0.0, high=11.0), source),
                (source, "shift", "shift in maximum month", shift, "month", dict(diverging=True, low=-6.0, high=6.0),
                 "nested"),
                (source, "cyclescore", "annual cycle score", 1 - np.abs(shift) / 6, "1", dict(low=0.0, high=1.0),
                 "nested")]
        for name, plot, what, values, units, colours, grid in maps:
            lat, lon = grids[grid]
            title = f"The {what} for " + ("the reference data" if name == "Reference" else name)
            figures.maps(f"{name}_None_{plot}.png", [dict(title=title, units=units, lat=lat, lon=lon, values=values,
                                                          **colours)])
        def decimal_years(ds):
            return ds["time.year"].values + (ds["time.month"].values - 1) / 12.0 + (ds["time.day"].values - 1) / 365.0
        figures.line(f"{source}_None_trace.png", "Regional mean of tos", "year", "degC",
                     [("Reference", decimal_years(ref_ds), [wmean(x, ref_area) for x in R_t]),
                      (source, decimal_years(mod_ds), [wmean(x, cell_area) for x in C_t])])
        months = np.arange(1, 13)
        figures.line(f"{source}_None_cycle.png", "Annual cycle of tos", "month", "degC",
                     [("Reference", months, [wmean(x, ref_area) for x in clim_r]),
                      (source, months, [wmean(x, cell_area) for x in clim_c])])
    return result


GRIDDED = {"annual-cycle": pmp_annual_cycle, "extratropical-modes-of-variability-pdo": pmp_pdo,
           "thetao-woa2023-surface": ilamb_surface_temperature}


def main():
    """XARRAY_REPEAT=N computes N times in this process and adds the import and per-run times to the JSON
    (with --figures also the matplotlib import and the drawing times)."""
    import os
    arguments = sys.argv[1:]
    figure_folder = None
    if "--figures" in arguments:
        at = arguments.index("--figures")
        if at + 1 >= len(arguments):
            sys.exit("--figures needs an output folder")
        figure_folder = arguments[at + 1]
        del arguments[at:at + 2]
    if len(arguments) < 2:
        sys.exit(__doc__)
    repeat = int(os.environ.get("XARRAY_REPEAT", "0"))
    if not repeat:
        figures = Figures() if figure_folder else None
        text = compute(arguments, figures)
        if figures:
            write_figures(figures, figure_folder, text)
        return
    durations, drawing = [], []
    matplotlib_s = None
    if figure_folder:
        began = time.perf_counter()
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401 (timed apart from the drawing)
        matplotlib_s = time.perf_counter() - began
    for _ in range(repeat):
        figures = Figures() if figure_folder else None
        began = time.perf_counter()
        text = compute(arguments, figures, quiet=True)
        durations.append(time.perf_counter() - began)
        if figures:
            began = time.perf_counter()
            count = write_figures(figures, figure_folder, text)
            drawing.append(time.perf_counter() - began)
    report = {"imports_s": round(IMPORTED - START, 3), "compute_s": [round(d, 3) for d in durations],
              "result": json.loads(text)}
    if figure_folder:
        report.update({"matplotlib_import_s": round(matplotlib_s, 3), "figures_s": [round(d, 3) for d in drawing],
                       "figures": count})
    print(json.dumps(report))


def write_figures(figures, folder, text):
    """The figures as PNGs and the metric values as JSON in folder (the native side writes bundles)."""
    import os
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "metrics.json"), "w") as f:
        f.write(text + "\n")
    return figures.draw(folder)


def compute(arguments, figures=None, quiet=False):
    """The metric values as JSON text; figures, when given, collects the figures the diagnostic reports."""
    diagnostic, definition_path = arguments[0], arguments[1]
    import os
    if diagnostic in GRIDDED:
        text = json.dumps(GRIDDED[diagnostic](definition_path, figures))
        if not quiet:
            print(text)
        return text
    if os.path.isdir(definition_path):
        rows = rows_from_folder(definition_path)
    else:
        with open(definition_path) as f:
            rows = rows_of(json.load(f))
    area = area_of(rows)
    if diagnostic == "global-mean-timeseries":
        series = annual(global_mean(files(rows, "tas"), "tas", area)) - 273.15
        result = {"years": int(series.sizes["year"]), "mean": float(series.mean())}
        if figures is not None:
            # One figure per dataset, named after its instance (the ESGF folder) as the native one is.
            folders = sorted({os.path.dirname(p) for p in files(rows, "tas")})
            for folder in folders:
                if len(folders) == 1:
                    one = series
                else:
                    paths = sorted(p for p in files(rows, "tas") if os.path.dirname(p) == folder)
                    one = annual(global_mean(paths, "tas", area)) - 273.15
                source = model_of(rows, "tas")
                figures.line("_".join(folder.split(os.sep)[-10:]) + ".png", f"Annual global mean tas: {source}",
                             "year", "tas [degrees_C]", [("tas", one["year"].values, one.values)])
    elif diagnostic == "equilibrium-climate-sensitivity":
        parent, years = PARENTS[diagnostic]
        def rtnt(experiment):
            means = {v: global_mean(files(rows, v, experiment), v, area) for v in ("rsdt", "rsut", "rlut")}
            return means["rsdt"] - means["rsut"] - means["rlut"]
        d_tas = anomaly_vs_control(rows, "tas", "abrupt-4xCO2", parent, years, area)
        d_rtnt = anomaly_vs_control(rows, "rtnt", "abrupt-4xCO2", parent, years, area, derive=rtnt)
        fit = stats.linregress(d_tas, d_rtnt)
        result = {"ecs": float(-fit.intercept / (2.0 * fit.slope)), "lambda": float(fit.slope), "years": len(d_tas)}
        if figures is not None:
            model = model_of(rows, "tas", "abrupt-4xCO2")
            x_zero = -fit.intercept / fit.slope
            figures.scatter(f"ecs_regression_{model}.png", f"Gregory regression: {model} abrupt-4xCO2",
                            "tas anomaly [K]", "rtnt anomaly [W m-2]", d_tas, d_rtnt, fit.slope, fit.intercept,
                            (0.0, x_zero) if 0 < x_zero < 100 else (0.0,))
    elif diagnostic == "transient-climate-response":
        parent, years = PARENTS[diagnostic]
        d_tas = anomaly_vs_control(rows, "tas", "1pctCO2", parent, years, area)
        result = {"tcr": float(np.mean(d_tas[60:80])), "years": len(d_tas)}
        if figures is not None:
            model = model_of(rows, "tas", "1pctCO2")
            figures.line(f"{model}.png", f"{model} 1pctCO2: tas anomaly", "year", "tas anomaly [K]",
                         [("tas anomaly", np.arange(1, len(d_tas) + 1), d_tas)], zero_line=True)
    elif diagnostic == "transient-climate-response-emissions":
        result = tcre(rows, area, figures)
    elif diagnostic == "zero-emission-commitment":
        result = zec(rows, area, figures)
    elif diagnostic == "climate-at-global-warming-levels":
        result = gwl(rows, area, figures)
    else:
        sys.exit(f"unknown diagnostic {diagnostic}")
    text = json.dumps(result)
    if len(arguments) > 2:
        with open(arguments[2], "w") as f:
            f.write(text + "\n")
    if not quiet:
        print(text)
    return text


if __name__ == "__main__":
    main()
