"""The story scorer (evaluation/eval_stories.py) on a tiny story of its own: gold turned into
storyline's output shape scores 1.0 on every metric, an empty knowledge base scores 0, and a
real ingest is read back through the same snapshot. Nothing here reads ../shared."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from storyline.store import Store

ARTICLES = {
    "ruritania-news.com.txt": (
        "https://ruritania-news.com/2031/03/04/summit\n"
        "Skip to main content\n"
        "Ruritania and Freedonia sign a border accord\n"
        "President Anna Kovar of Ruritania met Prime Minister Bo Lund of Freedonia in Strelsau "
        "on Tuesday.\n"
        "The two leaders signed an accord ending a dispute over 120 kilometres of border.\n"
        "Share this article\n"
    ),
    "copycat.net.txt": (
        "https://copycat.net/summit-copy\n"
        "President Anna Kovar of Ruritania met Prime Minister Bo Lund of Freedonia in Strelsau "
        "on Tuesday.\n"
        "The two leaders signed an accord ending a dispute over 120 kilometres of border.\n"
    ),
    "freedonia-times.org.txt": (
        "https://freedonia-times.org/accord\n"
        "Lund said the accord settles a dispute over 120 kilometres of border.\n"
    ),
}

GOLD: dict[str, Any] = {
    "story": "a made-up border accord",
    "articles": {
        "ruritania-news.com.txt": {
            "outlet": "Ruritania News",
            "url": "https://ruritania-news.com/2031/03/04/summit",
            "published": "2031-03-04",
            "copy_of": None,
        },
        "copycat.net.txt": {
            "outlet": "The Copycat (aggregator)",
            "url": "https://copycat.net/summit-copy",
            "published": "2031-03",
            "copy_of": "ruritania-news.com.txt",
        },
        "freedonia-times.org.txt": {
            "outlet": "Freedonia Times",
            "url": "https://freedonia-times.org/accord",
            "published": None,
            "copy_of": None,
        },
    },
    "actors": [
        {
            "name": "Anna Kovar",
            "forms": ["Anna Kovar", "President Anna Kovar"],
            "kind": "person",
            "country": "RUR",
            "sector": "GOV",
        },
        {
            "name": "Bo Lund",
            "forms": ["Bo Lund", "Lund"],
            "kind": "person",
            "country": "FRD",
            "sector": "GOV",
        },
    ],
    "distinct": [["Anna Kovar", "Bo Lund"]],
    "not_actors": ["Strelsau", "Share this article"],
    "events": [
        {
            "id": "e1",
            "type": "CONSULT",
            "mode": "visit",
            "status": "happened",
            "actor": ["FRD"],
            "recipient": ["RUR"],
            "date": "2031-03-04",
            "place": "Strelsau",
            "articles": ["ruritania-news.com.txt", "copycat.net.txt"],
            "evidence": "met Prime Minister Bo Lund",
            "also_ok": [],
        },
        {
            "id": "e2",
            "type": "SUPPORT",
            "mode": None,
            "status": "planned",
            "actor": ["RUR", "FRD"],
            "recipient": [],
            "date": "2031-03",
            "place": None,
            "articles": ["ruritania-news.com.txt"],
            "evidence": "signed an accord",
            "also_ok": ["AGREE"],
        },
    ],
    "claims": [
        {
            "id": "c1",
            "about": "length of the disputed border",
            "statements": [
                {
                    "article": "ruritania-news.com.txt",
                    "value": "120 km",
                    "said_by": None,
                    "as_of": "2031-03-04",
                    "evidence": "a dispute over 120 kilometres of border",
                },
                {
                    "article": "freedonia-times.org.txt",
                    "value": "120 km",
                    "said_by": "Bo Lund",
                    "as_of": "2031-03-04",
                    "evidence": "settles a dispute over 120 kilometres of border",
                },
            ],
            "verdict": "corroborated",
        }
    ],
    "chrome": {"ruritania-news.com.txt": ["Skip to main content", "Share this article"]},
    "body": {
        "ruritania-news.com.txt": [
            "The two leaders signed an accord ending a dispute over 120 kilometres of border."
        ],
        "freedonia-times.org.txt": [
            "Lund said the accord settles a dispute over 120 kilometres of border."
        ],
    },
}


@pytest.fixture(scope="module")
def scorer(evaluation_script: Callable[[str], ModuleType]) -> ModuleType:
    return evaluation_script("eval_stories")


def gold_as_output(gold: dict[str, Any]) -> dict[str, Any]:
    """What a perfect storyline would show for the gold: the output shape the scorer reads."""
    documents = []
    for name, art in gold["articles"].items():
        chrome = set(gold["chrome"].get(name, []))
        lines = [x for x in ARTICLES[name].splitlines()[1:] if x not in chrome]
        documents.append(
            {
                "file": name,
                "source": art["outlet"],
                "url": art["url"],
                "published": art["published"],
                "published_estimated": False,
                "text": "\n".join(lines),
            }
        )
    actors, mentions = [], []
    for n, actor in enumerate(gold["actors"]):
        actors.append(
            {
                "id": f"a{n}",
                "name": actor["name"],
                "kind": actor["kind"],
                "country": actor["country"],
                "sector": actor["sector"],
                "aliases": actor["forms"],
            }
        )
        mentions += [
            {"file": f, "text": form, "actor": f"a{n}"}
            for form in actor["forms"]
            for f in gold["articles"]
        ]
    events, timeline = [], []
    for n, event in enumerate(gold["events"]):
        ids = []
        for k, name in enumerate(event["articles"]):
            ids.append(n * 100 + k)
            events.append(
                {
                    "id": n * 100 + k,
                    "file": name,
                    "type": event["type"],
                    "status": "promised" if event["status"] == "planned" else "happened",
                    "actors": event["actor"],
                    "recipients": event["recipient"],
                    "date": event["date"],
                    "sentence": event["evidence"],
                    "describe": "",
                }
            )
        timeline.append(ids)
    claims = [
        {
            "id": claim["id"],
            "subject": claim["about"],
            "predicate": "",
            "verdict": claim["verdict"],
            "statements": [
                {
                    "file": s["article"],
                    "value": s["value"],
                    "sentence": s["evidence"],
                    "said_by": s["said_by"],
                }
                for s in claim["statements"]
            ],
        }
        for claim in gold["claims"]
    ]
    copies = [[a, art["copy_of"]] for a, art in gold["articles"].items() if art["copy_of"]]
    return {
        "documents": documents,
        "copies": copies,
        "actors": actors,
        "mentions": mentions,
        "events": events,
        "timeline": timeline,
        "claims": claims,
    }


def test_gold_in_storylines_own_shape_scores_one_on_every_metric(scorer: ModuleType) -> None:
    score = scorer.score_story("tiny", GOLD, gold_as_output(GOLD))
    for key in scorer.RATES:
        tally = score.rates[key]
        assert tally.total > 0, key
        expected = 0 if key in scorer.LOWER_BETTER else tally.total
        assert tally.right == expected, (key, tally.misses)
    assert score.counts == {"false_links": 0, "entries_joining": 0}
    assert score.entries_per_event == 1.0


def test_an_empty_knowledge_base_scores_zero(scorer: ModuleType, tmp_path: Path) -> None:
    with Store(str(tmp_path / "empty.db")) as store:
        output = scorer.snapshot(store)
    score = scorer.score_story("tiny", GOLD, output)
    for key in scorer.RATES:
        assert score.rates[key].right == 0, key
    assert score.rates["outlet"].total == 3
    assert score.rates["events_found"].total == 2
    assert score.rates["claims_right"].total == 1
    assert score.spreads == []


def test_each_kind_of_miss_is_scored_as_one(scorer: ModuleType) -> None:
    """Breaking one fact of the perfect output costs exactly that metric one item."""
    output = gold_as_output(GOLD)
    output["documents"][0]["source"] = "ruritania-news.com"  # wrong outlet
    output["documents"][0]["published"] = "2031-03"  # less precise than gold
    output["copies"] = [["freedonia-times.org.txt", "ruritania-news.com.txt"]]  # wrong link
    output["documents"][2]["text"] = "Lund said nothing."  # body line lost
    output["documents"][0]["text"] += "\nShare this article"  # chrome left
    for m in output["mentions"]:
        if m["text"] == "Lund":
            m["actor"] = "a2"  # Bo Lund split over two actors
    output["actors"].append(
        {
            "id": "a2",
            "name": "Strelsau",
            "kind": "location",
            "country": None,
            "sector": None,
            "aliases": [],
        }
    )
    output["events"][0]["type"] = "ACCUSE"  # e1 reported twice: one report wrong is enough
    output["events"][2]["status"] = "happened"  # e2 planned: status wrong
    output["timeline"] = [[0], [1], [200]]  # e1 spread over two entries
    output["claims"][0]["verdict"] = "contested"
    score = scorer.score_story("tiny", GOLD, output)
    got = {k: (t.right, t.total) for k, t in score.rates.items()}
    assert got["outlet"] == (2, 3)
    assert got["published"] == (1, 2)
    assert got["copies_linked"] == (0, 1)
    assert score.counts["false_links"] == 1
    assert got["body_kept"] == (1, 2)
    assert got["chrome_removed"] == (1, 2)
    assert got["actors_right"] == (1, 2)
    assert got["junk"] == (1, 2)
    assert got["events_typed"] == (2, 2)
    assert got["events_found"] == (1, 2)
    assert score.spreads == [1]  # only the ruritania report of e1 matches; copycat's is ACCUSE
    assert got["claims_found"] == (1, 1)
    assert got["claims_right"] == (0, 1)


def test_values_numbers_and_outlets_compare_as_documented(scorer: ModuleType) -> None:
    assert scorer.outlet_key("The Daily Caller") == scorer.outlet_key("Daily Caller")
    assert scorer.outlet_key("Pledge Times (aggregator, Reuters-based)") == "pledgetimes"
    assert scorer.at_precision("2023-06-24", "2023-06")
    assert not scorer.at_precision("2023-06", "2023-06-24")
    assert scorer._value_agrees("10000", "about 10,000 troops")
    assert scorer._value_agrees("seven days", "7")
    assert not scorer._value_agrees("8000", "2")
    assert scorer._value_agrees("Alexander Lukashenko", "Lukashenko")
    assert not scorer._value_agrees("Alexander Lukashenko", "Vladimir Putin")


def test_a_real_ingest_is_read_back_through_the_snapshot(
    scorer: ModuleType, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    output = scorer.ingest_story(folder)
    assert sorted(d["file"] for d in output["documents"]) == sorted(ARTICLES)
    json.dumps(output)  # the snapshot is plain data
    score = scorer.score_story("tiny", GOLD, output)
    assert score.rates["body_kept"].right == 2
    assert {a["name"] for a in output["actors"]} >= {"Bo Lund", "Anna Kovar"}
    assert any(m["text"].endswith("Bo Lund") for m in output["mentions"])
