#!/usr/bin/python3
"""Validate EVE JSON lines against Suricata's EVE schema.

walletwatch's own top-level objects ("wallet", "messaging") are removed
before validation, as SPEC.md "EVE events" says; everything else must be
accepted by the schema (which has additionalProperties: false throughout).

Usage: /usr/bin/python3 tests/eve-validate.py [--schema PATH] FILE...
       (FILE "-" or no FILE reads stdin)

Prints FILE:LINE: message for every failure. Exit status: 0 all lines
valid, 1 any failure, 2 schema missing or unreadable.
"""
import argparse
import json
import os
import sys

OWN_KEYS = ("wallet", "messaging")


def default_schema():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    return os.path.join(repo, "..", "shared", "anchors", "suricata-eve-schema.json")


def load_validator(path):
    import jsonschema

    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = getattr(jsonschema, "Draft202012Validator", None)
    if cls is None:
        cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def error_path(err):
    parts = [str(p) for p in err.absolute_path]
    return "/".join(parts) if parts else "(top)"


def check_stream(name, stream, validator, out):
    failures = 0
    for lineno, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8").rstrip("\n")
        except UnicodeDecodeError as e:
            out.write("%s:%d: not UTF-8: %s\n" % (name, lineno, e))
            failures += 1
            continue
        try:
            event = json.loads(line)
        except ValueError as e:
            out.write("%s:%d: not JSON: %s\n" % (name, lineno, e))
            failures += 1
            continue
        if not isinstance(event, dict):
            out.write("%s:%d: not a JSON object\n" % (name, lineno))
            failures += 1
            continue
        for key in OWN_KEYS:
            event.pop(key, None)
        errors = sorted(validator.iter_errors(event), key=lambda e: list(e.absolute_path))
        for err in errors:
            out.write("%s:%d: %s: %s\n" % (name, lineno, error_path(err), err.message))
        failures += len(errors) > 0
    return failures


def main():
    ap = argparse.ArgumentParser(description="Validate eve.json lines against the EVE schema")
    ap.add_argument("--schema", default=default_schema(), help="schema path")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args()

    if not os.path.isfile(args.schema):
        sys.stderr.write("eve-validate: schema not found: %s\n" % args.schema)
        return 2
    try:
        validator = load_validator(args.schema)
    except (OSError, ValueError) as e:
        sys.stderr.write("eve-validate: cannot load schema %s: %s\n" % (args.schema, e))
        return 2

    failures = 0
    for name in args.files or ["-"]:
        if name == "-":
            failures += check_stream("<stdin>", sys.stdin.buffer, validator, sys.stdout)
            continue
        try:
            with open(name, "rb") as stream:
                failures += check_stream(name, stream, validator, sys.stdout)
        except OSError as e:
            sys.stdout.write("%s:0: cannot read: %s\n" % (name, e.strerror))
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
