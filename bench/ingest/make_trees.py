"""Writes the inputs of the ingest benchmarks: empty files in a CMIP6 DRS tree (the
drs parser never opens them) and an intake-esm-style CSV catalog.
  make_trees.py drs ROOT FILES
  make_trees.py catalog FILE.csv ROWS"""
import os
import sys

VARIABLES = ["tas", "pr", "rsut", "rlut", "ts", "huss", "uas", "vas", "psl", "clt"]


def datasets(files, per_dataset=10):
    """(member, variable, years) for `files` files, `per_dataset` decade files per dataset."""
    for index in range(files // per_dataset):
        member, variable = divmod(index, len(VARIABLES))
        yield f"r{member + 1}i1p1f1", VARIABLES[variable], [1900 + 10 * k for k in range(per_dataset)]


def drs(root, files):
    for member, variable, years in datasets(files):
        folder = os.path.join(root, "CMIP6", "CMIP", "INST", "MODEL-1-0", "historical", member, "Amon", variable, "gn", "v20200101")
        os.makedirs(folder, exist_ok=True)
        for year in years:
            name = f"{variable}_Amon_MODEL-1-0_historical_{member}_gn_{year}01-{year + 9}12.nc"
            open(os.path.join(folder, name), "w").close()


def catalog(path, rows):
    columns = ["path", "activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id",
               "variable_id", "grid_label", "version", "variant_label", "frequency", "start_time", "end_time"]
    with open(path, "w") as out:
        out.write(",".join(columns) + "\n")
        for member, variable, years in datasets(rows):
            folder = f"{{data_dir}}/CMIP6/CMIP/INST/MODEL-1-0/historical/{member}/Amon/{variable}/gn/v20200101"
            for year in years:
                name = f"{variable}_Amon_MODEL-1-0_historical_{member}_gn_{year}01-{year + 9}12.nc"
                out.write(",".join([f"{folder}/{name}", "CMIP", "INST", "MODEL-1-0", "historical", member, "Amon",
                                    variable, "gn", "v20200101", member, "mon", f"{year}-01-16 12:00:00",
                                    f"{year + 9}-12-16 12:00:00"]) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "drs":
        drs(sys.argv[2], int(sys.argv[3]))
    else:
        catalog(sys.argv[2], int(sys.argv[3]))
