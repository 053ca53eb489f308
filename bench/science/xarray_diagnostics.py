#!/usr/bin/python3
"""The baseline of bench/science: the native diagnostics' algorithms written the way the
Python tools compute them (xarray + numpy + scipy, files opened with netCDF4/cftime), reading
the same execution definition JSON the engine hands to the plugin.

    xarray_diagnostics.py DIAGNOSTIC DEFINITION.json|CMIP6_FOLDER [RESULT.json]

With a folder instead of a definition, every CMIP6 file under it (ESGF layout
.../<experiment>/<member>/<table>/<variable>/<grid>/<version>/<file>.nc) is an input row.

DIAGNOSTIC is one of global-mean-timeseries, equilibrium-climate-sensitivity,
transient-climate-response. The result (metric values and series lengths) is printed as JSON
so the benchmark can compare it with the native result.
"""
import json
import sys

import numpy as np
import xarray as xr
from scipy import stats

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
            experiment, variable = parts[-7], parts[-4]
            rows.append({"path": os.path.join(folder, name), "variable_id": variable, "experiment_id": experiment})
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


def area_of(rows):
    paths = files(rows, "areacella")
    return xr.open_dataset(paths[0])["areacella"]


def parent_window(rows, child, years):
    """Parent start year from the branch times, as climate-ref's child/parent selection does."""
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


def anomaly_vs_control(rows, variable, child, parent, years, area, derive=None):
    child_year, parent_year = parent_window(rows, child, years)
    def annual_global(experiment, first_year):
        if derive:
            series = derive(experiment)
        else:
            series = global_mean(files(rows, variable, experiment), variable, area)
        series = annual(series)
        return series.sel(year=slice(first_year, first_year + years - 1))
    a_child = annual_global(child, child_year)
    a_parent = annual_global(parent, parent_year)
    n = min(a_child.sizes["year"], a_parent.sizes["year"])
    a_child, a_parent = a_child.isel(year=slice(0, n)), a_parent.isel(year=slice(0, n))
    fit = stats.linregress(a_parent["year"].values, a_parent.values)
    return a_child.values - (fit.slope * a_parent["year"].values + fit.intercept)


def main():
    diagnostic, definition_path = sys.argv[1], sys.argv[2]
    import os
    if os.path.isdir(definition_path):
        rows = rows_from_folder(definition_path)
    else:
        with open(definition_path) as f:
            rows = rows_of(json.load(f))
    area = area_of(rows)
    if diagnostic == "global-mean-timeseries":
        series = annual(global_mean(files(rows, "tas"), "tas", area)) - 273.15
        result = {"years": int(series.sizes["year"]), "mean": float(series.mean())}
    elif diagnostic == "equilibrium-climate-sensitivity":
        parent, years = PARENTS[diagnostic]
        def rtnt(experiment):
            means = {v: global_mean(files(rows, v, experiment), v, area) for v in ("rsdt", "rsut", "rlut")}
            return means["rsdt"] - means["rsut"] - means["rlut"]
        d_tas = anomaly_vs_control(rows, "tas", "abrupt-4xCO2", parent, years, area)
        d_rtnt = anomaly_vs_control(rows, "rtnt", "abrupt-4xCO2", parent, years, area, derive=rtnt)
        fit = stats.linregress(d_tas, d_rtnt)
        result = {"ecs": float(-fit.intercept / (2.0 * fit.slope)), "lambda": float(fit.slope), "years": len(d_tas)}
    elif diagnostic == "transient-climate-response":
        parent, years = PARENTS[diagnostic]
        d_tas = anomaly_vs_control(rows, "tas", "1pctCO2", parent, years, area)
        result = {"tcr": float(np.mean(d_tas[60:80])), "years": len(d_tas)}
    else:
        sys.exit(f"unknown diagnostic {diagnostic}")
    text = json.dumps(result)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
