#!/usr/bin/env python3
"""Checks that the CVREngine library product does not need MPI.

Reads the target graph from `swift package dump-package`, takes every target
the CVREngine target reaches, and fails if CMPI or CVRDistributed is among
them, or if any of their built objects (BUILD, default .build/debug) has an
undefined MPI symbol. The control: CVRDistributed's objects must have some,
so the symbol scan is shown to see them. Run after `swift build`.
"""
import glob, json, subprocess, sys

build = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
package = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True,
                                    check=True).stdout)
deps = {t["name"]: [(d.get("byName") or d.get("target") or [None])[0] for d in t.get("dependencies", [])]
        for t in package["targets"]}

def reach(name, seen):
    for d in deps.get(name, []):
        if d and d not in seen:
            seen.add(d)
            reach(d, seen)
    return seen

engine = reach("CVREngine", {"CVREngine"})
bad = sorted(engine & {"CMPI", "CVRDistributed"})
if bad:
    sys.exit(f"CVREngine reaches {', '.join(bad)}: the library product would need MPI")

def mpi_symbols(targets):
    objects = [o for t in targets for o in glob.glob(f"{build}/{t}.build/*.o")]
    if not objects:
        return None, 0
    out = subprocess.run(["nm", "-u"] + objects, capture_output=True, text=True).stdout
    names = {l.split()[-1] for l in out.splitlines() if l.strip().startswith("U ")}
    return sorted(n for n in names if n.startswith(("MPI_", "PMPI_", "ompi_"))), len(objects)

found, count = mpi_symbols(sorted(engine))
control, _ = mpi_symbols(["CVRDistributed"])
if found is None or control is None:
    sys.exit(f"no objects under {build}: run `swift build` first")
if found:
    sys.exit(f"objects of CVREngine's targets reference MPI: {', '.join(found[:10])}")
if not control:
    sys.exit("the scan found no MPI symbol in CVRDistributed either: it cannot be trusted")
print(f"CVREngine: {len(engine)} targets, {count} objects, no MPI target and no MPI symbol "
      f"(CVRDistributed, the control, references {len(control)})")
