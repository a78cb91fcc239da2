"""Checking manifest data against the shipped JSON Schema (`issue.schema.json`).

`validate(data, sources, report)` takes the merged plain data and its
`SourceMap` and adds one diagnostic per problem, positioned at the key at
fault, worded for an editor (unknown keys get a did-you-mean hint).

Two readings are stricter than JSON Schema's own: a whole number is an integer
and nothing else (YAML's `1024.0` is a decimal number, `true` a truth value),
and a text that must not be empty is empty when it holds only spaces (any
Unicode space, U+3000 too); a required text left blank is reported as missing.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

from layout.diagnostics import Report, did_you_mean
from layout.manifest.yamlsrc import SourceMap, path_name as _name
from layout.wording import counted

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


def _whole_number(_checker, instance) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _min_length(validator, length, instance, _schema):
    """minLength counted without the spaces around the text: '   ' and '\u3000' are empty."""
    if validator.is_type(instance, "string") and len(instance.strip()) < length:
        yield jsonschema.ValidationError(f"{instance!r} is too short")


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"minLength": _min_length},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _whole_number),
)


@lru_cache(maxsize=1)
def _validator():
    return _Validator(schema())


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
    if kind == "minimum" and _in_span(path):
        return  # a span's numbers are checked together, against the grid: one diagnostic per span (layout/spans.py)
    where = sources.value(path)
    if kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, str) else err.validator_value[0]
        report.error("wrong-type", f"{name} must be {_TYPE_NAMES.get(wanted, wanted)}, not {_describe(err.instance)}",
                     where, _type_hint(path, wanted))
    elif kind == "enum":
        choices = " | ".join(str(c) for c in err.validator_value)
        hint = did_you_mean(err.instance, [str(c) for c in err.validator_value]) or f"use one of: {choices}"
        report.error("bad-value", f"{name} is '{err.instance}', which is not one of {choices}", where, hint)
    elif kind == "minLength" and path and _required_here(err):
        report.error("missing-key", f"{_name(path[:-1])} has no '{path[-1]}'", where,
                     f"'{path[-1]}' is blank here: write the {path[-1]}")
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


def _in_span(path: tuple) -> bool:
    """Whether `path` is a number inside a placement's `columns` or `lines` span."""
    return len(path) >= 3 and path[-2] in ("columns", "lines") and isinstance(path[-1], int) and "stories" in path
def _required_here(err: jsonschema.ValidationError) -> bool:
    """Whether the blank text of `err` is that of a key its mapping requires (headline, section …)."""
    return err.absolute_path[-1] in _required_texts()


@lru_cache(maxsize=1)
def _required_texts() -> frozenset[str]:
    """The keys some mapping of the schema requires and whose text must not be empty."""
    found = set()
    todo = [schema()]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            props = node.get("properties", {})
            found.update(k for k in node.get("required", ()) if "minLength" in props.get(k, {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return frozenset(found)


def _plain(err: jsonschema.ValidationError) -> str:
    v = err.validator_value
    return {
        "minimum": f"{err.instance} is below the smallest allowed value {v}",
        "maximum": f"{err.instance} is above the largest allowed value {v}",
        "exclusiveMinimum": f"{err.instance} must be above {v}",
        "minLength": "must not be empty",
        "minItems": f"needs at least {counted(v, 'item')}",
        "maxItems": f"takes at most {counted(v, 'item')}",
    }[err.validator]


def _type_hint(path: tuple, wanted) -> str:
    last = path[-1] if path else ""
    if last in ("columns", "lines") or (len(path) >= 2 and path[-2] in ("columns", "lines")):
        return "write a span as [first, last], e.g. columns: [1, 3]"
    if last == "date":
        return "write the date as YYYY-MM-DD, e.g. 2026-11-27"
    if last == "rank":
        return "rank 1 is the page's lead (头条), 2 the next story, and so on"
    if last in ("width", "photo_width") or (len(path) >= 2 and path[-2] in ("width", "photo_width")):
        key = last if isinstance(last, str) else path[-2]
        return f"grid columns, at least 1: e.g. '{key}: 2' or '{key}: [2, 3]'"
    if last == "photo_lines":
        return "the photos' height in grid lines, at least 4: e.g. 'photo_lines: 12'"
    if wanted == "string":
        return "put the text in quotes if YAML reads it as something else"
    if wanted == "integer":
        return "write a whole number with no decimal point, e.g. 1024"
    return ""


def _pattern_hint(path: tuple) -> str:
    last = path[-1] if path else ""
    if last == "date":
        return "write the date as YYYY-MM-DD, e.g. 2026-11-27"
    if last == "file":
        return "photos are JPEG (.jpg) or PNG (.png) files"
    return ""
