"""Checking manifest data against the shipped JSON Schema (`issue.schema.json`).

`validate(data, sources, report)` takes the merged plain data and its
`SourceMap` and adds one diagnostic per problem, positioned at the key at
fault, worded for an editor (unknown keys get a did-you-mean hint).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

from layout.diagnostics import Report, did_you_mean
from layout.manifest.yamlsrc import SourceMap

SCHEMA_PATH = Path(__file__).with_name("issue.schema.json")
_TYPE_NAMES = {
    "object": "a mapping (key: value lines)",
    "array": "a list ([a, b] or '- ' items)",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def _name(path: tuple) -> str:
    """('pages', 0, 'stories', 2, 'columns') -> 'pages[1].stories[3].columns' (1-based for editors)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the manifest"


def validate(data: dict, sources: SourceMap, report: Report) -> None:
    """Add a diagnostic for each schema violation in `data`."""
    for err in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        _report_error(err, sources, report)


def _report_error(err: jsonschema.ValidationError, sources: SourceMap, report: Report) -> None:
    path = tuple(err.absolute_path)
    name = _name(path)
    kind = err.validator
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        for key in err.instance:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed keys here: {', '.join(sorted(allowed))}"
                report.error("unknown-key", f"unknown key '{key}' in {name}", sources.where(path + (key,)), hint)
        return
    if kind == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        report.error("missing-key", f"{name} has no '{missing}'", sources.where(path),
                     f"add '{missing}:' here (see docs/manifest.md)")
        return
    where = sources.value(path)
    if kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, str) else err.validator_value[0]
        report.error("wrong-type", f"{name} must be {_TYPE_NAMES.get(wanted, wanted)}, not {_describe(err.instance)}",
                     where, _type_hint(path, wanted))
    elif kind == "enum":
        choices = " | ".join(str(c) for c in err.validator_value)
        hint = did_you_mean(err.instance, [str(c) for c in err.validator_value]) or f"use one of: {choices}"
        report.error("bad-value", f"{name} is '{err.instance}', which is not one of {choices}", where, hint)
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "minLength", "minItems", "maxItems"):
        report.error("bad-value", f"{name}: {_plain(err)}", where, _type_hint(path, None))
    elif kind == "pattern" and "propertyNames" in err.schema_path:   # a key (an article id), not a value
        from layout.manifest.load import suggest_id

        report.error("bad-id", f"'{err.instance}' is not a usable article id", sources.where(path + (err.instance,)),
                     "ids are ASCII letters, digits, '-', '_' or '.' (they name files and links): "
                     f"e.g. '{suggest_id(str(err.instance))}', and the same in the placements that name it")
    elif kind == "pattern":
        report.error("bad-value", f"{name} '{err.instance}' is not in the expected form", where,
                     _pattern_hint(path))
    elif kind == "propertyNames":
        report.error("bad-id", f"'{err.instance}' is not a usable id", where,
                     "ids are ASCII letters, digits, '-', '_' or '.', e.g. flood-drill")
    else:
        report.error("invalid", f"{name}: {err.message}", where)


def _plain(err: jsonschema.ValidationError) -> str:
    v = err.validator_value
    return {
        "minimum": f"{err.instance} is below the smallest allowed value {v}",
        "maximum": f"{err.instance} is above the largest allowed value {v}",
        "exclusiveMinimum": f"{err.instance} must be above {v}",
        "minLength": "must not be empty",
        "minItems": f"needs at least {v} item(s)",
        "maxItems": f"takes at most {v} items",
    }[err.validator]


def _type_hint(path: tuple, wanted) -> str:
    last = path[-1] if path else ""
    if last in ("columns", "lines") or (len(path) >= 2 and path[-2] in ("columns", "lines")):
        return "write a span as [first, last], e.g. columns: [1, 3]"
    if last == "date":
        return "write the date as YYYY-MM-DD, e.g. 2026-11-27"
    if wanted == "string":
        return "put the text in quotes if YAML reads it as something else"
    return ""


def _pattern_hint(path: tuple) -> str:
    last = path[-1] if path else ""
    if last == "date":
        return "write the date as YYYY-MM-DD, e.g. 2026-11-27"
    if last == "file":
        return "photos are JPEG (.jpg) or PNG (.png) files"
    return ""
