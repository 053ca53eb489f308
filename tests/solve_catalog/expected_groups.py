"""The execution groups a solve must plan over intake-esm-style CSV catalogs, derived from the
specifications alone: /work/shared/spec/solver.md for the semantics (latest version,
filters, group-by, constraints, keys) and spec/providers/{pmp,esmvaltool,ilamb}.md for what
each diagnostic asks for. Standard library only; it shares no code with the engine.

  expected_groups.py --cmip6 F --obs4mips F --pmp-climatology F --esmvaltool-reference F OUT.json

OUT.json: {"groups": {"provider/diagnostic": {key: {"required": [...], "supplementary": [...]}}}}
for every diagnostic of the three providers (CMIP6 and reference sides; the catalogs hold no
CMIP7). "required" are the instance ids of the main datasets and parents, which the group
must hold; "supplementary" the ids a supplementary pick may come from: the pick can tie on
catalog order (solver.md §3.3), so any of the tied datasets is accepted. A diagnostic with no
group is one whose inputs the catalogs do not hold (or whose constraints reject them all)."""
import csv
import datetime
import json
import re
import sys

# ---------------------------------------------------------------------------------------
# Catalogs (solver.md §1)

CANONICAL = ["cmip6", "cmip7", "esmvaltool-reference", "obs4mips", "obs4ref", "pmp-climatology"]  # §1.1

# §1.3: id facets (latest-version partition) and instance_id per source type.
ID_FACETS = {
    "cmip6": ["activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id", "variable_id",
              "grid_label"],
    "obs4mips": ["activity_id", "institution_id", "source_id", "frequency", "variable_id", "nominal_resolution",
                 "grid_label"],
    "esmvaltool-reference": ["project", "source_id", "frequency", "variable_id"],
}
ID_FACETS["pmp-climatology"] = ID_FACETS["obs4mips"]


def instance_id(kind, row):
    if kind == "cmip6":
        return "CMIP6." + ".".join(row[c] for c in ID_FACETS["cmip6"] + ["version"])
    if kind == "esmvaltool-reference":
        return "esmvaltool-reference." + ".".join(row[c] for c in ["project", "source_id", "frequency", "variable_id",
                                                                   "version"])
    # obs4mips and pmp-climatology share the obs4MIPs prefix; spaces leave nominal_resolution.
    parts = [row[c] for c in ["activity_id", "institution_id", "source_id", "frequency", "variable_id"]]
    return "obs4MIPs." + ".".join(parts + [row["nominal_resolution"].replace(" ", ""), row["grid_label"],
                                           row["version"]])


def version_key(version):  # §1.4
    m = re.fullmatch(r"v(\d+)", version or "")
    return int(m.group(1)) if m else -1


# §1.7: times are calendar-aware; the constraints need ordering and day differences.
MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


class Time:
    def __init__(self, text, calendar):
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2}))?", text.strip())
        y, mo, d, hh, mm, ss = (int(g or 0) for g in m.groups())
        self.fields = (y, mo, d, hh, mm, ss)
        self.calendar = calendar
        seconds = hh * 3600 + mm * 60 + ss
        if calendar == "360_day":
            days = y * 360 + (mo - 1) * 30 + d - 1
        elif calendar in ("noleap", "365_day"):
            days = y * 365 + sum(MONTH_DAYS[:mo - 1]) + d - 1
        else:  # standard, gregorian, proleptic_gregorian: the archive has no dates where they differ by a gap
            days = datetime.date(y, mo, d).toordinal()
        self.days = days + seconds / 86400

    def __lt__(self, other):
        return self.fields < other.fields


def load(kind, path):
    """Rows of the latest non-retracted version of every dataset (§1.4), in file order."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if kind == "cmip6" and not row.get("member_id"):
            row["member_id"] = row["variant_label"]
        row["instance_id"] = instance_id(kind, row)
        calendar = row.get("calendar") or "standard"  # reference catalogs have no calendar: standard
        row["_start"] = Time(row["start_time"], calendar) if row.get("start_time") else None
        row["_end"] = Time(row["end_time"], calendar) if row.get("end_time") else None
    best = {}
    for row in rows:
        part = tuple(row[c] for c in ID_FACETS[kind])
        best[part] = max(best.get(part, -2), version_key(row["version"]))
    return [r for r in rows if version_key(r["version"]) == best[tuple(r[c] for c in ID_FACETS[kind])]]


# ---------------------------------------------------------------------------------------
# Requirements (solver.md §2)

def apply_filters(catalog, filters):
    """§2.3: AND across the facets of one filter, OR across values and across filters."""
    def match(row, f):
        return all(row.get(facet) in (values if isinstance(values, tuple) else (values,))
                   for facet, values in f.items())
    return [r for r in catalog if any(match(r, f) for f in filters)]


_INDEX = {}


def narrowed(catalog, facet, values):
    """The rows of `catalog` whose `facet` is one of `values`, in catalog order (indexed: the
    constraints look up the full catalog once per group)."""
    index = _INDEX.get((id(catalog), facet))
    if index is None:
        index = _INDEX[(id(catalog), facet)] = {}
        for position, r in enumerate(catalog):
            index.setdefault(r.get(facet), []).append((position, r))
    hits = sorted(hit for v in values for hit in index.get(v, []))
    return [r for _, r in hits]


def group_rows(rows, columns):
    """§2.4: one group per value tuple, NA (empty) dropped, ascending order."""
    groups = {}
    for r in rows:
        values = tuple(r.get(c, "") for c in columns)
        if all(values):
            groups.setdefault(values, []).append(r)
    return [(tuple(zip(columns, k)), groups[k]) for k in sorted(groups)]


def labels(rows):
    return {r["instance_id"] for r in rows}


def require_facets(dimension, required, operator="all", by=()):
    """§3.1: a (sub)group lacking the required values of `dimension` is removed."""
    def apply(group, catalog):
        subgroups = [group] if not by else [g for _, g in group_rows(group, by)]
        bad = set()
        for g in subgroups:
            present = {r[dimension] for r in g}
            ok = all(v in present for v in required) if operator == "all" else any(v in present for v in required)
            if not ok:
                bad |= labels(g)
        return [r for r in group if r["instance_id"] not in bad]
    return apply


def add_supplementary(variable, facets=None, matching=("source_id", "grid_label"),
                      optional=("table_id", "experiment_id", "member_id", "version")):
    """§3.3 (CMIP6 defaults unless given). Never drops a group. The rows added are marked, and
    hold every dataset that tied for the pick (see below)."""
    def apply(group, catalog):
        wanted = dict(facets or {"variable_id": variable})  # facets given: the supplementary is not a variable
        wanted = {k: (v if isinstance(v, tuple) else (v,)) for k, v in wanted.items()}
        for m in matching:
            wanted[m] = tuple(wanted.get(m, ())) + tuple(dict.fromkeys(r[m] for r in group))
        first_facet = next(iter(wanted))
        candidates = apply_filters(narrowed(catalog, first_facet, wanted[first_facet]), [wanted])
        if not candidates:
            return group
        f = list(matching) + list(optional)
        chosen = []
        for main in dict.fromkeys(tuple(r.get(c, "") for c in f) for r in group):
            s = [c for c in candidates if all(c[m] == main[i] and c[m] for i, m in enumerate(matching))]
            if not s:
                continue
            score = lambda c: sum(1 for i, x in enumerate(f) if c.get(x, "") and c.get(x, "") == main[i])
            top = max(map(score, s))
            s = [c for c in s if score(c) == top]
            newest = max(version_key(c["version"]) for c in s)
            s = [c for c in s if version_key(c["version"]) == newest]
            # The first of `s` in catalog order wins. That order is the datasets' update time
            # (§1.6), which a CSV does not tell, so every tied dataset is kept: each may be the
            # pick, and each may be a main for a later supplementary (§3.3 step 4).
            chosen += [dict(c, _supplementary=True) for c in s]
        return group + chosen if chosen else group
    return apply


def _contiguous(rows):
    """§3.6 on one subgroup: one calendar, consecutive files (sorted by start) <= 45 days apart."""
    if len({r["_start"].calendar for r in rows}) > 1:
        return False
    rows = sorted(rows, key=lambda r: r["_start"].fields)
    return all(b["_start"].days - a["_end"].days <= 45 for a, b in zip(rows, rows[1:]))


def require_contiguous(by=("instance_id",)):
    def apply(group, catalog):
        timed = [r for r in group if r["_start"] and r["_end"]]
        bad = set()
        for _, g in group_rows(timed, by):
            if not _contiguous(g):
                bad |= labels(g)
        return [r for r in group if r["instance_id"] not in bad]
    return apply


def require_timerange(start, end, by=("instance_id",)):
    """§3.5 with start=(Y, M), end=(Y, M): the subgroup spans them (year-month truncated) and is
    contiguous."""
    def apply(group, catalog):
        timed = [r for r in group if r["_start"] and r["_end"]]
        bad = set()
        for _, g in group_rows(timed, by):
            s = min(r["_start"].fields for r in g)[:2]
            e = max(r["_end"].fields for r in g)[:2]
            if s > start or e < end or not _contiguous(g):
                bad |= labels(g)
        return [r for r in group if r["instance_id"] not in bad]
    return apply


def require_overlapping(by=("instance_id",)):
    """§3.7: all or nothing: the latest start precedes the earliest end."""
    def apply(group, catalog):
        timed = [r for r in group if r["_start"] and r["_end"]]
        if len(timed) < 2:
            return group
        spans = [(min(r["_start"].fields for r in g), max(r["_end"].fields for r in g))
                 for _, g in group_rows(timed, by)]
        return group if max(s for s, _ in spans) < min(e for _, e in spans) else []
    return apply


PARENT_MAP = {"source_id": "parent_source_id", "experiment_id": "parent_experiment_id",
              "variant_label": "parent_variant_label", "table_id": "table_id", "variable_id": "variable_id",
              "grid_label": "grid_label"}  # §3.8 from_defaults(cmip6)


def add_parent():
    """§3.8: each child gets its parent's latest version; a child without a parent is removed.
    The result is catalog rows only (children and parents)."""
    def apply(group, catalog):
        a = sorted(set(PARENT_MAP) | set(PARENT_MAP.values()))
        valid = [r for r in group if all(r.get(c) for c in a)]
        selected = {}
        for values, child in group_rows(valid, a):
            v = dict(values)
            parents = [r for r in narrowed(catalog, "source_id", (v["parent_source_id"],))
                       if all(r.get(p) == v[q] for p, q in PARENT_MAP.items())]
            for r in child:
                selected[r["instance_id"]] = bool(parents)
            if parents:
                newest = max(version_key(r["version"]) for r in parents)
                for r in parents:
                    if version_key(r["version"]) == newest:
                        selected[r["instance_id"]] = True
        # Catalog rows in catalog order; the rows of one source_id suffice (parents share it).
        models = {r["source_id"] for r in group} | {r["parent_source_id"] for r in valid}
        return [r for r in narrowed(catalog, "source_id", models) if selected.get(r["instance_id"])]
    return apply


def member_sort_key(m):  # §3.9
    x = re.fullmatch(r"r(\d+)i(\d+)p(\d+)f(\d+)", m)
    return (0, tuple(map(int, x.groups()))) if x else (1, m)


def select_first_member(facet="member_id", by=("source_id",)):
    def apply(group, catalog):
        kept = []
        for _, g in group_rows(group, by):
            members = {r[facet] for r in g if r.get(facet)}
            if not members:
                kept += g
                continue
            first = min(members, key=member_sort_key)
            kept += [r for r in g if r.get(facet) == first]
        return kept
    return apply


def req(source_type, filters, group_by, *constraints):
    return {"source_type": source_type, "filters": filters if isinstance(filters, list) else [filters],
            "group_by": group_by, "constraints": list(constraints)}


def extract(catalogs, r):
    """§4.4: filter, group, constraints in order; an emptied group is dropped."""
    catalog = catalogs[r["source_type"]]
    out = []
    for selector, rows in group_rows(apply_filters(catalog, r["filters"]), r["group_by"]):
        for constraint in r["constraints"]:
            rows = constraint(rows, catalog)
            if not rows:
                break
        if rows:
            out.append((selector, rows))
    return out


def key_of(parts):
    """§5.1: per source type in canonical order, its selector values sorted by facet name."""
    return "__".join(f"{t}_" + "_".join(v for _, v in sorted(sel)) for t, sel in
                     sorted(parts, key=lambda p: CANONICAL.index(p[0])))


def solve(catalogs, alternatives):
    """§2.5/§2.6: each collection is the cartesian product of its requirements' groups;
    alternatives are solved independently and their keys pooled."""
    groups = {}
    for collection in alternatives:
        combos = [[]]
        for r in collection:
            found = extract(catalogs, r)
            combos = [c + [(r["source_type"], sel, rows)] for c in combos for sel, rows in found]
        for combo in combos:
            key = key_of([(t, sel) for t, sel, _ in combo])
            rows = [row for _, _, rows in combo for row in rows]
            group = groups.setdefault(key, {"required": set(), "supplementary": set()})  # a key may recur
            group["required"] |= {r["instance_id"] for r in rows if not r.get("_supplementary")}
            group["supplementary"] |= {r["instance_id"] for r in rows if r.get("_supplementary")}
    return {k: {part: sorted(ids) for part, ids in g.items()} for k, g in groups.items()}


# ---------------------------------------------------------------------------------------
# PMP (pmp.md §2, §3.1, §4.1). Only the CMIP6 alternatives can match: no CMIP7 catalog.

PMP_CLIMATOLOGY = {v: "ERA-5" for v in ("ts", "uas", "vas", "psl", "ta", "ua", "va", "zg")}
PMP_CLIMATOLOGY.update({"pr": "GPCP-3-3"})
PMP_CLIMATOLOGY.update({v: "CERES-EBAF-4-2" for v in ("rlds", "rlus", "rlut", "rsds", "rsdt", "rsus", "rsut")})


def pmp_annual_cycle():
    """§2 table / §3.1: per variable V, the climatology (variable_id, source_id) AND the
    model run (variable_id, source_id, experiment_id, member_id, grid_label); no constraints."""
    return [[req("pmp-climatology", {"source_id": obs, "variable_id": v}, ("variable_id", "source_id")),
             req("cmip6", {"frequency": "mon", "experiment_id": ("amip", "historical", "hist-GHG"), "variable_id": v},
                 ("variable_id", "source_id", "experiment_id", "member_id", "grid_label"))]
            for v, obs in PMP_CLIMATOLOGY.items()]


def pmp_mode(mode):
    """§2 table / §4.1: ts modes (PDO, NPGO) against HadISST; psl modes also over amip, against 20CR-V2."""
    ts = mode in ("pdo", "npgo")
    variable, obs = ("ts", "HadISST-1-1") if ts else ("psl", "20CR-V2")
    experiments = ("historical", "hist-GHG") if ts else ("historical", "hist-GHG", "amip")
    return [[req("cmip6", {"frequency": "mon", "experiment_id": experiments, "variable_id": variable},
                 ("source_id", "experiment_id", "member_id", "grid_label")),
             req("obs4mips", {"source_id": obs, "variable_id": variable}, ("source_id", "variable_id"))]]


def pmp_enso(collection):
    """§2 table / §5: the model variables per member with cell area and land fraction, against
    every matching obs4MIPs dataset in one group (group_by activity_id)."""
    if collection == "enso_tel":
        variables, obs = ("pr", "ts"), ("GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1")
    else:
        variables = ("ts", "tauu", "hfls", "hfss", "rlds", "rlus", "rsds", "rsus")
        obs = ("GPCP-Monthly-3-2", "TropFlux-1-0", "HadISST-1-1", "CERES-EBAF-4-2")
    return [[req("cmip6", {"frequency": "mon", "experiment_id": "historical", "variable_id": variables},
                 ("source_id", "experiment_id", "member_id", "grid_label"),
                 add_supplementary("areacella"), add_supplementary("sftlf")),
             req("obs4mips", {"source_id": obs, "variable_id": variables}, ("activity_id",))]]


# ---------------------------------------------------------------------------------------
# ESMValTool (esmvaltool.md §2)

def esmvaltool_global_mean_timeseries():
    """§2.2: tas of any table, per run and table; contiguous files; cell area."""
    return [[req("cmip6", {"variable_id": "tas"},
                 ("source_id", "experiment_id", "member_id", "table_id", "variable_id", "grid_label"),
                 require_contiguous(), add_supplementary("areacella"))]]


def esmvaltool_ecs():
    """§2.3: abrupt-4xCO2 radiation + tas with the piControl parent; both runs need all four."""
    four = ("rlut", "rsdt", "rsut", "tas")
    return [[req("cmip6", {"variable_id": four, "experiment_id": "abrupt-4xCO2", "table_id": "Amon"},
                 ("source_id", "member_id", "grid_label"),
                 require_overlapping(), add_parent(), require_contiguous(),
                 require_facets("variable_id", four, by=("source_id", "member_id", "grid_label", "experiment_id")),
                 add_supplementary("areacella"))]]


def esmvaltool_tcr():
    """§2.4: 1pctCO2 tas with its piControl parent."""
    return [[req("cmip6", {"variable_id": "tas", "experiment_id": "1pctCO2", "table_id": "Amon"},
                 ("source_id", "member_id", "grid_label"),
                 add_parent(), require_contiguous(), add_supplementary("areacella"))]]


def esmvaltool_cloud_radiative_effects():
    """§2.9 (CMIP6 alternative): the four TOA fluxes 2002-2014 with CERES-EBAF-4-2-1."""
    four = ("rlut", "rlutcs", "rsut", "rsutcs")
    return [[req("cmip6", {"variable_id": four, "experiment_id": "historical", "table_id": "Amon"},
                 ("source_id", "member_id", "grid_label"),
                 require_timerange((2002, 1), (2014, 12)), require_overlapping(),
                 require_facets("variable_id", four), add_supplementary("areacella")),
             req("obs4mips", {"frequency": "mon", "source_id": "CERES-EBAF-4-2-1", "variable_id": four},
                 ("source_id",), require_timerange((2002, 1), (2014, 12)))]]


def esmvaltool_sea_ice_area_basic():
    """§2.16 (CMIP6 alternative): siconc 1979-2014 with ocean cell area, against the OSI-450
    hemispheres from the esmvaltool-reference catalog (one group per project)."""
    return [[req("cmip6", {"variable_id": "siconc", "experiment_id": "historical", "table_id": "SImon"},
                 ("source_id", "member_id", "grid_label"),
                 require_timerange((1979, 1), (2014, 12)), add_supplementary("areacello"),
                 require_facets("variable_id", ("siconc", "areacello"))),
             req("esmvaltool-reference", {"project": "OBS", "source_id": ("OSI-450-nh", "OSI-450-sh"),
                                          "variable_id": ("sic", "areacello")},
                 ("project",), require_facets("source_id", ("OSI-450-nh", "OSI-450-sh")),
                 require_facets("variable_id", ("sic", "areacello")))]]


def esmvaltool_tcre():
    """§2.5: esm-1pctCO2 tas with its parent, the run's fco2antt, contiguous, both variables."""
    return [[req("cmip6", {"variable_id": "tas", "experiment_id": "esm-1pctCO2", "table_id": "Amon"},
                 ("source_id", "member_id", "grid_label"),
                 add_parent(),
                 add_supplementary("fco2antt", {"variable_id": "fco2antt", "experiment_id": "esm-1pctCO2"},
                                   ("source_id", "member_id", "table_id", "grid_label"), ("version",)),
                 require_contiguous(), require_facets("variable_id", ("tas", "fco2antt")),
                 add_supplementary("areacella"))]]


def esmvaltool_zec():
    """§2.6: esm-1pct-brch-1000PgC tas with its parent (1pctCO2 or esm-1pctCO2)."""
    return [[req("cmip6", {"variable_id": "tas", "experiment_id": "esm-1pct-brch-1000PgC", "table_id": "Amon"},
                 ("source_id", "member_id", "grid_label"),
                 add_parent(), require_contiguous(), add_supplementary("areacella"))]]


def esmvaltool_gwl():
    """§2.7: one group per scenario; each run gets its historical part, which together must
    span 1850-2100; both pr and tas in each experiment of a run."""
    five = ("source_id", "member_id", "grid_label", "table_id", "variable_id")
    return [[req("cmip6", {"variable_id": ("pr", "tas"), "experiment_id": ("ssp126", "ssp245", "ssp370", "ssp585"),
                           "table_id": "Amon"}, ("experiment_id",),
                 add_supplementary(None, {"experiment_id": "historical"}, five, ()),
                 require_timerange((1850, 1), (2100, 12), five),
                 require_facets("experiment_id", ("historical",), by=five),
                 require_facets("variable_id", ("pr", "tas"),
                                by=("experiment_id", "source_id", "member_id", "grid_label", "table_id")),
                 add_supplementary("areacella"))]]


def esmvaltool_fire():
    """§2.8: the eight ConFire inputs of one run, 1995-2014, with the land fraction."""
    return [[req("cmip6", [{"variable_id": ("hurs", "pr", "tas", "tasmax"), "experiment_id": "historical",
                            "table_id": "Amon"},
                           {"variable_id": ("cVeg", "treeFrac"), "experiment_id": "historical", "table_id": "Lmon"},
                           {"variable_id": "vegFrac", "experiment_id": "historical", "table_id": "Emon"}],
                 ("source_id", "member_id", "grid_label"),
                 require_timerange((1995, 1), (2014, 12)), add_supplementary("sftlf"),
                 require_facets("variable_id", ("cVeg", "hurs", "pr", "tas", "tasmax", "sftlf", "treeFrac",
                                                "vegFrac")))]]


CLOUD_SCATTERPLOTS = {"clt-swcre": ("clt", "rsut", "rsutcs"), "clwvi-pr": ("clwvi", "pr"),
                      "clivi-lwcre": ("clivi", "rlut", "rlutcs"), "cli-ta": ("cli", "ta")}


def esmvaltool_cloud_scatterplots(pair):
    """§2.10: the pair's variables of one historical run, 1996-2014."""
    v = CLOUD_SCATTERPLOTS[pair]
    return [[req("cmip6", {"variable_id": v, "experiment_id": "historical", "table_id": "Amon"},
                 ("source_id", "experiment_id", "member_id", "frequency", "grid_label"),
                 require_timerange((1996, 1), (2014, 12)), require_facets("variable_id", v),
                 add_supplementary("areacella"))]]


def esmvaltool_cloud_scatterplots_reference():
    """§2.11: each ERA-5 ta dataset covering 2007-2014."""
    return [[req("obs4mips", {"source_id": "ERA-5", "variable_id": "ta"}, ("instance_id",),
                 require_timerange((2007, 1), (2014, 12)))]]


def esmvaltool_enso_basic_climatology():
    """§2.12: pr, tauu and tos of one historical run, contiguous and overlapping."""
    return [[req("cmip6", [{"variable_id": ("pr", "tauu"), "experiment_id": "historical", "table_id": "Amon"},
                           {"variable_id": "tos", "experiment_id": "historical", "table_id": "Omon"}],
                 ("source_id", "member_id", "grid_label"),
                 require_contiguous(), require_overlapping(), require_facets("variable_id", ("pr", "tauu", "tos")))]]


def esmvaltool_enso_characteristics():
    """§2.13: historical tos with its ocean cell area."""
    return [[req("cmip6", {"variable_id": "tos", "experiment_id": "historical", "table_id": "Omon"},
                 ("source_id", "member_id", "grid_label"),
                 require_contiguous(), require_overlapping(), add_supplementary("areacello"),
                 require_facets("variable_id", ("tos", "areacello")))]]


def esmvaltool_ozone(slug):
    """§2.14: model toz 1996-2014 AND the C3S-GTO-ECV-9-0 toz; ozone-zonal is o3 alone."""
    if slug == "ozone-zonal":
        return [[req("cmip6", {"variable_id": "o3", "experiment_id": "historical", "table_id": "Amon"},
                     ("source_id", "member_id", "grid_label"),
                     require_timerange((2005, 1), (2014, 12)), require_contiguous())]]
    return [[req("cmip6", {"variable_id": "toz", "experiment_id": "historical", "table_id": "AERmon"},
                 ("source_id", "member_id", "grid_label"),
                 require_timerange((1996, 1), (2014, 12)), require_contiguous(), add_supplementary("areacella")),
             req("obs4mips", {"variable_id": "toz", "source_id": "C3S-GTO-ECV-9-0", "frequency": "mon"},
                 ("source_id",), require_timerange((1996, 1), (2014, 12)))]]


def esmvaltool_regional(kind):
    """§2.15: model runs and the ERA-5 observations are separate alternatives."""
    end = (2014, 12) if kind == "timeseries" else (2009, 12)
    obs_variables = ("psl", "tas", "ua") if kind == "trend" else ("psl", "ua")
    return [[req("cmip6", {"variable_id": ("hus", "pr", "psl", "tas", "ua"), "experiment_id": "historical",
                           "table_id": "Amon"}, ("source_id", "member_id", "grid_label"),
                 require_timerange((1980, 1), end), add_supplementary("areacella"))],
            [req("obs4mips", {"variable_id": obs_variables, "source_id": "ERA-5", "frequency": "mon"},
                 ("source_id",), require_timerange((1980, 1), end))]]


def esmvaltool_sea_ice_sensitivity():
    """§2.17: one group of all models' first member with siconc and tas over 1979-2014 and
    ocean cell areas. No grey list: the test configures none (solver.md §2.7)."""
    return [[req("cmip6", [{"variable_id": "siconc", "experiment_id": "historical", "table_id": "SImon"},
                           {"variable_id": "tas", "experiment_id": "historical", "table_id": "Amon"}],
                 ("experiment_id",),
                 require_timerange((1979, 1), (2014, 12)),
                 require_facets("variable_id", ("siconc", "tas"), by=("source_id", "member_id", "grid_label")),
                 select_first_member(), add_supplementary("areacella"), add_supplementary("areacello"),
                 require_facets("variable_id", ("areacello",), by=("source_id", "grid_label")))]]


# ---------------------------------------------------------------------------------------
# ILAMB/IOMB (ilamb.md §2, §3.1): one builder for all 13 configure entries.

LAND_TABLES = ("AERmonZ", "Amon", "CFmon", "Emon", "EmonZ", "LImon", "Lmon", "Omon", "SImon")
# slug -> (realm, primary variables (main, alternates, related), relationship variables, obs filter)
ILAMB = {
    "gpp-wecann": ("land", ("gpp",), ("pr", "tas"),
                   {"source_id": "WECANN-1-0", "variable_id": "gpp", "grid_label": "gn", "version": "v20250902"}),
    "gpp-fluxnet2015": ("land", ("gpp",), (), None),
    "mrro-lora": ("land", ("mrro",), (),
                  {"source_id": "LORA-1-0", "variable_id": "mrro", "grid_label": "gn", "version": "v20250902"}),
    "mrsos-wangmao": ("land", ("mrsol", "mrsos"), (), None),
    "csoil-hwsd2": ("land", ("cSoil",), (),
                    {"source_id": "HWSD-2-0", "variable_id": "cSoil", "grid_label": "gn", "version": "v20250903"}),
    "lai-avh15c1": ("land", ("lai",), (),
                    {"source_id": "NOAA-NCEI-LAI-AVHRR-5-0", "variable_id": "lai", "grid_label": "gn"}),
    "nbp-hoffman": ("land", ("nbp",), (),
                    {"source_id": "Hoffman-1-0", "variable_id": "nbp", "grid_label": "gm", "version": "v20251117"}),
    "snc-esacci": ("land", ("snc",), (), {"source_id": "CCI-CryoClim-FSC-1", "variable_id": "snc",
                                          "grid_label": "gn", "version": "v20250519"}),
    "burntfractionall-gfed": ("land", ("burntFractionAll",), (),
                              {"source_id": "GFED-5-0", "variable_id": "burntFractionAll", "grid_label": "gr",
                               "version": "v20260128"}),
    # ilamb.md §7 item 2 records the upstream defect (the model's emp is evspsbl alone, with no
    # precipitation subtracted); like the plugin (plugins/ilamb/README.md) the model needs pr too.
    "emp-gleamgpcp2.3": ("land", ("emp", "evspsbl"), ("pr",), None),
    "thetao-woa2023-surface": ("ocean", ("thetao", "tos"), (),
                               {"source_id": "WOA-23", "variable_id": "thetao", "grid_label": "gn",
                                "version": "v20251024"}),
    "so-woa2023-surface": ("ocean", ("so", "sos"), (),
                           {"source_id": "WOA-23", "variable_id": "so", "grid_label": "gn", "version": "v20251024"}),
    "amoc-rapid": ("ocean", ("amoc", "msftmz"), (),
                   {"source_id": "RAPID-2023-1a", "variable_id": "msftmz", "grid_label": "gm",
                    "version": "v20250902"}),
}


def ilamb(slug):
    """§2: model runs per (experiment, source, member, grid) holding any primary variable and
    all relationship variables, with cell areas (land) or volumes/areas/sea fraction (ocean);
    AND the dict-form reference grouped by its own filter keys, when there is one."""
    realm, primary, related, obs = ILAMB[slug]
    constraints = [require_facets("variable_id", primary, "any")]
    if related:
        constraints.append(require_facets("variable_id", related, "all"))
    supplementary = ("areacella", "sftlf") if realm == "land" else ("volcello", "areacello", "sftof")
    constraints += [add_supplementary(v) for v in supplementary]
    model = req("cmip6", {"variable_id": primary + related, "frequency": "mon",
                          "experiment_id": ("historical", "land-hist"), "table_id": LAND_TABLES},
                ("experiment_id", "source_id", "member_id", "grid_label"), *constraints)
    if obs is None:
        return [[model]]
    return [[model, req("obs4mips", obs, tuple(obs))]]


def diagnostics():
    out = {"pmp/annual-cycle": pmp_annual_cycle(), "pmp/enso_tel": pmp_enso("enso_tel"),
           "pmp/enso_proc": pmp_enso("enso_proc")}
    for mode in ("pdo", "npgo", "nao", "nam", "pna", "npo", "sam"):
        out[f"pmp/extratropical-modes-of-variability-{mode}"] = pmp_mode(mode)
    out.update({"esmvaltool/global-mean-timeseries": esmvaltool_global_mean_timeseries(),
                "esmvaltool/equilibrium-climate-sensitivity": esmvaltool_ecs(),
                "esmvaltool/transient-climate-response": esmvaltool_tcr(),
                "esmvaltool/cloud-radiative-effects": esmvaltool_cloud_radiative_effects(),
                "esmvaltool/sea-ice-area-basic": esmvaltool_sea_ice_area_basic(),
                "esmvaltool/transient-climate-response-emissions": esmvaltool_tcre(),
                "esmvaltool/zero-emission-commitment": esmvaltool_zec(),
                "esmvaltool/climate-at-global-warming-levels": esmvaltool_gwl(),
                "esmvaltool/climate-drivers-for-fire": esmvaltool_fire(),
                "esmvaltool/cloud-scatterplots-reference": esmvaltool_cloud_scatterplots_reference(),
                "esmvaltool/enso-basic-climatology": esmvaltool_enso_basic_climatology(),
                "esmvaltool/enso-characteristics": esmvaltool_enso_characteristics(),
                "esmvaltool/sea-ice-sensitivity": esmvaltool_sea_ice_sensitivity()})
    out.update({f"esmvaltool/cloud-scatterplots-{pair}": esmvaltool_cloud_scatterplots(pair)
                for pair in CLOUD_SCATTERPLOTS})
    out.update({f"esmvaltool/{slug}": esmvaltool_ozone(slug)
                for slug in ("ozone-lat-time", "ozone-sh-oct", "ozone-nh-mar", "ozone-annual-cycle", "ozone-zonal")})
    out.update({f"esmvaltool/regional-historical-{kind}": esmvaltool_regional(kind)
                for kind in ("annual-cycle", "timeseries", "trend")})
    out.update({f"ilamb/{slug}": ilamb(slug) for slug in ILAMB})
    return out


def main(argv):
    args = dict(zip(argv[0:-1:2], argv[1:-1:2]))
    catalogs = {kind: [] for kind in CANONICAL}
    for kind in ("cmip6", "obs4mips", "pmp-climatology", "esmvaltool-reference"):
        if f"--{kind}" in args:
            catalogs[kind] = load(kind, args[f"--{kind}"])
    groups = {slug: solve(catalogs, alternatives) for slug, alternatives in diagnostics().items()}
    with open(argv[-1], "w") as out:
        json.dump({"groups": groups}, out, indent=1, sort_keys=True)
    for slug, g in groups.items():
        print(f"expected_groups: {slug}: {len(g)} groups", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    main(sys.argv[1:])
