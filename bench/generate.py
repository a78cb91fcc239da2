"""Generator of the synthetic benchmark edition: 16 broadsheet pages, 40 photos, jumps.

Takes: an output folder (default `bench/edition/`, ignored by git) and a seed.
Returns: writes `issue.yaml`, `articles/*.md`, `images/*.jpg` and
`edition.typ` (the same text in the same fonts and column count, for
`bench/run.py`'s comparison) and prints what it made. Text is recombined from
the original phrase bank in `bench/phrases.py`; photos are drawn with numpy.
Everything is deterministic for a given seed and layout version.

The pages follow the plans in `PLANS`: each lists placements (stories,
pictures, jump landings) on the `broadsheet` style's 8-column, 120-line grid.
The last story in each column group is a *filler*: the generator copy-fits it
the way a sub-editor cuts copy, laying the edition out with `layout` and
cutting each story that is overset by the characters reported, until nothing
is overset. The edition then fills its pages, and the generator checks that it
sets at least `MIN_HAN` Han characters.

Run: `python bench/generate.py [--out DIR] [--seed N]`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import phrases as P  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "edition"
DEFAULT_SEED = 20261201
MIN_HAN = 120_000
PAPER = "北港日报"
DATE = "2026-12-01"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")

# ----------------------------------------------------------------------------- page plans


@dataclass
class S:
    """A story placement: columns, optional fixed lines, body length (None: a filler, copy-fitted)."""

    cols: tuple[int, int]
    lines: tuple[int, int] | None = None
    length: int | None = None
    photos: tuple[tuple[int, str], ...] = ()   # (columns, top|bottom)
    box: bool = False
    jump: int | None = None                      # continue_on page


@dataclass
class L:
    """The landing (continued: true) of the story that jumps from page `source`."""

    source: int
    cols: tuple[int, int]


@dataclass
class Pic:
    """A standalone picture in fixed lines."""

    cols: tuple[int, int]
    lines: tuple[int, int]


PLANS: tuple[tuple, ...] = (
    # 1 要闻: masthead in columns 1-6, 报眼 box beside it, the lead jumps to page 2
    (S((7, 8), (1, 18), box=True), S((1, 5), (19, 72), 4200, ((3, "top"),), jump=2), Pic((6, 8), (19, 42)),
     S((6, 8), None, 900), S((6, 8)), S((1, 3)), S((4, 5))),
    (L(1, (1, 3)), S((1, 3)), S((4, 6), None, 1500, ((2, "top"),)), S((4, 6)), S((7, 8), photos=((2, "bottom"),))),
    # 3: a story across all eight columns (通栏), jumping to page 6
    (S((1, 8), (1, 40), 6000, ((2, "top"),), jump=6), S((1, 3), None, 1200, ((2, "top"),)), S((1, 3)),
     S((4, 5)), S((6, 8), None, 1000), S((6, 8), photos=((3, "bottom"),))),
    (S((1, 4), None, 1800, ((2, "top"),)), S((1, 4), None, 1200), S((1, 4)), S((5, 8), None, 2000, ((4, "top"),)),
     S((5, 8))),
    (Pic((1, 3), (1, 30)), S((4, 8), None, 1600, ((2, "top"),)), S((1, 3), None, 1500), S((1, 3)), S((4, 8))),
    (L(3, (6, 8)), S((6, 8)), S((1, 5), None, 2400, ((3, "top"),)), S((1, 2)), S((3, 5), None, 1000, ((2, "top"),)),
     S((3, 5))),
    (S((1, 3), None, 1500, ((2, "top"),)), S((1, 3)), S((4, 6), None, 1200, ((3, "bottom"),)), S((4, 6)),
     S((7, 8), None, 900), S((7, 8), photos=((2, "top"),))),
    # 8 图片: two large pictures over the fold
    (Pic((1, 5), (1, 32)), Pic((6, 8), (1, 32)), S((1, 3), None, 1600, ((2, "top"),)), S((1, 3)),
     S((4, 8), None, 2400, ((2, "top"),)), S((4, 5)), S((6, 8))),
    (S((6, 8), (1, 60), 3500, ((2, "top"),), jump=12), S((1, 2)),
     S((3, 5), None, 1600, ((3, "top"),)), S((3, 5)), S((6, 8))),
    (Pic((1, 3), (1, 30)), S((4, 8), None, 1400, ((2, "top"),)), S((4, 8)), S((1, 3), None, 1300),
     S((1, 3), photos=((2, "top"),))),
    (S((1, 4), None, 2000, ((2, "top"),)), S((1, 4)), S((5, 8), None, 1500, ((2, "top"), (2, "top"))), S((5, 8))),
    (L(9, (1, 3)), S((1, 3)), S((4, 8), None, 2600, ((2, "top"),)), S((4, 5)), S((6, 8), photos=((3, "bottom"),))),
    (S((1, 8), (1, 36), 5200, ((3, "top"),), jump=16), S((1, 3)),
     S((4, 6), None, 1100, ((2, "top"),)), S((4, 6)), S((7, 8))),
    (Pic((1, 3), (1, 34)), S((4, 8), None, 2200, ((2, "top"),)), S((4, 8)), S((1, 3))),
    (S((1, 5), None, 2400, ((3, "top"), (2, "top"))), S((1, 5)), S((6, 8), None, 1200, ((2, "top"),)), S((6, 8))),
    (L(13, (1, 3)), S((1, 3)), S((4, 8), None, 2600, ((3, "top"), (2, "top"))), S((4, 6)),
     S((7, 8), photos=((2, "bottom"),))),
)

# ----------------------------------------------------------------------------- text


def _name(rng: random.Random) -> str:
    return rng.choice(P.SURNAMES) + "".join(rng.choice(P.GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _number(rng: random.Random, kind: str) -> str:
    if kind == "f":
        return f"{rng.uniform(1.2, 98):.1f}" if rng.random() < 0.4 else rng.choice(_HAN_ABOUT)
    if kind == "p":
        return f"{rng.uniform(2, 99):.1f}"
    if kind == "s":
        return str(rng.randint(3, 48)) if rng.random() < 0.5 else rng.choice(_HAN_SMALL)
    if rng.random() < 0.5:  # news copy writes round figures in characters: 两万余, 三千多
        return rng.choice("两三四五六七八九") + rng.choice(("千", "万", "百")) + rng.choice(("余", "多"))
    n = rng.choice((rng.randint(120, 980), rng.randint(1000, 98000)))
    return f"{n:,}"


_HAN_SMALL = ("三", "五", "六", "八", "十", "十二", "十五", "二十", "三十", "四十六")
_HAN_ABOUT = ("十余", "二十余", "三十多", "五十余", "近百", "八十多", "六十余")


@dataclass
class Topic:
    place: str
    org: str
    proj: str
    people: list[tuple[str, str]]  # (name, title)


def _fill(rng: random.Random, template: str, t: Topic) -> str:
    def one(m: re.Match) -> str:
        key = m.group(1)
        if key in ("f", "p", "s", "n"):
            return _number(rng, key)
        if key == "place":
            return t.place
        if key == "org":
            return t.org
        if key == "proj":
            return t.proj
        if key == "act":
            return rng.choice(P.ACTS)
        if key == "time":
            return rng.choice(P.TIMES)
        if key == "result":
            return _fill(rng, rng.choice(P.RESULTS), t)
        if key == "effect":
            return rng.choice(P.EFFECTS)
        if key == "measure":
            return rng.choice(P.MEASURES)
        if key == "name":
            return _name(rng)
        if key == "surname":
            return rng.choice(P.SURNAMES)
        raise KeyError(key)

    return re.sub(r"\{([a-z]+)\}", one, template)


_SENTENCES = (
    "{time}，{org}{act}{proj}，{result}，{effect}。",
    "{time}，{place}{act}{proj}，{result}。",
    "{conn}，{place}还{measure}，{effect}。",
    "为做好{proj}工作，{org}{measure}，并{measure2}。",
    "“{quote}。”{person}说。",
    "{person}告诉记者：“{quote}。”",
    "{resident}说，“{quote}”。",
    "{conn}，全市{proj}{result}，{result2}。",
    "截至11月底，{place}已{result}，{effect}。",
    "{next}。",
    "{conn}，{org}在{place}推广{latin}等新技术，{result}。",
    "{place}地处城郊，过去{proj}基础薄弱，群众反映的问题比较集中，这几年{org}下了不少功夫。",
    "走进{place}，{scene}，一派忙碌景象。",
    "据{person}介绍，{proj}分为{s}个片区、{s2}个批次实施，目前已{result}。",
    "《{place}{proj}实施方案》明确，到2027年要{result}。",
    "在{place}，{scene}，{effect}。",
)


def _sentence(rng: random.Random, t: Topic) -> str:
    template = rng.choice(_SENTENCES)
    name, title = rng.choice(t.people)
    extra = {
        "{conn}": rng.choice(P.CONNECTORS),
        "{quote}": rng.choice(P.QUOTES),
        "{person}": f"{t.org}{title}{name}" if rng.random() < 0.5 else f"{title}{name}",
        "{resident}": _fill(rng, rng.choice(P.RESIDENT_INTRO), t),
        "{measure2}": rng.choice(P.MEASURES),
        "{result2}": _fill(rng, rng.choice(P.RESULTS), t),
        "{next}": _fill(rng, rng.choice(P.NEXT_STEPS), t),
        "{latin}": rng.choice(P.DATA_LATIN),
        "{s2}": str(rng.randint(2, 9)),
        "{scene}": rng.choice(P.SCENES),
    }
    for k, v in extra.items():
        template = template.replace(k, v)
    return _fill(rng, template, t)


def _topic(rng: random.Random) -> Topic:
    people = [(_name(rng), rng.choice(P.TITLES)) for _ in range(3)]
    return Topic(rng.choice(P.PLACES), rng.choice(P.ORGS), rng.choice(P.PROJECTS), people)


def _units(seed: int, t: Topic, long: bool):
    """An endless stream of ('sub', text) and ('sent', text, ends_paragraph), fixed by the seed:
    any length of body is a prefix of the same text."""
    rng = random.Random(seed)
    paragraphs = 0
    while True:
        if long and paragraphs and paragraphs % 7 == 0:
            yield ("sub", _fill(rng, rng.choice(("{place}{proj}见成效", "{act}{proj}", "把{proj}办到群众心坎上",
                                                  "{proj}有了新变化")), t))
        n = rng.choice((3, 3, 4, 4, 5, 6))
        for i in range(n):
            yield ("sent", _sentence(rng, t), i == n - 1)
        paragraphs += 1


def body_text(seed: int, t: Topic, length: int, long: bool) -> str:
    """Markdown body of about `length` characters (whole sentences), a prefix of the article's stream."""
    out: list[str] = []
    par: list[str] = []
    size = 0
    for unit in _units(seed, t, long):
        if unit[0] == "sub":
            if size >= length:
                break
            out.append("### " + unit[1])
            continue
        _kind, text, end = unit
        if size + len(text) > length and (par or out):
            # end on as many of the sentence's clauses as fit (not inside quotes), closed with 。
            clauses = text.rstrip("。").split("，") if "“" not in text else []
            part = ""
            for clause in clauses[:-1]:
                if size + len(part) + len(clause) + 1 > length:
                    break
                part += clause + "，"
            if part:
                par.append(part[:-1] + "。")
            break
        par.append(text)
        size += len(text)
        if end:
            out.append("".join(par))
            par = []
    if par:
        out.append("".join(par))
    while out and out[-1].startswith("###"):
        out.pop()
    return "\n\n".join(out) + "\n"


# ----------------------------------------------------------------------------- photos


@dataclass
class PhotoSpec:
    file: str
    size: tuple[int, int]
    caption: str
    credit: str
    alt: str
    columns: int = 1
    position: str = "top"


def draw_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A landscape-with-buildings picture with camera-like noise, as a JPEG (deterministic)."""
    w, h = size
    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
    top = rng.uniform(40, 200, 3).astype(np.float32)
    low = rng.uniform(150, 250, 3).astype(np.float32)
    img = top * (1 - y) + low * y + np.zeros((1, w, 1), np.float32)
    # sun
    cx, cy, r = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.35), rng.uniform(0.04, 0.09)
    d = np.sqrt((x - cx) ** 2 * (w / h) ** 2 + (y - cy) ** 2)
    img += (np.clip(1 - d / r, 0, 1) * 90)[..., :1]
    # hills, far and near
    for depth, (base, amp) in enumerate(((0.45, 0.08), (0.62, 0.1))):
        f, phase = rng.uniform(1.5, 5), rng.uniform(0, 6.3)
        ridge = base + amp * np.sin(2 * np.pi * f * x[..., 0] + phase) + 0.02 * np.sin(23 * x[..., 0] + phase)
        mask = (y[..., 0] > ridge)[..., None]
        colour = rng.uniform(20, 140, 3).astype(np.float32) * (1 - 0.3 * depth)
        img = np.where(mask, colour + 40 * (y - base), img)
    # buildings with lit windows
    ground = 0.7
    for _ in range(int(rng.integers(6, 14))):
        bx, bw = rng.uniform(0, 0.95), rng.uniform(0.03, 0.12)
        bh = rng.uniform(0.1, 0.4)
        x0, x1 = int(bx * w), int(min(1, bx + bw) * w)
        y0, y1 = int((ground - bh) * h), int(ground * h)
        img[y0:y1, x0:x1] = rng.uniform(60, 200, 3)
        step_x, step_y = max(4, (x1 - x0) // 6), max(4, h // 60)
        img[y0 + step_y // 2:y1:step_y, x0 + step_x // 2:x1:step_x] = (250, 230, 150)
    img[int(ground * h):] = img[int(ground * h):] * 0.6 + rng.uniform(40, 110, 3) * 0.4
    img += rng.normal(0, 7, (h, w, 1)).astype(np.float32)   # sensor noise
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").save(path, "JPEG", quality=88)


# ----------------------------------------------------------------------------- the edition


@dataclass
class Story:
    id: str
    seed: int
    topic: Topic
    length: int
    filler: bool
    long: bool
    head: dict
    photos: list[PhotoSpec] = field(default_factory=list)

    def body(self) -> str:
        return body_text(self.seed, self.topic, self.length, self.long)


def _head(rng: random.Random, t: Topic, width: int, lead: bool) -> dict:
    head = {"headline": f"{t.place}{t.proj}{rng.choice(P.HEAD_VERBS)}" if width > 2 else
            f"{t.proj}{rng.choice(P.HEAD_VERBS)}"}
    if lead:
        head["kicker"] = rng.choice(P.KICKERS)
    if lead or rng.random() < 0.35:
        head["subhead"] = _fill(rng, rng.choice(P.SUBHEAD_TEMPLATES), t)
    head["dateline"] = "本报讯"
    head["date"] = f"11月{rng.randint(24, 30)}日"
    head["byline"] = f"记者 {_name(rng)}" + (f" 通讯员 {_name(rng)}" if rng.random() < 0.4 else "")
    return head


def _photo_size(cols: int, tall: bool = False, wide: bool = False) -> tuple[int, int]:
    """Pixel sizes as a newsroom sends them: 1800 x 1200 for up to four columns, 2400 x 1600 wider;
    photos in stories cropped 16:9 (as the desk crops them to save depth)."""
    w, h = (2400, 1600) if cols > 4 else (1800, 1200)
    if wide:
        h = w * 9 // 16
    return (h, w) if tall else (w, h)


def _caption(rng: random.Random, t: Topic) -> tuple[str, str, str]:
    scene = rng.choice(P.SCENES)
    caption = f"11月{rng.randint(20, 30)}日，{t.place}，{scene}。" + _sentence(rng, t)
    return caption, f"{PAPER}记者 {_name(rng)} 摄", f"{t.place}，{scene}"


class Edition:
    """The generated edition in memory: pages of placements, stories by id, photos."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        self.pages: list[dict] = []
        self.stories: dict[str, Story] = {}
        self.photo_specs: list[tuple[PhotoSpec, int]] = []   # (spec, draw seed)
        jump_ids: dict[int, str] = {}
        for number, plan in enumerate(PLANS, start=1):
            placements = []
            for k, item in enumerate(plan, start=1):
                if isinstance(item, L):
                    placements.append({"article": jump_ids[item.source], "continued": True, "columns": list(item.cols)})
                    continue
                if isinstance(item, Pic):
                    t = _topic(rng)
                    tall = (item.lines[1] - item.lines[0]) * 11.5 > (item.cols[1] - item.cols[0] + 1) * 126
                    spec = self._photo(rng, t, f"p{number:02d}-pic{k}", item.cols[1] - item.cols[0] + 1, tall)
                    placements.append({"picture": spec.file, "caption": spec.caption, "credit": spec.credit,
                                        "alt": spec.alt, "columns": list(item.cols), "lines": list(item.lines)})
                    continue
                width = item.cols[1] - item.cols[0] + 1
                sid = f"p{number:02d}-{k}"
                t = _topic(rng)
                lead = item.jump is not None or width >= 5
                filler = item.length is None
                length = item.length or width * 120 * 13
                story = Story(sid, rng.randrange(1 << 30), t, length, filler, length > 2500 or filler,
                              _head(rng, t, width, lead))
                for n, (cols, position) in enumerate(item.photos, start=1):
                    spec = self._photo(rng, t, f"{sid}-{n}", cols, False)
                    spec.columns, spec.position = cols, position
                    story.photos.append(spec)
                self.stories[sid] = story
                pl = {"article": sid, "columns": list(item.cols)}
                if item.lines:
                    pl["lines"] = list(item.lines)
                if item.box:
                    pl["box"] = True
                if item.jump:
                    pl["continue_on"] = item.jump
                    jump_ids[number] = sid
                placements.append(pl)
            page = {"section": P.SECTIONS[number - 1], "editor": _name(rng)}
            if number == 1:
                page["masthead"] = True
            page["stories"] = placements
            self.pages.append(page)

    def _photo(self, rng: random.Random, t: Topic, stem: str, cols: int, tall: bool) -> PhotoSpec:
        caption, credit, alt = _caption(rng, t)
        spec = PhotoSpec(f"images/{stem}.jpg", _photo_size(cols, tall, wide=not stem.split("-")[1].startswith("pic")),
                         caption, credit, alt)
        self.photo_specs.append((spec, rng.randrange(1 << 30)))
        return spec

    # -- writing -------------------------------------------------------------------------------
    def manifest(self) -> dict:
        return {
            "paper": {"name": PAPER, "name_latin": "BEIGANG DAILY", "publisher": f"{PAPER}社",
                      "registration": "CN 99-0000"},
            "issue": {"number": 20261, "date": DATE, "lang": "zh-CN"},
            "style": "broadsheet",
            "pages": self.pages,
            "articles": {"include": ["articles/*.md"]},
        }

    def write(self, out: Path, images: bool = True) -> None:
        (out / "articles").mkdir(parents=True, exist_ok=True)
        (out / "images").mkdir(parents=True, exist_ok=True)
        header = ("# Synthetic benchmark edition made by bench/generate.py: 16 broadsheet pages.\n"
                  "# Every person, place and event is invented; the text is recombined phrases.\n")
        text = yaml.safe_dump(self.manifest(), allow_unicode=True, sort_keys=False, width=1000)
        (out / "issue.yaml").write_text(header + text, encoding="utf-8")
        for story in self.stories.values():
            self.write_story(out, story)
        if images:  # photos are redrawn only when their size or seed changed (a stamp remembers them)
            stamp_file = out / "images" / "stamp.json"
            try:
                stamp = json.loads(stamp_file.read_text())
            except (OSError, ValueError):
                stamp = {}
            for spec, seed in self.photo_specs:
                target = out / spec.file
                key = f"{spec.size[0]}x{spec.size[1]}-{seed}"
                if not target.exists() or stamp.get(spec.file) != key:
                    draw_photo(target, spec.size, seed)
                    stamp[spec.file] = key
            wanted = {spec.file for spec, _seed in self.photo_specs}
            for old in (out / "images").glob("*.jpg"):  # photos of an earlier plan
                if f"images/{old.name}" not in wanted:
                    old.unlink()
                    stamp.pop(f"images/{old.name}", None)
            stamp_file.write_text(json.dumps(stamp, indent=0, sort_keys=True))

    def write_story(self, out: Path, story: Story) -> None:
        meta = dict(story.head)
        if story.photos:
            meta["photos"] = [{"file": p.file, "caption": p.caption, "credit": p.credit, "alt": p.alt,
                               "columns": p.columns, "position": p.position} for p in story.photos]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (out / "articles" / f"{story.id}.md").write_text(f"---\n{front}---\n{story.body()}", encoding="utf-8")


# ----------------------------------------------------------------------------- copy-fitting

#: the overset count is written with thousands separators (2,947 characters)
_OVERSET = re.compile(r"'([^']+)' on page (\d+): ([\d,]+) characters")
_UNDERSET = re.compile(r"'([^']+)' on page (\d+) leaves")


def copy_fit(edition: Edition, out: Path, rounds: int = 10, log=print):
    """Lay the edition out and cut overset stories until nothing is overset; returns the laid-out edition."""
    from layout import pipeline
    from layout.diagnostics import Report

    for n in range(1, rounds + 1):
        report = Report()
        laid = pipeline.prepare(out / "issue.yaml", report)
        overset = [(m.group(1), int(m.group(3).replace(",", ""))) for d in report.errors if d.code == "overset"
                   for m in [_OVERSET.search(d.message)] if m]
        others = [d for d in report.errors if d.code != "overset" or not _OVERSET.search(d.message)]
        if others or laid is None:
            raise SystemExit("the generated edition has errors:\n" + "\n".join(d.format() for d in others))
        log(f"  copy-fit round {n}: {len(overset)} stories overset")
        if not overset:
            return laid, report
        for sid, chars in overset:
            story = edition.stories[sid]
            story.length = max(60, story.length - chars - 8)
            edition.write_story(out, story)
    raise SystemExit(f"copy-fitting did not converge in {rounds} rounds")


def top_up(edition: Edition, out: Path, laid, report, steps=(24, 24, 12, 8), log=print):
    """Give every filler a little more text (`steps` characters at a time); keep it where it still fits,
    take it back where it does not. Cuts fall on clause ends, so a cut story often has room for more."""
    from layout import pipeline
    from layout.diagnostics import Report

    for n, step in enumerate(steps, start=1):
        before = {sid: st.length for sid, st in edition.stories.items() if st.filler}
        for sid in before:
            edition.stories[sid].length += step
            edition.write_story(out, edition.stories[sid])
        trial = Report()
        pipeline.prepare(out / "issue.yaml", trial)
        over = {m.group(1) for d in trial.errors if d.code == "overset" for m in [_OVERSET.search(d.message)] if m}
        for sid in over & set(before):
            edition.stories[sid].length = before[sid]
            edition.write_story(out, edition.stories[sid])
        log(f"  top-up round {n}: {len(set(before) - over)} of {len(before)} fillers took {step} more characters")
        report = Report()
        laid = pipeline.prepare(out / "issue.yaml", report)
        if report.has_errors:  # a landing pushed by a longer story: cut again
            laid, report = copy_fit(edition, out, log=log)
    return laid, report


def han_count(laid) -> tuple[int, int]:
    """(Han characters set on the pages, all characters set) from the frames' glyph runs."""
    from layout.page.frames import GlyphRun

    han = total = 0
    for frame in laid.frames:
        for item in frame.items:
            if isinstance(item, GlyphRun):
                han += len(HAN.findall(item.text))
                total += len(item.text)
    return han, total


# ----------------------------------------------------------------------------- Typst


def _typst_escape(text: str) -> str:
    return re.sub(r"([\\#*_`$<>@=\-\[\]~/+\"'])", r"\\\1", text)


def typst_source(edition: Edition, out: Path) -> str:
    """The same text (headlines, decks, bodies, bylines, captions) and photos in the same fonts, size,
    leading and column count as the broadsheet style, flowed by Typst through 8 columns."""
    lines = [
        "// Made by bench/generate.py: the benchmark edition's text for Typst (fonts: the bundled fonts/).",
        '#set page(width: 390mm, height: 540mm, margin: (top: 28mm, bottom: 20mm, x: 16.9mm), columns: 8)',
        "#set columns(gutter: 9pt)",
        "// the em box as the line box, so that 9 pt type on 2.5 pt leading keeps the style's 11.5 pt pitch",
        '#set text(font: "Layout Noto Serif SC", size: 9pt, lang: "zh", region: "cn", top-edge: 0.88em, '
        'bottom-edge: -0.12em)',
        "#set par(justify: true, leading: 2.5pt, spacing: 2.5pt, first-line-indent: (amount: 2em, all: true))",
        '#let head(size, font, body) = block(width: 100%, above: 8pt, below: 8pt, align(center, '
        'par(leading: 0.25em, text(font: font, weight: "bold", size: size, body))))',
        '#let photo(path, caption, credit) = block(width: 100%, below: 8pt)[#image(path, width: 100%)'
        '#v(2pt, weak: true)#text(font: "Layout WenKai", size: 9pt)[#caption#h(1em)#credit]]',
    ]
    seen: set[str] = set()
    for page in edition.pages:
        for pl in page["stories"]:
            if "picture" in pl:
                lines.append(f'#photo("{pl["picture"]}", [{_typst_escape(pl["caption"])}], '
                             f'[{_typst_escape(pl["credit"])}])')
                continue
            sid = pl["article"]
            if sid in seen:
                continue
            seen.add(sid)
            story = edition.stories[sid]
            h = story.head
            if "kicker" in h:
                lines.append(f'#head(12pt, "Layout Noto Sans SC", [{_typst_escape(h["kicker"])}])')
            lines.append(f'#head(16pt, "Layout Noto Sans SC", [{_typst_escape(h["headline"])}])')
            if "subhead" in h:
                lines.append(f'#head(11pt, "Layout WenKai", [{_typst_escape(h["subhead"])}])')
            for p in story.photos:
                lines.append(f'#photo("{p.file}", [{_typst_escape(p.caption)}], [{_typst_escape(p.credit)}])')
            first = True
            for par in story.body().split("\n\n"):
                par = par.strip()
                if not par:
                    continue
                if par.startswith("### "):
                    lines.append(f'#head(9pt, "Layout Noto Sans SC", [{_typst_escape(par[4:])}])')
                    continue
                lead = (f'#text(font: "Layout Noto Sans SC", weight: "bold")[{h["dateline"]}]　{h["date"]}，'
                        if first else "")
                first = False
                lines.append("")
                lines.append(lead + _typst_escape(par))
            lines.append("")
            lines.append(f'#align(right, text(font: "Layout WenKai")[{_typst_escape(h["byline"])}])')
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def generate(out: Path = DEFAULT_OUT, seed: int = DEFAULT_SEED, log=print):
    """Write the edition into `out` (photos already there are kept); returns (Han set, characters set)."""
    t0 = time.perf_counter()
    out = Path(out)
    if (out / "articles").exists():
        shutil.rmtree(out / "articles")
    edition = Edition(seed)
    edition.write(out)
    log(f"wrote {len(edition.stories)} articles and {len(edition.photo_specs)} photos into {out}")
    laid, report = copy_fit(edition, out, log=log)
    laid, report = top_up(edition, out, laid, report, log=log)
    for _ in range(4):  # a fixed region left short: its text cannot end closer, so try other text
        short = {m.group(1) for d in report.warnings if d.code == "underset"
                 for m in [_UNDERSET.search(d.message)] if m}
        short &= {sid for sid, st in edition.stories.items() if st.filler}
        if not short:
            break
        for sid in sorted(short):
            story = edition.stories[sid]
            story.seed += 1
            story.length += 200
            edition.write_story(out, story)
        log(f"  new text for {', '.join(sorted(short))} (underset)")
        laid, report = copy_fit(edition, out, log=log)
        laid, report = top_up(edition, out, laid, report, log=log)
    han, total = han_count(laid)
    (out / "edition.typ").write_text(typst_source(edition, out), encoding="utf-8")
    warnings = [d for d in report.warnings]
    log(f"{len(laid.frames)} pages, {han:,} Han characters set ({total:,} characters), "
        f"{len(edition.photo_specs)} photos, "
        f"{sum(1 for p in edition.pages for s in p['stories'] if s.get('continued'))} "
        f"jumps, {len(warnings)} warnings; {time.perf_counter() - t0:.1f} s")
    if han < MIN_HAN:
        raise SystemExit(f"only {han:,} Han characters set; the benchmark needs {MIN_HAN:,}")
    return han, total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default bench/edition/)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    generate(args.out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
