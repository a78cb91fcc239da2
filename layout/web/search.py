"""Client-side search over an archive's articles: the index and the search page.

- `terms(text)`: the words a text is found by, Chinese-aware: a run of Han (or kana, hangul)
  gives its character bigrams (工作会议 -> 工作 作会 会议; a lone character itself), a run of
  Latin letters or digits gives itself, lower-cased, after NFKC (全角 ＡＢＣ１２ -> abc12).
  `search.js` splits a query the same way, so a query is found exactly by the terms it shares
  with an article (every term of the query must be in it).
- `search_index(editions)`: ArchivedEditions -> the index as plain data: `docs` (url from the
  site root, headline, paper, date, 版, lede) newest edition first, and `terms` (term -> the
  numbers of the docs that have it; a headline's terms also as `^term`, to rank headline
  matches first), all sorted, so the same editions give the same bytes.
- `index_files(index)`: the index as files a browser loads in parts, so that an archive of years
  stays searchable: `search-index.js` (how many parts there are), `search/terms-NNN.js` (the
  terms whose hash `term_shard` falls in part NNN; a query reads only the parts of its terms) and
  `search/docs-NNN.js` (DOC_CHUNK docs each; a result list reads only the chunks of the results
  shown). Each is a script, not a JSON file fetched: a browser refuses fetch() of a local file, and
  scripts are what lets the search page work from file://. Its JSON payload is handed to
  `layoutSearchPart(name, data)` (defined by search.js).
- `search_page(...)`: the HTML of `search.html` (a form that also works as a plain GET with `?q=`).
"""
from __future__ import annotations

import json
import re
import unicodedata

from layout.web.archive_html import page_html, esc

#: Scripts written without spaces between words, searched by character bigrams: kana, CJK
#: unified ideographs (extension A, the main block, compatibility, extensions B to G), hangul.
#: search.js holds the same ranges.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{CJK_RANGES}]+)|([0-9a-z\u00c0-\u024f]+)")

#: Characters of an article's text shown under its headline in the results.
LEDE_CHARS = 80

#: The global search-index.js sets (the index's shape); search.js reads it.
INDEX_GLOBAL = "layoutSearchIndex"
#: The function every part of the index calls with its name and data (search.js defines it).
PART_CALL = "layoutSearchPart"
#: The most bytes of terms in one part of the index, near enough: a query reads at most two parts
#: per term (the term, and its headline form ^term).
SHARD_BYTES = 128 * 1024
#: Docs per part of the doc list (about 110 KB).
DOC_CHUNK = 256


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
    """ArchivedEditions (newest first) -> {"docs": [...], "terms": {term: [doc numbers]}} (a headline's
    terms also as "^term")."""
    docs: list[dict] = []
    postings: dict[str, list[int]] = {}
    for edition in editions:
        for article in edition.articles:
            number = len(docs)
            docs.append({"url": article.url, "headline": article.headline, "paper": edition.paper,
                         "date": edition.date.isoformat(), "page": article.page_label,
                         "lede": _lede(article.text)})
            searchable = " ".join((article.kicker, article.headline, article.subtitle, article.byline, article.text))
            found = set(terms(searchable)) | {"^" + t for t in terms(article.headline)}
            for term in found:   # each list grows in doc order, whatever the set's order
                postings.setdefault(term, []).append(number)
    return {"docs": docs, "terms": {t: postings[t] for t in sorted(postings)}}


def term_shard(term: str, shards: int) -> int:
    """The part of the index holding `term`: FNV-1a (32 bit) over its code points, modulo the
    number of parts (a power of two). search.js computes the same."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def index_files(index: dict) -> dict[str, bytes]:
    """The index as search-index.js and its parts under search/ (see the module docstring)."""
    size = sum(len(term.encode("utf-8")) + 5 + len(",".join(map(str, docs))) for term, docs in index["terms"].items())
    shards = 1
    while size / shards > SHARD_BYTES:
        shards *= 2
    parts: list[dict] = [{} for _ in range(shards)]
    for term, docs in index["terms"].items():
        parts[term_shard(term, shards)][term] = docs
    docs = index["docs"]
    chunks = max(1, -(-len(docs) // DOC_CHUNK))
    shape = {"format": 2, "docs": len(docs), "chunk": DOC_CHUNK, "chunks": chunks, "shards": shards}
    files = {"search-index.js": f"window.{INDEX_GLOBAL} = {_json(shape)};\n"}
    for n, part in enumerate(parts):
        files[f"search/terms-{n:03d}.js"] = f'{PART_CALL}("terms-{n:03d}", {_json(part)});\n'
    for n in range(chunks):
        chunk = docs[n * DOC_CHUNK:(n + 1) * DOC_CHUNK]
        files[f"search/docs-{n:03d}.js"] = f'{PART_CALL}("docs-{n:03d}", {_json(chunk)});\n'
    return {name: text.encode("utf-8") for name, text in files.items()}


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
        f'data-none="{esc(words["none"])}" data-more="{esc(words["more"])}" '
        f'data-failed="{esc(words["failed"])}"></p>\n'
        f'<ol id="search-results" class="search-results"></ol>\n'
        f'<noscript><p>{esc(words["needs_script"])}</p></noscript>\n'
    )
    return page_html(lang=lang, title=f'{words["search"]} · {site_title}', site_title=site_title, words=words,
                     current="search", main=body, scripts=("search-index.js", "assets/search.js"))
