"""The desk side of planned pages: a frozen plan (`layout plan --write`) with photo widths, the
copyfit advice as the editor applies it, and the planner's keys written wrong."""
from __future__ import annotations

import json
import re

import pytest

from layout.cli import main
from test_planner import five_stories, plan_of, write_edition


def _pdf(folder) -> bytes:
    return next(folder.glob("*.pdf")).read_bytes()


def test_write_freezes_the_chosen_photo_width_and_builds_the_same_pdf(tmp_path, capsys):
    """A story whose photo is 1 column in the article, given `photo_width: [2, 3]`: the plan sets
    the photo 2 or 3 wide; `--write` writes that width, and the frozen page (make-up honours
    `photo_width` on a placement with columns) builds the same PDF, byte for byte."""
    articles = {k: v for k, v in five_stories(0.6).items() if k in ("s0", "s1", "s2")}
    articles["s1"]["photo"] = 1
    stories = "      - article: s0\n      - article: s1\n        width: [2, 5]\n        photo_width: [2, 3]\n      - article: s2"
    manifest = write_edition(tmp_path / "edition", articles, stories)
    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0
    assert main(["plan", "--write", str(manifest)]) == 0
    capsys.readouterr()
    text = manifest.read_text(encoding="utf-8")
    written = re.search(r"- article: s1\n(?:        \w+: .*\n)*?        photo_width: (\d)\n", text)
    assert written and written.group(1) in ("2", "3"), text
    assert "[2, 3]" not in text
    edition, report = plan_of(manifest)
    assert edition.plan is None and edition.issue.articles["s1"].photos[0].columns == int(written.group(1))
    assert not [d for d in report.items if d.severity == "error" or d.code == "width-ignored"], report.items
    assert main(["build", str(manifest), "-o", str(tmp_path / "frozen"), "--pdf"]) == 0
    assert _pdf(tmp_path / "frozen") == _pdf(tmp_path / "planned")


def test_photo_width_on_a_story_with_columns_sets_its_photos(tmp_path):
    articles = {k: v for k, v in five_stories(0.6).items() if k in ("s0", "s1")}
    articles["s1"]["photo"] = 1
    stories = ("      - article: s0\n        columns: [1, 5]\n        lines: [15, 50]\n"
               "      - article: s1\n        columns: [1, 3]\n        lines: [51, 86]\n        photo_width: 2")
    edition, report = plan_of(write_edition(tmp_path, articles, stories))
    assert [d for d in report.items if d.severity == "error"] == []
    assert edition.issue.articles["s1"].photos[0].columns == 2
    # the photo's frame on the page is two columns wide
    from layout.page.frames import Image

    (photo,) = [it for it in edition.frames[0].items if isinstance(it, Image)]
    assert abs(photo.w - edition.style.grid.span_width(1, 2)) < 0.5


@pytest.mark.parametrize("stories, code, key, severity", [
    ("      - article: s0\n        width: [5, 2]", "bad-span", "width", "error"),
    ("      - article: s1\n        photo_width: [3, 1]", "bad-span", "photo_width", "error"),
    ("      - article: s0\n        photo_width: 2", "photo-width-unused", "photo_width", "warning"),
    ("      - article: s0\n        columns: [1, 3]\n        width: 2", "width-ignored", "width", "warning"),
    ("      - article: s0\n        rank: 0", "bad-value", "rank", "error"),
    ("      - article: s0\n        rank: -2", "bad-value", "rank", "error"),
    ("      - article: s1\n        columns: [1, 2]\n        lines: [15, 60]\n        photo_width: 3",
     "photo-too-wide", "photo_width", "error"),
])
def test_bad_plan_keys_are_located_diagnostics(tmp_path, stories, code, key, severity):
    """What the schema cannot say: a range written backwards, photo_width on an article without
    photos, photos wider than a story with columns; at the key, never a traceback."""
    articles = {k: v for k, v in five_stories(0.5).items() if k in ("s0", "s1")}
    path = write_edition(tmp_path, articles, stories + "\n      - article: " + ("s1" if "s0" in stories else "s0"))
    edition, report = plan_of(path)
    found = [d for d in report.items if d.code == code]
    assert found and found[0].severity == severity, report.items
    line = path.read_text(encoding="utf-8").splitlines()[found[0].source.line - 1]
    assert line.strip().startswith(key + ":"), line
    assert found[0].hint


def _crowded_two_pages(tmp_path, move: str | None = None):
    """Page 1 too full for its five stories; page 2 with room. `move`: a story of page 1 moved to
    page 2, as the advice says."""
    articles = five_stories(2.5)
    articles["s5"] = {"headline": "夜间错峰施工减少扰民", "paras": five_stories(0.3)["s4"]["paras"]}
    first = [f"s{i}" for i in range(5) if f"s{i}" != move]
    second = ([move] if move else []) + ["s5"]
    stories = "\n".join(f"      - article: {a}" for a in first)
    extra = "  - section: 综合\n    stories:\n" + "\n".join(f"      - article: {a}" for a in second)
    return write_edition(tmp_path, articles, stories, extra_pages=extra)


def test_a_dropped_story_is_in_the_page_table_and_moving_it_as_advised_places_it(tmp_path, capsys):
    manifest = _crowded_two_pages(tmp_path / "crowded")
    status, out = main(["plan", "--json", str(manifest)]), capsys.readouterr().out
    data = json.loads(out)
    drops = [a for a in data["copyfit"] if a["action"] == "drop" and a["page"] == 1]
    assert status == 1 and drops, data["copyfit"]
    drop = drops[0]
    assert drop["to_page"] == 2 and drop["rank"] >= 2 and drop["source"]["line"] > 0
    assert drop["message"] == f"drop to page 2 ({drop['chars']:,} characters, {drop['lines']} lines)"
    assert any(d["code"] == "plan-no-room" and drop["article"] in d["message"] for d in data["diagnostics"])

    main(["plan", str(manifest)])
    out = capsys.readouterr().out
    page1 = out.split("\n\n")[0].splitlines()
    assert page1[0].startswith("第1版 要闻: planned, but the stories do not fit (copyfit below), fill ")
    row = next(line.split() for line in page1 if f"{drop['article']} (dropped)" in line)
    assert row[0] == str(drop["rank"]) and row[3:5] == ["—", "—"] and row[6] == f"{drop['lines']}/0"

    # the advice applied: the story moved to page 2 is placed there, page 1 has room for the rest
    moved = _crowded_two_pages(tmp_path / "moved", move=drop["article"])
    edition, report = plan_of(moved)
    assert not [d for d in report.items if d.code == "plan-no-room" and f"'{drop['article']}'" in d.message]
    assert drop["article"] in {s.article_id for s in edition.plan.page(2).placements}


def test_a_rank_given_twice_is_reported_and_the_later_story_ranked_after(tmp_path):
    """Two stories `rank: 1`: one lead (the first), the second planned, measured and made up as rank
    2 (not a second lead's headline), and a `duplicate-rank` warning at its rank."""
    articles = {k: v for k, v in five_stories(0.6).items() if k in ("s0", "s1", "s2")}
    stories = ("      - article: s0\n        rank: 1\n      - article: s1\n        rank: 1\n        width: 2\n"
               "      - article: s2")
    path = write_edition(tmp_path, articles, stories)
    edition, report = plan_of(path)
    (warning,) = [d for d in report.items if d.code == "duplicate-rank"]
    assert warning.severity == "warning" and "'s1'" in warning.message and "'s0'" in warning.message
    assert path.read_text(encoding="utf-8").splitlines()[warning.source.line - 1].strip() == "rank: 1"
    by_id = {s.article_id: s for s in edition.plan.page(1).placements}
    assert {k: s.rank for k, s in by_id.items()} == {"s0": 1, "s1": 2, "s2": 3}
    assert by_id["s1"].headline_pt < edition.style.headline_scale.lead   # not a second lead's headline
    assert [pl.rank for pl in edition.issue.pages[0].placements] == [1, 2, 3]


def test_the_plan_keeps_clear_of_both_of_two_overlapping_fixed_placements(tmp_path):
    """Contradictory fixed placements: make-up reports their `overlap` (located); the planned stories
    go round both, so no planned story overlaps either (was: planned over the second one)."""
    stories = ("      - article: s0\n        columns: [1, 3]\n        lines: [15, 40]\n"
               "      - article: s1\n        columns: [2, 4]\n        lines: [30, 50]\n"
               "      - article: s2\n      - article: s3")
    articles = five_stories(0.6)
    path = write_edition(tmp_path, {k: articles[k] for k in ("s0", "s1", "s2", "s3")}, stories)
    edition, report = plan_of(path)
    overlaps = [d for d in report.items if d.code == "overlap"]
    assert len(overlaps) == 1 and "'s1' overlaps 's0'" in overlaps[0].message, overlaps
    assert path.read_text(encoding="utf-8").splitlines()[overlaps[0].source.line - 1].strip() == "- article: s1"
    fixed = [((1, 3), (15, 40)), ((2, 4), (30, 50))]
    for s in edition.plan.page(1).placements:
        for columns, lines in fixed:
            meets = s.columns[0] <= columns[1] and columns[0] <= s.columns[1] and \
                s.lines[0] <= lines[1] and lines[0] <= s.lines[1]
            assert not meets, (s.article_id, s.columns, s.lines, columns, lines)


def test_the_page_table_lists_the_fixed_stories_and_the_lead_among_them(tmp_path, capsys):
    """A fixed 3-column story leads the page (headline hierarchy): the table shows it as rank 1,
    `(fixed)`, with its region and headline, so the planned ranks starting at 2 make sense."""
    articles = {k: v for k, v in five_stories(0.6).items() if k in ("s0", "s1", "s2")}
    stories = "      - article: s0\n        columns: [1, 3]\n        lines: [15, 40]\n      - article: s1\n      - article: s2"
    manifest = write_edition(tmp_path, articles, stories)
    main(["plan", str(manifest)])
    out = capsys.readouterr().out
    rows = [line.split() for line in out.split("\n\n")[0].splitlines()[2:]]
    assert rows[0][:5] == ["1", "s0", "(fixed)", "1-3", "15-40"] and rows[0][-1] == "小一", rows
    assert sorted(r[0] for r in rows[1:]) == ["2", "3"], rows
    main(["plan", "--json", str(manifest)])
    page = json.loads(capsys.readouterr().out)["pages"][0]
    assert page["fixed"] == [{"article": "s0", "continued": False, "rank": 1, "columns": [1, 3], "lines": [15, 40],
                              "source": page["fixed"][0]["source"]}]
    assert page["fixed"][0]["source"]["line"] == 8


def test_a_jump_heads_lines_available_are_those_it_keeps(tmp_path, capsys):
    """`lines used/available` of a jump head: used minus available is exactly what the jump hands on."""
    from test_plan_command import _jump_edition

    manifest = _jump_edition(tmp_path / "jump")
    main(["plan", "--json", str(manifest)])
    data = json.loads(capsys.readouterr().out)
    (jump,) = [a for a in data["copyfit"] if a["action"] == "jump"]
    head = next(s for s in data["pages"][0]["stories"] if s["article"] == jump["article"])
    assert head["lines_used"] - head["lines_available"] == jump["lines"] > 0


def test_the_headline_clash_warning_names_the_stories():
    """撞题 named by story (the later-ranked one first, where the warning points), beside a planned
    story or a fixed one, by the rule the search counts them with."""
    from types import SimpleNamespace as NS

    from layout.plan import _clash_pairs
    from layout.plan.search import Rect

    def story(key, rank):
        return NS(key=key, rank=rank, pl=NS(label=key))

    def at(x, y, width):   # a headline printed on the region's first 2.5 grid lines
        return NS(x=x, y=y, variant=NS(width=width, head_band=(0.2, 2.5)))

    lead, second, third, far = story("lead", 1), story("second", 2), story("third", 3), story("far", 4)
    placed = {"lead": at(0, 0, 3), "second": at(3, 1, 2),   # beside the lead, one line lower: 撞题
              "third": at(0, 30, 3), "far": at(3, 40, 2)}   # beside each other, ten lines apart: staggered
    fixed = [Rect(0, 60, 2, 26, headline=True, band=(0.2, 2.5))]
    placed["fixed-neighbour"] = at(2, 61, 3)
    neighbour = story("fixed-neighbour", 5)
    pairs = _clash_pairs([lead, second, third, far, neighbour], placed, fixed)
    assert [(a.key, b.key if b else None) for a, b in pairs] == [("second", "lead"), ("fixed-neighbour", None)]


def test_a_picture_and_an_ad_given_columns_only_are_listed_and_frozen(tmp_path, capsys):
    """A picture and an ad whose lines the plan chose: listed by file and kind (no rank, no text
    measures), and `--write` writes their lines too (was: the whole write refused), so the frozen
    page builds the same PDF."""
    stories = ("      - picture: images/park.jpg\n        columns: [4, 5]\n        caption: 市民在口袋公园里散步。\n"
               "      - ad: images/ad.jpg\n        columns: [1, 3]\n"
               + "\n".join(f"      - article: s{i}" for i in range(4)))
    articles = five_stories(0.7)
    manifest = write_edition(tmp_path / "edition", {k: articles[k] for k in ("s0", "s1", "s2", "s3")}, stories)
    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0
    assert main(["plan", str(manifest)]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines() if ".jpg" in line}
    assert rows["park.jpg"][1:3] == ["(picture)", "4-5"] and rows["ad.jpg"][1:3] == ["(ad)", "1-3"], rows
    main(["plan", "--json", str(manifest)])
    stories_json = {s["article"]: s for s in json.loads(capsys.readouterr().out)["pages"][0]["stories"]}
    assert stories_json["park.jpg"]["kind"] == "picture" and stories_json["park.jpg"]["rank"] is None
    assert stories_json["s0"]["kind"] == "article" and stories_json["s0"]["rank"] == 1

    assert main(["plan", "--write", str(manifest)]) == 0
    assert "6 placements written" in capsys.readouterr().err
    text = manifest.read_text(encoding="utf-8")
    picture = text.split("- picture: images/park.jpg\n", 1)[1].splitlines()
    assert picture[0] == "        columns: [4, 5]" and picture[1].startswith("        lines: [") and "rank" not in picture[2]
    assert main(["build", str(manifest), "-o", str(tmp_path / "frozen"), "--pdf"]) == 0
    assert _pdf(tmp_path / "frozen") == _pdf(tmp_path / "planned")


def test_the_touching_photos_warning_names_the_stories():
    """Photos touching across a gutter, named by story: the left story's photo reaching its right
    edge beside the right story's photo at the same height; a photo clear of its neighbour's is not."""
    from types import SimpleNamespace as NS

    from layout.plan import _touching_pairs
    from layout.plan.search import Rect

    def story(key, rank):
        return NS(key=key, rank=rank, pl=NS(label=key))

    def at(x, y, width, zone, right):
        return NS(x=x, y=y, variant=NS(width=width, photo_zone=zone, photo_right=right))

    stories = [story("lead", 1), story("second", 2), story("third", 3), story("fourth", 4), story("fifth", 5)]
    placed = {"lead": at(0, 0, 3, (3, 20), True), "second": at(3, 2, 2, (3, 12), False),   # touching
              "third": at(0, 30, 3, (3, 20), False), "fourth": at(3, 30, 2, (3, 12), False),  # photo off the edge
              "fifth": at(2, 60, 3, (0, 10), False)}
    fixed = [Rect(0, 60, 2, 20, photo=True)]   # a picture left of 'fifth', beside its photo
    pairs = _touching_pairs(stories, placed, fixed)
    assert [(a.key, b.key if b else None) for a, b in pairs] == [("second", "lead"), ("fifth", None)]
