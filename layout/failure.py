"""What the `layout` command says when it stops for something other than its input.

Bad input is reported as diagnostics by the stages. What is left, memory running out above all
(it surfaces as MemoryError, or as whatever a library makes of a failed allocation: a zlib
"broken data stream", a harfbuzz "Subsetting failed"), and bugs, end the command with one plain
message and exit status 1 instead of a traceback (`cli.entry`; LAYOUT_DEBUG=1 shows the traceback).

- `settle_for_the_command()`: process settings the command makes before anything is imported
  that needs them, and a plain refusal when the memory limit is too low to start at all.
- `report_unexpected(exc, stream)`: the one message (and a hint) for an exception nobody caught.
"""
from __future__ import annotations

import os
import sys
import traceback

#: Address space (ulimit -v) the command needs to load its libraries and lay out a small edition;
#: below it, it stops at once with a plain message (otherwise OpenBLAS, loaded with numpy, aborts
#: the process with its own message when it cannot allocate its buffers).
MIN_ADDRESS_SPACE = 160 << 20


def memory_limit() -> int | None:
    """The process's address-space limit in bytes (ulimit -v), or None when unlimited."""
    try:
        import resource
    except ImportError:    # not on POSIX
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def settle_for_the_command() -> None:
    """Before the command imports numpy: OpenBLAS starts one thread's buffers, not one per core
    (layout does no linear algebra; under a memory limit those buffers are what fails first, and
    OpenBLAS then ends the process). Background tracebacks are kept off the terminal (unless
    LAYOUT_DEBUG is set). Exits with status 1 and a plain message when the memory limit is below
    MIN_ADDRESS_SPACE."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not os.environ.get("LAYOUT_DEBUG"):
        _quiet_background_tracebacks()
    limit = memory_limit()
    if limit is not None and limit < MIN_ADDRESS_SPACE:
        print(f"error: layout needs at least {MIN_ADDRESS_SPACE >> 20} MB of memory and this process may use "
              f"only {limit >> 20} MB (ulimit -v)", file=sys.stderr)
        print("    hint: raise the limit (ulimit -v unlimited) and run it again", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)


def _quiet_background_tracebacks() -> None:
    """No traceback from a pool's callback or a thread on the terminal: what fails there (a thread
    that cannot start when memory is short) fails the future the build waits on, and the command
    reports that once (`report_unexpected`)."""
    import logging
    import threading

    pools = logging.getLogger("concurrent.futures")
    pools.addHandler(logging.NullHandler())
    pools.propagate = False
    threading.excepthook = lambda args: None


def _out_of_memory(exc: BaseException) -> bool:
    """True when `exc` is, or was raised while handling, a MemoryError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def report_unexpected(exc: BaseException, stream) -> None:
    """One plain message for an exception that ended the command, where it was raised, and a hint:
    memory when it ran out or is limited, else a bug to report."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    limit = memory_limit()
    if _out_of_memory(exc):
        print("error: out of memory: layout stopped before it finished; files written by earlier builds are "
              "kept as they were", file=stream)
        print("    hint: close other programs, or raise the limit"
              + (f" (this process may use {limit >> 20} MB: ulimit -v)" if limit else ""), file=stream)
        return
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    print(f"error: layout stopped on an unexpected error: {type(exc).__name__}{': ' + text if text else ''}{where}; "
          "files written by earlier builds are kept as they were", file=stream)
    if limit is not None:
        print(f"    hint: this process may use only {limit >> 20} MB of memory (ulimit -v), and a library that "
              "runs out of it may fail this way: raise the limit and run it again", file=stream)
    else:
        print("    hint: this is a bug in layout: run it again with LAYOUT_DEBUG=1 to see where, and report it",
              file=stream)
