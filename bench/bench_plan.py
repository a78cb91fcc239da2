"""Benchmark of automatic page make-up: 50 generated pages planned by the tool, beside the same
stories simply stacked in list order.

Takes: `--pages N` (default 50), `--seed`, `--style` (default broadsheet), `--out DIR` (default
/tmp/layout-bench-plan). Writes one single-page edition per generated page into DIR (its story set:
5-12 stories filling 80-100 % of the page around a booked ad, photos for about half of them; text
recombined from bench/phrases.py by bench/generate.py's writer; a set's area is measured, not
estimated: each story composed by the planner's own measure at the widths a story of its place
usually gets, its mean area counted),
sets each twice, and prints a Markdown table:

- **planned**: the stories without `columns`, placed by the planner (`layout build` does the same);
- **stacked**: the same stories, each across the full width, stacked in list order (what a desk
  gets with no plan: no judgement of widths or heights).

Measured on the finished page frames, the same way for both (`measure_page`): overset characters
(make-up's `overset` errors), each story region's empty grid lines at its foot (across all its
columns, as make-up's `underset` counts them) and the empty lines at the foot of the page's
columns, the fill (share of the free type area holding text or photos), headlines side by side at
the same height (撞题, as the planner defines it: `layout/plan/clash.py`), and the time to make up the page (planning included). A page is *clean*
with 0 overset, no story left off the page (`plan-no-room`) and no region or column foot more than
one grid line short.

Everything is deterministic for a seed. Run: `nice python bench/bench_plan.py` (a few minutes).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate as G  # noqa: E402  (the benchmark edition's text, headlines and photos)

DEFAULT_SEED = 20261205
DEFAULT_OUT = Path("/tmp/layout-bench-plan")
PHOTO_POOL = 12          # photos drawn once and shared by all pages
CLEAN_SHORT = 1          # grid lines a region or a column may be short and still count as filled


# ----------------------------------------------------------------------------- generated pages


@dataclass
class Grid:
    columns: int
    lines: int
    column_chars: int
    column_pt: float
    pitch: float


def style_grid(style: str) -> Grid:
    from layout.diagnostics import Report
    from layout.style import load_style

    st = load_style(style, ROOT / "issues", Report())
    g = st.grid
    return Grid(g.columns, g.lines, int(round(g.column_width / g.char)), g.column_width + g.gutter, g.pitch)


def _ad(rng: random.Random, g: Grid) -> dict:
    """An ad booked at the foot of the page: across the page, half its width or a corner."""
    kind = rng.choice(("across", "half", "corner"))
    if kind == "across":
        cols, depth = (1, g.columns), rng.randint(g.lines // 8, g.lines // 4)
    elif kind == "half":
        half = g.columns // 2
        cols = (1, half) if rng.random() < 0.5 else (g.columns - half + 1, g.columns)
        depth = rng.randint(g.lines // 6, g.lines // 3)
    else:
        w = rng.randint(2, max(2, g.columns // 3))
        cols = (1, w) if rng.random() < 0.5 else (g.columns - w + 1, g.columns)
        depth = rng.randint(g.lines // 8, g.lines // 4)
    return {"ad": "images/ad.png", "alt": "广告", "columns": list(cols), "lines": [g.lines - depth + 1, g.lines]}


def _photo_lines(g: Grid, cols: int) -> int:
    """Grid lines a 3:2 photo `cols` columns wide takes with a two-line caption."""
    return int(cols * g.column_pt / 1.5 / g.pitch) + 3


def page_set(number: int, rng: random.Random, g: Grid) -> tuple[dict, list[G.Story], float]:
    """One page's placements (stories without columns, the booked ad), its stories, sized so that
    their estimated areas add up to the share of the type area the ad leaves that it returns
    (drawn from 80-100 %; `size_page` then makes it exact)."""
    ad = _ad(rng, g)
    ad_area = (ad["columns"][1] - ad["columns"][0] + 1) * (ad["lines"][1] - ad["lines"][0] + 1)
    share = rng.uniform(0.80, 1.00)
    target = (g.columns * g.lines - ad_area) * share
    n = rng.randint(5, 12)
    weights = sorted((rng.uniform(0.5, 1.5) for _ in range(n)), reverse=True)
    weights[0] *= 1.8                      # the lead is the largest story
    stories = []
    for k, weight in enumerate(weights, start=1):
        area = target * weight / sum(weights)
        width_guess = 3 if k == 1 else 2
        t = G._topic(rng)
        story = G.Story(f"p{number:02d}-{k:02d}", rng.randrange(1 << 30), t, 0, False, False,
                        G._head(rng, t, width_guess, k == 1))
        area -= 6 * width_guess             # the headline group
        if k == 1 or rng.random() < 0.45:   # photos: the lead always, about half the others
            cols = width_guess if k == 1 else rng.choice((1, 2))
            if area - _photo_lines(g, cols) * cols > 40:
                caption, credit, alt = G._caption(rng, t)
                story.photos.append(G.PhotoSpec(f"images/photo-{rng.randrange(PHOTO_POOL):02d}.jpg", (1800, 1200),
                                                caption, credit, alt, cols, "top"))
                area -= _photo_lines(g, cols) * cols
        story.length = max(150, int(area * g.column_chars * 0.9))   # paragraph ends leave a little air
        story.long = story.length > 2500
        stories.append(story)
    placements = [{"article": s.id} for s in stories] + [ad]
    placements[0]["rank"] = 1
    return {"section": "要闻", "editor": G._name(rng), "stories": placements}, stories, share


def write_edition(out: Path, name: str, page: dict, stories: list[G.Story], style: str) -> Path:
    """One single-page edition `name`.yaml in `out` (articles and images shared in its folders)."""
    for story in stories:
        meta = dict(story.head)
        if story.photos:
            meta["photos"] = [{"file": p.file, "caption": p.caption, "credit": p.credit, "alt": p.alt,
                               "columns": p.columns} for p in story.photos]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (out / "articles" / f"{story.id}.md").write_text(f"---\n{front}---\n{story.body()}", encoding="utf-8")
    manifest = {
        "paper": {"name": G.PAPER, "name_latin": "BEIGANG DAILY"},
        "issue": {"number": 1, "date": G.DATE},
        "style": style,
        "pages": [page],
        "articles": {"include": [f"articles/{stories[0].id[:3]}-*.md"]},
    }
    path = out / f"{name}.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def story_areas(manifest: Path) -> tuple[dict[str, int], int]:
    """Each auto story's area in grid cells (columns x grid lines, with the line its rule takes):
    its mean over the widths a story of its place usually gets (the lead 3 to 3/4 of the columns,
    the others 2 to half of them), each composed by the real composer as the planner composes it
    (`layout.plan.candidates`); and the grid cells the page leaves free around its fixed regions."""
    from layout.diagnostics import Report
    from layout.manifest.load import load_manifest
    from layout.model import build_issue
    from layout.page.typeset import Typesetter
    from layout.plan.candidates import Candidates
    from layout.style import load_style
    from layout.text.normalize import normalize

    report = Report()
    issue = build_issue(load_manifest(manifest, report), report, normalize=normalize)
    style = load_style(issue.style, issue.root, report, issue.style_source)
    g = style.grid
    measure = Candidates(Typesetter(style, issue.info.lang, report), issue, style)
    page = issue.pages[0]
    areas, fixed = {}, 0
    for k, pl in enumerate(page.placements):
        if pl.auto:
            widths = range(3, g.columns * 3 // 4 + 1) if k == 0 else range(2, g.columns // 2 + 1)
            variants = measure.variants(page, pl, widths, None, k == 0)
            areas[pl.article] = round(statistics.mean(v.width * (v.height + 1) for v in variants))
        else:
            fixed += (pl.columns[1] - pl.columns[0] + 1) * (pl.lines[1] - pl.lines[0] + 1)
    return areas, g.columns * g.lines - fixed


def size_page(out: Path, name: str, page: dict, stories: list[G.Story], style: str, target: float,
              rounds: int = 4) -> tuple[Path, float]:
    """Write the page, then scale its stories' bodies until the set's measured area (`story_areas`)
    is `target` of the free area (within a percent); returns the manifest and the set's fill."""
    for _ in range(rounds):
        manifest = write_edition(out, name, page, stories, style)
        areas, free = story_areas(manifest)
        fill = sum(areas.values()) / free
        if abs(fill - target) < 0.01:
            break
        factor = target / fill
        for story in stories:   # the headline and photos do not scale: the body takes all the change
            body_share = max(0.3, 1 - 8 * 3 / max(areas[story.id], 1))
            story.length = max(120, int(story.length * (1 + (factor - 1) / body_share)))
            story.long = story.length > 2500
    return manifest, fill


def stacked(page: dict, g: Grid) -> dict:
    """The same page with every story across the full width, stacked in list order."""
    placements = []
    for pl in page["stories"]:
        pl = dict(pl)
        if "article" in pl:
            pl.pop("rank", None)
            pl["columns"] = [1, g.columns]
        placements.append(pl)
    return {**page, "stories": placements}


def draw_images(out: Path, g: Grid) -> None:
    """The shared photos (drawn once) and a plain grey ad shaped like nothing in particular."""
    from PIL import Image

    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    for k in range(PHOTO_POOL):
        target = out / "images" / f"photo-{k:02d}.jpg"
        if not target.exists():
            G.draw_photo(target, (1800, 1200), DEFAULT_SEED + k)
    ad = out / "images" / "ad.png"
    if not ad.exists():
        Image.new("RGB", (1200, 800), (200, 200, 200)).save(ad)


# ----------------------------------------------------------------------------- measuring a page


@dataclass
class PageMeasure:
    overset_chars: int
    worst_short: int        # the most grid lines any story region or column foot is short
    fill: float             # share of the free type area holding text or photos
    clashes: int            # pairs of headlines side by side at the same height (撞题)
    seconds: float          # the page set: read, planned (when it is), made up, self-checked
    plan_seconds: float = 0.0   # of which planning
    left_off: int = 0       # stories the plan had no room for (`plan-no-room`: not on the page at all)

    @property
    def clean(self) -> bool:
        return self.overset_chars == 0 and self.left_off == 0 and self.worst_short <= CLEAN_SHORT


def measure_page(frame, style, report, seconds: float, plan_seconds: float = 0.0) -> PageMeasure:
    """What a reader and the desk would check on one finished page (see the module's docstring)."""
    import re

    from layout.page.selfcheck import index_page
    from layout.plan.clash import headlines_clash, printed_band

    page = index_page(frame, style)
    g = page.grid
    oy = page.origin[1]

    def line_of(y: float) -> int:
        return page.column_line(page.origin[0], y)[1]

    overset = sum(int(m.group(1)) for d in report.errors if d.code == "overset"
                  for m in [re.search(r"(\d+) characters", d.message)] if m)
    covered: dict[int, int] = {c: 0 for c in range(1, g.columns + 1)}   # lowest region line per column
    fixed_cells = 0
    empty_cells = 0
    worst = 0
    heads = []
    for story in page.stories:
        region = story.region
        if region is None:
            continue
        columns = page.region_columns(region)
        top = int(round((region.y - oy) / g.pitch)) + 1
        bottom = int(round((region.y + region.h - oy) / g.pitch))
        for c in columns:
            covered[c] = max(covered[c], bottom)
        if story.kind not in ("story", "continuation"):
            fixed_cells += len(columns) * (bottom - top + 1)
            continue
        last = {c: top - 1 for c in columns}
        for run in story.runs:
            for x in (run.xs[0], run.xs[-1]):
                c = page.column_of(x)
                if c in last:
                    last[c] = max(last[c], line_of(run.y))
        for image in story.images:
            for c in columns:
                if image.x < page.origin[0] + g.column_x(c) + g.column_width and page.origin[0] + g.column_x(c) < image.x + image.w:
                    last[c] = max(last[c], line_of(image.y + image.h - 0.01))
        short = min(bottom - last[c] for c in columns)   # empty across every column, as `underset` counts
        worst = max(worst, short)
        empty_cells += sum(bottom - last[c] for c in columns)
        band = printed_band(story.runs, oy, g.pitch)
        if band is not None:
            heads.append((min(columns), len(columns), band))
    foot = max(g.lines - covered[c] for c in covered)
    worst = max(worst, foot)
    empty_cells += sum(g.lines - covered[c] for c in covered)
    free = g.columns * g.lines - fixed_cells
    clashes = 0
    for i, (a_x, a_w, a_band) in enumerate(heads):   # the planner's own definition (layout/plan/clash.py)
        clashes += sum(headlines_clash(a_x, a_w, a_band, b_x, b_w, b_band) for b_x, b_w, b_band in heads[i + 1:])
    left_off = sum(d.code == "plan-no-room" for d in report.errors)
    return PageMeasure(overset, worst, 1 - empty_cells / free if free else 0.0, clashes, seconds, plan_seconds,
                       left_off)


def set_page(manifest: Path) -> PageMeasure:
    """Make up a one-page edition (planning it when its stories have no columns) and measure it."""
    from layout import pipeline
    from layout.diagnostics import Report

    report = Report()
    t0 = time.perf_counter()
    edition = pipeline.prepare(manifest, report)
    seconds = time.perf_counter() - t0
    if edition is None or not edition.frames:
        problems = "; ".join(d.format() for d in report.errors[:3])
        raise SystemExit(f"{manifest}: not set: {problems}")
    return measure_page(edition.frames[0], edition.style, report, seconds, edition.timings.get("plan", 0.0))


# ----------------------------------------------------------------------------- the table


def summary(rows: list[PageMeasure]) -> dict:
    return {
        "clean": sum(r.clean for r in rows) / len(rows),
        "clean2": sum(r.overset_chars == 0 and r.left_off == 0 and r.worst_short <= 2 for r in rows) / len(rows),
        "overset_pages": sum(r.overset_chars > 0 for r in rows),
        "overset_chars": sum(r.overset_chars for r in rows),
        "left_off_pages": sum(r.left_off > 0 for r in rows),
        "left_off": sum(r.left_off for r in rows),
        "short_pages": sum(r.worst_short > CLEAN_SHORT for r in rows),
        "fill": statistics.mean(r.fill for r in rows),
        "clashes": sum(r.clashes for r in rows),
        "median_s": statistics.median(r.seconds for r in rows),
        "max_s": max(r.seconds for r in rows),
        "plan_median_s": statistics.median(r.plan_seconds for r in rows),
        "plan_max_s": max(r.plan_seconds for r in rows),
    }


def table(planned: dict, stack: dict, pages: int, style: str) -> str:
    lines = [f"| {pages} {style} pages | planned (`layout plan`) | stacked in list order |",
             "|---|---:|---:|",
             f"| clean: 0 overset, no story left off, no region or column foot > {CLEAN_SHORT} line short | "
             f"**{planned['clean']:.0%}** | {stack['clean']:.0%} |",
             f"| the same, allowing 2 lines short (make-up warns `underset` from 3) | "
             f"{planned['clean2']:.0%} | {stack['clean2']:.0%} |",
             f"| pages with overset (characters) | {planned['overset_pages']} ({planned['overset_chars']:,}) | "
             f"{stack['overset_pages']} ({stack['overset_chars']:,}) |",
             f"| pages with a story left off (`plan-no-room`; stories) | {planned['left_off_pages']} "
             f"({planned['left_off']}) | {stack['left_off_pages']} ({stack['left_off']}) |",
             f"| pages with a region or column foot > {CLEAN_SHORT} line short | {planned['short_pages']} | "
             f"{stack['short_pages']} |",
             f"| mean fill of the free type area | {planned['fill']:.1%} | {stack['fill']:.1%} |",
             f"| headlines side by side (撞题), all pages | {planned['clashes']} | {stack['clashes']} |",
             f"| planning time per page, median (max) | {planned['plan_median_s']:.2f} s "
             f"({planned['plan_max_s']:.2f} s) | — |",
             f"| setting the page (reading, planning, make-up, self-check), median (max) | "
             f"{planned['median_s']:.2f} s ({planned['max_s']:.2f} s) | {stack['median_s']:.2f} s ({stack['max_s']:.2f} s) |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--style", default="broadsheet")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    g = style_grid(args.style)
    out = args.out
    draw_images(out, g)
    rng = random.Random(args.seed)
    editions, fills, story_counts = [], [], []
    for number in range(1, args.pages + 1):
        page, stories, share = page_set(number, rng, g)
        auto, fill = size_page(out, f"page-{number:02d}", page, stories, args.style, share)
        fills.append(fill)
        story_counts.append(stories)
        editions.append((auto, write_edition(out, f"stacked-{number:02d}", stacked(page, g), stories, args.style)))
    set_page(editions[0][1])   # fonts and caches warm before anything is timed
    planned, stack = [], []
    for number, (auto, simple) in enumerate(editions, start=1):
        planned.append(set_page(auto))
        stack.append(set_page(simple))
        p, s = planned[-1], stack[-1]
        print(f"page {number:2d}: planned {'clean' if p.clean else 'NOT clean'} (overset {p.overset_chars}, "
              f"left off {p.left_off}, "
              f"short {p.worst_short}, fill {p.fill:.0%}, 撞题 {p.clashes}, {p.seconds:.2f} s); "
              f"stacked overset {s.overset_chars}, short {s.worst_short}, fill {s.fill:.0%}", file=sys.stderr)
    print(f"story sets: {min(fills):.0%}-{max(fills):.0%} of the free type area (mean {statistics.mean(fills):.0%}), "
          f"{min(len(e) for e in story_counts)}-{max(len(e) for e in story_counts)} stories a page", file=sys.stderr)
    print(table(summary(planned), summary(stack), args.pages, args.style))
    return 0


if __name__ == "__main__":
    sys.exit(main())
