#!/usr/bin/python3
"""Model and reference files at realistic resolution for the PMP and ILAMB rows of bench/science.

    make_inputs.py GENERATED_TREE OUTPUT_DIR

GENERATED_TREE is a `ref-gen-data --output` folder: its files lend their global attributes (the
ones ingest checks), so only grids, time axes and values are new here. OUTPUT_DIR gets
  CMIP6/...  REFSYN-1-0 historical r1i1p1f1: pr (Amon, 1981-2005, 1.25 x 1.875 deg),
             ts (Amon, 1950-2005, 2 deg), tos (Omon, 2000-2014, 1 deg), areacella, areacello
  obs4MIPs/  HadISST-1-1 ts (1950-2005, 2.5 deg, land missing)
  obs4REF/   WOA-23 thetao (2000-2014, 1 deg shifted by half a cell, two depth levels)
  PMP_obs4MIPsClims/  GPCP-3-3 pr annual cycle (12 months, 2.5 deg, as the PMP registry's)
The fields are smooth climatologies plus a seasonal cycle, a Pacific decadal pattern driven by
a red-noise index (the PDO diagnostics find it) and a little noise; fixed seeds.
"""
import glob
import os
import sys

import cftime
import netCDF4
import numpy as np

UNITS = "days since 1850-01-01"
CALENDAR = "standard"


def template_attributes(pattern):
    path = sorted(glob.glob(pattern, recursive=True))[0]
    with netCDF4.Dataset(path) as d:
        return {k: d.getncattr(k) for k in d.ncattrs()}


def month_axis(first_year, last_year):
    starts = [cftime.datetime(y, m, 1, calendar=CALENDAR) for y in range(first_year, last_year + 1) for m in range(1, 13)]
    ends = starts[1:] + [cftime.datetime(last_year + 1, 1, 1, calendar=CALENDAR)]
    lo = cftime.date2num(starts, UNITS, CALENDAR)
    hi = cftime.date2num(ends, UNITS, CALENDAR)
    return (lo + hi) / 2.0, np.stack([lo, hi], axis=1)


def regular_grid(dlat, dlon, lon_shift=0.0):
    lat_edges = np.linspace(-90.0, 90.0, int(round(180 / dlat)) + 1)
    lon_edges = np.linspace(0.0, 360.0, int(round(360 / dlon)) + 1) + lon_shift
    return lat_edges, lon_edges


def cell_areas(lat_edges, lon_edges, radius=6371000.0):
    band = np.diff(np.sin(np.radians(lat_edges)))
    return radius ** 2 * np.outer(band, np.radians(np.diff(lon_edges)))


def centres(edges):
    return (edges[:-1] + edges[1:]) / 2.0


def land_mask(lat, lon):
    """Two rectangular 'continents' (True = land), enough to give the ocean fields a coastline."""
    la, lo = np.meshgrid(lat, lon % 360.0, indexing="ij")
    america = (lo > 235) & (lo < 305) & (la > -50) & (la < 65)
    eurasia = (lo > 0) & (lo < 100) & (la > 5) & (la < 70)
    return america | eurasia | (la < -70)


def pdo_index(years, seed):
    rng = np.random.default_rng(seed)
    n = years * 12
    index = np.zeros(n)
    for k in range(1, n):
        index[k] = 0.9 * index[k - 1] + rng.normal(0.0, 0.45)
    return index / index.std()


def pdo_pattern(lat, lon):
    la, lo = np.meshgrid(lat, lon % 360.0, indexing="ij")
    west = np.exp(-(((la - 38) / 10) ** 2 + ((lo - 175) / 25) ** 2))
    east = np.exp(-(((la - 40) / 12) ** 2 + ((lo - 225) / 15) ** 2))
    return 0.8 * west - 0.6 * east


def sst(lat, lon, times, index, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    la = np.radians(lat)[:, None]
    month = np.arange(times) % 12
    base = 273.15 + 2.0 + 26.0 * np.cos(la) ** 2 + offset + 0.02 * np.sin(np.radians(lon))[None, :]
    seasonal = 3.0 * np.sin(la) * np.cos(2 * np.pi * (month - 1) / 12)[:, None, None]
    mode = pdo_pattern(lat, lon)[None] * index[:times, None, None]
    noise = rng.normal(0.0, 0.15, (times, lat.size, lon.size))
    return (base[None] + seasonal + mode + noise).astype(np.float32)


def write(path, attributes, variable, values, lat_edges, lon_edges, time=None, depth=None, units="", standard_name="",
          climatology=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as d:
        d.setncatts(attributes)
        d.createDimension("bnds", 2)
        dims = []
        if time is not None:
            d.createDimension("time", None)
            t = d.createVariable("time", "f8", ("time",))
            bounds = "climatology_bnds" if climatology else "time_bnds"
            t.setncatts({"climatology" if climatology else "bounds": bounds, "units": UNITS, "calendar": CALENDAR,
                         "axis": "T", "standard_name": "time"})
            t[:] = time[0]
            d.createVariable(bounds, "f8", ("time", "bnds"))[:] = time[1]
            dims.append("time")
        if depth is not None:
            d.createDimension("lev", depth.size)
            z = d.createVariable("lev", "f8", ("lev",))
            z.setncatts({"units": "m", "axis": "Z", "positive": "down", "standard_name": "depth"})
            z[:] = depth
            dims.append("lev")
        for name, edges, unit, axis in (("lat", lat_edges, "degrees_north", "Y"), ("lon", lon_edges, "degrees_east", "X")):
            d.createDimension(name, edges.size - 1)
            c = d.createVariable(name, "f8", (name,))
            c.setncatts({"bounds": name + "_bnds", "units": unit, "axis": axis,
                         "standard_name": "latitude" if name == "lat" else "longitude"})
            c[:] = centres(edges)
            d.createVariable(name + "_bnds", "f8", (name, "bnds"))[:] = np.stack([edges[:-1], edges[1:]], axis=1)
            dims.append(name)
        v = d.createVariable(variable, "f4", tuple(dims), fill_value=np.float32(1e20), zlib=False)
        v.setncatts({"units": units, "standard_name": standard_name, "missing_value": np.float32(1e20)})
        if time is not None:
            v.cell_methods = "time: mean"
        v[:] = np.ma.masked_invalid(values)


def main():
    generated, out = sys.argv[1], sys.argv[2]
    cmip_tos = template_attributes(f"{generated}/CMIP6/**/historical/r1i1p1f1/Omon/tos/**/*.nc")
    cmip_amon = template_attributes(f"{generated}/CMIP6/**/historical/r1i1p1f1/Amon/tas/**/*.nc")
    cmip_fx = template_attributes(f"{generated}/CMIP6/**/historical/r1i1p1f1/fx/areacella/**/*.nc")
    cmip_ofx = template_attributes(f"{generated}/CMIP6/**/historical/r1i1p1f1/Ofx/areacello/**/*.nc")
    clim = template_attributes(f"{generated}/PMP_obs4MIPsClims/pr/**/*.nc")
    obs = template_attributes(f"{generated}/obs4MIPs/**/HadISST-1-1/**/*.nc")
    ref = template_attributes(f"{generated}/obs4REF/**/*.nc")
    model_root = f"{out}/CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1"
    version = "v20250101"

    def model_attributes(template, table, variable, realm):
        return dict(template, table_id=table, variable_id=variable, realm=realm, grid="regular lat-lon (bench/science)")

    # pr: 1981-2005 on a 1.25 x 1.875 degree grid (kg m-2 s-1), for the PMP annual cycle.
    lat_e, lon_e = regular_grid(1.25, 1.875)
    lat, lon = centres(lat_e), centres(lon_e)
    time = month_axis(1981, 2005)
    rng = np.random.default_rng(1)
    la = np.radians(lat)[:, None]
    month = np.arange(time[0].size) % 12
    itcz = np.exp(-((lat[:, None] - 5.0 * np.cos(2 * np.pi * (month[:, None, None] - 7) / 12)) / 8.0) ** 2)
    pr = (2e-5 * np.cos(la)[None] + 8e-5 * itcz + 1e-6 * rng.random((time[0].size, lat.size, lon.size))).astype(np.float32)
    write(f"{model_root}/Amon/pr/gn/{version}/pr_Amon_REFSYN-1-0_historical_r1i1p1f1_gn_198101-200512.nc",
          model_attributes(cmip_amon, "Amon", "pr", "atmos"), "pr", pr, lat_e, lon_e, time, units="kg m-2 s-1",
          standard_name="precipitation_flux")
    del pr, itcz
    # GPCP-3-3 annual cycle on the PMP 2.5 degree grid (mm/day after PMP's x86400), a drier ITCZ.
    lat_e, lon_e = regular_grid(2.5, 2.5)
    lat = centres(lat_e)
    clim_time = month_axis(2005, 2005)
    la = np.radians(lat)[None, :, None]
    m = np.arange(12)[:, None, None]
    itcz = np.exp(-((lat[None, :, None] - 5.0 * np.cos(2 * np.pi * (m - 7) / 12)) / 9.0) ** 2)
    pr = (2.2e-5 * np.cos(la) + 7e-5 * itcz) * np.ones((12, lat.size, lon_e.size - 1))
    write(f"{out}/PMP_obs4MIPsClims/pr/gr/v20260513/pr_mon_GPCP-3-3_NASA-GISS_gr_198301-201412_AC_v20260513_2.5x2.5.nc",
          dict(clim, source_id="GPCP-3-3", grid_label="gr", institution_id="NASA-GISS", version="v20260513",
               grid="regular 2.5 degree (bench/science)"),
          "pr", pr.astype(np.float32), lat_e, lon_e, clim_time, units="kg m-2 s-1", standard_name="precipitation_flux",
          climatology=True)

    # ts: 1950-2005 on a 2 degree grid (K); the model's PDO index differs from the reference's.
    lat_e, lon_e = regular_grid(2.0, 2.0)
    lat, lon = centres(lat_e), centres(lon_e)
    time = month_axis(1950, 2005)
    ts = sst(lat, lon, time[0].size, pdo_index(56, 2), seed=3, offset=0.5)
    ts[:, land_mask(lat, lon)] += 5.0  # land is warmer; the ts modes mask it by the reference's missing cells
    write(f"{model_root}/Amon/ts/gn/{version}/ts_Amon_REFSYN-1-0_historical_r1i1p1f1_gn_195001-200512.nc",
          model_attributes(cmip_amon, "Amon", "ts", "atmos"), "ts", ts, lat_e, lon_e, time, units="K",
          standard_name="surface_temperature")
    write(f"{model_root}/fx/areacella/gn/{version}/areacella_fx_REFSYN-1-0_historical_r1i1p1f1_gn.nc",
          dict(cmip_fx, grid="regular lat-lon (bench/science)"), "areacella", cell_areas(lat_e, lon_e), lat_e, lon_e,
          units="m2", standard_name="cell_area")
    del ts

    # HadISST ts: 1950-2005 on 2.5 degrees, land missing.
    lat_e, lon_e = regular_grid(2.5, 2.5)
    lat, lon = centres(lat_e), centres(lon_e)
    ts = sst(lat, lon, time[0].size, pdo_index(56, 4), seed=5)
    ts[:, land_mask(lat, lon)] = np.nan
    write(f"{out}/obs4MIPs/REF-SYN/HadISST-1-1/mon/ts/gn/{version}/ts_mon_HadISST-1-1_PCMDI_gn_195001-200512.nc",
          dict(obs, grid="regular 2.5 degree (bench/science)"), "ts", ts, lat_e, lon_e, time, units="K",
          standard_name="surface_temperature")
    del ts

    # tos: 2000-2014 on 1 degree (degC), land missing; WOA-23 thetao on the grid shifted by half a cell.
    lat_e, lon_e = regular_grid(1.0, 1.0)
    lat, lon = centres(lat_e), centres(lon_e)
    time = month_axis(2000, 2014)
    tos = sst(lat, lon, time[0].size, pdo_index(15, 6), seed=7, offset=0.3) - np.float32(273.15)
    tos[:, land_mask(lat, lon)] = np.nan
    write(f"{model_root}/Omon/tos/gn/{version}/tos_Omon_REFSYN-1-0_historical_r1i1p1f1_gn_200001-201412.nc",
          dict(model_attributes(cmip_tos, "Omon", "tos", "ocean"), external_variables="areacello"), "tos", tos,
          lat_e, lon_e, time, units="degC", standard_name="sea_surface_temperature")
    write(f"{model_root}/Ofx/areacello/gn/{version}/areacello_Ofx_REFSYN-1-0_historical_r1i1p1f1_gn.nc",
          dict(cmip_ofx, grid="regular lat-lon (bench/science)"), "areacello", cell_areas(lat_e, lon_e), lat_e, lon_e,
          units="m2", standard_name="cell_area")
    del tos
    lat_e, lon_e = regular_grid(1.0, 1.0, lon_shift=-0.5)
    lat, lon = centres(lat_e), centres(lon_e)
    surface = sst(lat, lon, time[0].size, pdo_index(15, 8), seed=9) - np.float32(273.15)
    surface[:, land_mask(lat, lon)] = np.nan
    thetao = np.stack([surface, surface - np.float32(0.4)], axis=1)
    del surface
    attributes = dict(ref, source_id="WOA-23", variable_id="thetao", realm="ocean", source_label="WOA",
                      grid="regular 1 degree (bench/science)")
    write(f"{out}/obs4REF/REF-SYN/WOA-23/mon/thetao/gn/v20251024/thetao_mon_WOA-23_REF_gn_200001-201412.nc",
          attributes, "thetao", thetao, lat_e, lon_e, time, depth=np.array([0.0, 10.0]), units="degC",
          standard_name="sea_water_potential_temperature")


if __name__ == "__main__":
    main()
