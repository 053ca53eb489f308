"""ENSO metrics driver of the ref-engine PMP provider.

Runs inside the PMP conda environment (xcdat, pcmdi_metrics, EnsoMetrics):

    python pmp_enso_driver.py --metrics_collection ENSO_tel --experiment_id historical \
        --input_json_path OUT/input_ENSO_tel_SRC_EXP_MEM.json --output_directory OUT

Writes OUT/<pattern>.json, OUT/<pattern>_diveDown.json, OUT/<pattern>_cmec.json, the per-metric
netCDF files OUT/<pattern>_<metric>.nc and their plots, where pattern = <MC>_<SRC>_<EXP>_<MEM>.
"""

import argparse
import copy
import hashlib
import json
import os
import sys
import traceback

VARIABLE_NAMES = {"ts": "sst", "tauu": "taux"}
OBSERVATION_NAMES = {
    "HadISST-1-1": "HadISST",
    "TropFlux-1-0": "Tropflux",
    "GPCP-2-3": "GPCPv2.3",
    "ERA-5": "ERA5",
    "AVISO-1-0": "AVISO",
}


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description="Compute an EnsoMetrics metrics collection for one model run.")
    parser.add_argument("--metrics_collection", required=True)
    parser.add_argument("--experiment_id", required=True)
    parser.add_argument("--input_json_path", required=True)
    parser.add_argument("--output_directory", required=True)
    return parser.parse_args(argv)


def single_file(paths, label, work_dir):
    """Reduce the files of one variable to the one file EnsoMetrics reads."""
    if isinstance(paths, str):
        paths = [paths]
    if not paths:
        raise ValueError(f"no files for {label}")
    paths = sorted(paths)  # CMIP file names end with their time range
    for path in paths:
        if not os.path.exists(path):
            raise FileNotFoundError(f"file not found for {label}: {path}")
    by_name = {}
    for path in paths:  # one file registered twice (overlapping ingest roots) is read once
        by_name.setdefault(os.path.basename(path), path)
    paths = [by_name[name] for name in sorted(by_name)]
    if len(paths) == 1:
        return paths[0]
    return concatenate(paths, work_dir)


def concatenate(paths, work_dir):
    import xcdat as xc

    names = [os.path.basename(p) for p in paths]
    digest = hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:8]
    stem = names[0][:-3] if names[0].endswith(".nc") else names[0]
    stem = "_".join(stem.split("_")[:-1]) or stem
    target = os.path.join(work_dir, f"{stem}_concatenated_{digest}.nc")
    if os.path.exists(target):
        return os.path.abspath(target)
    os.makedirs(work_dir, exist_ok=True)
    ds = xc.open_mfdataset(paths, combine="nested", concat_dim="time", decode_times=True)
    ds = ds.sortby("time")
    index = ds.indexes["time"]
    if index.has_duplicates:
        ds = ds.isel(time=~index.duplicated())
    partial = f"{target}.{os.getpid()}.partial"
    ds.to_netcdf(partial)
    os.replace(partial, target)
    return os.path.abspath(target)


def land_mask(path, variable, work_dir):
    """A Natural Earth land mask (1 land, 0 ocean, variable sftlf) on the grid of `path`."""
    import xcdat as xc
    from pcmdi_metrics.utils import create_land_sea_mask

    os.makedirs(work_dir, exist_ok=True)
    name = os.path.basename(path)
    target = os.path.join(work_dir, (name[:-3] if name.endswith(".nc") else name) + "_landmask.nc")
    ds = xc.open_dataset(path)
    mask = create_land_sea_mask(ds[variable])
    mask.name = "sftlf"
    mask.to_netcdf(target)
    return os.path.abspath(target)


def prepare_datasets(datasets, work_dir):
    """File reduction, generated land masks and the names EnsoMetrics knows (spec pmp.md 5.2)."""
    prepared = copy.deepcopy(datasets)
    for kind in ("model", "observations"):
        renamed = {}
        for dataset, variables in datasets.get(kind, {}).items():
            entries = {}
            for variable, entry in variables.items():
                entry = copy.deepcopy(entry)
                label = f"{kind} {dataset} {variable}"
                entry["path + filename"] = single_file(entry["path + filename"], label, work_dir)
                mask = land_mask(entry["path + filename"], entry.get("varname", variable), work_dir)
                entry["path + filename_area"] = mask
                entry["path + filename_landmask"] = mask
                entry["areaname"] = "areacella"
                entry["landmaskname"] = "sftlf"
                entries[VARIABLE_NAMES.get(variable, variable)] = entry
            name = OBSERVATION_NAMES.get(dataset, dataset) if kind == "observations" else dataset
            renamed[name] = entries
        prepared[kind] = renamed
    return prepared


def write_cmec(json_file):
    """The CMEC view of PMP's ENSO results: model x realization x metric x reference."""
    with open(json_file) as f:
        data = json.load(f)
    models = data["RESULTS"]["model"]
    mod = next(iter(models))
    run = next(iter(models[mod]))
    values = models[mod][run]["value"]
    results = {mod: {run: {}}}
    references = set()
    for metric, content in values.items():
        results[mod][run][metric] = {}
        for reference, value in content.get("metric", {}).items():
            references.add(reference)
            results[mod][run][metric][reference] = value.get("value")
    cmec = {
        "DIMENSIONS": {
            "json_structure": ["model", "realization", "metric", "reference_source_id"],
            "model": {mod: {}},
            "realization": {run: {}},
            "metric": {metric: {} for metric in values},
            "reference_source_id": {reference: {} for reference in sorted(references)},
        },
        "RESULTS": results,
        "REF": data["RESULTS"].get("obs", {}),
        "provenance": data.get("provenance", {}),
    }
    target = json_file[: -len(".json")] + "_cmec.json"
    with open(target, "w") as f:
        json.dump(cmec, f, indent=4)
    return target


def plot(collection, source_id, member, experiment, output_directory, pattern):
    from EnsoMetrics.EnsoCollectionsLib import defCollection
    from EnsoPlots.EnsoMetricPlot import main_plotter

    with open(os.path.join(output_directory, f"{pattern}.json")) as f:
        data = json.load(f)["RESULTS"]["model"][source_id][member]
    for metric in sorted(defCollection(collection)["metrics_list"], key=str.upper):
        netcdf = os.path.join(output_directory, f"{pattern}_{metric}.nc")
        if not os.path.exists(netcdf):
            print(f"no netCDF for {metric}; not plotted")
            continue
        if collection == "ENSO_tel" and "Map" in metric:
            diagnostic = {k: None for k in data["value"][metric + "Corr"]["diagnostic"]}
            diagnostic_units = ""
            parts = [(metric + "Corr", "diagnostic"), (metric + "Rmse", "metric")]
            metric_values = {
                ref: {source_id: [data["value"][m][t][ref]["value"] for m, t in parts]}
                for ref in data["value"][metric + "Corr"]["metric"]
            }
            metric_units = [data["metadata"]["metrics"][m]["metric"]["units"] for m, _ in parts]
        else:
            diagnostic = {k: v["value"] for k, v in data["value"][metric]["diagnostic"].items()}
            diagnostic_units = data["metadata"]["metrics"][metric]["diagnostic"]["units"]
            metric_values = {k: {source_id: v["value"]} for k, v in data["value"][metric]["metric"].items()}
            metric_units = data["metadata"]["metrics"][metric]["metric"]["units"]
        main_plotter(
            collection, metric, source_id, experiment, netcdf, diagnostic, diagnostic_units,
            metric_values, metric_units, member=member, path_png=output_directory,
            name_png=f"{pattern}_{metric}",
        )


def main(argv=None):
    args = parse_arguments(argv)
    out = args.output_directory
    os.makedirs(out, exist_ok=True)
    with open(args.input_json_path) as f:
        datasets = json.load(f)
    model_run = next(iter(datasets["model"]))
    source_id, member = model_run.rsplit("_", 1)
    pattern = f"{args.metrics_collection}_{source_id}_{args.experiment_id}_{member}"
    print(f"PMP ENSO {args.metrics_collection}: {pattern}", flush=True)

    prepared = prepare_datasets(datasets, os.path.join(out, "ref_landmask"))
    with open(os.path.join(out, f"input_{pattern}_processed.json"), "w") as f:
        json.dump(prepared, f, indent=4)

    from EnsoMetrics.EnsoComputeMetricsLib import ComputeCollection
    from pcmdi_metrics import resources
    from pcmdi_metrics.enso.lib import metrics_to_json
    from pcmdi_metrics.io import StringConstructor

    metrics, dive_down = ComputeCollection(
        args.metrics_collection, prepared, model_run, netcdf=True,
        netcdf_name=os.path.join(out, pattern), obs_interpreter=True, debug=True,
    )
    metrics_to_json(
        args.metrics_collection, prepared["observations"], {source_id: {member: metrics}},
        {source_id: {member: dive_down}}, resources.resource_path(), StringConstructor(out), pattern,
        mod=source_id, run=member,
    )
    print("wrote " + write_cmec(os.path.join(out, f"{pattern}.json")), flush=True)

    try:
        plot(args.metrics_collection, source_id, member, args.experiment_id, out, pattern)
    except Exception:  # plots are a by-product; the metrics are already written
        traceback.print_exc()
        print("plotting failed; continuing without (some) plots", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
