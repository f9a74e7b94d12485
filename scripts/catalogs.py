"""Keep the interface texts' catalogs (bot/locale/) in step with the code: ``make catalogs-update``.

1. ``pybabel extract`` (babel.cfg) collects every marked text into bot/locale/messages.pot;
2. ``pybabel update`` merges it into each translated language's messages.po (a new text comes
   in untranslated, a changed one fuzzy: both are for a translator to fill in or check);
3. en/…/messages.po gets each English text as its own translation (the code is written in
   English, so English needs no translator; a catalog entry all the same, so the desk finds
   every language the same way and a test can check that no catalog lacks a text);
4. zh_Hans/…/messages.po is generated from zh_Hant's with OpenCC's tw2sp (the reverse of the
   s2twp the desk reads Simplified Chinese with: Taiwan phrasing to mainland phrasing, as
   bot.text.to_simplified does for answers), but for the few texts that name the script
   itself, written by hand in ``HAND_WRITTEN``. Do not edit zh_Hans's file: edit zh_Hant's.

Compiling (.po → .mo) is ``make catalogs``, which ``make run`` and ``make test`` do first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALE_DIR
from bot.text import to_simplified

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
#: Languages whose catalogs translators write; en and zh_Hans are generated.
TRANSLATED = ("zh_Hant", "ja", "ko")
#: zh_Hans texts that OpenCC cannot derive from zh_Hant's (they name the script itself).
HAND_WRITTEN = {"OK, I will answer in English.": "好的，我会用简体中文回答。"}
#: The functions whose first argument is an interface text (besides gettext's usual names).
KEYWORDS = ("translate", "both")


def _catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _pybabel(*args: str) -> None:
    # babel.cfg's patterns are relative to the project's root.
    os.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract() -> None:
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *keywords,
        "--add-comments=Translators:",
        "--no-wrap",
        # No file:line comments: they would change with every edit of the code around a
        # text, and make each catalog a file every branch conflicts in.
        "--no-location",
        "--sort-output",
        "--project=hualien-exchange-desk",
        "-o",
        str(TEMPLATE),
        ".",
    )


def update(locale: str) -> None:
    """Bring ``locale``'s catalog up to the template (``init`` the first time)."""
    exists = _catalog_path(locale).exists()
    _pybabel(
        "update" if exists else "init",
        "-i",
        str(TEMPLATE),
        "-d",
        str(LOCALE_DIR),
        "-D",
        DOMAIN,
        "-l",
        locale,
        "--no-wrap",
        *(["--ignore-obsolete"] if exists else []),
    )


def _derive(locale: str, source: str | None, convert: dict[str, str] | None) -> None:
    """Write ``locale``'s catalog from the template: each English text as itself (``source``
    None), or zh_Hant's translation through OpenCC."""
    with TEMPLATE.open("rb") as file:
        catalog = read_po(file, locale=locale)
    translations: dict[str, str] = {}
    if source is not None:
        with _catalog_path(source).open("rb") as file:
            translations = {str(m.id): str(m.string) for m in read_po(file) if m.id and not m.fuzzy}
    for message in catalog:
        if not message.id:
            continue
        msgid = str(message.id)
        if source is None:
            message.string = msgid
        elif convert is not None and msgid in convert:
            message.string = convert[msgid]
        elif translations.get(msgid):
            message.string = to_simplified(translations[msgid])
    catalog.fuzzy = False  # the template's header is fuzzy; pybabel compiles no fuzzy catalog
    path = _catalog_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=0, omit_header=False)


def main() -> int:
    extract()
    for locale in TRANSLATED:
        update(locale)
    _derive("en", None, None)
    _derive("zh_Hans", "zh_Hant", HAND_WRITTEN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
