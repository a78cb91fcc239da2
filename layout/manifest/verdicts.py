"""The schema check, skipped for manifest data that passed it before.

`validate(data, sources, report)` does what `schema.validate` does: a located diagnostic per
problem. Data that passed the check once (no diagnostic) is remembered on disk by its digest
(`$XDG_CACHE_HOME/layout/schema/`, a `BlobStore`): a rebuild whose merged data (manifest and
article files) is exactly data that passed is not checked again; any edit is checked. A hit costs a digest of the data (a few ms for the benchmark edition) instead of importing
jsonschema and walking the data with it (about 60 ms). Data with problems is never remembered:
its diagnostics are always worked out, so they always say file:line:col.

The key is the data itself (marshal format 2: no back-references, so equal data gives equal
bytes; bool, int and float told apart), the schema file, the checking code (`schema.py`, this
package's version) and the installed jsonschema.
"""
from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from layout import __version__
from layout.blobstore import BlobStore, library_stamp
from layout.diagnostics import Report
from layout.manifest.yamlsrc import SourceMap

#: Verdicts are a few bytes each: the folder stays tiny; the bound only stops it growing for ever.
_STORE = BlobStore("schema", "verdict-1", 4 << 20)
_PASSED = b"passed"
_HERE = Path(__file__).parent


def _digest(data: dict) -> bytes | None:
    """The data's digest; None for data marshal cannot write (never from YAML, but then: check it)."""
    try:
        return hashlib.blake2b(marshal.dumps(data, 2), digest_size=32).digest()
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
