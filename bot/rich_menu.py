"""The LINE rich menu: its definition and its image, both made here, never stored as files.

Four buttons under the chat, labelled in Chinese and English: ask a question, emergency
numbers, talk to staff, language. Each sends what the desk already understands (DESIGN.md's
stable choice ids, or a command), so the menu needs nothing new from the conversation code.

The image is drawn with Pillow in a CJK font found on the system (the Dockerfile installs
fonts-noto-cjk). Without one the labels are drawn in English only, and :func:`find_cjk_font`
says so, rather than drawing empty boxes where the Chinese should be.

:func:`fingerprint` digests the definition and the image: ``python -m bot setup`` writes it
into the menu's name, so a second run sees that LINE already has this very menu.
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

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 2500, 843  # LINE's compact size: a third of a phone screen
#: The menus this command made have names starting so; no other menu is ever touched.
NAME_PREFIX = "hualien-desk "
CHAT_BAR_TEXT = "選單 Menu"  # at most 14 characters
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
class Button:
    zh: str
    en: str
    colour: str
    symbol: str
    action: PostbackAction | MessageAction


# Choice ids are DESIGN.md's stable contract: "help", "staff", "entry:<id>".
BUTTONS = (
    Button(
        "問問題",
        "Ask a question",
        "#0b6e69",
        "?",
        # Opens the keyboard at once; the help answer says what the desk can answer.
        PostbackAction(
            label="Ask a question",
            data="help",
            display_text="我想問問題 / I have a question",
            input_option="openKeyboard",
        ),
    ),
    Button(
        "緊急電話",
        "Emergency numbers",
        "#b3261e",
        "SOS",
        PostbackAction(
            label="Emergency numbers",
            data=f"entry:{EMERGENCY_ENTRY}",
            display_text="緊急電話 / Emergency numbers",
        ),
    ),
    Button(
        "找承辦人員",
        "Talk to staff",
        "#1f5fad",
        "person",
        PostbackAction(
            label="Talk to staff", data="staff", display_text="找承辦人員 / Talk to staff"
        ),
    ),
    Button(
        "語言",
        "Language",
        "#4a5a68",
        "文A",
        # The language menu is the /lang command's answer; a visitor may also type it.
        MessageAction(label="Language", text="/lang"),
    ),
)


def definition(name: str = NAME_PREFIX.strip()) -> RichMenuRequest:
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
            action=button.action,
        )
        for index, button in enumerate(BUTTONS)
    ]
    return RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT),
        selected=True,  # shown open when a visitor opens the chat
        name=name,
        chat_bar_text=CHAT_BAR_TEXT,
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

    def sized(self, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if self.path is None:
            return ImageFont.load_default(size)
        return ImageFont.truetype(str(self.path), size, index=self.index)


def _traditional_face(path: Path) -> int:
    """The index of the Traditional Chinese face in a font collection, else 0."""
    for index in range(16):
        try:
            family, _ = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:  # past the last face
            break
        if family and family.endswith(" TC"):
            return index
    return 0


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


def image(font: Font) -> bytes:
    """The menu's PNG: one coloured tile a button, a symbol, the Chinese and English labels."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(canvas)
    column = WIDTH // len(BUTTONS)
    for index, button in enumerate(BUTTONS):
        left = index * column
        right = WIDTH if index == len(BUTTONS) - 1 else left + column
        centre = (left + right) / 2
        draw.rectangle((left, 0, right, HEIGHT), fill=button.colour)
        if index:  # a thin light line between tiles
            draw.line((left, 70, left, HEIGHT - 70), fill="#d9e2ea", width=3)
        room = right - left - 2 * MARGIN
        labels = [button.zh, button.en] if font.has_cjk else [button.en]
        label_fonts = [
            _fitted(draw, label, font, 116 if label is button.zh else 68, room) for label in labels
        ]
        gaps = [60, *[34] * (len(labels) - 1)]
        heights = [
            _height(draw, "國Ag" if lbl is button.zh else "Ag", f)
            for lbl, f in zip(labels, label_fonts, strict=True)
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
