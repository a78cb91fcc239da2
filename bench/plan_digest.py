"""The planner's search, page by page, as a digest to compare two versions of the code, and its CPU.

A change meant to make the search faster must leave every plan as it was: the same placements,
cost and status, bit for bit. This tool takes the page models once (the measuring of the
stories is not what it compares) and hands them to `layout.plan.search.solve_page` of whichever
code is on PYTHONPATH:

- `capture EDITIONS_DIR MODELS.pkl`: plans each `page-*.yaml` edition in the folder (the ones
  bench/bench_plan.py writes) up to its search and keeps the page models the search is given
  (headlines across, and with the 竖题 twins, as the second search would get them);
- `solve MODELS.pkl DIGEST.json`: runs the search on each page model and writes, per page, the
  plan (every story's variant, place, height and cut), its cost, 撞题, touching photos, white
  columns, decodes and status, with the CPU (process time) each search took; prints the CPU's
  median, maximum and the pages over 2 s;
- `plan EDITIONS_DIR`: the CPU of the whole planning of each edition's page (measuring the
  stories' shapes and searching), as bench/bench_plan.py's editions are planned by `layout`;
- `compare A.json B.json`: the pages whose plans differ (exit status 1 if any). A page whose
  search the wall clock stopped (status `best-found-within-time-limit`: the machine was too
  loaded for the budget) has a plan that depends on the load: run it again before judging.

Run main's code and yours alternately for figures on a shared machine, e.g.
`PYTHONPATH=/work/main nice python bench/plan_digest.py solve M.pkl /tmp/main.json`.
"""
from __future__ import annotations

import json
import pickle
import statistics
import sys
import time
from pathlib import Path

OVER = 2.0   # seconds of CPU a broadsheet page's plan should stay within (issue #16)


class _Captured(Exception):
    """Raised once the page model is in hand: the rest of the build is not needed."""


def capture(editions: Path, out: Path) -> None:
    """Each edition's page models (across, with 竖题 twins) and time limit, pickled together (one
    pickle keeps the objects the two models share shared, as the search sees them)."""
    import layout.plan as plan
    from layout import pipeline
    from layout.diagnostics import Report

    models = []

    def record(pm, time_limit, with_vertical=None):
        models.append((pm, with_vertical() if with_vertical else None, time_limit))
        raise _Captured

    plan.solve_page = record
    names = sorted(editions.glob("page-*.yaml"))
    for manifest in names:
        try:
            pipeline.prepare(manifest, Report())
        except _Captured:
            pass
        print(f"{manifest.name}: {len(models)} page models", file=sys.stderr)
    out.write_bytes(pickle.dumps([(m.name, *models[k]) for k, m in enumerate(names)]))


def plan_cpu(editions: Path) -> None:
    """The CPU (process and children) `plan_issue` takes on each `page-*.yaml` edition, measuring
    its stories and searching, each page in this one process after a first page planned untimed
    (fonts and caches warm); prints the median, the maximum and the pages over 2 s."""
    import os

    import layout.pipeline as pipeline
    from layout.diagnostics import Report

    plan_issue, cpus = pipeline.plan_issue, {}

    def timed(*args, **kwargs):
        t0 = os.times()
        plan_issue(*args, **kwargs)
        t1 = os.times()
        cpus[current] = sum(t1[:4]) - sum(t0[:4])
        raise _Captured

    pipeline.plan_issue = timed
    names = sorted(editions.glob("page-*.yaml"))
    for current in [names[0]] + names:
        try:
            pipeline.prepare(current, Report())
        except _Captured:
            pass
    slow = [name.name for name, cpu in cpus.items() if cpu > OVER]
    print(f"{len(cpus)} pages planned: CPU median {statistics.median(cpus.values()):.2f} s, "
          f"max {max(cpus.values()):.2f} s, over {OVER:g} s: {len(slow)} {slow}")


def digest(solution) -> dict:
    """A plan as plain data, every number as its repr (bit for bit)."""
    placed = {key: None if p is None else repr(p) for key, p in sorted(solution.placed.items())}
    return {"placed": placed, "cost": repr(solution.cost), "holes": repr(solution.holes),
            "clashes": solution.clashes, "touching": solution.touching, "decodes": solution.decodes,
            "status": solution.status}


def solve(models: Path, out: Path) -> None:
    from layout.plan.search import solve_page

    rows = {}
    for name, pm, vertical, time_limit in pickle.loads(models.read_bytes()):
        t0 = time.process_time()
        solution = solve_page(pm, time_limit, (lambda v=vertical: v) if vertical is not None else None)
        cpu = time.process_time() - t0
        rows[name] = {"cpu": cpu, **digest(solution)}
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    cpus = [r["cpu"] for r in rows.values()]
    slow = [name for name, r in rows.items() if r["cpu"] > OVER]
    stopped = [name for name, r in rows.items() if r["status"] == "best-found-within-time-limit"]
    print(f"{len(cpus)} pages: CPU total {sum(cpus):.1f} s, median {statistics.median(cpus):.2f} s, "
          f"max {max(cpus):.2f} s, over {OVER:g} s: {len(slow)} {slow}")
    if stopped:   # the wall clock's backstop ended these searches: their plans depend on the machine's load
        print(f"stopped by the wall clock (machine too loaded; plan not comparable): {stopped}")


def compare(a: Path, b: Path) -> int:
    left, right = json.loads(a.read_text()), json.loads(b.read_text())
    differ = [name for name in sorted(set(left) | set(right))
              if {k: v for k, v in left.get(name, {}).items() if k != "cpu"} !=
              {k: v for k, v in right.get(name, {}).items() if k != "cpu"}]
    print(f"{len(left)} and {len(right)} pages; plans differ on {len(differ)}: {differ}")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "capture":
        capture(Path(argv[1]), Path(argv[2]))
    elif len(argv) == 3 and argv[0] == "solve":
        solve(Path(argv[1]), Path(argv[2]))
    elif len(argv) == 2 and argv[0] == "plan":
        plan_cpu(Path(argv[1]))
    elif len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
