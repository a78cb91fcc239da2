"""A photo's height as the filler: the desk crops a picture a few lines taller or shorter so that
its story ends on the foot of its region, with no cut and no white.

`photo_heights(measure, pl, width, photo_width)` -> the frame heights (grid lines) the story's
photos may take at that width: each photo fills its frame, cropped around its `focus`
(`StorySetter.photo_geometry`), and no photo loses more than PHOTO_CROP_MAX of its picture.

`fit_photos(solution, alternatives)` takes the search's plan (its trace holds the page model and
the genome) and, story by story in the plan's order, tries each story's photos at the other
heights `alternatives(key, variant)` gives (measured by the real composer: `Candidates.variant`
with `photo_lines`), decoding the same genome with that shape in place of the one chosen (at the
gene's place and, again, in its lowest place, with and without its extra line); a change is kept
when the search's own judgement (`search._better`: 撞题 first, then the whole cost) prefers the
plan. -> the best plan found (the same object when nothing helped). Deterministic: a fixed order
of trials, no randomness.
"""
from __future__ import annotations

from dataclasses import replace

from PIL import Image as PILImage

from layout.model import Placement
from layout.photo import upright_size
from layout.plan.candidates import Candidates, Variant
from layout.plan.search import VERTICAL, PageModel, Solution, StoryModel, _better, _decode, _Gene, clear_caches

#: The largest share of a picture the plan may crop away (of its width when the frame is taller
#: than the picture, of its height when it is flatter). A fifth keeps a news picture's subject
#: and its setting: the focus stays in frame (`crop_around`), and the desk's usual trims (a strip
#: of sky, a margin at the side) are of that order; more turns a scene into a detail and lowers
#: the printed resolution. The photo's own proportions, rounded to whole lines, crop nothing more.
PHOTO_CROP_MAX = 0.2
#: Sweeps over the plan's photo stories (a change to one can make another's worth trying again).
SWEEPS = 2

_sizes: dict[str, tuple[int, int]] = {}


def picture_size(file) -> tuple[int, int]:
    """A photo's upright size in pixels (cached per file)."""
    key = str(file)
    if key not in _sizes:
        with PILImage.open(file) as im:
            _sizes[key] = upright_size(im)
    return _sizes[key]


def crop_share(picture: tuple[int, int], frame_w: float, frame_h: float) -> float:
    """The share of the picture (pixels w x h) cropped away when it fills a frame_w x frame_h frame."""
    frame, own = frame_w / frame_h, picture[0] / picture[1]
    return 1 - min(frame, own) / max(frame, own)


def frame_height(lines: int, grid) -> float:
    """A photo frame `lines` grid lines tall, in points (as `StorySetter.photo_geometry` sets it)."""
    return lines * grid.pitch - (grid.pitch - grid.char)


def photo_heights(measure: Candidates, pl: Placement, width: int, photo_width: int) -> list[int]:
    """The frame heights (grid lines, at least 4) the story's photos may take set `width` columns
    wide, nearest their own proportions first: every photo at each height within PHOTO_CROP_MAX."""
    from layout.page.story import photo_spans

    article = measure.article_for(pl, photo_width)
    if not article.photos or pl.photo_lines:   # the editor fixed the height
        return []
    g = measure.style.grid
    inset = g.char / 2 if pl.box else 0.0
    frames = [(picture_size(photo.file), g.span_width(a, b) - 2 * inset)
              for photo, a, b in photo_spans(article.photos, 1, width)]
    most = max(int(w / (1 - PHOTO_CROP_MAX) * size[1] / size[0] / g.pitch) + 2 for size, w in frames)
    fits = [k for k in range(4, most + 1)
            if all(crop_share(size, w, frame_height(k, g)) <= PHOTO_CROP_MAX for size, w in frames)]
    natural = sum(w * size[1] / size[0] for size, w in frames) / len(frames) / g.pitch
    return sorted(fits, key=lambda k: (abs(k - natural), k))


def fit_photos(solution: Solution, alternatives) -> Solution:
    """The plan with its photo stories' photos at the heights that make it better (the module
    docstring); `alternatives(key, variant)` -> the variant's twins with other photo heights."""
    steps, pm = solution.steps, solution.page_model
    if not steps:
        return solution
    stories = [s for s in pm.stories if s.variants]
    order = [step[0][0] for step in steps]
    genes: list[_Gene] = [_Gene(0, -1, 0)] * len(stories)
    for (i, variant, x, stretch, drop), *_rest in steps:
        genes[i] = _Gene(variant, x, stretch, drop)
    clear_caches()   # its caches are keyed by object ids: the page models made here are new objects
    best, models, decodes = solution, [pm], 0
    for _sweep in range(SWEEPS):
        better = False
        for i in order:
            s, g = stories[i], genes[i]
            placed = best.placed.get(s.key)
            if placed is None or placed.variant.photo_zone is None or s.jump_head or s.keep:
                continue
            for alt in alternatives(s.key, placed.variant):
                trial_pm = _with_shape(best.page_model, i, g, alt)
                models.append(trial_pm)   # alive while the caches may hold their ids
                trial_stories = [t for t in trial_pm.stories if t.variants]
                for trial_gene in _placings(g):
                    trial_genes = genes[:i] + [trial_gene] + genes[i + 1:]
                    trial = _decode(trial_pm, trial_stories, order, trial_genes)
                    decodes += 1
                    if _better(trial, best):
                        best, genes, better = trial, trial_genes, True
        if not better:
            break
    clear_caches()
    return adopted(best, solution, decodes)


def adopted(best: Solution, solution: Solution, decodes: int) -> Solution:
    """`best` (a plan decoded after the search) as the page's plan, with the status, decodes and
    time a search gives (`solution`, the search's own plan, when nothing better was found)."""
    if best is solution:
        solution.decodes += decodes
        return solution
    for s in solution.page_model.stories:
        best.placed.setdefault(s.key, None)
    best.status = "infeasible" if any(p is None or p.cut for p in best.placed.values()) else "planned"
    best.decodes = solution.decodes + decodes
    best.seconds = solution.seconds
    return best


def _placings(g: _Gene) -> list[_Gene]:
    """The gene as it was, then in its lowest place, then with the other extra line (its start kept)."""
    out = [g, _Gene(g.variant, -1, g.stretch, g.drop), _Gene(g.variant, g.x, 1 - g.stretch, g.drop)]
    return [o for k, o in enumerate(out) if o not in out[:k]]


def _with_shape(pm: PageModel, i: int, g: _Gene, shape: Variant) -> PageModel:
    """The page model with story i's shape chosen by gene `g` replaced by `shape`."""
    stories = [s for s in pm.stories if s.variants]
    s = stories[i]
    if g.drop == VERTICAL and g.variant < len(s.vertical) and s.vertical[g.variant] is not None:
        changed = replace(s, vertical=s.vertical[:g.variant] + (shape,) + s.vertical[g.variant + 1:])
    else:
        changed = replace(s, variants=s.variants[:g.variant] + (shape,) + s.variants[g.variant + 1:])
    return replace(pm, stories=tuple(changed if t is s else t for t in pm.stories))
