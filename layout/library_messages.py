"""Messages that libraries print by themselves, kept off the terminal of the `layout` command.

Pillow warns (Python `warnings`) about damage it works around while reading a file: EXIF tags it
skips ("Corrupt EXIF data", "Tag data larger than file"); fontTools logs (`logging`) about tables
it repairs as it reads them ("5 extra bytes in post.stringData array"). Left alone, Python prints
each raw on stderr, between the diagnostics, with a source line of the library.

What matters of them is reported as a diagnostic by the stage that knows the file and its line
in the manifest: a photo's damaged EXIF is `photo-exif` (`layout.photo.exif_damaged`, asked by
page make-up). The rest is repair a library did by itself, with nothing for the newsroom to do.

`quiet()` ignores Pillow's and fontTools' warnings and gives the two libraries' loggers a handler
that drops their records (Python's last-resort printing to stderr then stays silent; logging an
application configures itself still receives them). It is process-wide, so the command calls it
(`cli.entry`), before any worker process is started; `cli.main` called from Python leaves the
interpreter as it was.
"""
from __future__ import annotations

import logging
import warnings

#: The libraries whose own messages are kept off the terminal.
LIBRARIES = ("PIL", "fontTools")


def quiet() -> None:
    for name in LIBRARIES:
        warnings.filterwarnings("ignore", category=UserWarning, module=rf"{name}(\.|$)")
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
