"""Benchmark of the paragraph composer: Han characters composed per second on one core.

Takes: nothing (optional --paragraphs N, --measure EM, --size PT, --profile).
Returns: prints characters/second for a long synthetic news text (paragraphs of
80–400 characters: Han with punctuation, quotes, numbers, Latin words) set at
a 13-em measure at 9 pt with the fixed test metrics. Run with
`python bench/bench_compose.py`.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout.text.compose import ComposeSettings, Run, compose_paragraph  # noqa: E402
from layout.text.testing import style  # noqa: E402

HAN = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
       "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
       "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命"
       "此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老")
MARKS_AFTER = ("，", "，", "，", "。", "、", "；", "：", "？", "！", "。”", "”，")


def paragraph(rng: random.Random) -> str:
    out = []
    length = rng.randint(80, 400)
    size = 0
    while size < length:
        r = rng.random()
        if r < 0.04:
            out.append(f"{rng.randint(1, 2030)}年")
        elif r < 0.06:
            out.append(rng.choice(("GDP", "5G", "iPhone", "AI", "50%", "3.5")))
        elif r < 0.08:
            out.append("“")
        elif r < 0.09:
            out.append("——")
        word = "".join(rng.choice(HAN) for _ in range(rng.randint(2, 12)))
        out.append(word)
        out.append(rng.choice(MARKS_AFTER))
        size += len(word) + 2
    text = "".join(out)
    return text.rstrip("，、；：“") + "。"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=1500)
    ap.add_argument("--measure", type=float, default=13.0, help="measure in em")
    ap.add_argument("--size", type=float, default=9.0, help="font size in pt")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    rng = random.Random(20261127)
    texts = [paragraph(rng) for _ in range(args.paragraphs)]
    st = style(args.size)
    paras = [[Run(t, st)] for t in texts]
    settings = ComposeSettings()
    measure = args.measure * args.size
    chars = sum(len(t) for t in texts)
    han = sum(1 for t in texts for ch in t if "\u4e00" <= ch <= "\u9fff")
    compose_paragraph(paras[0], measure, settings)   # warm caches
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        for p in paras:
            compose_paragraph(p, measure, settings)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        return 0
    best = float("inf")
    lines = 0
    for _ in range(5):
        t0 = time.perf_counter()
        lines = sum(len(compose_paragraph(p, measure, settings)) for p in paras)
        best = min(best, time.perf_counter() - t0)
    print(f"{len(paras)} paragraphs, {chars} characters ({han} Han), {lines} lines "
          f"at {args.measure:g} em x {args.size:g} pt: {best:.3f} s")
    print(f"{han / best:,.0f} Han characters/s  ({chars / best:,.0f} characters/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
