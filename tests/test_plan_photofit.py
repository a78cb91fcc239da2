"""A photo's height as the filler (layout/plan/photofit.py): the plan crops a story's photo a few
lines shorter or taller so the story ends on its region's foot, within a bound on how much of the
picture is cropped away, and make-up (and a frozen `--write`) prints the height the plan chose."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from layout.diagnostics import Report
from layout.manifest.load import load_manifest
from layout.model import build_issue
from layout.page.frames import Image as PhotoItem
from layout.page.story import crop_around
from layout.page.typeset import Typesetter
from layout.pipeline import prepare
from layout.plan.candidates import Candidates
from layout.plan.photofit import PHOTO_CROP_MAX, crop_share, frame_height, photo_heights
from layout.style import load_style

from test_planner import HEADLINES, paragraphs  # noqa: E402  (the planner tests' text)

FOCUS = (0.8, 0.3)   # off centre: cropping must keep it in frame


def write_edition(folder: Path, ad_top: int | None) -> Path:
    """A tabloid page: one story across the page with a photo as wide, above an ad booked across
    the page from grid line `ad_top` (None: no ad)."""
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1800, 1200), (110, 130, 90)).save(folder / "park.jpg", quality=80)
    Image.new("RGB", (2400, 900), (180, 60, 50)).save(folder / "ad.jpg", quality=80)
    body = "\n\n".join(paragraphs(9, 1)).replace("\n", "\n      ")
    ad = f"      - ad: ad.jpg\n        columns: [1, 5]\n        lines: [{ad_top}, 86]\n" if ad_top else ""
    (folder / "issue.yaml").write_text(f"""paper: {{name: 新区时报}}
issue: {{number: 9, date: 2026-12-07}}
style: tabloid
pages:
  - section: 要闻
    masthead: false
    stories:
      # the story the plan places
      - article: park
        width: 5
{ad}articles:
  park:
    headline: {HEADLINES[3]}
    dateline: 本报讯
    body: |
      {body}
    byline: 记者 林晓
    photos:
      - file: park.jpg
        caption: 市民在新建的口袋公园里散步。
        columns: 5
        focus: [{FOCUS[0]}, {FOCUS[1]}]
""", encoding="utf-8")
    return folder / "issue.yaml"


@pytest.fixture(scope="module")
def natural(tmp_path_factory) -> int:
    """The story's height in grid lines with its photo at its own proportions (the real composer)."""
    path = write_edition(tmp_path_factory.mktemp("natural"), None)
    report = Report()
    issue = build_issue(load_manifest(path, report), report)
    style = load_style(issue.style, issue.root, report, issue.style_source)
    page = issue.pages[0]
    return Candidates(Typesetter(style, issue.info.lang, report), issue, style).variant(
        page, page.placements[0], 5, 0, True).height


def photo_on_page(edition) -> PhotoItem:
    return next(it for it in edition.frames[0].items if isinstance(it, PhotoItem) and it.path.endswith("park.jpg"))


def assert_photo_within_bound(edition, lines: int) -> None:
    """The printed photo is `lines` grid lines tall, crops at most PHOTO_CROP_MAX of the picture
    and keeps its focus in frame."""
    g = edition.style.grid
    photo = photo_on_page(edition)
    assert photo.h == pytest.approx(frame_height(lines, g))
    assert crop_share((1800, 1200), photo.w, photo.h) <= PHOTO_CROP_MAX + 1e-9
    left, top, right, bottom = photo.crop
    assert (left, top, right, bottom) == crop_around(1800, 1200, photo.w / photo.h, FOCUS)
    assert left <= FOCUS[0] * 1800 <= right and top <= FOCUS[1] * 1200 <= bottom


@pytest.mark.parametrize("room", [-2, 5])
def test_a_story_a_few_lines_too_long_or_short_fills_its_region_by_its_photo_height(tmp_path, natural, room):
    """The ad leaves the story `room` lines more (or fewer) than it needs with its photo at its
    own proportions: without the photo as filler the plan cut it (2 lines too long) or left its
    foot white (5 lines short: a stagger and an extra line take two of them). Now the photo is cropped shorter or taller by as many lines:
    no cut, no overset, no white foot, and the page prints the photo at the height planned."""
    report = Report()
    edition = prepare(write_edition(tmp_path, natural + 2 + room), report)
    codes = [d.code for d in report.items]
    assert not edition.plan.copyfit, edition.plan.copyfit
    assert "overset" not in codes and "copyfit" not in codes and "underset" not in codes, codes
    assert "empty-space" not in codes, [d.format() for d in report.items]
    story = edition.plan.pages[0].placements[0]
    assert story.photo_lines, story
    assert_photo_within_bound(edition, story.photo_lines)
    assert story.lines[1] >= natural + room   # the region reaches the ad (less its rule line)


def test_photo_heights_never_crop_more_than_the_bound(tmp_path):
    """Every height the plan may give a photo crops at most PHOTO_CROP_MAX of the picture, the
    photo's own proportions are among them, and a much taller or flatter frame is not offered."""
    path = write_edition(tmp_path, None)
    report = Report()
    issue = build_issue(load_manifest(path, report), report)
    style = load_style(issue.style, issue.root, report, issue.style_source)
    measure = Candidates(Typesetter(style, issue.info.lang, report), issue, style)
    pl = issue.pages[0].placements[0]
    g = style.grid
    heights = photo_heights(measure, pl, 5, 0)
    width = g.span_width(1, 5)
    own = width * 1200 / 1800 / g.pitch
    assert round(own) in heights and heights[0] == round(own)
    assert all(crop_share((1800, 1200), width, frame_height(k, g)) <= PHOTO_CROP_MAX for k in heights)
    assert min(heights) < own - 2 and max(heights) > own + 2   # a few lines either way
    assert round(own * 1.5) not in heights and round(own / 1.5) not in heights


def test_write_freezes_the_photo_height_and_builds_the_same_pdf(tmp_path, natural, capsys):
    """`layout plan --write` writes the photo height the plan chose (`photo_lines`) beside the
    region, keeps the comment, and the frozen manifest builds the same PDF, byte for byte."""
    from layout.cli import main

    manifest = write_edition(tmp_path / "edition", natural)   # two lines short of room: a smaller photo
    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0
    assert main(["plan", "--write", str(manifest)]) == 0
    capsys.readouterr()
    text = manifest.read_text(encoding="utf-8")
    assert "      # the story the plan places\n" in text
    assert "        photo_lines: " in text
    assert main(["build", str(manifest), "-o", str(tmp_path / "frozen"), "--pdf"]) == 0
    pdf = lambda folder: next(folder.glob("*.pdf")).read_bytes()   # noqa: E731
    assert pdf(tmp_path / "frozen") == pdf(tmp_path / "planned")


def test_photo_lines_on_a_placement_must_be_four_lines_or_more(tmp_path):
    """`photo_lines: 2` is a located schema error with a hint, not a traceback."""
    path = write_edition(tmp_path, None)
    path.write_text(path.read_text(encoding="utf-8").replace("        width: 5\n",
                                                              "        width: 5\n        photo_lines: 2\n"),
                    encoding="utf-8")
    report = Report()
    prepare(path, report)
    errors = [d for d in report.errors if "photo_lines" in d.format()]
    assert errors and errors[0].source.line > 0, [d.format() for d in report.items]


def test_photo_lines_the_editor_gives_a_planned_story_is_kept_and_printed(tmp_path):
    """A planned story whose placement says `photo_lines: 6`: the plan measures it so and does not
    change it, and the page prints the photo 6 grid lines tall, cropped around its focus."""
    path = write_edition(tmp_path, None)
    path.write_text(path.read_text(encoding="utf-8").replace("        width: 5\n",
                                                              "        width: 5\n        photo_lines: 6\n"),
                    encoding="utf-8")
    report = Report()
    edition = prepare(path, report)
    assert not report.errors, [d.format() for d in report.errors]
    photo = photo_on_page(edition)
    assert photo.h == pytest.approx(frame_height(6, edition.style.grid))
    assert photo.crop == crop_around(1800, 1200, photo.w / photo.h, FOCUS)
