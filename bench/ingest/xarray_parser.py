"""Baseline: a per-file xarray parser, the way the original REF's complete parser reads
CMIP6 metadata (open each file with xarray, read its attributes and time range)."""
import sys
from multiprocessing import Pool

import xarray as xr


def parse(path):
    with xr.open_dataset(path, use_cftime=True, decode_times=True) as ds:
        record = dict(ds.attrs)
        variable = ds.attrs.get("variable_id")
        if variable in ds:
            record.update({k: ds[variable].attrs.get(k) for k in ("standard_name", "long_name", "units")})
        if "time" in ds and ds["time"].size:
            record["start_time"] = str(ds["time"].values[0])
            record["end_time"] = str(ds["time"].values[-1])
    return record


if __name__ == "__main__":
    processes = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    files = [line.strip() for line in sys.stdin if line.strip()]
    with Pool(processes) as pool:
        records = pool.map(parse, files, chunksize=max(1, len(files) // (processes * 4)))
    print(len(records))
