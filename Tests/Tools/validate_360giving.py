#!/usr/bin/env python3
"""Validates a 360Giving package (JSON) against the 1.4 schemas kept beside this script.

The package schema names the grant schema by URL; with no network here, a `referencing` registry
maps that URL (and the grant schema's own $id) to the local file.
Usage: validate_360giving.py PACKAGE.json   (exit 0: valid; 1: invalid, errors printed; 2: cannot run)
Needs: python3 -m pip install jsonschema
"""
import json
import pathlib
import sys

try:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012
except ImportError:
    print("jsonschema is not installed: python3 -m pip install jsonschema", file=sys.stderr)
    sys.exit(2)

HERE = pathlib.Path(__file__).resolve().parent / "360giving"


def main(path):
    package_schema = json.loads((HERE / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant_schema = json.loads((HERE / "360-giving-schema.json").read_text(encoding="utf-8"))
    # The schemas name their dialect as http://json-schema.org/draft/2020-12/schema, which the
    # libraries do not recognise (the canonical id is https): say which it is.
    grant_resource = DRAFT202012.create_resource(grant_schema)
    urls = {package_schema["properties"]["grants"]["items"]["$ref"], grant_schema.get("$id", "")}
    registry = Registry().with_resources([(url, grant_resource) for url in urls if url])
    validator_class = jsonschema.Draft202012Validator
    validator = validator_class(package_schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER)
    package = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(package), key=lambda error: list(error.absolute_path))
    for error in errors[:20]:
        print("/".join(map(str, error.absolute_path)) or "(root)", ":", error.message, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"valid: {len(package.get('grants', []))} grants")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
