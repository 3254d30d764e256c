"""Build data/wordnet_classes.tsv.gz (word -> WordNet classes) from Open English WordNet.

Reads the YAML source of Open English WordNet (github.com/globalwordnet/english-wordnet,
``src/yaml``: ``entries-*.yaml`` map a word to its senses in frequency order, each sense key
naming its lexicographer file; ``noun.*.yaml`` / ``verb.*.yaml`` give each synset's hypernyms)
and writes, for every verb and every noun, the classes the event coder uses as features:

    word  pos  lexfiles  hypernyms

``lexfiles``: the lexicographer files (supersenses: verb.contact, verb.social, noun.act,
noun.group ...) of the word's first ``SENSES`` senses, "|"-separated, most frequent first.
``hypernyms``: for verbs, and for nouns whose first senses are acts, events or
communications (the nouns that report events), the synsets of those senses and their
hypernyms up to ``DEPTH`` levels, "|"-separated. Other nouns get their lexfiles only (what
kind of party a subject or object is: a group, a person, an artifact).

Open English WordNet is licensed under CC BY 4.0 and derived from Princeton WordNet
(WordNet 3.0 licence); the output says so in its first lines.

    python scripts/build_wordnet.py RAW_YAML_DIR -o src/storyline/data/wordnet_classes.tsv.gz
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

import yaml

# senses per word: news uses a word's first senses; later ones are rare readings
SENSES = 3
# hypernym levels above each sense: deep enough to meet at "attack", "meet", "give"
DEPTH = 4
# the lexicographer files, numbered as sense keys number them (WordNet's lexnames)
LEXNAMES = (
    "adj.all",
    "adj.pert",
    "adv.all",
    "noun.Tops",
    "noun.act",
    "noun.animal",
    "noun.artifact",
    "noun.attribute",
    "noun.body",
    "noun.cognition",
    "noun.communication",
    "noun.event",
    "noun.feeling",
    "noun.food",
    "noun.group",
    "noun.location",
    "noun.motive",
    "noun.object",
    "noun.person",
    "noun.phenomenon",
    "noun.plant",
    "noun.possession",
    "noun.process",
    "noun.quantity",
    "noun.relation",
    "noun.shape",
    "noun.state",
    "noun.substance",
    "noun.time",
    "verb.body",
    "verb.change",
    "verb.cognition",
    "verb.communication",
    "verb.competition",
    "verb.consumption",
    "verb.contact",
    "verb.creation",
    "verb.emotion",
    "verb.motion",
    "verb.perception",
    "verb.possession",
    "verb.social",
    "verb.stative",
    "verb.weather",
    "adj.ppl",
)
EVENT_NOUNS = frozenset({"noun.act", "noun.event", "noun.communication", "noun.phenomenon"})
_KEY = re.compile(r"%(\d):(\d\d):")


def load_hypernyms(raw: Path) -> dict[str, list[str]]:
    hypernyms: dict[str, list[str]] = {}
    for path in sorted(raw.glob("*.yaml")):
        if not path.name.startswith(("noun.", "verb.")):
            continue
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for synset, body in data.items():
            hypernyms[synset] = list(body.get("hypernym", [])) + list(
                body.get("instance_hypernym", [])
            )
    return hypernyms


def ancestors(synset: str, hypernyms: dict[str, list[str]]) -> list[str]:
    found: dict[str, None] = {synset: None}
    frontier = [synset]
    for _ in range(DEPTH):
        frontier = [h for s in frontier for h in hypernyms.get(s, [])]
        for h in frontier:
            found.setdefault(h, None)
    return list(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="Open English WordNet's src/yaml folder")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--source", default="globalwordnet/english-wordnet", help="for the header")
    args = parser.parse_args(argv)
    hypernyms = load_hypernyms(args.raw)
    rows: list[str] = []
    for path in sorted(args.raw.glob("entries-*.yaml")):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for word, by_pos in data.items():
            for pos, entry in by_pos.items():
                if pos not in ("n", "v"):
                    continue
                senses = entry.get("sense", [])[:SENSES]
                lexfiles: dict[str, None] = {}
                for sense in senses:
                    match = _KEY.search(sense["id"])
                    if match:
                        lexfiles.setdefault(LEXNAMES[int(match.group(2))], None)
                event_like = pos == "v" or bool(EVENT_NOUNS & set(lexfiles))
                chain: dict[str, None] = {}
                if event_like:
                    for sense in senses[:2]:
                        for synset in ancestors(sense["synset"], hypernyms):
                            chain.setdefault(synset, None)
                name = str(word).lower().replace("\t", " ")
                rows.append(f"{name}\t{pos}\t{'|'.join(lexfiles)}\t{'|'.join(chain)}")
    rows = sorted(set(rows))
    header = [
        "# storyline WordNet classes: word, pos (n/v), lexicographer files of its first senses,",
        "# synsets and hypernyms of its first senses (verbs; nouns of acts, events, speech).",
        f"# Built by scripts/build_wordnet.py from Open English WordNet ({args.source}),",
        "# licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), derived from",
        "# Princeton WordNet 3.0 (WordNet licence). Attribution: Princeton University WordNet and",
        "# the Open English WordNet team (McCrae et al., English WordNet).",
    ]
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        out.write("\n".join([*header, *rows]) + "\n")
    print(f"wrote {args.out}: {len(rows)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
