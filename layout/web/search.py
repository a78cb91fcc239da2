"""Client-side search over an archive's articles: the index and the search page.

- `terms(text)`: the words a text is found by, Chinese-aware: a run of Han (or kana, hangul)
  gives its character bigrams (工作会议 -> 工作 作会 会议; a lone character itself), a run of
  Latin letters or digits gives itself, lower-cased, after NFKC (全角 ＡＢＣ１２ -> abc12).
  `assets/search.js` splits a query the same way, so a query is found exactly by the terms it
  shares with an article (every term of the query must be in it).
- `search_index(editions)`: ArchivedEditions -> the index as plain data: `docs` (url from the
  site root, headline, paper, date, page, lede) newest edition first, and `terms` (term -> the
  numbers of the docs that have it), all sorted, so the same editions give the same bytes.
- `index_files(index)`: the bytes of `search-index.json` (for other tools) and `search-index.js`
  (the same data assigned to `window.layoutSearchIndex`, loaded by a <script> element: Chromium
  refuses fetch() of a local file, so this is what lets the search page work from file://).
- `search_page(...)`: the HTML of `search.html` (a form that also works as a plain GET with `?q=`).
"""
from __future__ import annotations

import json
import re
import unicodedata

from layout.web.archive_html import page_html, esc

#: Scripts written without spaces between words, searched by character bigrams: kana, CJK
#: unified ideographs (extension A, the main block, compatibility, extensions B to G), hangul.
#: assets/search.js holds the same ranges.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{CJK_RANGES}]+)|([0-9a-z\u00c0-\u024f]+)")

#: Characters of an article's text shown under its headline in the results.
LEDE_CHARS = 80

#: The global the .js index sets; assets/search.js reads it.
INDEX_GLOBAL = "layoutSearchIndex"


def terms(text: str) -> list[str]:
    """The search terms of `text`, in order, repeats kept (see the module docstring)."""
    out: list[str] = []
    for han, word in _RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if word:
            out.append(word)
        elif len(han) == 1:
            out.append(han)
        else:
            out.extend(han[i:i + 2] for i in range(len(han) - 1))
    return out


def _lede(text: str) -> str:
    """The start of an article's text for the result list, whitespace made single spaces."""
    flat = " ".join(text.split())
    return flat if len(flat) <= LEDE_CHARS else flat[:LEDE_CHARS] + "…"


def search_index(editions) -> dict:
    """ArchivedEditions (newest first) -> {"docs": [...], "terms": {term: [doc numbers]}}."""
    docs: list[dict] = []
    postings: dict[str, list[int]] = {}
    for edition in editions:
        for article in edition.articles:
            number = len(docs)
            docs.append({"url": article.url, "headline": article.headline, "paper": edition.paper,
                         "date": edition.date.isoformat(), "page": article.page_label,
                         "lede": _lede(article.text)})
            searchable = " ".join((article.kicker, article.headline, article.subtitle, article.byline, article.text))
            for term in sorted(set(terms(searchable))):
                postings.setdefault(term, []).append(number)
    return {"format": 1, "docs": docs, "terms": {t: postings[t] for t in sorted(postings)}}


def index_files(index: dict) -> dict[str, bytes]:
    """The index as `search-index.json` and as `search-index.js` (a script setting a global)."""
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return {"search-index.json": text.encode("utf-8"),
            "search-index.js": f"window.{INDEX_GLOBAL} = {text};\n".encode("utf-8")}


def search_page(words: dict, site_title: str, lang: str, doc_count: int) -> bytes:
    """search.html: the form, an empty result list the script fills, and the two scripts."""
    body = (
        f'<h1>{esc(words["search"])}</h1>\n'
        f'<form class="search-form" role="search" action="search.html" method="get">\n'
        f'<label for="q">{esc(words["search_label"].format(n=doc_count))}</label>\n'
        f'<input type="search" id="q" name="q" autocomplete="off" spellcheck="false">\n'
        f'<button type="submit">{esc(words["search"])}</button>\n'
        f'</form>\n'
        f'<p id="search-status" role="status" data-found="{esc(words["found"])}" '
        f'data-none="{esc(words["none"])}" data-more="{esc(words["more"])}"></p>\n'
        f'<ol id="search-results" class="search-results"></ol>\n'
        f'<noscript><p>{esc(words["needs_script"])}</p></noscript>\n'
    )
    return page_html(lang=lang, title=f'{words["search"]} · {site_title}', site_title=site_title, words=words,
                     current="search", main=body, scripts=("search-index.js", "assets/search.js"))
