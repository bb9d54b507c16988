#!/usr/bin/env python3
"""Packs an example app's bundle for `appsctl aws deploy`, with fixed timestamps
so that the same sources give the same bytes:

  <out>/<app_id>-<version>-bundle.zip
    manifest.json     the app's manifest
    <function>.zip    one per aws_lambda function of the manifest, the same
                      package for each: --binary FILE as the function's handler
                      (mode 755), or the files under --tree DIR
    static/...        the app directory's static assets

Used by build/bundle-example.sh (Go apps) and build/bundle-example-node.sh.
"""
import argparse
import io
import json
import os
import sys
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: reproducible zips


def add(zf, arcname, data, mode=0o644):
    info = zipfile.ZipInfo(arcname, date_time=EPOCH)
    info.create_system = 3  # Unix, so the mode bits below are honoured
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def add_tree(zf, top, prefix=""):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, top).replace(os.sep, "/")
            with open(path, "rb") as f:
                add(zf, prefix + rel, f.read())


def function_package(fn, binary, tree):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as fz:
        if binary:
            with open(binary, "rb") as f:
                add(fz, fn["handler"], f.read(), 0o755)
        else:
            add_tree(fz, tree)
    return buf.getvalue()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True, help="the app directory: manifest.json, static/")
    p.add_argument("--out", required=True)
    p.add_argument("--label", default="pack-bundle", help="the prefix of the messages")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--binary", help="the handler executable of every function")
    src.add_argument("--tree", help="the files of every function's package")
    a = p.parse_args()

    with open(os.path.join(a.app, "manifest.json"), "rb") as f:
        manifest_bytes = f.read()
    manifest = json.loads(manifest_bytes)
    app_id, version = manifest["app_id"], manifest.get("version", "")
    functions = manifest.get("aws_lambda", {}).get("functions", [])
    if not functions:
        sys.exit(f"{a.label}: manifest.json has no aws_lambda functions")

    os.makedirs(a.out, exist_ok=True)
    bundle = os.path.join(a.out, f"{app_id}-{version}-bundle.zip")
    tmp = bundle + ".tmp"
    packages = {}
    with zipfile.ZipFile(tmp, "w") as bz:
        add(bz, "manifest.json", manifest_bytes)
        for fn in functions:
            packages[fn["name"]] = function_package(fn, a.binary, a.tree)
            add(bz, fn["name"] + ".zip", packages[fn["name"]])
        add_tree(bz, os.path.join(a.app, "static"), "static/")
    os.replace(tmp, bundle)

    with zipfile.ZipFile(bundle) as bz:
        for info in bz.infolist():
            print(f"  {info.file_size:>10}  {info.filename}")
    name = functions[0]["name"]
    with zipfile.ZipFile(io.BytesIO(packages[name])) as fz:
        for info in fz.infolist():
            print(f"  {info.file_size:>10}    {name}.zip: {info.filename}")
    rel = os.path.relpath(bundle)
    print(f"{a.label}: wrote {bundle if rel.startswith('..') else rel}")


if __name__ == "__main__":
    main()
