"""The edition as frozen data, with no geometry.

`build_issue(manifest, report)` takes a loaded `Manifest` and returns an
`Issue`: paper, issue info, pages of placements, and articles with their body
parsed into paragraphs of spans (Markdown-lite: blank lines separate
paragraphs, `###` starts an in-body subhead, `**bold**` marks bold). It checks
what the schema cannot: dates, article ids, jumps, image files and paths.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import warnings
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image as PILImage

from layout.diagnostics import Report, Source, did_you_mean
from layout.manifest.chars import PARAGRAPH_BREAK
from layout.manifest.load import Manifest, display_path, resolve_inside
from layout.manifest.plan_keys import check_plan_keys
from layout.page.adsource import is_pdf, pdf_ad_verdicts
from layout.passed_images import PassedImages
from layout.wording import counted, publisher_credit
import layout.photo  # noqa: F401 - PNGs whose text chunks pass Pillow's limits are read as images (photo.py)
from layout.style import parse_length

#: The most pixels a photo or advertisement may have: a 61-megapixel camera original passes, while
#: a whole broadsheet page at 300 ppi needs 29 million. Pillow itself refuses twice this
#: (DecompressionBombError) wherever an image is opened.
MAX_IMAGE_PIXELS = 64_000_000
PILImage.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

WEEKDAYS = "一二三四五六日"


def weekday_name(date: dt.date) -> str:
    """星期五 for a Friday: the one place a weekday is named (the masthead, the running heads, the web
    edition and the archive's date index all print it)."""
    return "星期" + WEEKDAYS[date.weekday()]


def date_name(date: dt.date) -> str:
    """2026年11月27日: the one place a date is written out (the masthead and the archive's labels)."""
    return f"{date.year}年{date.month}月{date.day}日"

#: What a finished Chinese paragraph ends with (GB/T 15834 end marks, closing quotes/brackets).
#: Marks a paragraph may end with; a full-width colon too: a notice's salutation (各位市民：) and a
#: line that announces what follows (具体事项如下：) are whole paragraphs (GB/T 15834, 冒号).
_PARAGRAPH_END = set("。！？…”’」』）》】〕!?.：")


@dataclass(frozen=True)
class Paper:
    name: str
    name_latin: str = ""
    publisher: str = ""
    registration: str = ""

    def publisher_credit_in(self, lang: str) -> str:
        """The publisher as the masthead prints it in an edition in `lang`: '东湖晚报社主办' (主辦 in
        zh-TW/zh-HK); a publisher that already says 主办 (e.g. '中共东湖区委主办') is printed as given,
        never '…主办主办'."""
        return publisher_credit(self.publisher, lang)


@dataclass(frozen=True)
class IssueInfo:
    number: int
    date: dt.date
    lang: str = "zh-CN"

    @property
    def weekday(self) -> str:
        """星期五 for a Friday."""
        return weekday_name(self.date)

    @property
    def date_cn(self) -> str:
        """2026年11月27日"""
        return date_name(self.date)


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (`kind='p'`), an in-body subhead (`kind='subhead'`, 插题) or the signature and
    date closing a notice (`kind='signature'`, 落款: set flush right, one line per line). A '\\n' in
    the text is a hard line break (a new line, not indented, the line before it not justified)."""

    spans: tuple[Span, ...]
    kind: str = "p"
    source: Source | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Photo:
    file: Path
    caption: str = ""
    credit: str = ""
    alt: str = ""
    columns: int = 1
    position: str = "top"
    focus: tuple[float, float] = (0.5, 0.5)
    source: Source | None = field(default=None, compare=False)
    #: the photo's frame height in grid lines (None: as its proportions give it): set from a
    #: placement's `photo_lines` (the plan's choice); the photo fills the frame, cropped around `focus`
    lines: int | None = None


@dataclass(frozen=True)
class Article:
    id: str
    headline: str
    kicker: str = ""
    subhead: str = ""
    dateline: str = ""
    date: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    byline: str = ""
    photos: tuple[Photo, ...] = ()
    source: Source | None = field(default=None, compare=False)
    headline_size: float | None = None   # pt: the editor's size for the 主题 (None: the style's scale decides)

    @property
    def lead(self) -> str:
        """The dateline as printed before the first paragraph: '本报讯 11月26日' (may be '')."""
        return " ".join(p for p in (self.dateline, self.date) if p)

    @property
    def headline_line(self) -> str:
        """The headline on one line, the editor's forced breaks (a new line, `|`) as phrase gaps (a
        space, as a typed one), so that its parts never run together: for titles, lists, the web."""
        return " ".join(part.strip() for part in self.headline.split("\n") if part.strip())


@dataclass(frozen=True)
class Placement:
    """A region of a page: an article (`kind='article'`), a standalone picture or an advertisement.

    For pictures `photo` holds the image, caption and credit; for ads `photo.file` is the image or PDF.
    An article placement without `columns` (`columns` None) is placed by the planner (layout/plan):
    `width` bounds its width in grid columns and `photo_width` its photos' (both as [min, max]).
    """

    article: str
    columns: tuple[int, int] | None
    lines: tuple[int, int] | None = None
    continue_on: int | None = None
    continued: bool = False
    box: bool = False
    kind: str = "article"
    photo: Photo | None = None
    source: Source | None = field(default=None, compare=False)
    #: where the values of `columns` and `lines` are written (their diagnostics point there)
    span_sources: dict[str, Source | None] = field(default_factory=dict, compare=False)
    rank: int | None = None   # the story's place on its page: 1 = the lead (头条)
    #: "vertical": the story set top to bottom, lines right to left (竖排; layout/page/vertical.py)
    direction: str = "horizontal"
    #: "vertical": a horizontal story's headline group set vertically at the right (竖题)
    headline_direction: str = "horizontal"
    width: tuple[int, int] | None = None        # auto placement: [min, max] grid columns it may take
    photo_width: tuple[int, int] | None = None  # auto placement: [min, max] grid columns of its photos
    photo_lines: int | None = None  # its photos' frame height in grid lines (cropped around the focus)
    planned: bool = False     # its columns and lines were chosen by the planner (layout/plan)

    @property
    def auto(self) -> bool:
        """Whether the planner places it (no `columns` in the manifest)."""
        return self.columns is None

    @property
    def label(self) -> str:
        """What diagnostics call this placement: the article id, or the picture's or ad's file name."""
        return self.article or (self.photo.file.name if self.photo else self.kind)


@dataclass(frozen=True)
class PageSpec:
    number: int
    section: str
    editor: str = ""
    masthead: bool = False
    placements: tuple[Placement, ...] = ()
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Issue:
    paper: Paper
    info: IssueInfo
    style: str
    pages: tuple[PageSpec, ...]
    articles: dict[str, Article]
    root: Path
    manifest_path: Path
    files: tuple[Path, ...] = ()
    style_source: Source | None = field(default=None, compare=False)


def build_issue(manifest: Manifest, report: Report, normalize=None) -> Issue | None:
    """Manifest -> Issue. `normalize(text, lang) -> (text, changes)` cleans pasted text when given."""
    data = manifest.data
    paper_d = data.get("paper") if isinstance(data.get("paper"), dict) else {}
    issue_d = data.get("issue") if isinstance(data.get("issue"), dict) else {}
    paper = Paper(
        name=_capped(_str(paper_d.get("name")), "paper.name", manifest.value_at("paper", "name"), report),
        name_latin=_capped(_str(paper_d.get("name_latin")), "paper.name_latin",
                           manifest.value_at("paper", "name_latin"), report),
        publisher=_capped(_str(paper_d.get("publisher")), "paper.publisher", manifest.value_at("paper", "publisher"),
                          report),
        registration=_capped(_str(paper_d.get("registration")), "paper.registration",
                             manifest.value_at("paper", "registration"), report),
    )
    lang = issue_d.get("lang") if issue_d.get("lang") in ("zh-CN", "zh-TW", "zh-HK") else "zh-CN"
    date = _parse_date(issue_d.get("date"), manifest.value_at("issue", "date"), report)
    number = issue_d.get("number") if isinstance(issue_d.get("number"), int) else 0
    info = IssueInfo(number=number, date=date or dt.date(1970, 1, 1), lang=lang)

    _waiting.clear()
    _check_images_ahead(data, manifest.root)
    articles: dict[str, Article] = {}
    raw_articles = data.get("articles") if isinstance(data.get("articles"), dict) else {}
    for art_id, raw in raw_articles.items():
        if isinstance(raw, dict):
            articles[art_id] = _build_article(art_id, raw, manifest, report, lang, normalize)

    pages = tuple(
        _build_page(i, raw, manifest, report)
        for i, raw in enumerate(_list(data.get("pages")))
        if isinstance(raw, dict)
    )
    bad = _image_verdicts(report)
    if bad:
        articles, pages = _without_files(articles, pages, bad)
    _check_references(pages, articles, manifest, report)
    check_plan_keys(data, pages, articles, manifest, report)
    _report_unplaced(articles, data, report)
    if date is None or not isinstance(data.get("pages"), list):
        return None
    return Issue(
        paper=paper,
        info=info,
        style=_str(data.get("style")) or "tabloid",
        pages=pages,
        articles=articles,
        root=manifest.root,
        manifest_path=manifest.path,
        files=tuple(manifest.files),
        style_source=manifest.value_at("style"),
    )


def _str(value) -> str:
    return value.strip() if isinstance(value, str) else ""


#: A headline deck (引题, 主题, 副题, 插题), the paper's name or a running head's text (section, editor)
#: longer than this is pasted body text, surely: it is reported and cut, so that the headline setter
#: (which balances its lines) is never asked to balance thousands of characters (minutes of work).
MAX_DECK_CHARS = 200


def _capped(text: str, what: str, where: Source | None, report: Report) -> str:
    if len(text) <= MAX_DECK_CHARS:
        return text
    report.error("text-too-long", f"{what} is {len(text):,} characters long; the limit is {MAX_DECK_CHARS}", where,
                 "a headline is a line or two: was body text pasted here?")
    return text[:MAX_DECK_CHARS]


def _list(value) -> list:
    """A list from the manifest, or none when it holds something else (the schema has reported it)."""
    return value if isinstance(value, list) else []


def _parse_date(value, where: Source | None, report: Report) -> dt.date | None:
    if not isinstance(value, str):
        return None  # the schema has reported it
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        report.error("bad-date", f"'{value}' is not a calendar date", where,
                     "write the date as YYYY-MM-DD with a real month and day, e.g. 2026-11-27")
        return None


def _build_page(index: int, raw: dict, manifest: Manifest, report: Report) -> PageSpec:
    placements = []
    for j, st in enumerate(_list(raw.get("stories"))):
        if not isinstance(st, dict):
            continue
        path = ("pages", index, "stories", j)
        columns = _span(st.get("columns"))
        if columns is None and "columns" in st:
            continue  # the schema has reported it
        kinds = [k for k in ("article", "picture", "ad") if k in st]
        if len(kinds) != 1:
            report.error("placement-kind",
                         "a placement needs exactly one of article, picture or ad" + (f" (it has {', '.join(kinds)})" if kinds else ""),
                         manifest.where(*path), "e.g. '- article: flood-drill' or '- picture: images/x.jpg'")
            continue
        kind = {"article": "article", "picture": "picture", "ad": "ad"}[kinds[0]]
        if columns is None and not _plannable(st, kind, path, manifest, report):
            continue
        photo = None
        if kind != "article":
            photo = _photo(st, kind, path, manifest, report)
            if photo is None:
                continue
        placements.append(
            Placement(
                article=_str(st.get("article")),
                columns=columns,
                lines=_span(st.get("lines")),
                continue_on=st.get("continue_on") if isinstance(st.get("continue_on"), int) else None,
                continued=st.get("continued") is True,
                box=st.get("box") is True,
                kind=kind,
                photo=photo,
                source=manifest.where(*path),
                span_sources={key: manifest.value_at(*path, key) for key in ("columns", "lines", "width", "photo_width",
                                                                                 "photo_lines")
                              if key in st},
                rank=st.get("rank") if isinstance(st.get("rank"), int) and not isinstance(st.get("rank"), bool) else None,
                direction="vertical" if st.get("direction") == "vertical" else "horizontal",
                headline_direction="vertical" if st.get("headline_direction") == "vertical" else "horizontal",
                width=_width_range(st.get("width")),
                photo_width=_width_range(st.get("photo_width")),
                photo_lines=_photo_lines(st.get("photo_lines")),
            )
        )
    return PageSpec(
        number=index + 1,
        section=_capped(_str(raw.get("section")), f"pages[{index + 1}].section",
                        manifest.value_at("pages", index, "section"), report),
        editor=_capped(_str(raw.get("editor")), f"pages[{index + 1}].editor",
                       manifest.value_at("pages", index, "editor"), report),
        masthead=raw.get("masthead") is True,
        placements=tuple(placements),
        source=manifest.where("pages", index),
    )


def _width_range(value) -> tuple[int, int] | None:
    """`width: N` or `width: [min, max]` (grid columns) -> (min, max); None when absent or not
    whole numbers (the schema has reported it); the layout/plan module checks it against the grid."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    span = _span(value)
    return (min(span), max(span)) if span else None


def _plannable(st: dict, kind: str, path: tuple, manifest: Manifest, report: Report) -> bool:
    """Whether a placement without `columns` can be placed by the planner: an article (a story or
    a jump's continuation) with no `lines`."""
    if kind != "article":
        report.error("needs-columns", f"a{'n' if kind == 'ad' else ''} {kind} placement needs columns (and lines): "
                     "the planner places articles only", manifest.where(*path),
                     "e.g. 'columns: [4, 5]' and 'lines: [70, 86]' for an ad booked at the foot of the page")
        return False
    if "lines" in st:
        report.error("needs-columns", "lines without columns: give both to fix the region, or neither to have the "
                     "planner place the story", manifest.value_at(*path, "lines"), "add columns, e.g. 'columns: [1, 3]'")
        return False
    return True


def _photo_lines(value) -> int | None:
    """A placement's `photo_lines` (a whole number of grid lines, the schema checks it) or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _focus(value) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in value):
        return (float(value[0]), float(value[1]))
    return (0.5, 0.5)


def _image_file(rel, where: Source | None, manifest: Manifest, report: Report, what: str) -> Path | None:
    """A photo or ad path: inside the issue folder and present, or None with a diagnostic."""
    path = resolve_inside(manifest.root, rel, report, where, what)
    try:
        found = path is not None and path.is_file()
    except OSError as exc:  # e.g. a name longer than the file system allows
        report.error("bad-path", f"{what} '{rel[:60]}…' cannot be a file name: {exc.strerror}", where,
                     "give the file's name, e.g. images/photo.jpg")
        return None
    if path is not None and not found:
        report.error("missing-image", f"{what} not found: {rel}", where,
                     _similar_file(path, rel) or f"put the file at {display_path(manifest.root / rel)} or fix the name")
        return None
    if path is not None and is_pdf(path):   # an advertisement supplied as PDF: opened here, never on a thread
        verdicts = pdf_ad_verdicts(path)
        for severity, code, message, hint in verdicts:
            report.add(severity, code, f"{what} {rel} {message}", where, hint)
        return None if any(v[0] == "error" for v in verdicts) else path
    ahead = _ahead.get(path) if path is not None else None
    if ahead is not None:   # being checked on a thread: the verdict is collected by `_image_verdicts`
        _waiting.append((path, ahead, f"{what} {rel}", where))
        return path
    if path in _unchanged:  # passed in an earlier build and not touched since
        return path
    problem = _image_problem(path) if path is not None else None
    if problem:
        report.error(problem[0], f"{what} {rel} {problem[1]}", where, problem[2])
        return None
    return path


def _similar_file(path: Path, rel: str) -> str:
    """'did you mean images/bridge.jpg?' when a file in the same folder has a name close to the missing
    one (a typo, another case, .jpeg for .jpg), else ''."""
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()]
    except OSError:
        return ""
    by_lower = {n.lower(): n for n in names}
    close = difflib.get_close_matches(path.name.lower(), sorted(by_lower), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"did you mean '{(Path(rel).parent / by_lower[close[0]]).as_posix()}'? (that file is in the folder)"


#: Image checks started by `_check_images_ahead`, by resolved path, and the references to them
#: `_image_file` handed out before their verdict (path, check, what, where): `build_issue` collects
#: them (`_image_verdicts`) once every article and page is read.
_ahead: dict[Path, Future] = {}
_waiting: list[tuple[Path, Future, str, Source | None]] = []
_checker: Executor | None = None
#: The edition's record of files that passed the check in earlier builds (`passed_images`), and
#: those of its files that are unchanged since, which are not decoded again.
_passed: PassedImages | None = None
_unchanged: set[Path] = set()


def check_images_in(executor: Executor | None) -> None:
    """Run the photo checks on `executor` (the build's worker processes, idle while the manifest
    is read), or on two threads of this process (None)."""
    global _checker
    _checker = executor


def _image_verdicts(report: Report) -> set[Path]:
    """Wait for the image checks started ahead; report each reference to a broken file (as
    `_image_file` does) and return those files, which the edition then goes without."""
    global _passed
    bad = set()
    good = set(_unchanged)
    for path, check, what, where in _waiting:
        try:
            problem = check.result()
        except BrokenExecutor:   # the worker process died: check the file here
            problem = _image_problem(path)
        if problem:
            report.error(problem[0], f"{what} {problem[1]}", where, problem[2])
            bad.add(path)
        else:
            good.add(path)
    if _passed is not None:
        _passed.save(sorted(good))
    _waiting.clear()
    _ahead.clear()
    _unchanged.clear()
    _passed = None
    return bad


def _without_files(articles: dict, pages: tuple, bad: set[Path]) -> tuple[dict, tuple]:
    """The articles and pages without the photos, pictures and ads whose files are in `bad`."""
    articles = {k: replace(a, photos=tuple(p for p in a.photos if p.file not in bad)) for k, a in articles.items()}
    pages = tuple(replace(pg, placements=tuple(pl for pl in pg.placements if pl.photo is None or pl.photo.file not in bad))
                  for pg in pages)
    return articles, pages


def _check_images_ahead(data: dict, root: Path) -> None:
    """Start `_image_problem` for every photo, picture and ad file the manifest names, in the
    build's worker processes (`check_images_in`) or else on two threads (decoding leaves Python's
    lock), while this thread builds the articles. Names that are not plain files inside the
    folder are left to `_image_file`, which reports them, and so are PDF advertisements (pdfium
    must not run on two threads at once)."""
    global _passed
    _ahead.clear()
    _unchanged.clear()
    _passed = PassedImages.load(root)
    refs = []
    for raw in (data.get("articles") or {}).values() if isinstance(data.get("articles"), dict) else ():
        if isinstance(raw, dict):
            refs += [ph.get("file") for ph in _list(raw.get("photos")) if isinstance(ph, dict)]
    for page in _list(data.get("pages")):
        if isinstance(page, dict):
            refs += [st.get(k) for st in _list(page.get("stories")) if isinstance(st, dict) for k in ("picture", "ad")]
    paths = []
    for rel in refs:
        if isinstance(rel, str) and rel.strip() and not os.path.isabs(rel):
            try:
                path = (root / rel).resolve()
                inside = root in path.parents and path.suffix.lower() != ".pdf"
                if inside and path not in paths and path.is_file():
                    paths.append(path)
            except (OSError, ValueError):
                continue
    _unchanged.update(p for p in paths if _passed.unchanged(p))
    paths = [p for p in paths if p not in _unchanged]
    if len(paths) < 2:
        return
    if _checker is not None:
        try:
            for path in paths:
                _ahead[path] = _checker.submit(_image_problem, path)
            return
        except (BrokenExecutor, RuntimeError):   # gone or shut down: threads here instead
            _ahead.clear()
    pool = ThreadPoolExecutor(2, thread_name_prefix="image-check")
    for path in paths:
        _ahead[path] = pool.submit(_image_problem, path)
    pool.shutdown(wait=False)


def _image_problem(path: Path) -> tuple[str, str, str] | None:
    """(code, what is wrong, hint) when an image file cannot be placed, else None: not an image,
    more pixels than MAX_IMAGE_PIXELS, or corrupt or cut short. The whole file is read, cheaply
    (a JPEG is decoded at 1/8 scale), so that a broken photo is found here and not in the PDF."""
    if is_pdf(path):  # an advertisement supplied as PDF
        return next(((code, what, hint) for severity, code, what, hint in pdf_ad_verdicts(path) if severity == "error"),
                    None)
    if path.stat().st_size == 0:
        return ("bad-image", "is empty (0 bytes)", "copy the photo into the edition's folder again")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as im:
                w, h = im.size
                if w * h > MAX_IMAGE_PIXELS:
                    return ("image-too-large", f"has {w:,} x {h:,} pixels ({w * h / 1e6:.0f} million); the limit is "
                            f"{MAX_IMAGE_PIXELS / 1e6:.0f} million",
                            "scale it down: 300 ppi at its printed size is plenty (a full broadsheet page is 29 million)")
                if im.format == "JPEG":
                    im.draft(im.mode, (max(1, w // 8), max(1, h // 8)))
                im.decodermaxblock = 1 << 24   # one call for the whole file: a thread seldom waits for Python's lock
                im.load()
    except PILImage.DecompressionBombError:
        return ("image-too-large", "claims more pixels than any page could use (a decompression bomb?)",
                "replace it with the photo as the photographer delivered it")
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError … for broken files
        why = "is cut short (a copy that did not finish?)" if "truncated" in str(exc) else \
            "cannot be read as an image (corrupt, or not an image at all)"
        return ("bad-image", why, "open it in an image editor; save it again as JPEG or PNG, or copy it again")
    return None


def _photo(st: dict, kind: str, path: tuple, manifest: Manifest, report: Report) -> Photo | None:
    """The image of a picture or ad placement."""
    rel = st.get(kind)
    if not isinstance(rel, str):
        return None  # the schema has reported it
    file = _image_file(rel, manifest.value_at(*path, kind), manifest, report, kind)
    if file is None:
        return None
    caption = _str(st.get("caption"))
    return Photo(file=file, caption=caption, credit=_str(st.get("credit")), alt=_str(st.get("alt")) or caption,
                 focus=_focus(st.get("focus")), source=manifest.where(*path))


def _span(value) -> tuple[int, int] | None:
    """[first, last] as two whole numbers, in any order or range (`layout.spans` checks them against
    the grid); None for anything else (the schema has reported it)."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return (value[0], value[1])
    return None


def _check_references(pages, articles, manifest: Manifest, report: Report) -> None:
    """Unknown ids, articles placed twice, and jumps without a landing (or landings without a jump)."""
    placed: dict[tuple[str, bool], Placement] = {}
    jumps: dict[str, tuple[PageSpec, Placement]] = {}
    landings: dict[str, tuple[PageSpec, Placement]] = {}
    for page in pages:
        for pl in page.placements:
            if pl.kind != "article":
                continue
            if pl.article not in articles:
                if pl.article and pl.article not in manifest.unusable_ids:   # that file is reported as bad-id
                    report.error("unknown-article", f"no article with id '{pl.article}'", pl.source,
                                 did_you_mean(pl.article, articles) or "add it under articles: or as a file in articles/")
                continue
            key = (pl.article, pl.continued)
            if key in placed:
                report.error("placed-twice", f"article '{pl.article}' is placed twice", pl.source,
                             f"it is already placed at {placed[key].source}; a jump uses continue_on/continued")
            placed[key] = pl
            if pl.continue_on is not None:
                jumps[pl.article] = (page, pl)
            if pl.continued:
                landings[pl.article] = (page, pl)
    for art_id, (page, pl) in jumps.items():
        target = pl.continue_on
        landing = landings.get(art_id)
        if target > len(pages):
            report.error("bad-jump", f"continue_on: {target}, but the edition has {counted(len(pages), 'page')}",
                         pl.source, "name a page of this edition")
        elif target == page.number:
            report.error("bad-jump", f"'{art_id}' jumps to its own page {target}", pl.source,
                         "a jump continues on another page")
        elif landing is None or landing[0].number != target:
            report.error("missing-continuation",
                         f"'{art_id}' continues on page {target}, but page {target} has no placement of it with continued: true",
                         pl.source, f"add '- article: {art_id}' with 'continued: true' and its columns to page {target}'s stories")
    for art_id, (page, pl) in landings.items():
        if art_id not in jumps:
            report.error("orphan-continuation", f"'{art_id}' is marked continued: true, but no page jumps to it",
                         pl.source, f"add 'continue_on: {page.number}' to its first placement")
    for art_id, (page, pl) in list(jumps.items()):
        if (art_id, False) not in placed:
            report.error("orphan-continuation", f"'{art_id}' has a jump but no first placement", pl.source)


def _report_unplaced(articles: dict[str, Article], data: dict, report: Report) -> None:
    """A warning at each article that no page's stories name: it would be left out of the edition
    silently. Placements count as written, valid or not (a broken one has its own error)."""
    named = {st.get("article") for page in _list(data.get("pages")) if isinstance(page, dict)
             for st in _list(page.get("stories")) if isinstance(st, dict) and isinstance(st.get("article"), str)}
    for art_id, article in articles.items():
        if art_id not in named:
            report.warning("unplaced-article", f"article '{art_id}' is placed on no page: it is left out of the "
                           "edition (PDF and EPUB)", article.source,
                           f"add '- article: {art_id}' with its columns to a page's stories, or remove the article")


def _build_article(art_id: str, raw: dict, manifest: Manifest, report: Report, lang: str, normalize) -> Article:
    base = ("articles", art_id)

    def clean(text: str, where: Source | None) -> str:
        text = text.strip()
        if normalize is not None and text:
            text, changes = normalize(text, lang)
            for ch in changes:
                report.info("normalized", f"{ch.before!r} -> {ch.after!r} ({ch.rule})", where)
        # what normalisation left of line-wrap newlines is a word space
        return re.sub(r"\s*\n\s*", " ", text)

    def clean_deck(text: str, where: Source | None) -> str:
        """Headline decks and 插题: spaces separate phrases (再学习 谋发展 明方向) and stay; each phrase is
        cleaned. A newline or a `|` is the editor's line break: kept as one newline."""
        text = _capped(text, f"a headline deck of '{art_id}'", where, report)
        lines = (" ".join(clean(part, where) for part in line.split()) for line in _FORCED_BREAK.split(text))
        return "\n".join(line for line in lines if line)

    paragraphs = _parse_body(raw.get("body"), manifest.value_at(*base, "body"), clean, report, art_id,
                             inline=art_id not in manifest.article_files, clean_heading=clean_deck)
    photos = []
    for k, ph in enumerate(_list(raw.get("photos"))):
        if not isinstance(ph, dict) or not isinstance(ph.get("file"), str):
            continue
        where = manifest.value_at(*base, "photos", k, "file")
        path = _image_file(ph["file"], where, manifest, report, "photo")
        if path is None:
            continue
        caption = _str(ph.get("caption"))
        photos.append(
            Photo(
                file=path,
                caption=clean(caption, manifest.value_at(*base, "photos", k, "caption")),
                credit=_str(ph.get("credit")),
                alt=_str(ph.get("alt")) or caption,
                columns=ph.get("columns") if isinstance(ph.get("columns"), int) else 1,
                position=ph.get("position") if ph.get("position") in ("top", "bottom") else "top",
                focus=_focus(ph.get("focus")),
                source=manifest.where(*base, "photos", k),
            )
        )
    date = _str(raw.get("date"))
    first = next((p for p in paragraphs if p.kind == "p"), None)
    if date and first is not None and first.text.startswith(date):
        report.warning("date-twice", f"the body of '{art_id}' already starts with the date '{date}'; it is printed once",
                       manifest.where(*base, "date"), "drop 'date:' or the date at the start of the text")
        date = ""
    if not paragraphs:
        report.warning("empty-body", f"article '{art_id}' has no body text", manifest.where(*base),
                       "add body: with its paragraphs")
    return Article(
        id=art_id,
        headline=clean_deck(_str(raw.get("headline")), manifest.value_at(*base, "headline")),
        kicker=clean_deck(_str(raw.get("kicker")), manifest.value_at(*base, "kicker")),
        subhead=clean_deck(_str(raw.get("subhead")), manifest.value_at(*base, "subhead")),
        dateline=_str(raw.get("dateline")),
        date=date,
        paragraphs=tuple(paragraphs),
        byline=_str(raw.get("byline")),
        photos=tuple(photos),
        source=manifest.where(*base),
        headline_size=_headline_size(raw.get("headline_size"), manifest.value_at(*base, "headline_size"), report),
    )


def _headline_size(value, where: Source | None, report: Report) -> float | None:
    """`headline_size:` -> pt (a 号 name like 一号, or a length like 30pt), None when absent or wrong."""
    if value is None:
        return None
    size = parse_length(value)
    if size is None or not 5 <= size <= 200:
        report.error("bad-value", f"headline_size {value!r} is not a type size", where,
                     "a 号 name (初号, 小初, 一号, 小一, 二号, 小二, 三号 …) or points such as 30pt")
        return None
    return size


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
#: the editor's line break in a headline deck: a newline, or a | (ASCII or full-width) with any spaces round it
_FORCED_BREAK = re.compile(r"\s*(?:\n|\||｜)\s*")


def _spans(text: str) -> tuple[Span, ...]:
    spans, pos = [], 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            spans.append(Span(text[pos:m.start()]))
        spans.append(Span(m.group(1), bold=True))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    return tuple(s for s in spans if s.text)


#: Fenced blocks of the body (`::: 落款` … `:::`) and the paragraph kind each makes.
_BLOCKS = {"落款": "signature", "signature": "signature"}
_FENCE = re.compile(r"^:::\s*(\S*)\s*$")
#: A paragraph at the end of a body no longer than this (characters) that ends without closing
#: punctuation looks like a signature and date (落款) run together, not like a paragraph cut short.
_SIGNATURE_LIKE = 30


def _parse_body(body, where: Source | None, clean, report: Report, art_id: str, inline: bool,
                clean_heading=None) -> list[Paragraph]:
    """Body text -> paragraphs. Blank lines separate paragraphs; '### ' lines are subheads (cleaned by
    `clean_heading`, which keeps their phrase spaces, when given); a line
    ending in a backslash ends a line of its paragraph there (a hard break: '\\n' in the text); the
    lines of a `::: 落款` block (up to ':::' or the end) are a signature paragraph, one line each."""
    if not isinstance(body, str):
        return []
    first_line = (where.line + (1 if inline else 0)) if where else 0
    out: list[Paragraph] = []
    block: list[str] = []
    block_line = 0
    fence = ""                      # the kind of the fenced block we are in ('' outside one)
    unfinished: list[tuple[int, str, Source | None]] = []

    def flush():
        if not block:
            return
        text = "\n".join(block)
        src = Source(where.file, block_line, 1) if where else None
        if fence:
            lines = [clean(line, src) for line in block]
            spans = _spans("\n".join(line for line in lines if line))
            if spans:
                out.append(Paragraph(spans=spans, kind=fence, source=src))
        elif text.startswith("#"):
            heading = _capped(text.lstrip("#").strip(), f"a subhead (###) of '{art_id}'", src, report)
            out.append(Paragraph(spans=_spans((clean_heading or clean)(heading, src)), kind="subhead", source=src))
        else:
            cleaned = "\n".join(part for part in (clean(seg, src) for seg in _hard_lines(block)) if part)
            spans = _spans(cleaned)
            if spans:
                out.append(Paragraph(spans=spans, kind="p", source=src))
                plain = "".join(sp.text for sp in spans).rstrip()
                if plain and plain[-1] not in _PARAGRAPH_END:
                    unfinished.append((len(out) - 1, plain, src))
        block.clear()

    # a paragraph break inside a line (U+2029: what loading made of Word's line break) ends the
    # paragraph there, as a blank line does, and the next one starts on the same line
    pieces = ((offset, piece) for offset, line in enumerate(body.split("\n")) for piece in line.split(PARAGRAPH_BREAK))
    last_offset = -1
    for offset, line in pieces:
        if offset == last_offset:
            flush()
        last_offset = offset
        stripped = line.strip()
        fenced = _FENCE.match(stripped)
        if fenced:
            flush()
            name = fenced.group(1)
            if not name:            # the end of a block (or of one whose name was not known)
                fence = ""
            elif name in _BLOCKS:
                fence = _BLOCKS[name]
            else:
                here = Source(where.file, first_line + offset, 1) if where else None
                report.warning("unknown-block", f"'{stripped}' in '{art_id}' is no block this tool knows; "
                               "its lines are set as ordinary text", here,
                               did_you_mean(name, _BLOCKS) or "a signature and date (落款) go in a '::: 落款' block")
            continue
        if not stripped:
            flush()
            continue
        if stripped.startswith("#") and not fence:
            flush()
            block_line = first_line + offset
            block.append(stripped)
            flush()
            continue
        if not block:
            block_line = first_line + offset
        block.append(stripped)
    flush()
    for index, plain, src in unfinished:
        closing = all(p.kind == "signature" for p in out[index + 1:])
        if closing and len(plain) <= _SIGNATURE_LIKE:
            hint = ("if these lines are the signature and date (落款) that close the article, set them flush right: "
                    "'::: 落款' on the line before them and ':::' after (docs/manifest.md)")
        else:
            hint = ("pasted text often breaks a paragraph where a column broke: join it with the next one; "
                    "a line that ends on purpose ends in a backslash, and a 落款 goes in a '::: 落款' block")
        report.warning("paragraph-unfinished",
                       f"a paragraph of '{art_id}' ends without closing punctuation: …{plain[-12:]}", src, hint)
    return out


def _hard_lines(block: list[str]) -> list[str]:
    """A paragraph's source lines -> its lines as set: split after each line that ends in a backslash
    (the backslash dropped), the rest joined as before (by `clean`)."""
    out, current = [], []
    for line in block:
        if line.endswith("\\"):
            current.append(line[:-1].rstrip())
            out.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        out.append("\n".join(current))
    return out
