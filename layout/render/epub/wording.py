"""The EPUB's own words, in the script of the edition's language.

`words_for(lang)` takes a language tag (the manifest's `zh-CN` / `zh-TW` / `zh-HK`, or the book's
`zh-Hans` / `zh-Hant-TW`) and returns the labels the renderer writes itself: the navigation's
headings and landmarks, the names given to standalone pictures and advertisements, the print
edition's name in `dc:source`. Traditional characters for a Taiwan, Hong Kong, Macao or zh-Hant
edition, simplified otherwise, so a reader (and a screen reader) of a zh-TW book meets one script.
`accessibility_summary(...)` -> the package's `schema:accessibilitySummary` in the same script,
naming only what the book holds.
"""
from __future__ import annotations

from layout.wording import is_traditional

SIMPLIFIED = {
    "toc": "目录", "page_list": "版次", "landmarks": "导览", "cover": "封面", "bodymatter": "正文",
    "picture": "图片新闻", "ad": "广告",
    "print_edition": "印刷版（{issue}，{pages}版）",
}
TRADITIONAL = {
    "toc": "目錄", "page_list": "版次", "landmarks": "導覽", "cover": "封面", "bodymatter": "正文",
    "picture": "圖片新聞", "ad": "廣告",
    "print_edition": "印刷版（{issue}，{pages}版）",
}

#: The summary's sentences: {what} is the list of contents, {pages} the number of print pages.
_SUMMARY = {
    "simplified": ("{paper}{date}电子版，收录印刷版的全部{what}。每篇稿件为一个文档，按版面顺序排列；"
                   "目录按版次和栏目分组，页码列表对应印刷版的{pages}个版面，正文中标有印刷版的分版位置；"
                   "标题、小标题、电头和署名均有结构标记{alt}。未使用固定颜色，阅读软件的字号和夜间模式均可正常使用。",
                   "稿件", "新闻图片", "广告（标有“广告”字样）", "，所有图片都有文字描述"),
    "traditional": ("{paper}{date}電子版，收錄印刷版的全部{what}。每篇稿件為一個文件，按版面順序排列；"
                    "目錄按版次和欄目分組，頁碼列表對應印刷版的{pages}個版面，正文中標有印刷版的分版位置；"
                    "標題、小標題、電頭和署名均有結構標記{alt}。未使用固定顏色，閱讀軟體的字級和夜間模式均可正常使用。",
                    "稿件", "新聞圖片", "廣告（標有「廣告」字樣）", "，所有圖片都有文字描述"),
}


def words_for(lang: str) -> dict[str, str]:
    """The renderer's labels for a book in `lang` (see the module docstring)."""
    return TRADITIONAL if is_traditional(lang) else SIMPLIFIED


def accessibility_summary(lang: str, paper: str, date: str, pages: int, *, pictures: bool, ads: bool,
                          all_alt: bool) -> str:
    """What the book holds and how it reads, in the book's script: the stories, then news pictures and
    advertisements when there are any; 'every picture is described' only when each has a description."""
    text, stories, pictures_word, ads_word, described = _SUMMARY["traditional" if is_traditional(lang) else "simplified"]
    parts = [stories] + ([pictures_word] if pictures else []) + ([ads_word] if ads else [])
    what = parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]
    return text.format(paper=paper, date=date, what=what, pages=pages,
                       alt=described if (pictures or ads) and all_alt else "")
