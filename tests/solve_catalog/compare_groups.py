"""Compares a `solve --dry-run --format json` plan with expected_groups.py's answer.

  compare_groups.py EXPECTED.json PLAN.json DIAGNOSTICS.json

Fails (exit 1) when, for a diagnostic the oracle computes, the engine's group keys differ from
the oracle's, or a group lacks a dataset the oracle requires or holds one it does not allow
(a dataset neither main, parent nor a tied supplementary candidate); when a diagnostic of pmp,
esmvaltool or ilamb whose inputs the catalogs hold (the oracle has groups for it) gets none;
or when a declared diagnostic is unknown to the oracle. Prints a summary table."""
import json
import sys

PROVIDERS = ("pmp", "esmvaltool", "ilamb")
SHOWN = 8  # keys listed per side of a mismatch


def main(expected_path, plan_path, diagnostics_path):
    expected = json.load(open(expected_path))
    plan = json.load(open(plan_path))["executions"]
    declared = [f"{d['provider']}/{d['diagnostic']}" for d in json.load(open(diagnostics_path))
                if d["provider"] in PROVIDERS]
    engine = {}
    for e in plan:
        ids = engine.setdefault(f"{e['provider']}/{e['diagnostic']}", {}).setdefault(e["key"], set())
        for instance_ids in e["datasets"].values():
            ids.update(instance_ids)

    failures = 0
    print(f"{'diagnostic':58} {'oracle':>7} {'engine':>7}")
    for slug, groups in sorted(expected["groups"].items()):
        got = engine.get(slug, {})
        print(f"{slug:58} {len(groups):7} {len(got):7}")
        if slug not in declared:
            print(f"  MISMATCH: the plugins declare no diagnostic {slug}")
            failures += 1
            continue
        missing, extra = sorted(set(groups) - set(got)), sorted(set(got) - set(groups))
        if missing or extra:
            failures += 1
            print(f"  MISMATCH: {len(missing)} group(s) only in the oracle, {len(extra)} only in the engine")
            for key in missing[:SHOWN]:
                print(f"    - {key}")
            for key in extra[:SHOWN]:
                print(f"    + {key}")
        common = [k for k in groups if k in got]
        short = {k: sorted(set(groups[k]["required"]) - got[k]) for k in common}
        surplus = {k: sorted(got[k] - set(groups[k]["required"]) - set(groups[k]["supplementary"])) for k in common}
        for label, problems in (("lack datasets the oracle requires", short),
                                ("hold datasets the oracle does not allow", surplus)):
            problems = {k: ids for k, ids in problems.items() if ids}
            if problems:
                failures += 1
                print(f"  MISMATCH: {len(problems)} group(s) {label}, e.g.")
                for key, ids in list(problems.items())[:SHOWN]:
                    print(f"    {key}: {', '.join(ids[:3])}{' ...' if len(ids) > 3 else ''}")

    per_provider = {p: sum(len(v) for k, v in engine.items() if k.startswith(p + "/")) for p in PROVIDERS}
    print("groups per provider (engine): " + ", ".join(f"{p} {n}" for p, n in per_provider.items()))
    empty = [slug for slug in declared if not engine.get(slug)]
    with_inputs = [slug for slug in empty if expected["groups"].get(slug)]
    unknown = [slug for slug in declared if slug not in expected["groups"]]
    if with_inputs:
        failures += 1
        print("diagnostics whose inputs the catalogs hold but that got no group: " + ", ".join(with_inputs))
    if empty:
        print("diagnostics with no group: " + ", ".join(empty))
    if unknown:
        failures += 1
        print("declared but unknown to the oracle (spec and plugin disagree on the slug?): " + ", ".join(unknown))
    print("solve-catalog: " + ("OK" if not failures else f"{failures} problem(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
