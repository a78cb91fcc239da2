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
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageCms

from layout.diagnostics import Report

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
    max_ppi: float = 300.0
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


def ink_units(percent: float) -> int:
    return int(math.floor(percent * 255 / 100 + 1e-9))


@lru_cache(maxsize=8)
def _read(path: str) -> bytes:
    return Path(path).read_bytes()


# ---------------------------------------------------------------- style `print:` mapping

_KEYS = {"ink_limit", "image_ppi", "max_ppi", "output_profile", "output_condition_identifier",
         "output_condition", "registry_name"}


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

    def number(key: str, lo: float, hi: float) -> None:
        if key not in section:
            return
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            report.error("bad-style", f"print.{key} must be a number from {lo:g} to {hi:g}, not {value!r}",
                         smap.value(("print", key)))
            return
        kw[key] = float(value)

    number("ink_limit", 100, 400)
    number("image_ppi", 72, 1200)
    number("max_ppi", 72, 2400)
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
    """Pixels ready for a PDF image XObject: `data` is Flate-compressed, row by row."""

    width: int
    height: int
    colorspace: str        # DeviceCMYK | DeviceGray
    data: bytes
    key: str               # content hash: the same photo at the same size is embedded once
    max_ink: float         # highest total area coverage of any pixel, %


@lru_cache(maxsize=16)
def _transform(src_icc: bytes, dst_path: str):
    src = ImageCms.createProfile("sRGB") if not src_icc else ImageCms.ImageCmsProfile(io.BytesIO(src_icc))
    dst = ImageCms.getOpenProfile(dst_path)
    return ImageCms.buildTransform(src, dst, "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)


def limit_ink(cmyk: np.ndarray, units: int) -> np.ndarray:
    """Hold every pixel's C+M+Y+K (8-bit units) to `units`: first replace grey CMY by K
    (extra under-colour removal), then scale the remaining CMY down. Returns a new uint8 array."""
    a = cmyk.astype(np.int32)
    total = a.sum(axis=-1)
    over = total > units
    if not over.any():
        return cmyk.astype(np.uint8)
    p = a[over]
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
    a[over] = p
    return a.astype(np.uint8)


def max_ink_percent(pixels: np.ndarray, colorspace: str) -> float:
    """Highest total area coverage of any pixel, in %: CMYK sums the four inks; gray is 100 % minus its level."""
    if pixels.size == 0:
        return 0.0
    if colorspace == "DeviceCMYK":
        a = pixels.reshape(-1, 4)
        total = a[:, 0].astype(np.uint16)
        for i in (1, 2, 3):
            total += a[:, i]
        return float(total.max()) * 100 / 255
    if colorspace == "DeviceGray":
        return (255 - float(pixels.min())) * 100 / 255
    return 0.0


def press_image(path: str | Path, crop: tuple[int, int, int, int], w_pt: float, h_pt: float,
                settings: PrintSettings) -> PressImage:
    """A photo as it goes to the plate: cropped, resampled when too sharp, in CMYK (or gray) within the ink limit."""
    p = Path(path)
    stat = p.stat()
    return _press_image(str(p), stat.st_mtime_ns, stat.st_size, tuple(crop), round(w_pt, 3), round(h_pt, 3), settings)


@lru_cache(maxsize=64)
def _press_image(path: str, _mtime: int, _size: int, crop, w_pt: float, h_pt: float,
                 settings: PrintSettings) -> PressImage:
    with PILImage.open(path) as src:
        icc = src.info.get("icc_profile") or b""
        im = src.crop(crop)
        im.load()
    im = _flatten(im)
    width, height = im.size
    ppi = width / (w_pt / 72) if w_pt > 0 else 0
    if ppi > settings.max_ppi:
        size = (max(1, round(w_pt / 72 * settings.image_ppi)), max(1, round(h_pt / 72 * settings.image_ppi)))
        im = im.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    if im.mode == "L":
        pixels = np.asarray(im, dtype=np.uint8)
        colorspace = "DeviceGray"
    else:
        if im.mode == "CMYK":
            cmyk = np.asarray(im, dtype=np.uint8)
        else:
            icc_rgb = icc if _is_rgb_profile(icc) else b""
            cmyk = np.asarray(ImageCms.applyTransform(im, _transform(icc_rgb, str(settings.profile))), dtype=np.uint8)
        pixels = limit_ink(cmyk, settings.ink_units)
        colorspace = "DeviceCMYK"
    raw = np.ascontiguousarray(pixels).tobytes()
    data = zlib.compress(raw, 6)
    key = hashlib.sha256(f"{pixels.shape}|{colorspace}|".encode() + raw).hexdigest()[:16]
    h, w = pixels.shape[:2]
    return PressImage(w, h, colorspace, data, key, max_ink_percent(pixels, colorspace))


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
