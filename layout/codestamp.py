"""What identifies the package's code in a key kept on disk: `code_stamp()` -> a hex digest of every
module's path, size and modification time (once per process), so that a result worked out by
other code (another branch, an edit of the package) is never read back, whether or not the
version was raised. Used by the make-up memo's pages, the self-check's findings and the
preflight's page walks."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from layout.util import file_stamps


@lru_cache(maxsize=1)
def code_stamp() -> str:
    root = Path(__file__).resolve().parent
    files = sorted(str(p.relative_to(root.parent)) for p in root.rglob("*.py"))
    stamps = file_stamps(root.parent / f for f in files)
    return hashlib.blake2b(repr((files, [s[1:] for s in stamps])).encode(), digest_size=20).hexdigest()
