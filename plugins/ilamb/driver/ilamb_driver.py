#!/usr/bin/env python
"""Runs one ILAMB/IOMB diagnostic with ilamb3 for ref-engine's ilamb provider.

Reads the YAML configuration written by the provider (model and reference tables, regions,
the configure entry's options), sets the ilamb3 options the REF sets, and calls
ilamb3.run.run_single_block, which writes <source>.csv, Reference.nc, <source>.nc, plots and
index.html into the output directory. The provider converts those into CMEC bundles.
"""

import argparse
import json
import platform
import re
import sys
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

WATER_DENSITY = 998.2071  # kg m-3, as ilamb3


def write_run_info(out: Path) -> None:
    import ilamb3

    info = {"ilamb3_version": getattr(ilamb3, "__version__", "unknown"), "python_version": platform.python_version()}
    (out / "ilamb_run.json").write_text(json.dumps(info))


# ---- the REF's own transforms (climate_ref_ilamb), registered with ilamb3 ----


def _transform_base():
    from ilamb3.transform.base import ILAMBTransform

    return ILAMBTransform


def make_transforms() -> dict:
    base = _transform_base()

    class RelationshipTime(base):
        """Proleptic-Gregorian time axis; only the steps where the main variable has data."""

        def __init__(self, variable_id: str, **kwargs):
            self.variable_id = variable_id

        def required_variables(self) -> list[str]:
            return []

        def __call__(self, ds: xr.Dataset) -> xr.Dataset:
            if "time" not in ds.dims:
                return ds
            try:
                ds = ds.convert_calendar("proleptic_gregorian", use_cftime=False)
            except (ValueError, TypeError):
                pass
            if self.variable_id in ds:
                other = [d for d in ds[self.variable_id].dims if d != "time"]
                valid = ds[self.variable_id].notnull().any(dim=other) if other else ds[self.variable_id].notnull()
                ds = ds.isel(time=np.flatnonzero(valid.values))
            return ds

    class CoarsenSpatial(base):
        """Area-weighted block coarsening of fine reference grids to about `resolution` degrees."""

        def __init__(self, variable_id: str, resolution: float = 0.5, **kwargs):
            self.variable_id = variable_id
            self.resolution = float(resolution)

        def required_variables(self) -> list[str]:
            return [self.variable_id]

        def __call__(self, ds: xr.Dataset) -> xr.Dataset:
            if self.variable_id not in ds or "lat" not in ds.dims or "lon" not in ds.dims:
                return ds
            dlat = float(np.abs(np.diff(ds["lat"].values)).mean())
            dlon = float(np.abs(np.diff(ds["lon"].values)).mean())
            spacing = float(np.sqrt(dlat**2 + dlon**2))
            if spacing >= self.resolution:
                return ds
            factor = int(round(self.resolution / spacing))
            if factor < 2:
                return ds
            var = ds[self.variable_id]
            weight = np.cos(np.deg2rad(ds["lat"])) * xr.ones_like(ds["lon"])
            weight = weight.where(var.notnull())
            total = (var * weight).coarsen(lat=factor, lon=factor, boundary="trim").sum()
            norm = weight.coarsen(lat=factor, lon=factor, boundary="trim").sum()
            out = (total / norm).where(norm > 0)
            out.attrs = var.attrs
            return out.to_dataset(name=self.variable_id)

    class MsftmzToRapid(base):
        """AMOC at 26.5N: the depth maximum of msftmz in the first basin, in Sv."""

        def required_variables(self) -> list[str]:
            return ["msftmz"]

        def __call__(self, ds: xr.Dataset) -> xr.Dataset:
            if "msftmz" not in ds or "amoc" in ds:
                return ds
            msft = ds["msftmz"]
            if "basin" not in msft.dims:
                msft = msft.expand_dims("basin")
            lat = next(d for d in msft.dims if d.startswith("lat") or d == "rlat" or d == "y")
            depth = next(d for d in msft.dims if d not in ("time", "basin", lat))
            amoc = msft.isel(basin=0).sel({lat: 26.5}, method="nearest").max(dim=depth)
            units = msft.attrs.get("units", "kg s-1")
            if units.replace(" ", "") in ("kgs-1", "kg/s"):
                amoc = amoc / WATER_DENSITY
            amoc = amoc / 1e6
            amoc.attrs = {"units": "Sv", "long_name": "Atlantic meridional overturning circulation at 26.5N"}
            return ds.drop_vars("msftmz").assign(amoc=amoc)

    return {
        "climate_ref_relationship_time": RelationshipTime,
        "climate_ref_coarsen_spatial": CoarsenSpatial,
        "climate_ref_msftmz_to_rapid": MsftmzToRapid,
    }


def register_transforms() -> None:
    import ilamb3.transform as transform

    registry = getattr(transform, "ALL_TRANSFORMS", None)
    if registry is None:
        raise RuntimeError("this ilamb3 has no transform registry (ilamb3.transform.ALL_TRANSFORMS)")
    registry.update(make_transforms())


# ---- model-side expressions (e.g. emp = evspsbl - pr) ----


def apply_model_expressions(models, expressions, out: Path):
    import pandas as pd

    for expression in expressions:
        lhs, rhs = (part.strip() for part in expression.split("=", 1))
        names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rhs)
        variables = set(models["variable_id"])
        if lhs in variables or not all(n in variables for n in names):
            continue
        data = {n: xr.open_mfdataset(sorted(models[models["variable_id"] == n]["path"]), use_cftime=True)[n] for n in names}
        first = data[names[0]]
        result = eval(rhs, {"__builtins__": {}}, data)  # names are variables of the model table only
        result.attrs = {"units": first.attrs.get("units", ""), "standard_name": lhs, "long_name": f"{lhs} = {rhs}"}
        derived = out / "derived"
        derived.mkdir(exist_ok=True)
        path = derived / f"{lhs}.nc"
        result.to_dataset(name=lhs).to_netcdf(path)
        row = models[models["variable_id"] == names[0]].iloc[0].copy()
        row["variable_id"] = lhs
        row["path"] = str(path)
        models = pd.concat([models, row.to_frame().T], ignore_index=True)
    return models


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, help="the YAML configuration written by the provider")
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as stream:
        config = yaml.safe_load(stream)

    out = Path(config["output_directory"])
    out.mkdir(parents=True, exist_ok=True)

    import dask
    import pandas as pd

    import ilamb3
    import ilamb3.regions as ilr
    from ilamb3 import run

    dask.config.set(scheduler="synchronous")
    write_run_info(out)

    ilamb3.conf.reset()
    if config.get("region_files"):
        regions = ilr.Regions()
        for path in config["region_files"]:
            regions.add_netcdf(path)
    options = dict(config.get("options") or {})
    ilamb3.conf.set(regions=config["regions"], **options)
    register_transforms()

    references = pd.DataFrame(config["reference_table"], columns=["key", "path"]).set_index("key")
    models = pd.DataFrame(config["model_table"])
    models = apply_model_expressions(models, config.get("model_expressions") or [], out)
    if hasattr(run, "set_model_colors"):
        run.set_model_colors(models)

    block = dict(config["block"])
    print(f"ilamb3 {getattr(ilamb3, '__version__', '?')}: running {config['name']} in {out}", flush=True)
    run.run_single_block(config["diagnostic"], references, models, out, **block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
