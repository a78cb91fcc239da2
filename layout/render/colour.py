"""Press colour: photos -> CMYK for newsprint, and the print settings of a style.

`press_image(path, crop, w_pt, h_pt, settings)` takes a photo file, its crop
rectangle (source pixels) and its printed size, and returns a `PressImage`:
8-bit DeviceCMYK (or DeviceGray for grey photos) pixels, resampled to the
target resolution, converted by littleCMS (Pillow's ImageCms) from the photo's
own ICC profile (sRGB when it has none) into the output profile with the
perceptual intent, and held to the total ink limit. `limit_ink` and
`max_ink_percent` work on numpy arrays and are shared with the preflight.

`load_print_settings(style_path, report)` reads the optional `print:` mapping
of a style sheet (ink limit, image resolution, output profile and condition);
see docs/print.md. Everything has a default, so a style without it works.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import sys
import threading
import zlib
from collections import OrderedDict, deque
from concurrent.futures import BrokenExecutor, Executor, Future, InvalidStateError, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms

# numpy is imported in the functions that work on pixels: a build whose photos all come from the
# disk cache never needs it in its main process (0.04-0.09 s of start-up).

from layout.diagnostics import Report
from layout.photo import is_turned, reduced_crop, upright
from layout.util import cache_root, oldest_first, write_atomic

ICC_DIR = Path(__file__).resolve().parent / "icc"
#: Built by icc/build_profile.sh from ANSI CGATS/SNAP TR 002-2007 (coldset offset on newsprint).
DEFAULT_PROFILE = ICC_DIR / "layout-newsprint-tr002.icc"
DEFAULT_CONDITION_ID = "CGATS TR 002"
DEFAULT_CONDITION = "Coldset offset lithography on newsprint (ANSI CGATS/SNAP TR 002-2007)"
DEFAULT_REGISTRY = "http://www.color.org"
DEFAULT_INK_LIMIT = 240.0


@dataclass(frozen=True)
class PrintSettings:
    """How the print PDF is made: ink limit (% total area coverage), photo resolution, output intent."""

    ink_limit: float = DEFAULT_INK_LIMIT
    image_ppi: float = 200.0      # photos sharper than max_ppi are resampled to this
    max_ppi: float = 250.0        # image_ppi x RESAMPLE_ABOVE unless the style says otherwise
    image_compression: str = "jpeg"   # jpeg (DCTDecode, baseline) | lossless (FlateDecode)
    jpeg_quality: int = 90
    profile: Path = DEFAULT_PROFILE
    condition_id: str = DEFAULT_CONDITION_ID
    condition: str = DEFAULT_CONDITION
    registry: str = DEFAULT_REGISTRY

    @property
    def ink_units(self) -> int:
        """The ink limit in 8-bit units summed over C, M, Y and K (240 % -> 612)."""
        return ink_units(self.ink_limit)

    def profile_bytes(self) -> bytes:
        return _read(str(self.profile))


#: A photo sharper than this many times `image_ppi` is resampled to `image_ppi` when the style
#: gives no `max_ppi`: from 1.25x on, resampling takes off at least a third of the pixels that
#: littleCMS, the ink limit and the JPEG would otherwise work through, and a newsprint screen
#: (85-100 lpi) prints no detail past 200 ppi; nearer the target a photo keeps its own pixels.
RESAMPLE_ABOVE = 1.25


def ink_units(percent: float) -> int:
    return int(math.floor(percent * 255 / 100 + 1e-9))


@lru_cache(maxsize=8)
def _read(path: str) -> bytes:
    return Path(path).read_bytes()


# ---------------------------------------------------------------- style `print:` mapping

_KEYS = {"ink_limit", "image_ppi", "max_ppi", "output_profile", "output_condition_identifier",
         "output_condition", "registry_name", "image_compression", "jpeg_quality"}
_COMPRESSIONS = ("jpeg", "lossless")


def load_print_settings(style_path: Path | None, report: Report) -> PrintSettings:
    """The `print:` mapping of the style sheet at `style_path` (defaults for whatever is missing)."""
    if style_path is None or not Path(style_path).is_file():
        return PrintSettings()
    from layout.manifest.yamlsrc import parse_yaml

    shown = str(style_path)
    scratch = Report()  # the style loader already reported the sheet's own syntax errors
    data, smap = parse_yaml(Path(style_path).read_text(encoding="utf-8"), shown, scratch)
    section = data.get("print") if isinstance(data, dict) else None
    if section is None:
        return PrintSettings()
    if not isinstance(section, dict):
        report.error("bad-style", "print must be a mapping (ink_limit, image_ppi, output_profile …)",
                     smap.where(("print",)), "see docs/print.md")
        return PrintSettings()
    for key in section:
        if key not in _KEYS:
            report.error("bad-style", f"unknown key '{key}' in print", smap.where(("print", key)),
                         "print keys: " + ", ".join(sorted(_KEYS)))
    kw: dict = {}

    def number(key: str, lo: float, hi: float, whole: bool = False) -> None:
        if key not in section:
            return
        value = section[key]
        kind = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind) or not lo <= value <= hi:
            report.error("bad-style", f"print.{key} must be a {'whole ' if whole else ''}number from {lo:g} to "
                         f"{hi:g}, not {value!r}", smap.value(("print", key)))
            return
        kw[key] = float(value)

    number("ink_limit", 100, 400)
    number("image_ppi", 72, 1200)
    number("max_ppi", 72, 2400)
    number("jpeg_quality", 50, 100, whole=True)
    if "jpeg_quality" in kw:
        kw["jpeg_quality"] = int(kw["jpeg_quality"])
    if "image_compression" in section:
        value = section["image_compression"]
        if value in _COMPRESSIONS:
            kw["image_compression"] = value
        else:
            report.error("bad-style", f"print.image_compression must be one of {', '.join(_COMPRESSIONS)}, not {value!r}",
                         smap.value(("print", "image_compression")),
                         "jpeg: what plants take (small files); lossless: Flate, exact pixels, files about twice the size")
    if "output_profile" in section:
        prof = (Path(style_path).parent / str(section["output_profile"])).resolve()
        problem = _profile_problem(prof)
        if problem:
            report.error("bad-style", f"print.output_profile: {problem}", smap.value(("print", "output_profile")),
                         "give a CMYK output (prtr) ICC profile, relative to the style sheet")
        else:
            kw["profile"] = prof
    for key, field_ in (("output_condition_identifier", "condition_id"), ("output_condition", "condition"),
                        ("registry_name", "registry")):
        if key in section:
            kw[field_] = str(section[key])
    if "profile" in kw and "condition_id" not in kw:
        report.warning("bad-style", "print.output_profile is set without print.output_condition_identifier",
                       smap.where(("print",)), "name the printing condition the profile characterises")
    if "max_ppi" not in kw:
        kw["max_ppi"] = kw.get("image_ppi", PrintSettings.image_ppi) * RESAMPLE_ABOVE
    settings = PrintSettings(**kw)
    if settings.max_ppi < settings.image_ppi:
        report.error("bad-style", "print.max_ppi is below print.image_ppi", smap.where(("print",)))
        settings = PrintSettings(**{**kw, "max_ppi": settings.image_ppi})
    if settings.ink_limit > DEFAULT_INK_LIMIT and settings.profile == DEFAULT_PROFILE:
        report.info("ink-limit", f"print.ink_limit {settings.ink_limit:g} % is above the bundled profile's "
                    f"{DEFAULT_INK_LIMIT:g} %: photos stay within {DEFAULT_INK_LIMIT:g} %", smap.value(("print", "ink_limit")))
    return settings


def _profile_problem(path: Path) -> str:
    if not path.is_file():
        return f"no file {path}"
    try:
        prof = ImageCms.getOpenProfile(str(path))
    except (OSError, ImageCms.PyCMSError):
        return f"{path.name} is not an ICC profile"
    if prof.profile.xcolor_space.strip() != "CMYK" or prof.profile.device_class != "prtr":
        return f"{path.name} is not a CMYK output profile"
    return ""


# ---------------------------------------------------------------- conversion

@dataclass(frozen=True)
class PressImage:
    """Pixels ready for a PDF image XObject: `data` is the stream as it goes into the file.

    `filter` is DCTDecode (a baseline JPEG) or FlateDecode (rows of 8-bit samples). Pillow writes
    CMYK JPEGs the Adobe way, with every sample inverted, so `inverted` asks for a
    /Decode [1 0 1 0 1 0 1 0] array: without it a RIP would print the photo as a negative."""

    width: int
    height: int
    colorspace: str        # DeviceCMYK | DeviceGray
    data: bytes
    max_ink: float         # highest total area coverage of any pixel as printed (after JPEG), %
    filter: str = "FlateDecode"
    inverted: bool = False

    @property
    def decode(self) -> tuple[int, ...] | None:
        """The image's /Decode array: inverted samples (an Adobe CMYK JPEG) print through [1 0 …]."""
        return (1, 0) * 4 if self.inverted else None

    def pixels(self) -> np.ndarray:
        """The samples a RIP prints (Decode applied), shape (height, width[, 4])."""
        import numpy as np

        if self.filter == "DCTDecode":
            with PILImage.open(io.BytesIO(self.data)) as im:
                im.decodermaxblock = _BLOCK
                return np.asarray(im, dtype=np.uint8)   # Pillow undoes the Adobe inversion itself
        flat = np.frombuffer(zlib.decompress(self.data), dtype=np.uint8)
        n = 4 if self.colorspace == "DeviceCMYK" else 1
        return flat.reshape((self.height, self.width, n) if n > 1 else (self.height, self.width))


#: littleCMS's cmsFLAGS_NOCACHE: no one-pixel cache in front of the transform. A photo's
#: neighbouring pixels seldom repeat exactly, so the cache's compare on every pixel was pure
#: cost (the transform 12 % faster on the benchmark's photos); every output pixel is the same.
NO_PIXEL_CACHE = 0x0040


@lru_cache(maxsize=16)
def _transform(src_icc: bytes, dst_path: str):
    """The RGB -> CMYK transform from `src_icc` (sRGB when empty) to the output profile, built
    once per process for each pair (building one reads and links both profiles: ~10 ms)."""
    src = ImageCms.createProfile("sRGB") if not src_icc else ImageCms.ImageCmsProfile(io.BytesIO(src_icc))
    dst = ImageCms.getOpenProfile(dst_path)
    return ImageCms.buildTransform(src, dst, "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                   flags=NO_PIXEL_CACHE)


def limit_ink(cmyk: np.ndarray, units: int) -> np.ndarray:
    """Hold every pixel's C+M+Y+K (8-bit units) to `units`: first replace grey CMY by K
    (extra under-colour removal), then scale the remaining CMY down. Returns a new uint8 array;
    only the pixels over the limit are computed (and changed)."""
    import numpy as np

    shape = cmyk.shape
    flat = np.ascontiguousarray(cmyk, dtype=np.uint8).reshape(-1, 4)
    over = np.flatnonzero(ink_totals(flat) > units)
    out = flat.copy()
    if not over.size:
        return out.reshape(shape)
    p = flat[over].astype(np.int32)
    excess = p.sum(axis=1) - units
    grey = p[:, :3].min(axis=1)
    move = np.minimum(np.minimum(grey, (excess + 1) // 2), 255 - p[:, 3])
    p[:, :3] -= move[:, None]
    p[:, 3] += move
    cmy = p[:, :3].sum(axis=1)
    room = np.maximum(units - p[:, 3], 0)
    still = cmy > room
    if still.any():
        scale = room[still] / cmy[still]
        p[still, :3] = np.floor(p[still, :3] * scale[:, None]).astype(np.int32)
    out[over] = p.astype(np.uint8)
    return out.reshape(shape)


def max_ink_percent(pixels: np.ndarray, colorspace: str) -> float:
    """Highest total area coverage of any pixel, in %: CMYK sums the four inks; gray is 100 % minus its level."""
    if pixels.size == 0:
        return 0.0
    if colorspace == "DeviceCMYK":
        return float(ink_totals(pixels.reshape(-1, 4)).max()) * 100 / 255
    if colorspace == "DeviceGray":
        return (255 - float(pixels.min())) * 100 / 255
    return 0.0


# ---------------------------------------------------------------- the photo press (cache + workers)
#
# Photos started ahead (`prefetch_image`) wait in `_queue`, this module's own, and go to the
# workers (the build's worker processes, `separate_in`, or else threads here) a few at a time
# (`_capacity`), so that a job given to the same processes later (the EPUB) waits behind few
# photos. A thread that needs a photo nobody has started takes it off the queue and separates it
# itself; one waiting for a photo a worker is on takes the last queued one meanwhile. Nothing is
# ever cancelled inside an executor (Python 3.11's process pool fails on a cancelled job when a
# worker dies).

_MAX_CACHED = 64
#: Seconds a thread waits for a photo a worker has before separating it itself as well: several
#: times what a newspaper photo takes (20-100 ms), so on a quiet machine it never happens.
WAIT_FOR_WORKER = 0.3
#: Bytes Pillow decodes or encodes per call: whole photos at once, so a worker thread seldom
#: needs Python's lock (each chunk would wait for it while the main thread composes).
_BLOCK = 1 << 24
_cache: "OrderedDict[tuple, Future]" = OrderedDict()   # key -> the photo's result, once it is there
_queue: "deque[tuple]" = deque()                       # keys started ahead that no worker has yet
_cache_lock = threading.RLock()   # a job already done runs its callback (`_landed`) at once
_pool: Executor | None = None
_in_flight = 0


def _key(path: str | Path, crop, w_pt: float, h_pt: float, settings: PrintSettings) -> tuple:
    p = Path(path)
    stat = p.stat()
    return (str(p), stat.st_mtime_ns, stat.st_size, tuple(crop), round(w_pt, 3), round(h_pt, 3), settings)


def _forget_threads() -> None:
    """In a child made by fork: the parent's workers do not exist here, and what they were
    separating never arrives; start afresh."""
    global _pool, _cache_lock, _in_flight
    _pool = None
    _cache_lock = threading.RLock()
    _cache.clear()
    _queue.clear()
    _in_flight = 0
    _transform.cache_clear()   # a parent's thread may have been inside a transform when it forked


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_threads)


def background_priority() -> None:
    """Lower the calling thread's priority (Linux: nice 10 for this thread only), so that work done
    ahead in the background yields the processor to the thread the build is waiting on."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


def separate_in(executor: Executor | None) -> None:
    """Send the separations started ahead (`prefetch_image`) to `executor`, or back to this
    process's worker threads (None). A build gives its worker processes (`pipeline.start_workers`):
    a thread here shares Python's lock with the thread composing the pages and gets it only every
    few milliseconds, so photos would crawl exactly while there is most time to do them."""
    global _pool
    _pool = executor


def _workers() -> Executor:
    global _pool
    if _pool is None:
        # Pillow, littleCMS, libjpeg and numpy release the GIL: photos separate on the other
        # core(s) while the main thread composes and draws text
        _pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="photo",
                                   initializer=background_priority)
    return _pool


def _capacity() -> int:
    """How many photos the workers hold at once: one each and one waiting."""
    workers = getattr(_pool, "_max_workers", None) or max(1, min(4, os.cpu_count() or 1))
    return workers + 1


def _feed() -> None:
    """Hand queued photos to the workers up to `_capacity` (call with `_cache_lock` held)."""
    global _in_flight, _pool
    while _queue and _in_flight < _capacity():
        key = _queue.popleft()
        try:
            job = _workers().submit(_separate, *key)
        except (BrokenExecutor, RuntimeError):   # the worker processes are gone or shut down
            _pool = None                         # threads here from now on
            job = _workers().submit(_separate, *key)
        _in_flight += 1
        job.add_done_callback(lambda done, key=key: _landed(key, done))


def _landed(key: tuple, job: Future) -> None:
    """A worker finished `key`: its result (or error) goes to whoever waits; the next photo goes out.
    A photo lost with its worker process, or dropped when the workers were stopped, goes back on
    the queue for this process's threads."""
    global _in_flight, _pool
    with _cache_lock:
        _in_flight -= 1
        result = _cache.get(key)
        exc = None if job.cancelled() else job.exception()
        if job.cancelled() or isinstance(exc, BrokenExecutor):   # dropped by a shutdown, or lost with a worker
            _pool = None
            if result is not None and not result.done():
                _queue.appendleft(key)
            result = None
        _feed()
    if result is not None:
        _settle(result, lambda: job.result())


def _take(key: tuple) -> Future | None:
    """Take `key` off the queue to separate it on this thread: its future, or None when a
    worker has it already (call with `_cache_lock` held)."""
    try:
        _queue.remove(key)
    except ValueError:
        return None
    return _cache[key]


def _run_here(key: tuple, fut: Future) -> None:
    _settle(fut, lambda: _separate(*key))


def _settle(fut: Future, work) -> None:
    """Give `fut` the result of `work()` (or its error), unless someone gave it one first: a photo
    separated here while its worker was slow (`press_image`) is settled by whichever ends first,
    and both made the same bytes."""
    if fut.done():
        return
    try:
        value, error = work(), None
    except BaseException as exc:  # noqa: BLE001 - kept in the future, raised to whoever asks for it
        value, error = None, exc
    try:
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(value)
    except InvalidStateError:
        pass


def _future(key: tuple, background: bool) -> Future:
    """The future of `key`'s PressImage: started ahead (queued for the workers) with
    `background`, else separated on this thread unless a worker already has it."""
    with _cache_lock:
        fut = _cache.get(key)
        if fut is not None:
            _cache.move_to_end(key)
            mine = None if background else _take(key)
        else:
            fut = _cache[key] = Future()
            mine = None
            if background:
                _queue.append(key)
                _feed()
            else:
                mine = fut
        while len(_cache) > _MAX_CACHED:
            oldest = next(iter(_cache))
            if not _cache[oldest].done():
                break
            del _cache[oldest]
    if mine is not None:
        _run_here(key, mine)
    return fut


def _help() -> bool:
    """While waiting for a photo a worker is on: separate here the last photo still queued
    (the workers take them from the front, so the two meet in the middle). False when none is."""
    with _cache_lock:
        fut = None
        while _queue and fut is None:
            key = _queue.pop()
            fut = _cache.get(key)   # (a cache cleared by hand leaves keys nobody waits for)
        if fut is None:
            return False
    _run_here(key, fut)
    return True


def prefetch_image(path: str | Path, crop: tuple[int, int, int, int], w_pt: float, h_pt: float,
                   settings: PrintSettings) -> None:
    """Start separating a photo ahead (queued for the workers); `press_image` with the same arguments collects it."""
    try:
        _future(_key(path, crop, w_pt, h_pt, settings), background=True)
    except OSError:
        pass  # a missing file is reported by the model; press_image raises if it is still asked for


def press_image(path: str | Path, crop: tuple[int, int, int, int], w_pt: float, h_pt: float,
                settings: PrintSettings) -> PressImage:
    """A photo as it goes to the plate: cropped, resampled when too sharp, in CMYK (or gray) within the ink limit.
    The same photo at the same crop and size is separated once per process (64 kept)."""
    key = _key(path, crop, w_pt, h_pt, settings)
    fut = _future(key, background=False)
    while not fut.done() and _help():
        pass
    try:
        return fut.result(timeout=WAIT_FOR_WORKER)
    except FuturesTimeout:
        pass
    # its worker is slow: on a busy machine a background process can wait seconds for a core
    # (`background_priority`); the same photo is separated here too, and whichever ends first counts
    _settle(fut, lambda: _separate(*key))
    return fut.result()


#: Separated photos kept on disk between builds (under the user's cache folder), at most this many bytes.
DISK_CACHE_BYTES = 512 << 20
_FORMAT = "layout-press-2"     # change when separation changes what it makes (2: bicubic)


def _separate(path: str, _mtime: int, _size: int, crop, w_pt: float, h_pt: float,
              settings: PrintSettings) -> PressImage:
    """`_press` through the disk cache: a rebuild in a new process (the common case on deadline
    night) reads a separated photo back instead of separating it again. The key is the photo's
    content, crop, printed size and every print setting; a damaged entry is made again."""
    source = Path(path).read_bytes()
    profile = hashlib.sha256(settings.profile_bytes()).hexdigest()[:16]
    ident = f"{_FORMAT}|{hashlib.sha256(source).hexdigest()}|{tuple(crop)}|{w_pt}|{h_pt}|{settings.ink_limit}|" \
            f"{settings.image_ppi}|{settings.max_ppi}|{settings.image_compression}|{settings.jpeg_quality}|{profile}"
    entry = cache_root() / "photos" / (hashlib.sha256(ident.encode()).hexdigest()[:32] + ".press")
    cached = _read_entry(entry)
    if cached is not None:
        return cached
    img = _press(io.BytesIO(source), crop, w_pt, h_pt, settings)   # the bytes just hashed, not read again
    _write_entry(entry, img)
    return img


def _read_entry(entry: Path) -> PressImage | None:
    """A cache file: one line of JSON (the PressImage's fields and the data's length and hash), then the data."""
    try:
        raw = entry.read_bytes()
        head, _, data = raw.partition(b"\n")
        meta = json.loads(head)
        if len(data) != meta["length"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
            return None
        return PressImage(meta["width"], meta["height"], meta["colorspace"], data, meta["max_ink"],
                          meta["filter"], meta["inverted"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


_written: int | None = None   # bytes this process wrote to the photo cache since it last measured it


def _write_entry(entry: Path, img: PressImage) -> None:
    """Store atomically; keep the folder under DISK_CACHE_BYTES (oldest entries go first). A cache
    that cannot be written (read-only home, full disk) only costs the next build the time."""
    meta = {"width": img.width, "height": img.height, "colorspace": img.colorspace,
            "max_ink": img.max_ink, "filter": img.filter, "inverted": img.inverted,
            "length": len(img.data), "sha256": hashlib.sha256(img.data).hexdigest()}
    global _written
    data = json.dumps(meta).encode() + b"\n" + img.data
    try:
        write_atomic(entry, data, sync=False)
        # the folder is measured on a process's first write and after every further 1/16 of the
        # cap, not after every photo: a full cache holds a thousand entries to stat
        if _written is None or _written + len(data) > DISK_CACHE_BYTES // 16:
            _written = 0
            _prune(entry.parent)
        else:
            _written += len(data)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Delete the oldest entries until the folder holds at most DISK_CACHE_BYTES."""
    entries = oldest_first(folder, "*.press")
    total = sum(size for _mtime, size, _f in entries)
    for _mtime, size, old in entries:
        if total <= DISK_CACHE_BYTES:
            break
        total -= size
        old.unlink(missing_ok=True)


def _press(source, crop, w_pt: float, h_pt: float, settings: PrintSettings) -> PressImage:
    """A photo (file name or file object) -> its PressImage: separated, ink-limited, compressed."""
    import numpy as np

    with PILImage.open(source) as src:
        src.decodermaxblock = _BLOCK
        icc = src.info.get("icc_profile") or b""
        im = _resampled(src, crop, w_pt, h_pt, settings)
    if im.mode == "L":
        return _encode(np.asarray(im, dtype=np.uint8), "DeviceGray", settings)
    if im.mode == "CMYK":
        cmyk = np.asarray(im, dtype=np.uint8)
    else:
        icc_rgb = icc if _is_rgb_profile(icc) else b""
        cmyk = np.asarray(ImageCms.applyTransform(im, _transform(icc_rgb, str(settings.profile))), dtype=np.uint8)
    return _encode(cmyk, "DeviceCMYK", settings)


#: The filter that takes a photo down to `image_ppi`. Bicubic, not Lanczos: a third less time,
#: and the two differ by less than the JPEG that follows changes the photo (measured on a
#: benchmark photo taken down 1.76x and separated: bicubic against Lanczos 49.8 dB PSNR, JPEG
#: quality 90 against its input 41.2 dB).
RESAMPLING = PILImage.Resampling.BICUBIC


def _resampled(src: PILImage.Image, crop, w_pt: float, h_pt: float, settings: PrintSettings) -> PILImage.Image:
    """The crop of `src` in a press mode (L, RGB or CMYK), resampled to `image_ppi` (bicubic) when
    it is sharper than `max_ppi`. A JPEG at least twice too large is first decoded at 1/2, 1/4 or
    1/8 scale by libjpeg (never below the target size): most of the decoding and resampling saved."""
    left, top, right, bottom = crop
    ppi = (right - left) / (w_pt / 72) if w_pt > 0 else 0
    size = (max(1, round(w_pt / 72 * settings.image_ppi)), max(1, round(h_pt / 72 * settings.image_ppi)))
    if is_turned(src):     # a phone photo stored sideways: turned first, then cut as the page shows it
        src = upright(src)
    elif ppi > settings.max_ppi and src.format == "JPEG" and src.mode in ("RGB", "L", "CMYK"):
        full_w, full_h = src.size
        need = (math.ceil(full_w * size[0] / max(1, right - left)), math.ceil(full_h * size[1] / max(1, bottom - top)))
        src.draft(src.mode, need)
        fx, fy = src.size[0] / full_w, src.size[1] / full_h
        return src.resize(size, RESAMPLING, box=(left * fx, top * fy, right * fx, bottom * fy),
                          reducing_gap=3.0)
    if ppi > settings.max_ppi:   # a PNG or TIFF far sharper than printed: no full-size copy of the crop
        small = reduced_crop(src, crop, size, RESAMPLING, gap=3.0)
        if small is not None:
            return small
    im = src.crop(crop)
    im.load()
    im = _flatten(im)
    if ppi > settings.max_ppi:
        im = im.resize(size, RESAMPLING, reducing_gap=3.0)
    return im


def _encode(pixels: np.ndarray, colorspace: str, settings: PrintSettings) -> PressImage:
    """Ink-limit and compress the pixels. A JPEG is decoded again and measured: where its rounding
    put a pixel over the limit, the 8x8 block holding it (JPEG codes every block on its own: no
    chroma subsampling) is lightened by the overshoot (all inks scaled by the same factor, about
    1 %, on 1 mm squares) and the photo encoded again; after four tries it goes in lossless.
    So the file never carries more ink than the limit allows."""
    import numpy as np

    h, w = pixels.shape[:2]
    mode = "CMYK" if colorspace == "DeviceCMYK" else "L"
    units = settings.ink_units
    if settings.image_compression == "jpeg":
        base = limit_ink(pixels, units) if mode == "CMYK" else np.ascontiguousarray(pixels)
        raw = base
        scale: dict[tuple[int, int], float] = {}   # 8x8 block -> the factor its inks are scaled by
        for _attempt in range(4):
            buf = io.BytesIO()
            PILImage.fromarray(raw, mode).save(buf, "JPEG", quality=settings.jpeg_quality, subsampling=0,
                                               optimize=False, progressive=False, bufsize=_BLOCK)
            data = buf.getvalue()
            img = PressImage(w, h, colorspace, data, 0.0, "DCTDecode", inverted=mode == "CMYK")
            printed = img.pixels()
            if mode == "L":
                return replace(img, max_ink=max_ink_percent(printed, colorspace))
            totals = ink_totals(printed)
            peak = int(totals.max())
            if peak <= units:
                return replace(img, max_ink=peak * 100 / 255)
            raw = raw.copy()
            for by, bx in sorted({(int(y) // 8, int(x) // 8) for y, x in zip(*np.nonzero(totals > units))}):
                block = (slice(by * 8, by * 8 + 8), slice(bx * 8, bx * 8 + 8))
                top = int(totals[block].max())
                scale[by, bx] = scale.get((by, bx), 1.0) * (1 - (top - units + 2) / top)
                raw[block] = np.floor(base[block] * scale[by, bx]).astype(np.uint8)
    raw = limit_ink(pixels, units) if mode == "CMYK" else np.ascontiguousarray(pixels)
    data = zlib.compress(raw.tobytes(), 6)
    return PressImage(w, h, colorspace, data, max_ink_percent(raw, colorspace))


def ink_totals(cmyk: np.ndarray) -> np.ndarray:
    """C+M+Y+K of every pixel of an (…, 4) uint8 array, in 8-bit units (uint16, shape without the 4)."""
    import numpy as np

    total = cmyk[..., 0].astype(np.uint16)
    for i in (1, 2, 3):
        total += cmyk[..., i]
    return total


def _is_rgb_profile(icc: bytes) -> bool:
    if not icc:
        return False
    try:
        prof = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return False
    return prof.profile.xcolor_space.strip() == "RGB"


def gray8(im: PILImage.Image) -> PILImage.Image:
    """A 16-bit gray photo (modes I;16, I;16B, I) as 8-bit gray: the top byte of each value.
    (Pillow's convert('L') clips every value above 255, so the photo would print white.)"""
    import numpy as np

    values = np.asarray(im).astype(np.uint32) >> 8
    return PILImage.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")


def _flatten(im: PILImage.Image) -> PILImage.Image:
    """Modes a press takes: L (gray), RGB or CMYK. Transparency is flattened onto paper white."""
    if im.mode in ("L", "RGB", "CMYK"):
        return im
    if im.mode.startswith("I"):
        return gray8(im)
    if im.mode in ("1", "F"):
        return im.convert("L")
    if im.mode in ("LA", "RGBA", "PA", "P"):
        rgba = im.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        out = PILImage.alpha_composite(white, rgba)
        return out.convert("L" if im.mode == "LA" else "RGB")
    return im.convert("RGB")


def describe_profile(path: Path) -> str:
    """The profile's description tag (for reports and the OutputIntent's Info)."""
    try:
        return ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
    except (OSError, ImageCms.PyCMSError):
        return Path(path).name
