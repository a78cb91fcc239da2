"""The web edition's files: everything under web/, as a mapping of paths to bytes.

`site_files(edition, pdf, page_pdfs)` takes a laid-out `Edition`, the bytes of its print PDF
(the page images are rasterised from it, once) and each page's own PDF (page number -> bytes,
as `--split` makes them), and returns {path inside web/: bytes}, paths with '/' and no '..'.
Writing them (all together or not at all) is `outputs.OutputSet.add_tree`'s job. The same
edition gives the same bytes.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

from layout.web.article import article_page
from layout.web.edition import PAGE_HEIGHT, SMALL_FACTOR, summary, web_edition
from layout.web.images import page_images, photo_file
from layout.web.markup import STYLESHEET
from layout.web.pageview import front, page_css, page_view


def stylesheet() -> bytes:
    """The site's stylesheet, shipped in the package (layout/web/web.css)."""
    return resources.files(__package__).joinpath("web.css").read_bytes()


def _photos(art) -> tuple:
    return art.article.photos if art.article else (art.picture,)


def site_files(edition, pdf: bytes, page_pdfs: dict[int, bytes]) -> dict[str, bytes]:
    web = web_edition(edition)
    files: dict[str, bytes] = {STYLESHEET: stylesheet()}
    sizes: dict[int, tuple[int, int]] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="web-photos") as pool:   # beside the page images
        photos = {(art.index, k): pool.submit(photo_file, photo.file)
                  for art in web.articles for k, photo in enumerate(_photos(art), 1)}
        for frame, (big, small, size) in zip(edition.frames,
                                             page_images(pdf, edition.frames, PAGE_HEIGHT, SMALL_FACTOR)):
            page = web.page_of(frame.number)
            files[page.image], files[page.small_image], sizes[page.number] = big, small, size
    for page in web.pages:
        data = page_pdfs.get(page.number, b"")
        if data:
            files[web.pdf(page.number)] = data
        files[page.stylesheet] = page_css(page, sizes[page.number], web)
        files[page.url] = page_view(web, page, sizes[page.number], len(data))
    for art in web.articles:
        shown = []
        for k, _photo in enumerate(_photos(art), 1):
            data, ext, size = photos[(art.index, k)].result()
            path = f"image/{art.key[1:]}-{k}.{ext}"
            files[path] = data
            shown.append((path, size))
        files[art.url] = article_page(web, art, shown)
    files["edition.json"] = (json.dumps(summary(web), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["index.html"] = front(web, sizes)
    return files
