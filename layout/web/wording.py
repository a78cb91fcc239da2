"""The web edition's own words (skip links, navigation labels, headings, the page image's alt
text), in the script of the edition's language.

`words_for(lang)` takes the manifest's language (zh-CN, zh-TW, zh-HK, or a zh-Hans / zh-Hant tag)
and returns the wording: traditional characters for a Taiwan, Hong Kong, Macao or zh-Hant
edition, simplified otherwise, as the EPUB's (`layout.render.epub.wording`). Entries with `{…}`
are format strings.
"""
from __future__ import annotations

from layout.wording import is_traditional

SIMPLIFIED = {
    "sections": "版面导航", "printed": "见报：", "jump": "（转）",
    "skip_to_story": "跳到正文", "article_pager": "上一篇和下一篇", "prev_article": "上一篇：{headline}",
    "next_article": "下一篇：{headline}", "continued_from": "{headline}（上接第{page}版）",
    "skip_to_page": "跳到版面内容", "page_image": "{label}版面图（本版稿件见“本版稿件”列表）",
    "stories": "本版稿件", "ads": "本版广告", "ad": "广告", "page_pager": "翻版",
    "prev_page": "上一版：{label}", "next_page": "下一版：{label}", "download": "下载本版PDF（{size}）",
    "skip_to_pages": "跳到版面目录", "front_title": "{paper} {date} 数字报",
}
TRADITIONAL = {   # the entries written differently; the others are the same characters
    **SIMPLIFIED,
    "sections": "版面導覽", "printed": "見報：", "jump": "（轉）",
    "skip_to_page": "跳到版面內容", "page_image": "{label}版面圖（本版稿件見「本版稿件」列表）",
    "ads": "本版廣告", "ad": "廣告", "download": "下載本版PDF（{size}）",
    "skip_to_pages": "跳到版面目錄", "front_title": "{paper} {date} 數位報",
}


def words_for(lang: str) -> dict[str, str]:
    """The web edition's wording for an edition in `lang` (see the module docstring)."""
    return TRADITIONAL if is_traditional(lang) else SIMPLIFIED
