"""Build ``fixtures/states.json`` from ISO 3166 (through pycountry) and the names analysts use.

ISO 3166-1 gives the current entries. ISO 3166-3 lists withdrawn codes; two kinds are mixed there:
states that ceased to exist (the Soviet Union, Czechoslovakia) become historical ``State`` rows with
their four-letter code, while renamings of a state that went on (Burma, Zaire, Upper Volta) become
other names of the current state, so that a 1985 exercise with "Zaire" counts for DR Congo.

The fixture is committed; this module only regenerates it (``manage.py build_states_fixture``)
when ISO changes, so the data do not depend on the installed pycountry version.
"""

import json
from pathlib import Path

from exercises.models.geography import normalize_name

#: ISO 3166-3 entries that record a new name or code for a state that continued: alias, not a row.
RENAMED = {
    "AIDJ": "DJ",  # French Afars and Issas -> Djibouti
    "BUMM": "MM",  # Burma -> Myanmar
    "BYAA": "BY",  # Byelorussian SSR -> Belarus
    "DYBJ": "BJ",  # Dahomey -> Benin
    "FXFR": "FR",  # France, Metropolitan
    "HVBF": "BF",  # Upper Volta -> Burkina Faso
    "NHVU": "VU",  # New Hebrides -> Vanuatu
    "RHZW": "ZW",  # Southern Rhodesia -> Zimbabwe
    "TPTL": "TL",  # East Timor -> Timor-Leste
    "ZRCD": "CD",  # Zaire -> Congo, The Democratic Republic of the
}

#: The names analysts use for current entries, where they differ from ISO's. First is the display name.
COMMON_NAMES = {
    "BN": ["Brunei"],
    "BO": ["Bolivia"],
    "CD": ["DR Congo", "Democratic Republic of the Congo", "Congo-Kinshasa", "Zaire"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville"],
    "FM": ["Micronesia"],
    "GB": ["United Kingdom", "UK", "Britain", "Great Britain"],
    "IR": ["Iran"],
    "KP": ["North Korea"],
    "KR": ["South Korea"],
    "LA": ["Laos"],
    "MD": ["Moldova"],
    "PS": ["Palestine"],
    "RU": ["Russia"],
    "SY": ["Syria"],
    "TR": ["Turkey"],
    "TW": ["Taiwan"],
    "TZ": ["Tanzania"],
    "US": ["United States", "USA", "US", "America"],
    "VA": ["Vatican City", "Vatican"],
    "VE": ["Venezuela"],
    "VN": ["Vietnam"],
}

#: Other spellings and former names that do not make a display name. Among them the English names
#: the R countrycode package writes (``country.name.en``: "St. Lucia", "Hong Kong SAR China",
#: "Myanmar (Burma)"), which data sets built with it, such as MME, carry.
OTHER_NAMES = {
    "BA": ["Bosnia"],
    "BL": ["St. Barthélemy"],
    "BQ": ["Caribbean Netherlands"],
    "BS": ["The Bahamas"],
    "BY": ["Byelorussia", "Belorussia"],
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "DE": ["Federal Republic of Germany", "West Germany", "German Federal Republic"],
    "FK": ["Falkland Islands"],
    "GM": ["The Gambia"],
    "GS": ["South Georgia & South Sandwich Islands"],
    "HK": ["Hong Kong SAR China"],
    "HM": ["Heard & McDonald Islands"],
    "KG": ["Kirghizia", "Kyrgyz Republic"],
    # Saint Christopher and Nevis is the name in its constitution; countrycode also matches "st. christopher".
    "KN": ["St. Kitts & Nevis", "Saint Christopher and Nevis", "St. Christopher"],
    "LC": ["St. Lucia"],
    "MF": ["St. Martin (French part)"],
    "MK": ["Macedonia", "Former Yugoslav Republic of Macedonia"],
    "MM": ["Burma", "Myanmar (Burma)"],
    "MO": ["Macao SAR China"],
    "PM": ["St. Pierre & Miquelon"],
    "PN": ["Pitcairn Islands"],
    "PS": ["Palestinian Territories"],
    "SH": ["St. Helena"],
    "SX": ["Sint Maarten"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "UM": ["U.S. Outlying Islands"],
    "VC": ["St. Vincent & Grenadines"],
    "VI": ["U.S. Virgin Islands"],
}

#: Display names and other names for former states (ISO's names are long and inverted).
HISTORICAL_NAMES = {
    "ANHH": ["Netherlands Antilles"],
    "CSHH": ["Czechoslovakia", "Czechoslovak Socialist Republic", "Czech and Slovak Federative Republic"],
    "CSXX": ["Serbia and Montenegro"],
    "DDDE": ["German Democratic Republic", "East Germany", "GDR"],
    "SUHH": ["Soviet Union", "USSR", "Union of Soviet Socialist Republics"],
    "VDVN": ["North Vietnam", "Democratic Republic of Vietnam"],
    "YDYE": ["South Yemen", "People's Democratic Republic of Yemen"],
    "YUCS": ["Yugoslavia", "Socialist Federal Republic of Yugoslavia", "Federal Republic of Yugoslavia"],
}


def build_states() -> list[dict]:
    """The fixture objects: one ``exercises.state`` per entry, one ``exercises.statename`` per name."""
    import pycountry  # development dependency, needed only here

    states, names = [], {}

    def add_names(code: str, candidates):
        for name in candidates:
            if not name:
                continue
            key = normalize_name(name)
            owner = names.setdefault(key, (code, name))[0]
            if owner != code:
                raise ValueError(f"name {name!r} would belong to both {owner} and {code}")

    by_alpha2 = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        common = COMMON_NAMES.get(country.alpha_2, [])
        states.append(
            {
                "model": "exercises.state",
                "fields": {
                    "code": country.alpha_3,
                    "alpha2": country.alpha_2,
                    "alpha3": country.alpha_3,
                    "numeric": country.numeric,
                    "name": country.name,
                    "common_name": common[0] if common else "",
                    "official_name": getattr(country, "official_name", ""),
                    "is_historical": False,
                    "withdrawn": "",
                },
            }
        )
        by_alpha2[country.alpha_2] = country.alpha_3
        add_names(
            country.alpha_3,
            [
                country.name,
                getattr(country, "official_name", ""),
                getattr(country, "common_name", ""),
                *common,
                *OTHER_NAMES.get(country.alpha_2, []),
            ],
        )

    for former in sorted(pycountry.historic_countries, key=lambda c: c.alpha_4):
        if former.alpha_4 in RENAMED:
            successor = by_alpha2[RENAMED[former.alpha_4]]
            add_names(successor, [former.name])
            continue
        own = HISTORICAL_NAMES.get(former.alpha_4, [former.name])
        states.append(
            {
                "model": "exercises.state",
                "fields": {
                    "code": former.alpha_4,
                    "alpha2": former.alpha_2,
                    "alpha3": former.alpha_3,
                    "numeric": getattr(former, "numeric", ""),
                    "name": own[0],
                    "common_name": "",
                    "official_name": own[1] if len(own) > 1 else "",
                    "is_historical": True,
                    "withdrawn": getattr(former, "withdrawal_date", ""),
                },
            }
        )
        add_names(former.alpha_4, [*own, former.name])

    statenames = [
        {"model": "exercises.statename", "fields": {"state": [code], "name": name, "key": key}}
        for key, (code, name) in sorted(names.items(), key=lambda item: (item[1][0], item[0]))
    ]
    return states + statenames


def write_fixture(path: Path) -> int:
    objects = build_states()
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(objects)
