"""The planner's search beside a constraint model of the same page (OR-Tools CP-SAT).

    pip install ortools        # (the `bench` extra)
    python bench/plan_cpsat.py ISSUE.yaml [--limit SECONDS]

For each planned page of the edition: the page as the planner sees it (`layout.plan.page_model`:
fixed rectangles, stories with variants measured by the real composer), solved by the planner's
search (`layout/plan/search.py`) and by a CP-SAT model of the same page and weights: one Boolean
per variant, optional intervals over columns and grid lines, NoOverlap2D, the area as a linear
sum per variant (and bounded by the page's free area), reified constraints for 撞题 (heads side by
side overlapping), touching photos and rank order; one search worker, seed 0, a deterministic
time limit. Prints time, status and the cost of each (the same weights; CP-SAT's 撞题 is the
stricter overlap of headline zones, and it has no staggered starts). docs/planning.md has the
figures that decided for the search.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout.diagnostics import Report  # noqa: E402
from layout.manifest.load import load_manifest  # noqa: E402
from layout.model import build_issue  # noqa: E402
from layout.page.typeset import Typesetter  # noqa: E402
from layout.plan import Candidates, page_model  # noqa: E402
from layout.plan.search import (W_CLASH, W_CUT, W_DROP, W_EMPTY, W_LEAD, W_ORDER, W_PHOTOS,  # noqa: E402
                                W_STRETCH, PageModel, Placed, Solution, StoryModel, max_cut, solve_page)
from layout.style import load_style  # noqa: E402
from layout.text.normalize import normalize  # noqa: E402

W_HIGH = 1   # per grid line a story starts lower (space gathers at the foot)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest")
    ap.add_argument("--limit", type=float, default=3.0, help="CP-SAT's deterministic time limit per page")
    args = ap.parse_args(argv)
    report = Report()
    issue = build_issue(load_manifest(args.manifest, report), report, normalize=normalize)
    style = load_style(issue.style, issue.root, report, issue.style_source)
    measure = Candidates(Typesetter(style, issue.info.lang, report), issue, style)
    heads: dict = {}
    for page in issue.pages:
        if not any(pl.auto for pl in page.placements):
            continue
        pm, _stories, _fixed = page_model(issue, page, style, measure, Report(), heads)
        for name, solve in (("search", solve_page), ("cp-sat", solve_cpsat)):
            t = time.perf_counter()
            sol = solve(pm, 1.5 if name == "search" else args.limit)
            placed = [p for p in sol.placed.values() if p]
            print(f"page {page.number} {name:7s} {time.perf_counter() - t:6.2f} s  {sol.status:30s} "
                  f"placed {len(placed)}/{len(pm.stories)}  cut lines {sum(p.cut * p.variant.width for p in placed)}  "
                  f"撞题 {sol.clashes}")


def solve_cpsat(pm: PageModel, time_limit: float) -> Solution:
    """The best plan CP-SAT finds within `time_limit` (its deterministic seconds)."""
    m = cp_model.CpModel()
    cols, height = pm.columns, pm.lines + 1          # one virtual line under the foot for the last rule
    xs, ys = [], []
    for r in pm.fixed:
        xs.append(m.NewIntervalVar(r.x, r.w, r.x + r.w, ""))
        ys.append(m.NewIntervalVar(r.y, r.h, r.y + r.h, ""))
    free_area = cols * height - sum(r.w * r.h for r in pm.fixed)
    cost = []
    vars_ = {}
    for s in pm.stories:
        v = _story_vars(m, s, cols, height, cost)
        vars_[s.key] = v
        xs.append(v["xi"])
        ys.append(v["yi"])
    m.AddNoOverlap2D(xs, ys)
    areas = [vars_[s.key]["area"] for s in pm.stories]
    m.Add(sum(areas) <= free_area)   # implied by NoOverlap2D; stated, it bounds the search
    cost.append(W_EMPTY * (free_area - sum(areas)))
    _lead_and_order(m, pm, vars_, cost)
    clash_vars, touch_vars = _neighbours(m, pm, vars_, cost, height)
    m.Minimize(sum(cost))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = 0
    p.max_deterministic_time = time_limit
    p.max_time_in_seconds = max(10.0, 20 * time_limit)   # a wall-clock backstop: never a hang
    status = solver.Solve(m)
    out = Solution(seconds=solver.WallTime())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out.status = "infeasible"
        out.placed = {s.key: None for s in pm.stories}
        return out
    out.status = "planned" if status == cp_model.OPTIMAL else "best-found-within-time-limit"
    for s in pm.stories:
        v = vars_[s.key]
        chosen = [k for k, b in enumerate(v["b"]) if solver.Value(b)]
        if not chosen:
            out.placed[s.key] = None
            continue
        var = s.variants[chosen[0]]
        h = solver.Value(v["h"])
        out.placed[s.key] = Placed(var, solver.Value(v["x"]), solver.Value(v["y"]), h, max(0, var.height - h))
    out.clashes = sum(solver.Value(c) for c in clash_vars)
    out.touching = sum(solver.Value(c) for c in touch_vars)
    return out


def _story_vars(m: cp_model.CpModel, s: StoryModel, cols: int, height: int, cost: list) -> dict:
    """A story's variables: variant Booleans, position, content height, its two intervals."""
    b = [m.NewBoolVar(f"{s.key}:v{k}") for k in range(len(s.variants))]
    present = m.NewBoolVar(f"{s.key}:present")
    m.Add(sum(b) == present)
    x = m.NewIntVar(0, cols - 1, f"{s.key}:x")
    y = m.NewIntVar(0, height - 1, f"{s.key}:y")
    w = m.NewIntVar(0, cols, f"{s.key}:w")
    h = m.NewIntVar(0, height - 1, f"{s.key}:h")
    m.Add(w == sum(v.width * bv for v, bv in zip(s.variants, b)))
    if s.x_fixed is not None:
        m.Add(x == s.x_fixed)
    hv = []   # the content height per variant (0 unless chosen): keeps the area linear
    for v, bv in zip(s.variants, b):
        natural = v.height
        if s.jump_head:
            lo, hi = v.min_height, natural
        else:
            lo, hi = max(v.min_height, natural - max_cut(v)), natural + 1
        hi = min(hi, height - 1)
        if lo > hi:   # taller than the page even at its least
            m.Add(bv == 0)
            lo = hi = 0
        h_v = m.NewIntVar(0, hi, "")
        m.Add(h_v >= lo).OnlyEnforceIf(bv)
        m.Add(h_v == 0).OnlyEnforceIf(bv.Not())
        hv.append(h_v)
        if not s.jump_head:
            cut = m.NewIntVar(0, max(0, natural), "")
            m.Add(cut >= natural * bv - h_v)
            stretch = m.NewIntVar(0, 1, "")
            m.Add(stretch >= h_v - natural)
            cost.append(W_CUT * v.width * cut + W_STRETCH * v.width * stretch)
    m.Add(h == sum(hv))
    hr = m.NewIntVar(0, height, f"{s.key}:hr")
    m.Add(hr == h + present)
    xe = m.NewIntVar(0, cols, f"{s.key}:xe")
    ye = m.NewIntVar(0, height, f"{s.key}:ye")
    xi = m.NewOptionalIntervalVar(x, w, xe, present, f"{s.key}:xi")
    yi = m.NewOptionalIntervalVar(y, hr, ye, present, f"{s.key}:yi")
    area = m.NewIntVar(0, cols * height, f"{s.key}:area")
    m.Add(area == sum(v.width * (h_v + bv) for v, h_v, bv in zip(s.variants, hv, b)))
    head = m.NewIntVar(0, height, f"{s.key}:head")
    m.Add(head == sum(v.head_lines * bv for v, bv in zip(s.variants, b)))
    cost.append((W_DROP + W_DROP // (s.rank + 1)) * (1 - present))   # the lead is kept first
    cost.append(W_HIGH * y)
    return dict(b=b, present=present, x=x, y=y, w=w, h=h, xe=xe, ye=ye, xi=xi, yi=yi, area=area, head=head)


def _lead_and_order(m: cp_model.CpModel, pm: PageModel, v: dict, cost: list) -> None:
    """The lead at the top and the widest; a story ranked later neither above nor wider than one ranked before it."""
    ranked = sorted(pm.stories, key=lambda s: s.rank)
    for i, a in enumerate(ranked):
        for b in ranked[i + 1:]:
            for worse, (lhs, rhs), weight in (
                    ("above", (v[b.key]["y"], v[a.key]["y"]), W_LEAD if a.key == pm.lead else W_ORDER),
                    ("wider", (v[a.key]["w"], v[b.key]["w"]), W_LEAD if a.key == pm.lead else W_ORDER)):
                bad = m.NewBoolVar(f"{b.key}:{worse}:{a.key}")
                both = [v[a.key]["present"], v[b.key]["present"], bad.Not()]
                m.Add(lhs >= rhs).OnlyEnforceIf(both)   # b not above a / a not narrower than b, unless `bad`
                cost.append(weight * bad)


def _neighbours(m: cp_model.CpModel, pm: PageModel, v: dict, cost: list, height: int):
    """撞题 and touching photos between side-by-side neighbours: a penalty each."""
    clashes, touching = [], []
    keys = [s.key for s in pm.stories]
    zone = {s.key: _photo_zone(m, s, v[s.key], height) for s in pm.stories}
    for a in keys:
        for b in keys:
            if a == b:
                continue
            beside = m.NewBoolVar(f"{a}|{b}")     # b's left edge is a's right edge
            m.Add(v[a]["xe"] == v[b]["x"]).OnlyEnforceIf(beside)
            m.Add(v[a]["xe"] != v[b]["x"]).OnlyEnforceIf(beside.Not())
            m.AddImplication(beside, v[a]["present"])
            m.AddImplication(beside, v[b]["present"])
            on = [beside, v[a]["present"], v[b]["present"]]
            clash = m.NewBoolVar(f"{a}|{b}:clash")
            _apart(m, (v[a]["y"], v[a]["head"]), (v[b]["y"], v[b]["head"]), on + [clash.Not()])
            cost.append(W_CLASH * clash)
            clashes.append(clash)
            za, zb = zone[a], zone[b]
            if za is not None and zb is not None:
                touch = m.NewBoolVar(f"{a}|{b}:touch")
                _apart(m, za[:2], zb[:2], on + [za[2], zb[3], touch.Not()])
                cost.append(W_PHOTOS * touch)
                touching.append(touch)
        for r in pm.fixed:   # beside a fixed rectangle: its headline at its top, or a picture
            for side in ("left", "right"):
                edge = r.x if side == "left" else r.x + r.w
                beside = m.NewBoolVar("")
                m.Add((v[a]["xe"] if side == "left" else v[a]["x"]) == edge).OnlyEnforceIf(beside)
                m.Add((v[a]["xe"] if side == "left" else v[a]["x"]) != edge).OnlyEnforceIf(beside.Not())
                on = [beside, v[a]["present"]]
                if r.headline:
                    clash = m.NewBoolVar("")
                    _apart(m, (v[a]["y"], v[a]["head"]), (r.y, 3), on + [clash.Not()])
                    cost.append(W_CLASH * clash)
                    clashes.append(clash)
                if r.photo and zone[a] is not None:
                    touch = m.NewBoolVar("")
                    reaches = zone[a][2] if side == "left" else zone[a][3]
                    _apart(m, zone[a][:2], (r.y, r.h), on + [reaches, touch.Not()])
                    cost.append(W_PHOTOS * touch)
                    touching.append(touch)
    return clashes, touching


def _photo_zone(m: cp_model.CpModel, s: StoryModel, v: dict, height: int):
    """(top, lines, reaches its right edge, has a photo at its left edge) of the story's photos on
    the page, as model expressions, or None when no variant has photos."""
    if not any(var.photo_zone for var in s.variants):
        return None
    top = m.NewIntVar(0, 2 * height, "")
    size = m.NewIntVar(0, height, "")
    m.Add(top == v["y"] + sum((var.photo_zone[0] if var.photo_zone else 0) * bv for var, bv in zip(s.variants, v["b"])))
    m.Add(size == sum((var.photo_zone[1] - var.photo_zone[0] if var.photo_zone else 0) * bv
                      for var, bv in zip(s.variants, v["b"])))
    right = m.NewBoolVar("")
    m.Add(right == sum(bv for var, bv in zip(s.variants, v["b"]) if var.photo_right))
    left = m.NewBoolVar("")
    m.Add(left == sum(bv for var, bv in zip(s.variants, v["b"]) if var.photo_zone))
    return top, size, right, left


def _apart(m: cp_model.CpModel, a, b, when: list) -> None:
    """Spans [a0, a0 + a1) and [b0, b0 + b1) of grid lines do not overlap, when every literal of `when` holds."""
    (a0, a1), (b0, b1) = a, b
    first = m.NewBoolVar("")
    m.Add(a0 + a1 <= b0).OnlyEnforceIf(when + [first])
    m.Add(b0 + b1 <= a0).OnlyEnforceIf(when + [first.Not()])


if __name__ == "__main__":
    main()
