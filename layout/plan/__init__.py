"""Automatic page make-up (画版) and copyfitting: the planner places stories that have no `columns`.

API (stable: `layout plan` and the pipeline build on it)

    plan_issue(issue, style, report, ts=None, time_limit=None) -> IssuePlan
        Pure: the edition and its style in, the plan out (diagnostics into `report`). Pages with
        no auto placement are left out of the plan. `ts`: the build's Typesetter (one is made
        when None); `time_limit`: the search's budget per page in seconds of a reference machine,
        counted in decodes so that the plan is the same on any machine (default
        PLAN_TIME_LIMIT); a machine too slow for it stops at ten times that wall-clock time
        and keeps the best plan found, with a `plan-time-limit` warning.
    apply_plan(issue, plan) -> Issue
        The edition with each planned placement fixed where the plan put it (columns, lines,
        rank; its photos' widths), and the stories the plan has no room for taken off their
        page (each has its `plan-no-room` error). Make-up, self-check and overlay then run as
        for hand-placed pages.
    plan_marks(frames, plan, style) -> frames
        The frames with a preview-only `Mark("plan", …, label="排1")` on each planned region.

    IssuePlan.pages: tuple[PagePlan]; IssuePlan.copyfit: every page's advice in page order
    PagePlan: number, status ("planned" | "best-found-within-time-limit" | "infeasible"),
              placements: tuple[PlannedStory], copyfit: tuple[CopyfitAdvice],
              fill (share of the page's free grid cells taken), clashes (撞题), touching
              (photos touching), seconds (solver wall time)
    PlannedStory: article_id, rank, columns (first, last), lines (first, last) - 1-based and
              inclusive as the manifest writes them -, headline_size (字号 name such as '小一',
              or '30pt'), headline_pt, photo_width (grid columns, 0 = as the article writes),
              chars (body characters), lines_used (body column-lines its text takes),
              lines_available (column-lines its region holds for body), cut_chars, source,
              continued (a jump's continuation), vertical_head (a 竖题), photo_lines (its photos'
              frame height in grid lines the plan chose: 0 = their own proportions)
    CopyfitAdvice: article_id, action ("cut" | "jump" | "drop"), chars, lines, to_page (or
              None), source, message ("cut 185 characters (15 lines)", …), rank (a dropped story's)

How it works: docs/planning.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from layout.diagnostics import Report, Source
from layout.model import Issue, PageSpec, Placement
from layout.page.jumps import slot_chars
from layout.page.chrome import masthead_span
from layout.page.frames import Mark, PageFrame
from layout.plan.candidates import MIN_COLUMN_LINES, Candidates, Variant, with_photo_lines, without_last_chars
from layout.plan.candidates import planned_here as _planned_here
from layout.plan.clash import band_at, headlines_clash, side_by_side
from layout.plan.photofit import fit_photos, photo_heights
from layout.plan.seeds import reseed
from layout.plan.search import PageModel, Rect, Solution, StoryModel, solve_page
from layout.spans import span_fits
from layout.style import SIZE_NAMES, Style
from layout.wording import counted

#: The search's budget per page, in seconds of a reference machine (counted in decodes, the same on
#: every machine, so that a plan never depends on the machine's speed: layout/plan/search.py).
PLAN_TIME_LIMIT = 1.5


@dataclass(frozen=True)
class PlannedStory:
    article_id: str
    rank: int
    columns: tuple[int, int]
    lines: tuple[int, int]
    headline_size: str
    headline_pt: float
    photo_width: int
    chars: int
    lines_used: int
    lines_available: int
    cut_chars: int = 0
    source: Source | None = None
    continued: bool = False   # the continuation of a jump (its head is on another page)
    vertical_head: bool = False   # its headline group set as a 竖题 (`headline_direction: vertical`)
    photo_lines: int = 0          # its photos' frame height in grid lines the plan chose (0: their proportions)


@dataclass(frozen=True)
class CopyfitAdvice:
    article_id: str
    action: str
    chars: int
    lines: int
    to_page: int | None
    source: Source | None
    message: str
    rank: int | None = None   # the story's rank on its page (a story dropped from it is in no PlannedStory)


@dataclass(frozen=True)
class PagePlan:
    number: int
    status: str
    placements: tuple[PlannedStory, ...]
    copyfit: tuple[CopyfitAdvice, ...] = ()
    fill: float = 1.0
    clashes: int = 0
    touching: int = 0
    seconds: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class IssuePlan:
    pages: tuple[PagePlan, ...]

    @property
    def copyfit(self) -> tuple[CopyfitAdvice, ...]:
        return tuple(a for page in self.pages for a in page.copyfit)

    def page(self, number: int) -> PagePlan | None:
        return next((p for p in self.pages if p.number == number), None)


def has_auto(issue: Issue) -> bool:
    """Whether any placement of the edition waits for the planner."""
    return any(pl.auto for page in issue.pages for pl in page.placements)


def plan_issue(issue: Issue, style: Style, report: Report, ts=None, time_limit: float | None = None) -> IssuePlan:
    """Plan every page that has placements without `columns` (see the module docstring)."""
    if ts is None:
        from layout.page.typeset import Typesetter

        ts = Typesetter(style, issue.info.lang, Report())
    measure = Candidates(ts, issue, style)
    pages = []
    heads: dict[str, tuple] = {}   # article -> (page, placement, width, content lines, photo width, lead)
    for page in issue.pages:
        if any(pl.auto for pl in page.placements):
            pages.append(_plan_page(issue, _unique_ranks(page), style, measure, report, time_limit or PLAN_TIME_LIMIT,
                                    heads))
    return IssuePlan(tuple(pages))


def _unique_ranks(page: PageSpec) -> PageSpec:
    """The page with a rank given twice (`duplicate-rank`) made unique: a planned story whose rank
    an earlier story of the page has takes the next rank no story has, so it comes after it (and
    is measured, planned and made up as that rank: one lead)."""
    given = {pl.rank for pl in page.placements if pl.rank}
    seen = {pl.rank for pl in page.placements if pl.rank and not _planned_here(pl)}   # fixed stories keep theirs
    placements = []
    for pl in page.placements:
        if pl.rank and _planned_here(pl) and pl.kind == "article" and not pl.continued:
            rank = pl.rank
            while rank in seen or (rank != pl.rank and rank in given):
                rank += 1
            seen.add(rank)
            given.add(rank)
            pl = pl if rank == pl.rank else replace(pl, rank=rank)
        placements.append(pl)
    return replace(page, placements=tuple(placements))


# ----------------------------------------------------------------------------- one page


@dataclass
class _Story:
    """A story the planner places: its placement, rank, variants and limits."""

    pl: Placement
    key: str
    rank: int
    variants: list[Variant]
    x_fixed: int | None = None


def _plan_page(issue: Issue, page: PageSpec, style: Style, measure: Candidates, report: Report,
               time_limit: float, heads: dict[str, tuple]) -> PagePlan:
    pm, stories, fixed = page_model(issue, page, style, measure, report, heads)
    solution = solve_page(pm, time_limit, lambda: page_model(issue, page, style, measure, Report(), heads,
                                                             vertical=True)[0])
    if solution.status != "best-found-within-time-limit" and not clean(solution):
        solution = reseed(solution)   # guillotine pages the annealing may not reach (plan/seeds.py)
    if solution.status != "best-found-within-time-limit" and not clean(solution):
        solution = fit_photos(solution, _photo_alternatives(page, stories, measure, style))
    for s in stories:   # jump heads: where their text goes on is known now
        p = solution.placed.get(s.key)
        if p is not None and s.pl.continue_on and not s.pl.continued:
            heads[s.pl.article] = (page, s.pl, p.variant.width, p.height, p.variant.photo_width, s.rank == 1)
    return _page_plan(issue, page, style, measure, stories, fixed, solution, report)


def clean(solution: Solution) -> bool:
    """Whether a plan needs nothing more: no story cut or left off, no column left white, no
    region's foot white by more than a line."""
    return solution.holes == 0 and not any(p is None or p.cut or p.variant.slack + p.height - p.variant.height > 1
                                           for p in solution.placed.values())


def _photo_alternatives(page: PageSpec, stories: list[_Story], measure: Candidates, style: Style):
    """For `plan.photofit`: (story key, its variant) -> the variant with its photos at each other
    height the crop bound allows (`photofit.photo_heights`), measured by the real composer."""
    by_key = {s.key: s for s in stories}

    def alternatives(key: str, v: Variant) -> list[Variant]:
        s = by_key[key]
        if s.pl.kind != "article" or s.pl.continued:
            return []
        out = []
        for lines in photo_heights(measure, s.pl, v.width, v.photo_width):
            alt = measure.variant(page, s.pl, v.width, v.photo_width, s.rank == 1, vertical=v.vertical_head,
                                  photo_lines=lines)
            if alt is not None and alt.height != v.height and alt.min_height <= style.grid.lines:
                out.append(alt)
        return out

    return alternatives


def page_model(issue: Issue, page: PageSpec, style: Style, measure: Candidates, report: Report,
               heads: dict[str, tuple], vertical: bool = False) -> tuple[PageModel, list[_Story], list[Rect]]:
    """The page as the search sees it: its fixed rectangles and its stories with their measured
    variants (also what bench/plan_cpsat.py hands to the constraint model it compares); with
    `vertical`, each story's 竖题 twins too (`search.solve_page`'s second search)."""
    g = style.grid
    fixed = _fixed_rects(issue, page, style, measure)
    ranks = _ranks(issue, page, style)
    lead = _lead_key(page, ranks)
    stories = []
    for k, pl in enumerate(page.placements):
        if _planned_here(pl) and pl.kind != "article" and pl.photo is not None:
            stories.append(_Story(pl, f"s{k}", CONTINUATION_RANK, [measure.picture(pl)], pl.columns[0] - 1))
            continue
        if not _planned_here(pl) or pl.article not in issue.articles:
            continue
        widths = _widths(pl, g.columns, report) if pl.auto else range(pl.columns[1] - pl.columns[0] + 1,
                                                                         pl.columns[1] - pl.columns[0] + 2)
        if pl.continued:
            variants = _continuation_variants(issue, pl, widths, measure, heads, style)
            stories.append(_Story(pl, f"s{k}", CONTINUATION_RANK, variants, None if pl.auto else pl.columns[0] - 1))
            continue
        photo_widths = _photo_widths(issue, pl, widths, report)
        is_lead = ranks[id(pl)] == 1
        variants = [v for v in measure.variants(page, pl, widths, photo_widths, is_lead, vertical)
                    if v.min_height <= g.lines]
        roomy = [v for v in variants if v.body_lines >= MIN_COLUMN_LINES * v.width]
        variants = roomy or sorted(variants, key=lambda v: v.width)[:1]
        if is_lead and style.headline_scale is not None:   # a lead as wide as the hierarchy's lead
            wide = [v for v in variants if v.width >= min(style.headline_scale.lead_min_columns, g.columns)]
            variants = wide or variants
        stories.append(_Story(pl, f"s{k}", ranks[id(pl)], variants, None if pl.auto else pl.columns[0] - 1))
    pm = PageModel(g.columns, g.lines, tuple(fixed),
                   tuple(StoryModel(s.key, s.rank, shapes, jump_head=bool(s.pl.continue_on),
                                    x_fixed=s.x_fixed, keep=s.pl.continued, vertical=twins)
                         for s in stories for shapes, twins in [_with_vertical_twins(s.variants)]),
                   lead=next((s.key for s in stories if id(s.pl) == lead), None))
    return pm, stories, fixed


def _with_vertical_twins(variants: list[Variant]) -> tuple[tuple[Variant, ...], tuple[Variant | None, ...]]:
    """A story's variants as the search takes them: its shapes with the headline across (or as the
    editor set it), and beside each its twin with a 竖题 (None when it has none): the search chooses
    the 竖题 as a way to keep clear of the headline beside it (`search.VERTICAL`), not as a shape."""
    shapes = [v for v in variants if not v.vertical_head] or list(variants)
    twins = {(v.width, v.photo_width): v for v in variants if v.vertical_head and v not in shapes}
    return tuple(shapes), tuple(twins.get((v.width, v.photo_width)) for v in shapes)


#: A continuation's place in the page's reading order: after the page's own stories.
CONTINUATION_RANK = 99


def _continuation_variants(issue: Issue, pl: Placement, widths: range, measure: Candidates,
                           heads: dict[str, tuple], style: Style) -> list[Variant]:
    """A jump's continuation at each width: holding exactly what its head hands on (the head
    planned on an earlier page, or fixed with columns and lines); when the head is made up
    after this page, the whole text as the most it may need."""
    head = heads.get(pl.article) or _fixed_head(issue, pl, measure, style)
    if head is not None:
        page, head_pl, width, lines, photo_width, is_lead = head
        remainder = measure.remainder(page, head_pl, width, photo_width, is_lead, lines)
        from_page = page.number
    else:
        from_page = next((p.number for p in issue.pages for o in p.placements
                          if o.article == pl.article and not o.continued), 0)
        remainder = tuple(measure.setter.body_slots(issue.articles[pl.article]))
    variants = [measure.continuation(pl, w, remainder, from_page) for w in widths]
    roomy = [v for v in variants if v.body_lines >= MIN_COLUMN_LINES * v.width and v.height <= style.grid.lines]
    return roomy or sorted(variants, key=lambda v: v.width)[:1]


def _fixed_head(issue: Issue, pl: Placement, measure: Candidates, style: Style):
    """The head of `pl`'s jump when it is fixed (columns and lines) on another page, as `heads` holds them."""
    from layout.page.hierarchy import lead_story

    for page in issue.pages:
        for o in page.placements:
            if o.article == pl.article and not o.continued and o.continue_on and o.columns and o.lines:
                scale = style.headline_scale
                is_lead = lead_story(page, issue, scale.lead_min_columns if scale else 1) is o
                return page, o, o.columns[1] - o.columns[0] + 1, o.lines[1] - o.lines[0] + 1, 0, is_lead
    return None


def _fixed_rects(issue: Issue, page: PageSpec, style: Style, measure: Candidates) -> list[Rect]:
    """The page's fixed rectangles: the masthead band and the placements with columns and lines
    (of a rectangle that overlaps an earlier one, the part outside it: make-up reports the
    `overlap`, and the plan keeps clear of both); a fixed story's carries its headline band."""

    g = style.grid
    rects: list[Rect] = []
    fixed = [pl for pl in page.placements if not pl.auto and pl.lines and span_fits(pl, g)]
    for pl in fixed:
        foot = 1 if pl.lines[1] == g.lines else 0   # the virtual rule line under the foot
        headline = pl.kind == "article" and not pl.continued and pl.article in issue.articles
        width = pl.columns[1] - pl.columns[0] + 1
        band = None
        if headline:
            least = style.headline_scale.lead_min_columns if style.headline_scale else 1
            is_lead = pl.rank == 1 or (pl.rank is None and width >= least
                                       and not any(o.rank == 1 for o in page.placements))
            band = measure.head_band(page, pl, width, is_lead)
        r = Rect(pl.columns[0] - 1, pl.lines[0] - 1, width, pl.lines[1] - pl.lines[0] + 1 + foot,
                 photo=pl.kind == "picture", headline=headline, band=band)
        rects.extend(_outside(r, rects))
    if page.masthead:
        band = style.masthead_lines
        taken = {c for pl in fixed if pl.lines[0] <= band for c in range(pl.columns[0], pl.columns[1] + 1)}
        free = [c for c in range(1, g.columns + 1) if c not in taken] or [1]
        first, last = masthead_span(free)
        rects.append(Rect(first - 1, 0, last - first + 1, band))
    return rects


def _meet(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def _outside(r: Rect, others: list[Rect]) -> list[Rect]:
    """`r` cut into rectangles that meet none of `others` (bands above and below each one it
    meets, then the parts beside it); only the topmost piece keeps `r`'s headline."""
    pieces = [r]
    for o in others:
        out = []
        for p in pieces:
            if not _meet(p, o):
                out.append(p)
                continue
            top, bottom = max(p.y, o.y), min(p.y + p.h, o.y + o.h)
            left, right = max(p.x, o.x), min(p.x + p.w, o.x + o.w)
            cut = [Rect(p.x, p.y, p.w, top - p.y, p.photo, p.headline, p.band),
                   Rect(p.x, bottom, p.w, p.y + p.h - bottom, p.photo, p.headline and top == p.y,
                        p.band if top == p.y else None),
                   Rect(p.x, top, left - p.x, bottom - top, p.photo, p.headline and top == p.y,
                        p.band if top == p.y else None),
                   Rect(right, top, p.x + p.w - right, bottom - top, p.photo, p.headline and top == p.y,
                        p.band if top == p.y else None)]
            out.extend(c for c in cut if c.w > 0 and c.h > 0)
        pieces = out
    return pieces


def _ranks(issue: Issue, page: PageSpec, style: Style) -> dict[int, int]:
    """Each auto story's rank (by id of its placement): its `rank:`, else the next free rank in
    list order. The first gets rank 1 (the lead) unless a story has `rank: 1` or a fixed story
    without rank may be the lead by its width (`page.hierarchy`: at least `lead_min_columns`)."""
    taken = {pl.rank for pl in page.placements if pl.rank}
    least = style.headline_scale.lead_min_columns if style.headline_scale else 1
    open_fixed = any(not _planned_here(pl) and pl.kind == "article" and not pl.continued and pl.rank is None
                     and pl.article in issue.articles and pl.columns[1] - pl.columns[0] + 1 >= least
                     for pl in page.placements)
    counter = 1 if 1 not in taken and not open_fixed else max(taken | {1}) + 1
    out = {}
    for pl in page.placements:
        if not _planned_here(pl) or pl.continued or pl.kind != "article":
            continue
        if pl.rank:
            out[id(pl)] = pl.rank
            continue
        while counter in taken:
            counter += 1
        out[id(pl)] = counter
        taken.add(counter)
    return out


def _lead_key(page: PageSpec, ranks: dict[int, int]) -> int | None:
    """The id of the placement that leads the page, when it is an auto one."""
    for pl in page.placements:
        if pl.kind == "article" and not pl.continued and (ranks.get(id(pl)) if _planned_here(pl) else pl.rank) == 1:
            return id(pl) if _planned_here(pl) else None
    return None


def _widths(pl: Placement, columns: int, report: Report) -> range:
    """The widths (grid columns) the story may take: its `width:` within the grid."""
    if pl.width is None:
        return range(1, columns + 1)
    lo, hi = pl.width
    if hi > columns:
        report.error("width-too-wide", f"'{pl.label}' asks for width {hi if lo == hi else [lo, hi]}, but the page "
                     f"has {counted(columns, 'column')}", pl.span_sources.get("width") or pl.source,
                     f"give at most {columns}, e.g. 'width: [{max(1, min(lo, columns))}, {columns}]'")
    return range(max(1, min(lo, columns)), max(1, min(hi, columns)) + 1)   # a width under 1: the schema said


def _photo_widths(issue: Issue, pl: Placement, widths: range, report: Report) -> list[int] | None:
    """The photo widths to try (None: each photo as its `columns:` says, at most the story's width)."""
    article = issue.articles[pl.article]
    if not article.photos:
        return None
    where = pl.span_sources.get("photo_width") or pl.source
    if pl.photo_width is None:
        for photo in article.photos:
            if photo.columns > widths[-1]:
                report.warning("photo-too-wide", f"a photo of '{pl.label}' asks for {counted(photo.columns, 'column')}, "
                               f"but the story is at most {counted(widths[-1], 'column')} wide: it is set "
                               f"{widths[-1]} wide", photo.source,
                               f"give the photo columns: {widths[-1]} or less, or the story a wider width")
        return None
    lo, hi = pl.photo_width
    if lo > widths[-1]:
        report.error("photo-too-wide", f"'{pl.label}' asks for photos {counted(lo, 'column')} wide, but the story "
                     f"is at most {counted(widths[-1], 'column')} wide", where,
                     f"give photo_width {widths[-1]} or less, or the story a wider width")
    return list(range(max(1, min(lo, widths[-1])), max(1, min(hi, widths[-1])) + 1))


# ----------------------------------------------------------------------------- the solution, read


def _page_plan(issue: Issue, page: PageSpec, style: Style, measure: Candidates, stories: list[_Story],
               fixed: list[Rect], solution: Solution, report: Report) -> PagePlan:
    g = style.grid
    placed = {s.key: solution.placed.get(s.key) for s in stories}
    rects = [Rect(p.x, p.y, p.variant.width, p.height + 1, photo=s.pl.kind == "picture")
             for s in stories for p in [placed[s.key]] if p]
    out, advice = [], []
    later = [p.number for p in issue.pages if p.number > page.number]
    for s in stories:
        p = placed[s.key]
        if p is None:
            advice.append(_dropped(s, page, later, report))
            continue
        v = p.variant
        below = any(o is not None and o.y == p.y + p.height + 1 and o.x < p.x + v.width and p.x < o.x + o.w
                    for o in [r for r in rects + fixed if not r.photo and not (r.x == p.x and r.y == p.y)])
        last = min(p.y + p.height + (1 if below else 0), g.lines)
        cut_chars = 0
        jumped = None   # body lines a jump head hands on
        if s.pl.continue_on and not s.pl.continued and p.height < v.height:
            advice.append(_jump(s, page, measure, p))
            jumped = advice[-1].lines
        if p.cut:
            a = _cut(s, page, measure, p)
            advice.append(a)
            cut_chars = a.chars
            report.warning("copyfit", f"'{s.pl.article}' on page {page.number} is too long for the page: {a.message} "
                           "to fit its planned region", s.pl.source,
                           "cut that much from its end (the least cut that fits), or move a story to another page")
        body_room = (p.height - (v.height - _body_rows(v))) * v.width if jumped is None else v.body_lines - jumped
        out.append(PlannedStory(s.pl.label, s.rank, (p.x + 1, p.x + v.width), (p.y + 1, last),
                                size_name(v.headline_pt) if v.headline_pt else "", v.headline_pt, v.photo_width,
                                v.chars, v.body_lines, max(body_room, 0), cut_chars, s.pl.source, s.pl.continued,
                                v.vertical_head, v.photo_lines))
    free = g.columns * (g.lines + 1) - sum(r.w * r.h for r in fixed)
    used = sum(r.w * r.h for r in rects)
    status = solution.status
    if status == "best-found-within-time-limit":
        report.warning("plan-time-limit", f"page {page.number}: the planner kept the best plan it found in its "
                       "time; a better one may exist", page.source,
                       "give the page fewer stories, or fix a story's columns and lines yourself")
    if solution.clashes:
        _warn_pairs(report, "plan-headline-clash", page, solution.clashes, _clash_pairs(stories, placed, fixed),
                    "of headlines stand side by side at the same height (撞题)", "a fixed story",
                    "fix one story's place (columns and lines), or give the page fewer stories")
    if solution.touching:
        _warn_pairs(report, "plan-photos-touching", page, solution.touching, _touching_pairs(stories, placed, fixed),
                    "of photos touch across a gutter", "a fixed picture",
                    "give one story a narrower photo_width or fix its place, or give the page fewer photos")
    return PagePlan(page.number, status, tuple(out), tuple(advice), used / free if free else 1.0,
                    solution.clashes, solution.touching, solution.seconds)


def _warn_pairs(report: Report, code: str, page: PageSpec, count: int, pairs: list, what: str, fixed_name: str,
                hint: str) -> None:
    """One warning for a page's pairs (撞题, touching photos), naming each pair, at the first pair's
    later-ranked story (at the page when the pairs cannot be named)."""
    names = "; ".join(f"'{a.pl.label}' beside " + (f"'{b.pl.label}'" if b else fixed_name) for a, b in pairs)
    report.warning(code, f"page {page.number}: {counted(count, 'pair')} {what}" + (f": {names}" if names else ""),
                   pairs[0][0].pl.source if pairs else page.source, hint)


def _clash_pairs(stories: list[_Story], placed: dict, fixed: list[Rect]) -> list[tuple[_Story, _Story | None]]:
    """The headlines the search counted as side by side at the same height (撞题), by name: (the
    story ranked later, the story or None for a fixed one beside it), as layout/plan/search.py counts them."""
    on_page = [(s, p) for s in stories for p in [placed[s.key]] if p is not None]
    pairs: list[tuple[_Story, _Story | None]] = []
    for i, (a, p) in enumerate(on_page):
        band = band_at(p.y, p.variant.head_band)
        for b, q in on_page[i + 1:]:
            if headlines_clash(p.x, p.variant.width, band, q.x, q.variant.width, band_at(q.y, q.variant.head_band)):
                pairs.append((b, a) if b.rank >= a.rank else (a, b))
        for f in fixed:
            if headlines_clash(p.x, p.variant.width, band, f.x, f.w, band_at(f.y, f.band)):
                pairs.append((a, None))
    return pairs


def _touching_pairs(stories: list[_Story], placed: dict, fixed: list[Rect]) -> list[tuple[_Story, _Story | None]]:
    """The photos the search counted as touching across a gutter, by story: (the story ranked later,
    the story or None for a fixed picture beside it), as layout/plan/search.py counts them."""
    from layout.plan.search import _overlap

    def zone(p):
        return (p.y + p.variant.photo_zone[0], p.y + p.variant.photo_zone[1])

    on_page = [(s, p) for s in stories for p in [placed[s.key]] if p is not None and p.variant.photo_zone]
    pairs: list[tuple[_Story, _Story | None]] = []
    for i, (a, p) in enumerate(on_page):
        for b, q in on_page[i + 1:]:
            left = p if p.x < q.x else q
            if side_by_side(p.x, p.variant.width, q.x, q.variant.width) and left.variant.photo_right and \
                    _overlap(zone(p), zone(q)):
                pairs.append((b, a) if b.rank >= a.rank else (a, b))
        for f in fixed:
            if f.photo and side_by_side(p.x, p.variant.width, f.x, f.w) and \
                    _overlap(zone(p), (f.y, f.y + f.h)) and (p.variant.photo_right or f.x < p.x):
                pairs.append((a, None))
    return pairs


def _body_rows(v: Variant) -> int:
    """Grid lines the body takes in a variant's natural height (per column)."""
    return -(-v.body_lines // v.width) if v.width else 0


def _cut(s: _Story, page: PageSpec, measure: Candidates, p) -> CopyfitAdvice:
    """The exact cut that makes the story fit `p.height` lines at its width: the fewest characters
    from the end of its text after which the real composer sets it in that height."""
    article = measure.article_for(s.pl, p.variant.photo_width, photo_lines=p.variant.photo_lines)
    v = p.variant
    is_lead = s.rank == 1

    def fits(n: int) -> Variant | None:
        cut = measure.variant(page, s.pl, v.width, v.photo_width, is_lead, article=without_last_chars(article, n),
                              vertical=v.vertical_head, photo_lines=v.photo_lines)
        return cut if cut.height <= p.height else None

    lo, hi = 1, v.chars
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    after = fits(lo)
    lines = v.body_lines - (after.body_lines if after else 0)
    return CopyfitAdvice(s.pl.article, "cut", lo, lines, None, s.pl.source,
                         f"cut {counted(lo, 'character')} ({counted(lines, 'line')})")


def _jump(s: _Story, page: PageSpec, measure: Candidates, p) -> CopyfitAdvice:
    """What a jump head hands on to its page: the characters and lines that continue there."""
    rest = measure.remainder(page, s.pl, p.variant.width, p.variant.photo_width, s.rank == 1, p.height)
    chars, lines = slot_chars(rest), len(rest)
    return CopyfitAdvice(s.pl.article, "jump", chars, lines, s.pl.continue_on, s.pl.source,
                         f"jump to page {s.pl.continue_on} ({counted(chars, 'character')}, {counted(lines, 'line')})")


def _dropped(s: _Story, page: PageSpec, later: list[int], report: Report) -> CopyfitAdvice:
    """A story the page has no room for: `plan-no-room`, and where it can go."""
    to = later[0] if later else None
    v = min(s.variants, key=lambda v: v.height) if s.variants else None
    lines = v.body_lines if v else 0
    chars = v.chars if v else 0
    where = f"drop to page {to}" if to else "drop to the next edition"
    message = f"{where} ({counted(chars, 'character')}, {counted(lines, 'line')})"
    report.error("plan-no-room", f"'{s.pl.label}' on page {page.number}: no room for it on the page: {message}",
                 s.pl.source, f"move it to page {to}'s stories, cut it, or give the page fewer stories" if to else
                 "cut it or the other stories of the page, or hold it for another edition")
    return CopyfitAdvice(s.pl.label, "drop", chars, lines, to, s.pl.source, message, s.rank)


def size_name(pt: float) -> str:
    """A headline size as a 字号 name ('小一'), or in points when no name has it ('30pt')."""
    return next((name for name, size in SIZE_NAMES.items() if abs(size - pt) < 0.01), f"{pt:g}pt")


# ----------------------------------------------------------------------------- back into the edition


def apply_plan(issue: Issue, plan: IssuePlan) -> Issue:
    """The edition with the plan's regions as ordinary fixed placements (see the module docstring)."""
    planned = {p.number: p for p in plan.pages}
    articles = dict(issue.articles)
    pages = []
    for page in issue.pages:
        pp = planned.get(page.number)
        if pp is None:
            pages.append(page)
            continue
        by_id: dict[tuple[str, bool], list[PlannedStory]] = {}
        for s in pp.placements:   # in placement order: an article placed twice (an error) gets each once
            by_id.setdefault((s.article_id, s.continued), []).append(s)
        placements = []
        for pl in page.placements:
            if not _planned_here(pl):
                placements.append(pl)
                continue
            found = by_id.get((pl.label, pl.continued))
            s = found.pop(0) if found else None
            if s is None:
                continue   # no room: `plan-no-room` says where it goes
            rank = s.rank if pl.kind == "article" and not pl.continued else None
            direction = "vertical" if s.vertical_head else pl.headline_direction
            placements.append(replace(pl, columns=s.columns, lines=s.lines, rank=rank, planned=True,
                                      headline_direction=direction))
            article = articles.get(pl.article)
            if s.photo_width and article is not None and article.photos:
                article = articles[pl.article] = replace(article, photos=tuple(replace(ph, columns=s.photo_width)
                                                                               for ph in article.photos))
            if (s.photo_lines or pl.photo_lines) and article is not None and article.photos:   # the plan's, or the editor's
                articles[pl.article] = with_photo_lines(article, s.photo_lines or pl.photo_lines)
        pages.append(replace(page, placements=tuple(placements)))
    return replace(issue, pages=tuple(pages), articles=articles)


def plan_marks(frames: tuple[PageFrame, ...], plan: IssuePlan, style: Style) -> tuple[PageFrame, ...]:
    """Each planned region tagged with its rank for the preview overlay (`Mark('plan')`)."""
    g = style.grid
    by_page = {p.number: p for p in plan.pages}
    out = []
    for frame in frames:
        pp = by_page.get(frame.number)
        if pp is None:
            out.append(frame)
            continue
        marks = tuple(Mark("plan", style.margin_left + g.column_x(s.columns[0]),
                           style.margin_top + (s.lines[0] - 1) * g.pitch, g.span_width(*s.columns),
                           (s.lines[1] - s.lines[0] + 1) * g.pitch, "排续" if s.continued else f"排{s.rank}")
                      for s in pp.placements if s.headline_size or s.continued)   # pictures and ads: no rank
        out.append(replace(frame, items=frame.items + marks))
    return tuple(out)
