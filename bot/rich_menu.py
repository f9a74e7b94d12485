"""The LINE rich menus: their definitions and their images, both made here, never stored as files.

Four buttons under the chat: ask a question, emergency numbers, talk to staff, language. Each
sends what the desk already understands (DESIGN.md's stable choice ids, or a command), so the
menus need nothing new from the conversation code.

One menu per reading public, as LINE operators localise menus: everyone's default labelled in
Chinese and English, and one in Japanese and English and one in Korean and English that the
server links to a visitor it is talking to in Japanese or Korean (bot/channels/line.py; LINE
shows a user's own menu instead of the default). Four languages on one image would make each
label too small to read on a phone. Every label comes from the interface catalogs
(bot/locale/), and ``python -m bot setup`` names the Japanese and Korean menus by rich menu
aliases (``hualien-desk-ja``, ``hualien-desk-ko``), which the server resolves to menu ids.

The images are drawn with Pillow in a CJK font found on the system (the Dockerfile installs
fonts-noto-cjk, whose collection has Traditional Chinese, Japanese and Korean faces: each menu
is drawn in its language's face). Without one the labels are drawn in English only, and
:func:`find_cjk_font` says so, rather than drawing empty boxes where the CJK should be.

:func:`fingerprint` digests a definition and its image: ``python -m bot setup`` writes it into
the menu's name, so a second run sees that LINE already has this very menu.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from linebot.v3.messaging import (
    MessageAction,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)
from PIL import Image, ImageDraw, ImageFont

from bot.i18n import N_, translate
from bot.text import Lang

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 2500, 843  # LINE's compact size: a third of a phone screen
#: The menus this command made have names starting so; no other menu is ever touched.
NAME_PREFIX = "hualien-desk "
MAX_CHAT_BAR_TEXT = 14  # LINE's limit, in characters
#: LINE refuses a rich menu image larger than this.
MAX_IMAGE_BYTES = 1024 * 1024
#: The emergency entry (DESIGN.md: an emergency is answered with this id).
EMERGENCY_ENTRY = "contact.emergency"

#: Where Debian and other distributions put Noto Sans CJK, if fontconfig cannot be asked.
_KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@dataclass(frozen=True)
class Menu:
    """One rich menu: the languages of its labels (the big one first, English under it), and
    the alias the server finds it by (None: the default menu, for everyone else)."""

    key: str
    langs: tuple[Lang, ...]
    alias: str | None
    #: The face of a font collection its CJK is drawn in (Noto Sans CJK's family suffix).
    face: str

    def label(self, text: str) -> str:
        """``text`` in the menu's languages, as a visitor's message shows it."""
        return " / ".join(dict.fromkeys(translate(text, lang) for lang in self.langs))


DEFAULT_MENU = Menu("zh-en", (Lang.ZH_HANT, Lang.EN), None, " TC")
JAPANESE_MENU = Menu("ja-en", (Lang.JA, Lang.EN), "hualien-desk-ja", " JP")
KOREAN_MENU = Menu("ko-en", (Lang.KO, Lang.EN), "hualien-desk-ko", " KR")
MENUS = (DEFAULT_MENU, JAPANESE_MENU, KOREAN_MENU)


def menu_for(lang: Lang) -> Menu:
    """The menu a visitor writing ``lang`` should see."""
    return {Lang.JA: JAPANESE_MENU, Lang.KO: KOREAN_MENU}.get(lang, DEFAULT_MENU)


@dataclass(frozen=True)
class Button:
    #: The label, an interface text (bot/locale/).
    label: str
    colour: str
    symbol: str
    #: A postback's choice id (DESIGN.md's stable contract: "help", "staff", "entry:<id>"),
    #: or None for a button that sends ``command`` as the visitor's message.
    choice: str | None = None
    #: What the chat shows as the visitor's message for a postback.
    said: str | None = None
    command: str | None = None
    #: Opens the keyboard at once (the help answer says what the desk can answer).
    keyboard: bool = False

    def action(self, menu: Menu) -> PostbackAction | MessageAction:
        # The action's label is what screen readers and LINE's older clients show: the
        # menu's first language (English for the default menu, as LINE's own examples).
        spoken = translate(self.label, menu.langs[0] if menu.alias else Lang.EN)[:20]
        if self.choice is None:
            assert self.command is not None
            return MessageAction(label=spoken, text=self.command)
        return PostbackAction(
            label=spoken,
            data=self.choice,
            display_text=menu.label(self.said or self.label),
            **({"input_option": "openKeyboard"} if self.keyboard else {}),
        )


BUTTONS = (
    Button(
        N_("Ask a question"),
        "#0b6e69",
        "?",
        choice="help",
        said=N_("I have a question"),
        keyboard=True,
    ),
    Button(N_("Emergency numbers"), "#b3261e", "SOS", choice=f"entry:{EMERGENCY_ENTRY}"),
    Button(N_("Talk to staff"), "#1f5fad", "person", choice="staff"),
    # The language menu is the /lang command's answer; a visitor may also type it.
    Button(N_("Language"), "#4a5a68", "文A", command="/lang"),
)


def chat_bar_text(menu: Menu) -> str:
    """The text on the bar that opens the menu: "Menu" in the menu's first language and in
    English (at most 14 characters)."""
    own = translate(_MENU, menu.langs[0])
    return f"{own} {_MENU}"[:MAX_CHAT_BAR_TEXT]


_MENU = N_("Menu")


def definition(name: str = NAME_PREFIX.strip(), menu: Menu = DEFAULT_MENU) -> RichMenuRequest:
    column = WIDTH // len(BUTTONS)
    areas = [
        RichMenuArea(
            bounds=RichMenuBounds(
                x=index * column,
                y=0,
                # The last column takes the pixels the division leaves over.
                width=column if index < len(BUTTONS) - 1 else WIDTH - index * column,
                height=HEIGHT,
            ),
            action=button.action(menu),
        )
        for index, button in enumerate(BUTTONS)
    ]
    return RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT),
        selected=True,  # shown open when a visitor opens the chat
        name=name,
        chat_bar_text=chat_bar_text(menu),
        areas=areas,
    )


def fingerprint(menu: RichMenuRequest, image: bytes) -> str:
    """16 hex digits of SHA-256 over the definition (its name aside) and the image."""
    described = menu.to_dict()
    described.pop("name", None)
    digest = hashlib.sha256(json.dumps(described, sort_keys=True).encode("utf-8"))
    digest.update(image)
    return digest.hexdigest()[:16]


# -- the image -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    path: Path | None
    #: Face index inside a collection (.ttc): Noto Sans CJK holds JP, KR, SC, TC, HK faces.
    index: int = 0

    @property
    def has_cjk(self) -> bool:
        return self.path is not None

    def face(self, suffix: str) -> Font:
        """The same file's face whose family ends with ``suffix`` (" JP"), if it has one."""
        if self.path is None:
            return self
        return Font(self.path, _face(self.path, suffix, self.index))

    def sized(self, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if self.path is None:
            return ImageFont.load_default(size)
        return ImageFont.truetype(str(self.path), size, index=self.index)


def _face(path: Path, suffix: str, otherwise: int = 0) -> int:
    """The index of the face whose family ends with ``suffix`` in a font collection, else
    ``otherwise``."""
    for index in range(16):
        try:
            family, _ = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:  # past the last face
            break
        if family and family.endswith(suffix):
            return index
    return otherwise


def _traditional_face(path: Path) -> int:
    """The index of the Traditional Chinese face in a font collection, else 0."""
    return _face(path, " TC")


def _fontconfig_cjk() -> list[Path]:
    """Fonts fontconfig says cover Traditional Chinese, bold ones first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listing = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, ":lang=zh-tw", "file", "style"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[tuple[bool, str]] = []
    for line in listing.splitlines():
        file, _, style = line.partition(":")
        if file.strip():
            found.append(("Bold" not in style, file.strip()))
    return [Path(file) for _, file in sorted(set(found))]


def find_cjk_font(explicit: Path | None = None) -> Font:
    """``explicit``, else a system font covering Traditional Chinese, else Pillow's own
    (Latin only: the image then shows English labels)."""
    if explicit is not None:
        if not explicit.is_file():
            raise FileNotFoundError(f"font file {explicit} does not exist")
        return Font(explicit, _traditional_face(explicit))
    for path in [*_fontconfig_cjk(), *map(Path, _KNOWN_CJK_FONTS)]:
        if path.is_file():
            return Font(path, _traditional_face(path))
    return Font(None)


def _fitted(
    draw: ImageDraw.ImageDraw, text: str, font: Font, size: int, width: float
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """``font`` at ``size``, or smaller until ``text`` fits in ``width`` pixels."""
    while True:
        sized = font.sized(size)
        left, _, right, _ = draw.textbbox((0, 0), text, font=sized)
        if right - left <= width or size <= 24:
            return sized
        size -= 4


def _height(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> float:
    _, upper, _, lower = draw.textbbox((0, 0), text, font=font)
    return lower - upper


def _centred(
    draw: ImageDraw.ImageDraw,
    centre_x: float,
    top: float,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    """Draw ``text`` in white, centred on ``centre_x``, its ink starting at ``top``."""
    left, upper, right, _ = draw.textbbox((0, 0), text, font=font)
    draw.text((centre_x - (right - left) / 2 - left, top - upper), text, font=font, fill="white")


def _person(draw: ImageDraw.ImageDraw, centre_x: float, top: float, size: float) -> None:
    head = size * 0.4
    draw.ellipse((centre_x - head / 2, top, centre_x + head / 2, top + head), fill="white")
    draw.rounded_rectangle(
        (centre_x - size * 0.36, top + head * 1.12, centre_x + size * 0.36, top + size),
        radius=size * 0.28,
        fill="white",
    )


BADGE = 250  # diameter of the circle around a button's symbol
MARGIN = 40  # between a label and a tile's edges


def image(font: Font, menu: Menu = DEFAULT_MENU) -> bytes:
    """The menu's PNG: one coloured tile a button, a symbol, the labels in the menu's
    languages (big, then English under it)."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(canvas)
    font = font.face(menu.face)
    column = WIDTH // len(BUTTONS)
    for index, button in enumerate(BUTTONS):
        left = index * column
        right = WIDTH if index == len(BUTTONS) - 1 else left + column
        centre = (left + right) / 2
        draw.rectangle((left, 0, right, HEIGHT), fill=button.colour)
        if index:  # a thin light line between tiles
            draw.line((left, 70, left, HEIGHT - 70), fill="#d9e2ea", width=3)
        room = right - left - 2 * MARGIN
        langs = menu.langs if font.has_cjk else (Lang.EN,)
        labels = list(dict.fromkeys(translate(button.label, lang) for lang in langs))
        # The first label big, the English one smaller under it.
        sizes = [116 if len(labels) > 1 else 68, *[68] * (len(labels) - 1)]
        label_fonts = [
            _fitted(draw, label, font, size, room)
            for label, size in zip(labels, sizes, strict=True)
        ]
        gaps = [60, *[34] * (len(labels) - 1)]
        heights = [
            _height(draw, "國Ag" if not label.isascii() else "Ag", f)
            for label, f in zip(labels, label_fonts, strict=True)
        ]
        top = (HEIGHT - BADGE - sum(gaps) - sum(heights)) / 2
        draw.ellipse(
            (centre - BADGE / 2, top, centre + BADGE / 2, top + BADGE), outline="white", width=12
        )
        if button.symbol == "person":
            _person(draw, centre, top + 50, 160)
        else:
            symbol = button.symbol if font.has_cjk or button.symbol.isascii() else "A"
            glyphs = _fitted(draw, symbol, font, 180 if len(symbol) == 1 else 110, BADGE - 70)
            _centred(
                draw, centre, top + (BADGE - _height(draw, symbol, glyphs)) / 2, symbol, glyphs
            )
        below = top + BADGE
        for label, label_font, gap, height in zip(labels, label_fonts, gaps, heights, strict=True):
            below += gap
            _centred(draw, centre, below, label, label_font)
            below += height
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    if len(data) > MAX_IMAGE_BYTES:  # flat colours compress far below this; a guard all the same
        raise ValueError(f"rich menu image is {len(data)} bytes, LINE takes at most 1 MB")
    return data
