"""The web edition's files: everything under web/, as a mapping of paths to bytes.

Two steps, so that a build can draw the images while it makes the page PDFs:
`site_images(edition, pdf)` takes a laid-out `Edition` and the bytes of its print PDF (the
page images are rasterised from it, once) and returns the `SiteImages` (page images, the
articles' photos); `site_files(edition, images, page_pdfs, report)` adds each page's own PDF
(page number -> bytes, as `--split` makes them), the HTML, the stylesheets and edition.json,
and returns {path inside web/: bytes}, paths with '/' and no '..'. A photo the site cannot
describe (no alt text, no caption) is a `web-no-alt` warning. Writing the files (all together
or not at all) is `outputs.OutputSet.add_tree`'s job. The same edition gives the same bytes.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

from layout.diagnostics import Report
from layout.web.article import article_page
from layout.web.edition import PAGE_HEIGHT, SMALL_FACTOR, summary, web_edition
from layout.web.images import page_images, photo_file
from layout.web.markup import STYLESHEET
from layout.web.pageview import front, page_css, page_view


def stylesheet() -> bytes:
    """The site's stylesheet, shipped in the package (layout/web/web.css)."""
    return resources.files(__package__).joinpath("web.css").read_bytes()


def _check_alt(web, report: Report) -> None:
    """A `web-no-alt` warning for each photo or picture with neither alt text nor a caption: its
    image on the article page can only be marked as saying nothing (alt="")."""
    for art in web.articles:
        for photo in _photos(art):
            if not photo.alt and not photo.caption:
                what = f"a photo of '{art.article.id}'" if art.article else f"the picture {photo.file.name}"
                report.warning("web-no-alt", f"{what} has neither alt text nor a caption: the web edition "
                               "shows it without a description", photo.source,
                               "add 'alt:' describing what the photo shows, for readers who cannot see it")


def _photos(art) -> tuple:
    return art.article.photos if art.article else (art.picture,)


@dataclass(frozen=True)
class SiteImages:
    files: dict[str, bytes]                                 # path inside web/ -> bytes
    page_sizes: dict[int, tuple[int, int]]                  # page number -> the desktop image's size
    photos: dict[tuple[int, int], tuple[str, tuple[int, int]]]   # (article, k) -> (path, size), k from 1


def site_images(edition, pdf: bytes) -> SiteImages:
    """The page images and the articles' photos (see the module docstring); the photos are
    converted on two threads while the pages are drawn."""
    web = web_edition(edition)
    files: dict[str, bytes] = {}
    sizes: dict[int, tuple[int, int]] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="web-photos") as pool:
        jobs = {(art.index, k): pool.submit(photo_file, photo.file)
                for art in web.articles for k, photo in enumerate(_photos(art), 1)}
        for frame, (big, small, size) in zip(edition.frames,
                                             page_images(pdf, edition.frames, PAGE_HEIGHT, SMALL_FACTOR)):
            page = web.page_of(frame.number)
            files[page.image], files[page.small_image], sizes[page.number] = big, small, size
        photos = {}
        for (index, k), job in jobs.items():
            data, ext, size = job.result()
            path = f"image/{web.articles[index].key[1:]}-{k}.{ext}"
            files[path] = data
            photos[(index, k)] = (path, size)
    return SiteImages(files, sizes, photos)


def site_files(edition, images: SiteImages, page_pdfs: dict[int, bytes], report: Report | None = None
               ) -> dict[str, bytes]:
    web = web_edition(edition)
    if report is not None:
        _check_alt(web, report)
    files: dict[str, bytes] = {STYLESHEET: stylesheet(), **images.files}
    sizes = images.page_sizes
    for page in web.pages:
        data = page_pdfs.get(page.number, b"")
        if data:
            files[web.pdf(page.number)] = data
        files[page.stylesheet] = page_css(page, sizes[page.number])
        files[page.url] = page_view(web, page, sizes[page.number], len(data))
    for art in web.articles:
        shown = [images.photos[(art.index, k)] for k in range(1, len(_photos(art)) + 1)]
        files[art.url] = article_page(web, art, shown)
    files["edition.json"] = (json.dumps(summary(web), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["index.html"] = front(web, sizes)
    return files
