"""Wording: of counts in messages (`counted(1, "line")` -> "1 line", `counted(3, "line")` -> "3 lines"), and
the few words the tool itself prints on a page (the jump lines, 总第N期), in the script of the edition's language."""
from __future__ import annotations

import re

_TRADITIONAL_LANGS = re.compile(r"^zh-(tw|hk|mo|hant)\b", re.I)

#: The tool's own words on a printed page, simplified and traditional (only what is written differently).
_PRINT_WORDS = {
    False: {"jump_to": "（下转第{page}版）", "jump_from": "（上接第{page}版）", "issue_number": "总第{number}期",
            "registration": "国内统一连续出版物号 {code}", "editor": "责任编辑　{name}",
            "publisher": "{publisher}主办"},
    True: {"jump_to": "（下轉第{page}版）", "jump_from": "（上接第{page}版）", "issue_number": "總第{number}期",
           "registration": "國內統一連續出版物號 {code}", "editor": "責任編輯　{name}",
           "publisher": "{publisher}主辦"},
}


def is_traditional(lang: str) -> bool:
    """Whether a language tag (zh-TW, zh-HK, zh-MO, zh-Hant, zh-Hant-TW …) is written in traditional characters."""
    return bool(_TRADITIONAL_LANGS.match(lang or ""))


def print_words(lang: str) -> dict[str, str]:
    """The tool's own words on a printed page for an edition in `lang`: format strings keyed jump_to, jump_from
    ({page}), issue_number ({number}), registration ({code}), editor ({name}) and publisher ({publisher})."""
    return _PRINT_WORDS[is_traditional(lang)]


def issue_number_name(lang: str, number: int) -> str:
    """总第1234期 (總第1234期 in a traditional edition): the masthead's and the PDF's subject."""
    return print_words(lang)["issue_number"].format(number=number)


def publisher_credit(publisher: str, lang: str) -> str:
    """The publisher as the masthead and the web edition print it: '东湖晚报社' -> '东湖晚报社主办' ('竹溪日報社主辦'
    in a traditional edition); a publisher that already says 主办/主辦 is printed as given; '' stays ''."""
    if not publisher or "主办" in publisher or "主辦" in publisher:
        return publisher
    return print_words(lang)["publisher"].format(publisher=publisher)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for exactly one, else plural (`singular + "s"` unless given);
    thousands separated: counted(1200, "character") -> "1,200 characters"."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
