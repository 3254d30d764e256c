#!/usr/bin/env python3
"""Build outlets.tsv (news-site host -> outlet name, country, kind) from open raw data.

Usage:
    python3 build_outlets.py RAW_DIR [-o outlets.tsv]

RAW_DIR must contain (see SOURCE.md for provenance and licences):

  wikidata_newspapers/query_result.json
      Wikidata Query Service JSON result of wikidata_newspapers/query.sparql
      (items with P31 = newspaper Q11032 and an official website P856).
      Wikidata content: CC0 1.0.
  wikidata_newspapers/entities/Q*.json
      Per-item Wikidata records (claims + English labels) for most of those items,
      as saved by the wikidata-dl tool.  Wikidata content: CC0 1.0.
  sling/newssites.txt
      "host,QID,name[,@twitter][,alias-host...]" lines from ringgaard/sling
      (Apache License 2.0), grouped under "# <Language>" headings.
  wikidata_extra/*.json   (optional, not shipped)
      Further Wikidata Query Service JSON results with variables
      ?item ?itemLabel ?website [?countryLabel] [?classLabel]  -- e.g. from the query in
      SOURCE.md for news agencies / broadcasters / the QIDs of the SLING list.  Used to
      add hosts and to fill country/kind for SLING entries with the same QID.

Output columns (tab separated, one row per host, sorted by host):
  host     lower-case, no scheme/port/path, leading "www." removed, IDNA (punycode)
  name     English Wikidata label (Wikidata rows) or the SLING list's name
  country  ISO 3166-1 alpha-3 from Wikidata P17 / P495 / P291, else "-"
  kind     derived only from Wikidata P31 (instance of), else "-"

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict
from urllib.parse import urlsplit

# --------------------------------------------------------------------------------------
# English Wikidata country labels -> ISO 3166-1 alpha-3.  Keys are the labels exactly as
# they appear in the raw files (P17 / P495 / P291 value labels).  Sub-national units map to
# their sovereign state; historical states, supranational bodies and ambiguous regions map
# to "-" (they are listed so that the build can report truly unknown labels).
# --------------------------------------------------------------------------------------
COUNTRY_LABEL_TO_ISO3 = {
    "Afghanistan": "AFG",
    "Albania": "ALB",
    "Algeria": "DZA",
    "Angola": "AGO",
    "Anguilla": "AIA",
    "Argentina": "ARG",
    "Armenia": "ARM",
    "Aruba": "ABW",
    "Australia": "AUS",
    "Austria": "AUT",
    "Azerbaijan": "AZE",
    "The Bahamas": "BHS",
    "Bahrain": "BHR",
    "Bangladesh": "BGD",
    "Belarus": "BLR",
    "Belgium": "BEL",
    "Benin": "BEN",
    "Bhutan": "BTN",
    "Bolivia": "BOL",
    "Bosnia and Herzegovina": "BIH",
    "Botswana": "BWA",
    "Brazil": "BRA",
    "Brunei": "BRN",
    "Bulgaria": "BGR",
    "Burkina Faso": "BFA",
    "Cambodia": "KHM",
    "Canada": "CAN",
    "Cape Verde": "CPV",
    "Chile": "CHL",
    "People's Republic of China": "CHN",
    "Colombia": "COL",
    "Comoros": "COM",
    "Republic of the Congo": "COG",
    "Democratic Republic of the Congo": "COD",
    "Croatia": "HRV",
    "Cuba": "CUB",
    "Curaçao": "CUW",
    "Cyprus": "CYP",
    "Czech Republic": "CZE",
    "Denmark": "DNK",
    "Kingdom of Denmark": "DNK",
    "Djibouti": "DJI",
    "Dominican Republic": "DOM",
    "Ecuador": "ECU",
    "Egypt": "EGY",
    "El Salvador": "SLV",
    "Estonia": "EST",
    "Eswatini": "SWZ",
    "Ethiopia": "ETH",
    "Faroe Islands": "FRO",
    "Fiji": "FJI",
    "Finland": "FIN",
    "France": "FRA",
    "Gabon": "GAB",
    "Georgia": "GEO",
    "Germany": "DEU",
    "Ghana": "GHA",
    "Greece": "GRC",
    "Guatemala": "GTM",
    "Bailiwick of Guernsey": "GGY",
    "Guinea": "GIN",
    "Guyana": "GUY",
    "Haiti": "HTI",
    "Honduras": "HND",
    "Hong Kong": "HKG",
    "Hungary": "HUN",
    "Iceland": "ISL",
    "India": "IND",
    "Indonesia": "IDN",
    "Iran": "IRN",
    "Iraq": "IRQ",
    "Republic of Ireland": "IRL",
    "Israel": "ISR",
    "Italy": "ITA",
    "Jamaica": "JAM",
    "Japan": "JPN",
    "Jordan": "JOR",
    "Kazakhstan": "KAZ",
    "Kenya": "KEN",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Kuwait": "KWT",
    "Kyrgyzstan": "KGZ",
    "Laos": "LAO",
    "Latvia": "LVA",
    "Lebanon": "LBN",
    "Lesotho": "LSO",
    "Lithuania": "LTU",
    "Luxembourg": "LUX",
    "Malaysia": "MYS",
    "Maldives": "MDV",
    "Malta": "MLT",
    "Mexico": "MEX",
    "Moldova": "MDA",
    "Mongolia": "MNG",
    "Montenegro": "MNE",
    "Morocco": "MAR",
    "Mozambique": "MOZ",
    "Myanmar": "MMR",
    "Nepal": "NPL",
    "Netherlands": "NLD",
    "Kingdom of the Netherlands": "NLD",
    "New Zealand": "NZL",
    "Nicaragua": "NIC",
    "Nigeria": "NGA",
    "North Macedonia": "MKD",
    "Norway": "NOR",
    "Oman": "OMN",
    "Pakistan": "PAK",
    "Palau": "PLW",
    "State of Palestine": "PSE",
    "Panama": "PAN",
    "Papua New Guinea": "PNG",
    "Paraguay": "PRY",
    "Peru": "PER",
    "Philippines": "PHL",
    "Poland": "POL",
    "Portugal": "PRT",
    "Puerto Rico": "PRI",
    "Qatar": "QAT",
    "Romania": "ROU",
    "Russia": "RUS",
    "Rwanda": "RWA",
    "Saint Kitts and Nevis": "KNA",
    "Saint Vincent and the Grenadines": "VCT",
    "Saudi Arabia": "SAU",
    "Serbia": "SRB",
    "Singapore": "SGP",
    "Slovakia": "SVK",
    "Slovenia": "SVN",
    "Solomon Islands": "SLB",
    "South Africa": "ZAF",
    "South Sudan": "SSD",
    "Spain": "ESP",
    "Sri Lanka": "LKA",
    "Sudan": "SDN",
    "Suriname": "SUR",
    "Sweden": "SWE",
    "Switzerland": "CHE",
    "Syria": "SYR",
    "Taiwan": "TWN",
    "Republic of China": "TWN",
    "Tanzania": "TZA",
    "Thailand": "THA",
    "Trinidad and Tobago": "TTO",
    "Tunisia": "TUN",
    "Turkey": "TUR",
    "Uganda": "UGA",
    "Ukraine": "UKR",
    "United Arab Emirates": "ARE",
    "United Kingdom": "GBR",
    "United States of America": "USA",
    "Uruguay": "URY",
    "Uzbekistan": "UZB",
    "Vatican City": "VAT",
    "Venezuela": "VEN",
    "Vietnam": "VNM",
    "Zimbabwe": "ZWE",
    # constituent countries / sub-national places that appear as P17/P495/P291 values
    "England": "GBR",
    "Scotland": "GBR",
    "Wales": "GBR",
    "Northern Ireland": "GBR",
    "Exeter": "GBR",
    "British Columbia": "CAN",
    "Schleswig-Holstein": "DEU",
    "Galicia": "ESP",
    "Istanbul": "TUR",
    "Beijing": "CHN",
    "Stavanger": "NOR",
    "Miyazaki Prefecture": "JPN",
    "Bashkortostan": "RUS",
    "Chechen Republic": "RUS",
    "Mille Lacs Indian Reservation": "USA",
    # historical states, supranational or ambiguous values: no current ISO code
    "Soviet Union": "-",
    "Yugoslavia": "-",
    "Socialist Federal Republic of Yugoslavia": "-",
    "Czechoslovakia": "-",
    "German Democratic Republic": "-",
    "Ottoman Empire": "-",
    "Russian Empire": "-",
    "Russian Socialist Federative Soviet Republic": "-",
    "Ukrainian Soviet Socialist Republic": "-",
    "British Raj": "-",
    "Qing dynasty": "-",
    "Dutch Republic": "-",
    "Batavian Republic": "-",
    "Kingdom of Italy": "-",
    "Southern Rhodesia": "-",
    "Colonial Nigeria": "-",
    "British Hong Kong": "-",
    "United Kingdom of Great Britain and Ireland": "-",
    "European Union": "-",
    "Kosovo": "-",
    "Northern Cyprus": "-",
    "Basque Country": "-",
    "Ireland": "-",
}

# Wikidata P31 (instance of) class labels -> kind.  The entity records carry English
# labels for every class they reference, so rules match on those labels.  All items in the
# Wikidata input are instances of "newspaper" (the query requires P31=Q11032); a more
# specific class listed here overrides that.  First matching rule wins.
KIND_RULES = [
    ("wire", {"news agency"}),
    ("state-media", {"state media", "state-owned media"}),
    (
        "broadcaster",
        {
            "television channel",
            "television station",
            "radio station",
            "public broadcaster",
            "broadcaster",
            "television network",
            "radio network",
        },
    ),
    (
        "online",
        {
            "online newspaper",
            "news website",
            "digital newspaper",
            "online magazine",
            "online publication",
            "video game news website",
        },
    ),
    (
        "newspaper",
        {
            "newspaper",
            "daily newspaper",
            "weekly newspaper",
            "tabloid",
            "broadsheet",
            "student newspaper",
            "local newspaper",
            "regional newspaper",
            "party newspaper",
            "free newspaper",
        },
    ),
    ("magazine", {"magazine", "news magazine"}),
]

# Hosts that belong to platforms, not to an outlet (an outlet's "official website" on
# these is a profile/page URL).  A host equal to, or under, one of these is dropped.
PLATFORM_HOSTS = {
    "facebook.com",
    "fb.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "youtube.com",
    "youtu.be",
    "t.me",
    "telegram.me",
    "vk.com",
    "ok.ru",
    "linkedin.com",
    "sites.google.com",
    "google.com",
    "plus.google.com",
    "issuu.com",
    "archive.org",
    "wikipedia.org",
    "wikimedia.org",
    "wikidata.org",
    "medium.com",
    "pressreader.com",
    "newspapers.com",
    "calameo.com",
    "flickr.com",
    "pinterest.com",
    "soundcloud.com",
    "weibo.com",
    "tiktok.com",
    "yumpu.com",
    "scribd.com",
    "bit.ly",
    "linktr.ee",
    # libraries, archives and full-text databases that host digitised newspapers
    "loc.gov",
    "bnf.fr",
    "retronews.fr",
    "newsbank.com",
    "proquest.com",
    "serialssolutions.com",
    "lexis-nexis.com",
    "lexisnexis.com",
    "nla.gov.au",
    "hathitrust.org",
    "galegroup.com",
    "gale.com",
    "epnet.com",
    "ebscohost.com",
    "umi.com",
    "crl.edu",
    "pressdisplay.com",
    "europeana.eu",
    "delpher.nl",
    "trove.nla.gov.au",
    "hkbu.edu.hk",
    "worldcat.org",
    "jstor.org",
}
# A host named (with a path) by at least this many different Wikidata items, and by no
# SLING entry and no item's bare-domain URL, is treated as a shared hosting/repository
# host rather than one outlet's site and is dropped.
SHARED_HOST_MIN_ITEMS = 3

# Host labels that mark library / archive / proxy hosts (digitised back issues, not the
# outlet's own site), e.g. "ezproxy.*", "0-search.*", "lib.*", "archives.<city>.fr".
LIBRARY_LABELS = {
    "ezproxy",
    "library",
    "lib",
    "elibrary",
    "dlib",
    "archives",
    "archive",
    "collections",
    "bndigital",
    "archivescannes",
    "digitalcollections",
}

FILE_SUFFIXES = {"aspx", "asp", "htm", "html", "php", "jsp", "cfm", "pdf", "shtml"}

QID_RE = re.compile(r"^Q\d+$")
HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def normalise_host(url_or_host: str) -> str | None:
    """Return a bare lower-case host (IDNA), without scheme, port, path or leading www."""
    s = url_or_host.strip()
    if not s:
        return None
    if "://" not in s:
        s = "http://" + s
    try:
        host = urlsplit(s).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.strip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    while host.startswith("www."):
        host = host[4:]
    if not HOST_RE.match(host) or re.fullmatch(r"[\d.]+", host):
        return None
    tld = host.rsplit(".", 1)[-1]
    if tld in FILE_SUFFIXES or not (tld.isalpha() or tld.startswith("xn--")):
        return None  # e.g. "http://2004.aspx" - a broken URL, not a host
    return host


def url_has_path(url: str) -> bool:
    try:
        parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    except ValueError:
        return False
    return parts.path not in ("", "/") or bool(parts.query)


def is_platform(host: str) -> bool:
    dotted = "." + host + "."
    # p.com itself, a sub-domain of it, or a proxied form such as p.com.proxy.example.edu
    return any(
        host == p or host.endswith("." + p) or ("." + p + ".") in dotted for p in PLATFORM_HOSTS
    )


def is_library_host(host: str) -> bool:
    labels = host.split(".")
    return labels[0].startswith("0-") or any(part in LIBRARY_LABELS for part in labels[:-1])


def qnum(qid: str) -> int:
    return int(qid[1:]) if qid and QID_RE.match(qid) else 1 << 62


def kind_from_p31(class_labels: list[str]) -> str:
    s = {c for c in class_labels if c}
    for kind, classes in KIND_RULES:
        if s & classes:
            return kind
    # any other class whose label says newspaper (e.g. "sports newspaper")
    if any("newspaper" in c for c in s):
        return "newspaper"
    return "-"


def country_from_labels(labels: list[str], unknown: Counter) -> str:
    for lab in labels:
        if lab is None:
            continue
        code = COUNTRY_LABEL_TO_ISO3.get(lab)
        if code is None:
            unknown[lab] += 1
            continue
        if code != "-":
            return code
    return "-"


# --------------------------------------------------------------------------------------
# readers
# --------------------------------------------------------------------------------------


def read_wikidata(raw: str, stats: Counter, unknown_countries: Counter) -> dict[str, dict]:
    """Return {qid: {"name", "country", "kind", "urls": [..]}} from the Wikidata files."""
    items: dict[str, dict] = {}
    ent_dir = os.path.join(raw, "wikidata_newspapers", "entities")
    for path in sorted(glob.glob(os.path.join(ent_dir, "Q*.json"))):
        with open(path, encoding="utf-8") as fh:
            ent = json.load(fh)
        qid = ent.get("wikibase") or os.path.basename(path)[:-5]
        claims = ent.get("claims", {})
        labels = ent.get("labels", {})
        name = (ent.get("label") or "").strip()
        if not name or QID_RE.match(name):
            stats["wikidata entity without label (dropped)"] += 1
            continue

        def lab(prop: str, labels: dict = labels, claims: dict = claims) -> list[str]:
            return [labels.get(v) for v in claims.get(prop, []) if isinstance(v, str)]

        # P17 country, then P495 country of origin, then P291 place of publication
        country = "-"
        for prop in ("P17", "P495"):
            country = country_from_labels(lab(prop), unknown_countries)
            if country != "-":
                break
        if country == "-":
            # places of publication are often cities; only accept labels we know
            country = country_from_labels(
                [name for name in lab("P291") if name in COUNTRY_LABEL_TO_ISO3], Counter()
            )
        urls = [u for u in claims.get("P856", []) if isinstance(u, str)]
        items[qid] = {
            "name": name,
            "country": country,
            "kind": kind_from_p31(lab("P31")),
            "urls": urls,
        }
        stats["wikidata entities read"] += 1

    # SPARQL result: adds items that have no entity file (country from P17 only).
    qpath = os.path.join(raw, "wikidata_newspapers", "query_result.json")
    with open(qpath, encoding="utf-8") as fh:
        result = json.load(fh)
    extra: dict[str, dict] = {}
    for b in result["results"]["bindings"]:
        qid = b["item"]["value"].rsplit("/", 1)[-1]
        if qid in items:
            continue
        name = b.get("itemLabel", {}).get("value", "").strip()
        if not name or QID_RE.match(name):
            stats["sparql rows without English label (dropped)"] += 1
            continue
        rec = extra.setdefault(qid, {"name": name, "country": "-", "kind": "newspaper", "urls": []})
        url = b.get("offurl", {}).get("value")
        if url and url not in rec["urls"]:
            rec["urls"].append(url)
        if rec["country"] == "-":
            rec["country"] = country_from_labels(
                [b.get("countryLabel", {}).get("value")], unknown_countries
            )
    stats["wikidata items from SPARQL result only"] += len(extra)
    items.update(extra)

    # Optional extra SPARQL results (any class of news outlet).
    classes: dict[str, set] = defaultdict(set)
    more: dict[str, dict] = {}
    for path in sorted(glob.glob(os.path.join(raw, "wikidata_extra", "*.json"))):
        with open(path, encoding="utf-8") as fh:
            result = json.load(fh)
        for b in result["results"]["bindings"]:
            qid = b["item"]["value"].rsplit("/", 1)[-1]
            cls = b.get("classLabel", {}).get("value")
            if cls:
                classes[qid].add(cls)
            if qid in items:
                continue
            name = b.get("itemLabel", {}).get("value", "").strip()
            if not name or QID_RE.match(name):
                stats["extra rows without English label (dropped)"] += 1
                continue
            rec = more.setdefault(qid, {"name": name, "country": "-", "kind": "-", "urls": []})
            url = b.get("website", {}).get("value")
            if url and url not in rec["urls"]:
                rec["urls"].append(url)
            if rec["country"] == "-":
                rec["country"] = country_from_labels(
                    [b.get("countryLabel", {}).get("value")], unknown_countries
                )
    for qid, rec in more.items():
        rec["kind"] = kind_from_p31(sorted(classes.get(qid, ())))
    stats["wikidata items from wikidata_extra"] += len(more)
    items.update(more)
    return items


def read_sling(raw: str, stats: Counter) -> list[dict]:
    """Return [{"qid", "name", "hosts": [...], "language"}] from sling/newssites.txt."""
    out = []
    language = "-"
    with open(os.path.join(raw, "sling", "newssites.txt"), encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
                if heading:
                    language = heading
                continue
            fields = [f.strip() for f in line.split(",")]
            if len(fields) < 3 or not QID_RE.match(fields[1]):
                stats["sling malformed lines (dropped)"] += 1
                continue
            hosts = [fields[0]] + [f for f in fields[3:] if f and not f.startswith("@")]
            out.append({"qid": fields[1], "name": fields[2], "hosts": hosts, "language": language})
    stats["sling entries read"] += len(out)
    return out


# --------------------------------------------------------------------------------------
# merge
# --------------------------------------------------------------------------------------


def build(raw: str) -> tuple[list[tuple[str, str, str, str]], Counter, Counter]:
    stats: Counter = Counter()
    unknown_countries: Counter = Counter()
    wd = read_wikidata(raw, stats, unknown_countries)
    sling = read_sling(raw, stats)

    # candidates[host] -> list of (priority tuple, name, country, kind, qid)
    candidates: dict[str, list] = defaultdict(list)

    def add(
        host_src: str,
        qid: str,
        name: str,
        country: str,
        kind: str,
        source_rank: int,
        has_path: bool,
    ) -> None:
        host = normalise_host(host_src)
        if host is None:
            stats["unparseable host/url (dropped)"] += 1
            return
        if is_platform(host):
            stats["platform host (dropped)"] += 1
            return
        if source_rank > 0 and is_library_host(host):
            stats["library/archive/proxy host (dropped)"] += 1
            return
        prio = (source_rank, 1 if has_path else 0, qnum(qid))
        candidates[host].append((prio, name, country, kind, qid))

    # SLING first in priority: it is a host-centric list built for exactly this lookup.
    for e in sling:
        w = wd.get(e["qid"])
        country = w["country"] if w else "-"
        kind = w["kind"] if w else "-"
        for h in e["hosts"]:
            add(h, e["qid"], e["name"], country, kind, 0, False)
    for qid, w in wd.items():
        for url in w["urls"]:
            add(url, qid, w["name"], w["country"], w["kind"], 1, url_has_path(url))

    rows = []
    for host in sorted(candidates):
        cands = sorted(candidates[host], key=lambda c: c[0])
        qids = {c[4] for c in cands}
        if len(qids) >= SHARED_HOST_MIN_ITEMS and all(c[0][0] == 1 and c[0][1] == 1 for c in cands):
            stats["shared/repository host named by several items with paths (dropped)"] += 1
            continue
        best = cands[0]
        if len({c[4] for c in cands}) > 1:
            stats["hosts claimed by >1 outlet (kept best)"] += 1
        name, country, kind = best[1], best[2], best[3]
        # fill gaps from other candidates describing the same Wikidata item
        for c in cands[1:]:
            if c[4] == best[4]:
                if country == "-" and c[2] != "-":
                    country = c[2]
                if kind == "-" and c[3] != "-":
                    kind = c[3]
        name = " ".join(name.replace("\t", " ").split())
        rows.append((host, name, country, kind))
    return rows, stats, unknown_countries


HEADER = """\
# outlets.tsv - news-site host -> outlet name / country / kind
# Built by build_outlets.py from:
#  (1) Wikidata (CC0 1.0, https://creativecommons.org/publicdomain/zero/1.0/):
#      items with P31=Q11032 (newspaper) and P856 (official website); SPARQL result and
#      per-item records as committed to github.com/patrickswickard/international_newspapers
#      @ 0d8b4a34764914490583a603d2a5d12ad175ecbd (data retrieved from Wikidata Mar-Apr 2023).
#  (2) ringgaard/sling data/crawl/newssites.txt (Apache License 2.0) @ commit
#      be29ee0778a7f839436f9977846c7628efc7619b (file last changed 2021-11-27);
#      hosts, Wikidata QIDs and names of news sites.
# country: ISO 3166-1 alpha-3 from Wikidata P17/P495/P291, "-" if unknown.
# kind: from Wikidata P31 only; "-" where the sources do not say.
# columns: host<TAB>name<TAB>country<TAB>kind
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw_dir", help="directory holding the raw files (see SOURCE.md)")
    ap.add_argument("-o", "--output", default="outlets.tsv")
    args = ap.parse_args(argv)

    rows, stats, unknown = build(args.raw_dir)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        fh.write("host\tname\tcountry\tkind\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")

    print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    for k, v in sorted(stats.items()):
        print(f"  {k}: {v}", file=sys.stderr)
    if unknown:
        print(
            "  country labels with no mapping (treated as '-'): "
            + ", ".join(f"{k} ({v})" for k, v in unknown.most_common()),
            file=sys.stderr,
        )
    kinds = Counter(r[3] for r in rows)
    print("  kinds: " + ", ".join(f"{k}={v}" for k, v in kinds.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
