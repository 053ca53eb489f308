"""Writes the queue benchmark's catalog: one CMIP6 `tas` model per execution of the no-op
diagnostic (bench/execute/noop_provider.cpp groups its `tas` datasets by source_id), each
with a few historical members split in decade files, so every execution's definition lists
several datasets and files, as a real diagnostic's does.

  make_catalog.py FILE.csv SOURCES [MEMBERS] [FILES]

Paths start with "{data_dir}" (ingest with --set data_dir=...). Deterministic."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "solve"))
sys.path.insert(0, os.path.join(here, "..", "ingest"))
from make_catalog import CMIP6_COLUMNS  # noqa: E402
from make_trees import CatalogWriter, drs_file_name, drs_folder  # noqa: E402


def main(path, sources, members=4, files=6):
    with CatalogWriter(path, CMIP6_COLUMNS) as out:
        for s in range(sources):
            source = f"BENCH-{s:04d}"
            for m in range(members):
                member = f"r{m + 1}i1p1f1"
                row = {
                    "activity_id": "CMIP", "institution_id": "BENCH", "source_id": source,
                    "experiment_id": "historical", "member_id": member, "table_id": "Amon",
                    "variable_id": "tas", "grid_label": "gn", "version": "v20200101",
                    "variant_label": member, "frequency": "mon", "realm": "atmos",
                    "experiment": "all-forcing simulation of the recent past", "grid": "native atmosphere grid",
                    "nominal_resolution": "100 km", "product": "model-output", "source_type": "AOGCM",
                    "sub_experiment": "none", "sub_experiment_id": "none", "parent_activity_id": "CMIP",
                    "parent_experiment_id": "piControl", "parent_source_id": source, "parent_variant_label": member,
                    "parent_time_units": "days since 1850-01-01", "branch_method": "standard",
                    "branch_time_in_child": "0.0", "branch_time_in_parent": "0.0",
                    "standard_name": "air_temperature", "long_name": "Near-Surface Air Temperature", "units": "K",
                    "vertical_levels": "1", "time_units": "days since 1850-01-01", "calendar": "standard",
                }
                folder = drs_folder("{data_dir}", "CMIP", "BENCH", source, "historical", member, "Amon", "tas", "gn",
                                    "v20200101")
                for f in range(files):
                    first = 1850 + 10 * f
                    row["start_time"] = f"{first}-01-16 12:00:00"
                    row["end_time"] = f"{first + 9}-12-16 12:00:00"
                    row["path"] = folder + "/" + drs_file_name("tas", "Amon", source, "historical", member, "gn",
                                                                f"{first}01-{first + 9}12")
                    out.write(row)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
