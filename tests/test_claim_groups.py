"""Grouping claims across outlets and the verdicts: a Sudan story told by several outlets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storyline import views
from storyline.claim_groups import (
    ClaimSource,
    canonical_words,
    group_claims,
    independent_outlets,
    value_range,
)
from storyline.model import Claim, Document
from storyline.store import Store

BURHAN = "abdel-fattah-al-burhan"


def toll(value: str, as_of: str | None, sentence: str = "") -> Claim:
    return Claim(
        "quantity", "Rapid Support Forces", "death", value, sentence or f"{value} killed",
        as_of=as_of, subject_id="rapid-support-forces",
    )  # fmt: skip


def trips(predicate: str, value: str, as_of: str | None) -> Claim:
    return Claim(
        "quantity", "Abdel Fattah al-Burhan", predicate, value, f"{predicate}: {value}",
        as_of=as_of, subject_id=BURHAN,
    )  # fmt: skip


def src(
    doc: str, source: str | None, published: str | None = "2024-05-10", **kw: object
) -> ClaimSource:
    return ClaimSource(doc, source, published, **kw)  # type: ignore[arg-type]


def test_trips_and_visits_to_one_place_are_one_predicate() -> None:
    assert canonical_words("trips to Egypt") == canonical_words("visits to Egypt")
    assert canonical_words("visits to Egypt") != canonical_words("visits to Turkey")


def test_number_values_read_as_intervals() -> None:
    assert value_range("3") == (3, 3)
    assert value_range(">=2000") == (2000, float("inf"))
    assert value_range("10-20") == (10, 20)
    low, high = value_range("~300") or (0, 0)
    assert low < 300 < high


def test_a_growing_death_toll_with_stated_dates_changed_over_time() -> None:
    groups = group_claims(
        [
            (src("d1", "Sudan Tribune", "2024-05-08"), toll("120", "2024-05-08")),
            (src("d2", "Radio Dabanga", "2024-05-09"), toll("200", "2024-05-09")),
            (src("d3", "Al Jazeera", "2024-05-11"), toll("at least 300", "2024-05-11")),
        ]
    )
    assert len(groups) == 1
    assert groups[0].verdict == "changed-over-time"
    assert "Sudan Tribune" in groups[0].explanation and "Al Jazeera" in groups[0].explanation


def test_conflicting_counts_on_the_same_day_are_contested() -> None:
    (group,) = group_claims(
        [
            (src("d1", "Sudan Tribune"), toll("300", "2024-05-10")),
            (src("d2", "Radio Dabanga"), toll("150", "2024-05-10")),
        ]
    )
    assert group.verdict == "contested"
    assert "same time" in group.explanation
    assert "Sudan Tribune says 300" in group.explanation


def test_a_count_that_falls_later_is_contested_for_a_cumulative_predicate() -> None:
    (group,) = group_claims(
        [
            (src("d1", "A"), toll("300", "2024-05-08")),
            (src("d2", "B"), toll("150", "2024-05-11")),
        ]
    )
    assert group.verdict == "contested"
    assert "lower" in group.explanation


def test_a_count_that_rises_over_time_changed_even_when_a_value_is_repeated() -> None:
    (group,) = group_claims(
        [
            (src("d1", "A"), toll("150", "2024-05-08")),
            (src("d2", "B"), toll("300", "2024-05-11")),
            (src("d3", "C"), toll("150", "2024-05-06")),
        ]
    )
    assert group.verdict == "changed-over-time"
    # a value given before and after a lower one: the later count is lower
    (group,) = group_claims(
        [
            (src("d1", "A"), toll("150", "2024-05-08")),
            (src("d2", "B"), toll("300", "2024-05-11")),
            (src("d3", "C"), toll("150", "2024-05-14")),
        ]
    )
    assert group.verdict == "contested" and "lower" in group.explanation


def test_counts_with_estimated_dates_are_contested_with_the_reason() -> None:
    (group,) = group_claims(
        [
            (src("d1", "A", "2024-05", published_estimated=True), trips("trips to Egypt", "3", "2024-05")),
            (src("d2", "B", "2024-08", published_estimated=True), trips("visits to Egypt", "4", "2024-08")),
        ]
    )  # fmt: skip
    assert group.verdict == "contested"
    assert "estimated" in group.explanation


def test_agreeing_outlets_corroborate_and_vague_counts_agree_with_exact_ones() -> None:
    (group,) = group_claims(
        [
            (src("d1", "Sudan Tribune"), toll(">=2000", "2024-05-10")),
            (src("d2", "Radio Dabanga"), toll("2500", "2024-05-10")),
        ]
    )
    assert group.verdict == "corroborated"
    assert "Radio Dabanga and Sudan Tribune" in group.explanation


def test_a_copy_and_an_aggregated_article_do_not_corroborate_their_original() -> None:
    items = [
        (src("d1", "Sudan Tribune"), toll("300", "2024-05-10")),
        # a near-duplicate copy of d1 published elsewhere
        (src("d2", "copycat.example", duplicate_of="d1"), toll("300", "2024-05-10")),
        # an aggregator page whose "Original Source:" line named Sudan Tribune
        (src("d3", "Sudan Tribune"), toll("300", "2024-05-10")),
    ]
    (group,) = group_claims(items)
    assert group.verdict == "single-source"
    assert {s.independent_source for s in group.statements} == {"Sudan Tribune"}
    assert "3 documents, one source" in group.explanation


def test_documents_without_a_source_each_count_as_their_own_outlet() -> None:
    outlets = independent_outlets(
        [src("d1", None), src("d2", None), src("d3", None, duplicate_of="d1")]
    )
    assert outlets == {"d1": "d1", "d2": "d2", "d3": "d1"}
    quote = Claim("quote", "Abdel Fattah al-Burhan", "called Mohamed Hamdan Dagalo", "traitor", "")
    (group,) = group_claims([(src("d1", None), quote), (src("d2", "Sudan Tribune"), quote)])
    assert group.verdict == "corroborated"
    assert "d1" in group.explanation and "Sudan Tribune" in group.explanation


def test_different_quotes_of_one_speaker_are_different_groups() -> None:
    king = Claim("quote", "X", "called Y", "king", "")
    leader = Claim("quote", "X", "called Y", "leader of the world", "")
    groups = group_claims([(src("d1", "A"), king), (src("d2", "B"), leader)])
    assert [g.verdict for g in groups] == ["single-source", "single-source"]


def test_opposite_stances_towards_one_party_are_contested() -> None:
    shuns = Claim(
        "relation",
        "Egypt",
        "stance towards Sudan military",
        "opposes",
        "",
        polarity=False,
        object="Abdel Fattah al-Burhan",
        as_of="2024-05-10",
    )
    helps = Claim(
        "relation",
        "Egypt",
        "stance towards Sudan military",
        "supports",
        "",
        polarity=True,
        object="Sudan armed forces",
        as_of="2024-05-10",
    )
    (group,) = group_claims([(src("d1", "A"), shuns), (src("d2", "B"), helps)])  # fmt: skip
    assert group.verdict == "contested"


def test_a_first_meeting_and_a_meeting_on_the_same_date_agree() -> None:
    first = Claim("date", "A and B", "first meet", "2023-03", "", as_of="2023-03")
    met = Claim("date", "A and B", "meet", "2023-03-14", "", as_of="2023-03-14")
    other = Claim("date", "A and B", "meet", "2024-01", "", as_of="2024-01")
    groups = group_claims([(src("d1", "A"), first), (src("d2", "B"), met), (src("d3", "C"), other)])
    assert [g.verdict for g in groups] == ["corroborated", "single-source"]
    assert groups[0].predicate == "first meet"


def test_grouping_a_large_corpus_gives_what_comparing_every_cluster_gives() -> None:
    """``group_claims`` looks a claim up among the clusters of its kind and subject only; on a
    generated corpus of many subjects it gives what the plain rule (try every cluster in
    the order they were made) gives."""
    import random

    from storyline import claim_groups as cg

    rng = random.Random(11)  # fixed seed: the same corpus on every run
    subjects = [f"Leader {n}" for n in range(40)]
    predicates = ["trips to Egypt", "visits to Egypt", "death toll", "troops", "first met"]
    items = []
    for number in range(600):
        kind = rng.choice(["quantity", "date"])
        value = str(rng.randint(1, 5)) if kind == "quantity" else rng.choice(["2022", "2023"])
        claim = Claim(kind, rng.choice(subjects), rng.choice(predicates), value, f"s{number}")
        items.append((src(f"d{number % 90}", rng.choice(["A", "B", "C", None])), claim))

    vocab = cg.vocabulary()
    outlets = independent_outlets(list({s.document: s for s, _ in items}.values()))
    plain: list[cg._Cluster] = []
    for origin, claim in items:
        item = cg._Item(origin, claim, outlets[origin.document], cg._words(claim, vocab))
        target = next((c for c in plain if cg._joins(c, item, vocab)), None)
        if target is None:
            target = cg._Cluster(claim.kind, cg._subject_key(claim), words=item.words)
            plain.append(target)
        target.add(item)
    expected = [cg._group(c, vocab) for c in plain]

    grouped = group_claims(items)
    assert len(grouped) > 100
    assert grouped == expected


# -- groups extended after an ingest ------------------------------------------------------------


def _ingest(store: Store, first: int, last: int, seed: int) -> None:
    """Documents ``first`` .. ``last - 1`` with generated claims, one transaction; every
    seventh document a copy of an earlier one (some copies of copies)."""
    import random

    rng = random.Random(seed)
    subjects = [f"Leader {n}" for n in range(12)]
    predicates = ["trips to Egypt", "visits to Egypt", "death toll", "troops", "first met"]
    with store.transaction():
        for number in range(first, last):
            doc_id = f"d{number:03d}"
            source = rng.choice(["Outlet A", "Outlet B", "Outlet C", None])
            day = f"2024-05-{1 + number % 28:02d}"
            store.insert_document(
                Document(doc_id, f"{doc_id}.txt", "text", doc_id, "text", source=source, published=day)
            )  # fmt: skip
            if number % 7 == 6:
                store.mark_duplicate(doc_id, f"d{rng.randrange(number):03d}", 0.9)
            claims = []
            for seq in range(rng.randint(0, 4)):
                kind = rng.choice(["quantity", "date"])
                value = (
                    str(rng.randint(1, 5)) if kind == "quantity" else rng.choice(["2022", "2023"])
                )
                claims.append(
                    Claim(kind, rng.choice(subjects), rng.choice(predicates), value, f"{doc_id}.{seq}")
                )  # fmt: skip
            store.add_claims(doc_id, claims)


def test_claim_groups_extended_after_an_ingest_are_the_groups_built_afresh(tmp_path: Path) -> None:
    """The web app extends the previous state's claim groups with the claims of the
    documents an ingest added (judging again only the groups they join): the groups and
    verdicts are those of grouping the whole store afresh, in the same order."""
    with Store(tmp_path / "kb.db") as store:
        _ingest(store, 0, 60, seed=1)
        before = views.claim_state(store)
        for batch in range(3):
            _ingest(store, 60 + 20 * batch, 80 + 20 * batch, seed=batch + 2)
            extended = views.claim_state(store, before)
            fresh = views.claim_state(store)
            assert extended.count == fresh.count > before.count
            assert extended.index.groups == fresh.index.groups
            # the groups no new claim joined are the earlier state's, not judged again
            old = before.index.groups
            kept = [n for n, g in enumerate(old) if extended.index.groups[n] is g]
            assert 0 < len(kept) < len(old)
            assert len(fresh.index.groups) > len(old)
            before = extended
        verdicts = {g.verdict for g in fresh.index.groups}
        assert {"corroborated", "contested", "single-source"} <= verdicts


def test_claim_groups_of_another_database_are_built_afresh(tmp_path: Path) -> None:
    with Store(tmp_path / "big.db") as big:
        _ingest(big, 0, 80, seed=5)
        other = views.claim_state(big)
    with Store(tmp_path / "small.db") as small:
        _ingest(small, 0, 30, seed=6)
        fresh = views.claim_state(small)
        assert views.claim_state(small, other).index.groups == fresh.index.groups
    with Store(tmp_path / "big.db") as big:
        # the same document ids and hashes at the same rowids, in another database
        assert big.stamp(fresh.last_rowid)[1:] == fresh.stamp[1:]
        assert big.stamp(fresh.last_rowid) != fresh.stamp
        assert views.claim_state(big, fresh).index.groups == other.index.groups


def _verdict_of_every_pair(kind: str, items: list[Any], cumulative: bool) -> tuple[str, str]:
    """The verdict rule as docs/claims.md states it, every pair of claims compared (the
    oracle): no known time for some disagreeing claim, else disagreement at the same time,
    else a cumulative count that falls."""
    from storyline import claim_groups as cg

    pairs = [(a, b) for n, a in enumerate(items) for b in items[n + 1 :]
             if not cg.values_agree(kind, a.claim, b.claim)]  # fmt: skip
    outlets = [i.outlet for i in items]
    if not pairs:
        if len(set(outlets)) >= 2:
            named = sorted(set(outlets))
            if len(named) > cg.OUTLETS_NAMED:  # many: the first ones, then how many more
                more = len(named) - cg.OUTLETS_NAMED
                names = f"{', '.join(named[: cg.OUTLETS_NAMED])} and {more} more outlets"
            else:
                names = ", ".join(named[:-1]) + " and " + named[-1]
            return "corroborated", f"{names} independently agree: {items[0].claim.value}."
        copies = f" ({len(items)} documents, one source)" if len(items) > 1 else ""
        return "single-source", f"Only {outlets[0]} reports this{copies}."
    ordered = sorted(items, key=lambda i: (i.claim.as_of or "", i.outlet))
    texts = list(dict.fromkeys(cg._describe(i) for i in ordered))
    shown, left_out = cg.DETAILS_SHOWN, len(texts) - 2 * cg.DETAILS_SHOWN
    details = "; ".join(texts)
    if left_out > 0:  # a long disagreement: its two ends, and how many between
        details = f"{'; '.join(texts[:shown])}; … {left_out} more …; {'; '.join(texts[-shown:])}"
    reason = None
    if any(not (cg._dated(a) and cg._dated(b)) for a, b in pairs):
        reason = "their dates are unknown or estimated, so time cannot explain the difference"
    elif any(cg._dates_agree(a.claim.as_of or "", b.claim.as_of or "") for a, b in pairs):
        reason = "they disagree for the same time"
    if reason is None and cumulative and kind == "quantity":
        for a, b in pairs:
            early, late = sorted((a, b), key=lambda i: i.claim.as_of or "")
            low, high = cg.value_range(early.claim.value), cg.value_range(late.claim.value)
            if low and high and high[1] < low[0]:
                reason = "a later count is lower than an earlier one"
                break
    if reason is None:
        return "changed-over-time", f"The value changes with time: {details}."
    return "contested", f"Sources disagree and {reason}: {details}."


def test_a_verdict_compares_distinct_values_and_gives_what_comparing_every_pair_gives() -> None:
    """Judging compares the distinct values (with their times), not every pair of
    statements: on generated groups (values that agree, conflict or overlap as ranges; known,
    unknown and estimated dates) the verdict and its explanation are those of every pair."""
    import random

    from storyline import claim_groups as cg

    rng = random.Random(3)
    seen = set()
    long_ones = 0
    for number in range(400):
        kind = rng.choice(["quantity", "date", "relation"])
        items = []
        for n in range(rng.randint(1, 16 if number % 3 == 0 else 8)):
            value = {
                "quantity": rng.choice(["300", "~300", "200", "100-250", ">=500", "many"]),
                "date": rng.choice(["2022", "2022-09", "2023", "2022-09-07"]),
                "relation": rng.choice(["ally", "supplier"]),
            }[kind]
            as_of = rng.choice([None, "2023", "2024-01", "2024-03", "2024-03-02"][number % 2 :])
            outlets = ["A", "B", "C"] if number % 5 else [f"O{k:02d}" for k in range(12)]
            origin = src(f"d{n}", rng.choice(outlets), published=as_of,
                         published_estimated=rng.random() < 0.3)  # fmt: skip
            claim = Claim(kind, "X", "death toll", value, f"s{n}", as_of=as_of,
                          polarity=rng.random() < 0.8)  # fmt: skip
            items.append(cg._Item(origin, claim, origin.source or "", frozenset()))
        cumulative = rng.random() < 0.5
        expected = _verdict_of_every_pair(kind, items, cumulative)
        assert cg._verdict(kind, items, cumulative) == expected, number
        seen.add((expected[0], expected[1].split(":")[0].split(" and ")[-1]))
        if cumulative and kind == "quantity":
            seen.add(("cumulative", expected[0]))
        long_ones += " more …; " in expected[1]
    # every verdict and every reason for a contest came up
    verdicts = {"corroborated", "single-source", "changed-over-time", "contested"}
    assert {verdict for verdict, _ in seen if verdict != "cumulative"} == verdicts
    # a cumulative count that rises over time, and one that falls
    assert {("cumulative", "changed-over-time"), ("cumulative", "contested")} <= seen
    assert long_ones > 5  # explanations cut to their two ends came up
    reasons = {reason for verdict, reason in seen if verdict == "contested"}
    assert len(reasons) == 3, reasons


def test_an_agreement_of_many_outlets_names_the_first_ones_and_counts_the_rest() -> None:
    from storyline import claim_groups as cg

    outlets = [f"Outlet {k:02d}" for k in range(12, 0, -1)]  # seen in reverse order
    items = [
        cg._Item(src(f"d{n}", name), Claim("quantity", "X", "toll", "300", "s"), name, frozenset())
        for n, name in enumerate(outlets * 2)
    ]
    verdict, explanation = cg._verdict("quantity", items, False)
    assert verdict == "corroborated"
    named = ", ".join(f"Outlet {k:02d}" for k in range(1, cg.OUTLETS_NAMED + 1))
    assert (
        explanation == f"{named} and {12 - cg.OUTLETS_NAMED} more outlets independently agree: 300."
    )
    assert (verdict, explanation) == _verdict_of_every_pair("quantity", items, False)


def test_a_group_is_named_by_its_most_written_form_the_fuller_on_a_tie_then_the_first() -> None:
    from storyline import claim_groups as cg

    def plain(forms: list[str]) -> str:
        return max(forms, key=lambda f: (forms.count(f), len(f), -forms.index(f)))

    import random

    rng = random.Random(5)
    for _ in range(300):
        forms = [rng.choice(["met", "first met", "meet", "talks", "held talks"]) for _ in range(rng.randint(1, 9))]  # fmt: skip
        items = [
            cg._Item(src(f"d{n}", "A"), Claim("date", "X", form, "2022", "s"), "A", frozenset())
            for n, form in enumerate(forms)
        ]
        assert cg._most_common(cg._summary(items).predicates) == plain(forms), forms
