"""The schema check, skipped for manifest data that passed it before.

`validate(data, sources, report)` does what `schema.validate` does: a located diagnostic per
problem. Data that passed the check once (no diagnostic) is remembered on disk by its digest
(`$XDG_CACHE_HOME/layout/schema/`, a `BlobStore`): a rebuild whose merged data (manifest and
article files) is data that passed is not checked again. The words of an article's free-text
fields (those the schema asks only to be text: body, byline, dateline …; read from the schema
itself) are left out of the digest, since any text passes there: the usual edit on deadline
night, a story's body, keeps the verdict; any other edit is checked. A hit costs a digest of the data (a few ms for the benchmark edition) instead of importing
jsonschema and walking the data with it (about 60 ms). Data with problems is never remembered:
its diagnostics are always worked out, so they always say file:line:col.

The key is the data (free text left out as above; marshal format 2: no back-references, so equal data gives equal
bytes; bool, int and float told apart), the schema file, the checking code (`schema.py`, this
package's version) and the installed jsonschema.
"""
from __future__ import annotations

import hashlib
import json
import marshal
from functools import lru_cache
from pathlib import Path

from layout import __version__
from layout.blobstore import BlobStore, library_stamp
from layout.diagnostics import Report
from layout.manifest.yamlsrc import SourceMap

#: Verdicts are a few bytes each: the folder stays tiny; the bound only stops it growing for ever.
_STORE = BlobStore("schema", "verdict-1", 4 << 20)
_PASSED = b"passed"
_HERE = Path(__file__).parent


#: What a property's schema may say and still accept any text at all.
_ANY_TEXT_KEYS = {"type", "description", "title", "$comment", "examples"}


@lru_cache(maxsize=1)
def _free_text_fields() -> frozenset[str]:
    """The article fields whose schema is only "text" ({type: string}, nothing else), read from
    the schema file; none when the articles' schema is not the plain mapping of fields this
    assumes (then every word is part of the digest)."""
    try:
        root = json.loads((_HERE / "issue.schema.json").read_text(encoding="utf-8"))
        if root["properties"]["articles"].get("additionalProperties") != {"$ref": "#/$defs/article"}:
            return frozenset()
        article = root["$defs"]["article"]
        if set(article) - {"type", "required", "additionalProperties", "properties", "description", "title"}:
            return frozenset()
        return frozenset(name for name, rule in article["properties"].items()
                         if isinstance(rule, dict) and rule.get("type") == "string" and set(rule) <= _ANY_TEXT_KEYS)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()


def _checked_shape(data: dict) -> dict:
    """`data` with the text of the articles' free-text fields replaced by '' (any text passes there)."""
    free = _free_text_fields()
    articles = data.get("articles")
    if not free or not isinstance(articles, dict):
        return data
    shaped = {name: ({k: ("" if k in free and isinstance(v, str) else v) for k, v in article.items()}
                     if isinstance(article, dict) else article)
              for name, article in articles.items()}
    return {**data, "articles": shaped}


def _digest(data: dict) -> bytes | None:
    """The digest of what the check looks at in the data; None for data marshal cannot write
    (never from YAML, but then: check it)."""
    try:
        return hashlib.blake2b(marshal.dumps(_checked_shape(data), 2), digest_size=32).digest()
    except ValueError:
        return None


def _checker_stamp() -> bytes:
    """What the verdict depends on besides the data: the schema and the code that applies it."""
    h = hashlib.blake2b(digest_size=32)
    for name in ("issue.schema.json", "schema.py"):
        try:
            h.update((_HERE / name).read_bytes())
        except OSError:
            h.update(b"?")
    h.update(__version__.encode())
    h.update(library_stamp("jsonschema").encode())
    return h.digest()


def validate(data: dict, sources: SourceMap, report: Report) -> None:
    """Add a diagnostic for each schema violation in `data` (`schema.validate`), skipping the check
    for data that passed it before."""
    digest = _digest(data)
    key = (digest, _checker_stamp()) if digest is not None else None
    if key is not None and _STORE.get(*key) == _PASSED:
        return
    from layout.manifest import schema

    found = Report()
    schema.validate(data, sources, found)
    report.extend(found.items)
    if key is not None and not found.items:
        _STORE.put(*key, data=_PASSED)
