"""The HTML frame of the archive's root pages (index.html, search.html) and their wording.

`page_html(...)` -> the bytes of one page: doctype, `lang`, a Content-Security-Policy that
allows only the site's own files (no inline script, no other origin), the archive stylesheet,
a header with the site's name and navigation, `main` holding the given HTML, a footer.
`esc(text)` escapes text for HTML (element content and attribute values alike).
`words_for(langs)` -> the interface wording for the editions' language (simplified Chinese, or
traditional for zh-TW / zh-HK / zh-Hant editions).
"""
from __future__ import annotations

import html
import re

from layout.wording import is_traditional

#: Only the site's own files: no inline script or style, no other origin, no <base> or plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'")

#: Characters XML 1.0 (and so HTML's serialisation) cannot hold: C0 controls but tab and line
#: breaks, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

SIMPLIFIED = {
    "archive": "往期", "search": "搜索", "feed": "订阅（Atom）", "site": "数字报",
    "search_label": "搜索全部 {n} 篇文章", "found": "找到 {n} 篇", "none": "没有找到含有这些字词的文章",
    "more": "只列出前 {n} 篇，请加字词缩小范围", "needs_script": "搜索需要浏览器运行 JavaScript。",
    "failed": "搜索索引无法载入",
    "issue": "第{n}期", "pages": "共{n}版", "editions": "共 {n} 期",
    "year_month": "{y}年{m}月", "month_day": "{m}月{d}日", "nav": "网站导航", "months": "月份",
}
TRADITIONAL = {
    **SIMPLIFIED,
    "archive": "往期", "search": "搜尋", "feed": "訂閱（Atom）", "site": "數位報",
    "search_label": "搜尋全部 {n} 篇文章", "found": "找到 {n} 篇", "none": "沒有找到含有這些字詞的文章",
    "more": "只列出前 {n} 篇，請加字詞縮小範圍", "needs_script": "搜尋需要瀏覽器執行 JavaScript。",
    "failed": "搜尋索引無法載入",
    "issue": "第{n}期", "pages": "共{n}版", "editions": "共 {n} 期", "nav": "網站導覽", "months": "月份",
}


def words_for(langs: list[str]) -> dict:
    """Traditional wording when most editions are zh-TW / zh-HK / zh-MO / zh-Hant, else simplified."""
    traditional = sum(1 for lang in langs if is_traditional(lang))
    return TRADITIONAL if traditional * 2 > len(langs) else SIMPLIFIED


def clean_text(text: str) -> str:
    """`text` without the characters no HTML or XML file can hold."""
    return _NOT_XML.sub("", text)


def esc(text) -> str:
    """Text for HTML content or a quoted attribute value."""
    return html.escape(clean_text(str(text)), quote=True)


def page_html(*, lang: str, title: str, site_title: str, words: dict, current: str, main: str,
              scripts: tuple[str, ...] = ()) -> bytes:
    """One root page (see the module docstring); `current` is "archive" or "search" (marked in the
    navigation), `scripts` the site-root-relative scripts loaded at the end of the body."""
    def nav_link(key: str, href: str) -> str:
        mark = ' aria-current="page"' if key == current else ""
        return f'<li><a href="{href}"{mark}>{esc(words[key])}</a></li>'

    script_tags = "".join(f'<script src="{esc(src)}"></script>\n' for src in scripts)
    text = (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{esc(title)}</title>\n"
        '<link rel="stylesheet" href="assets/archive.css">\n'
        f'<link rel="alternate" type="application/atom+xml" href="feed.xml" title="{esc(site_title)}">\n'
        "</head>\n<body>\n"
        f'<header class="site-header">\n<p class="site-title"><a href="index.html">{esc(site_title)}</a></p>\n'
        f'<nav aria-label="{esc(words["nav"])}"><ul>'
        f'{nav_link("archive", "index.html")}{nav_link("search", "search.html")}'
        f'<li><a href="feed.xml">{esc(words["feed"])}</a></li></ul></nav>\n</header>\n'
        f'<main id="main">\n{main}</main>\n'
        f"{script_tags}</body>\n</html>\n"
    )
    return text.encode("utf-8")
