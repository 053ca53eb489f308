"""Writes the inputs of the ingest benchmarks: empty files in a CMIP6 DRS tree (the
drs parser never opens them) and an intake-esm-style CSV catalog.
  make_trees.py drs ROOT FILES
  make_trees.py catalog FILE.csv ROWS
The DRS layout helpers and CatalogWriter are shared with bench/solve/make_catalog.py."""
import csv
import os
import sys

VARIABLES = ["tas", "pr", "rsut", "rlut", "ts", "huss", "uas", "vas", "psl", "clt"]


def drs_folder(root, activity, institution, source, experiment, member, table, variable, grid, version):
    """The CMIP6 DRS folder of one dataset version."""
    return "/".join([root, "CMIP6", activity, institution, source, experiment, member, table, variable, grid, version])


def drs_file_name(variable, table, source, experiment, member, grid, time_range=None):
    """The CMIP6 file name; `time_range` (e.g. "185001-201412") is left out for fixed fields."""
    parts = [variable, table, source, experiment, member, grid] + ([time_range] if time_range else [])
    return "_".join(parts) + ".nc"


class CatalogWriter:
    """An intake-esm/ESGF-style CSV catalog: a header, then one row per file, given as a dict
    (missing columns are written empty). Quotes only fields that need it."""

    def __init__(self, path, columns):
        self.columns = columns
        self.rows = 0
        self._out = open(path, "w", newline="")
        self._writer = csv.writer(self._out, lineterminator="\n")
        self._writer.writerow(columns)

    def write(self, row):
        self._writer.writerow([row.get(c, "") for c in self.columns])
        self.rows += 1

    def close(self):
        self._out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def datasets(files, per_dataset=10):
    """(member, variable, years) for `files` files, `per_dataset` decade files per dataset."""
    for index in range(files // per_dataset):
        member, variable = divmod(index, len(VARIABLES))
        yield f"r{member + 1}i1p1f1", VARIABLES[variable], [1900 + 10 * k for k in range(per_dataset)]


def drs(root, files):
    for member, variable, years in datasets(files):
        folder = drs_folder(root, "CMIP", "INST", "MODEL-1-0", "historical", member, "Amon", variable, "gn", "v20200101")
        os.makedirs(folder, exist_ok=True)
        for year in years:
            name = drs_file_name(variable, "Amon", "MODEL-1-0", "historical", member, "gn", f"{year}01-{year + 9}12")
            open(os.path.join(folder, name), "w").close()


def catalog(path, rows):
    columns = ["path", "activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id",
               "variable_id", "grid_label", "version", "variant_label", "frequency", "start_time", "end_time"]
    with CatalogWriter(path, columns) as out:
        for member, variable, years in datasets(rows):
            folder = drs_folder("{data_dir}", "CMIP", "INST", "MODEL-1-0", "historical", member, "Amon", variable, "gn",
                                "v20200101")
            for year in years:
                name = drs_file_name(variable, "Amon", "MODEL-1-0", "historical", member, "gn", f"{year}01-{year + 9}12")
                out.write({"path": f"{folder}/{name}", "activity_id": "CMIP", "institution_id": "INST",
                           "source_id": "MODEL-1-0", "experiment_id": "historical", "member_id": member,
                           "table_id": "Amon", "variable_id": variable, "grid_label": "gn", "version": "v20200101",
                           "variant_label": member, "frequency": "mon", "start_time": f"{year}-01-16 12:00:00",
                           "end_time": f"{year + 9}-12-16 12:00:00"})


if __name__ == "__main__":
    if sys.argv[1] == "drs":
        drs(sys.argv[2], int(sys.argv[3]))
    else:
        catalog(sys.argv[2], int(sys.argv[3]))
