"""Capacity of the supported delegation, references to earlier turns, and the stance of Member turns,
on the real CTD minutes (paragraphs found by their words, never by a number read off the store)."""

import json

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.enrich.relations_eval import DEV_SET, group_of, score
from wto_assist.enrich.stance import STANCES, classify
from wto_assist.store import Store


def _relations_with(store, symbol, phrase):
    return [r for r in store.relations(symbol_prefix=symbol) if r["symbol"] == symbol and phrase in r["evidence"]]


def _turn(store, citation):
    symbol, label = citation.split(", para. ")
    return store.paragraphs(symbol, label)[0]


def test_support_for_a_delegation_that_spoke_for_a_group_backs_the_group(ctd_db):
    with Store(ctd_db, create=False) as store:
        found = [r for r in _relations_with(store, "WT/COMTD/M/100", "intervention by Benin") if r["supporter"] == "Uganda"]
        assert found
        for relation in found:
            assert relation["supported"] == "Benin" and relation["supported_on_behalf_of"] == "LDC Group"
            turn = _turn(store, relation["resolved_from"])  # the turn the reference was read against
            assert turn["speaker"] == "Benin" and "LDC Group" in turn["on_behalf_of"]
            assert turn["seq"] < relation["seq"]


def test_that_statement_and_these_two_delegations_resolve_to_earlier_turns(ctd_db):
    with Store(ctd_db, create=False) as store:
        named = _relations_with(store, "WT/COMTD/M/25", "with that statement")
        assert [(r["supporter"], r["supported"]) for r in named] == [("Mauritius", "Morocco")]
        pair = _relations_with(store, "WT/COMTD/M/85", "these two delegations")
        assert {r["supported"] for r in pair} == {"Australia", "Egypt"}
        for relation in pair:
            assert _turn(store, relation["resolved_from"])["speaker"] == relation["supported"]
        listed = _relations_with(store, "WT/COMTD/M/101", "a number of previous speakers, including")
        assert {r["supported"] for r in listed} >= {"South Africa", "Cameroon", "Uganda", "Egypt", "India"}


def test_group_names_have_one_form():
    assert {group_of(None, name) for name in ("SVEs", "small, vulnerable economies", "Small, vulnerable economies (SVEs) - goods")} == {"SVEs"}
    assert {group_of(None, name) for name in ("the LDCs", "LDC Group", "Least-developed countries (LDCs)")} == {"LDC Group"}
    assert group_of("African group", None) == "African Group" and group_of("Kenya", None) is None
    assert group_of("Benin", "Uganda; Tanzania") is None  # a list of Members is no group


@pytest.mark.parametrize("text, stance", [
    ("The representative of X said that his delegation could not support the proposal.", "opposes"),
    ("While welcoming the report, she had difficulties with paragraph 5.", "has reservations"),
    ("He was not in a position to agree to the text at this stage.", "opposes"),
    ("Her delegation could accept the text provided that paragraph 3 was deleted.", "has reservations"),
    ("His delegation did not oppose a discussion, without prejudice to the appropriate body.", "has reservations"),
    ("The representative of X suggested that the decision be postponed until the General Council had concluded.", "opposes"),
    ("He supported the draft Decision and urged those opposed to reconsider.", "supports"),
    ("She regretted that several Members could not join the consensus, and fully supported the waiver.", "supports"),
    ("The representative of X thanked the U.S. Government for the notification and for the initiative.", "supports"),
    ("He had received the paper only that day, which was not very useful.", "neutral"),
    ("She asked the Secretariat whether the list was complete.", "asks questions"),
    ("The representative of X sought clarification on the timing of the review.", "asks questions"),
    ("The representative of X supported the proposal and hoped it would be adopted.", "supports"),
    ("His delegation had no objection to the proposal.", "supports"),
    ("The representative of X thanked the Secretariat for the report.", "neutral"),
])
def test_stance_cues(text, stance):
    assert classify(text)[0] == stance


def test_every_member_turn_has_one_stance_with_its_evidence(ctd_db):
    with Store(ctd_db, create=False) as store:
        rows = store.connection.execute(
            "SELECT p.text, p.speaker, p.speaker_inherited, d.symbol, p.seq, s.member, s.stance, s.cue, s.evidence FROM stances s"
            " JOIN paragraphs p ON p.id = s.paragraph_id JOIN documents d ON d.id = p.document_id ORDER BY d.id, p.seq").fetchall()
        turns = store.connection.execute("SELECT COUNT(*) FROM paragraphs WHERE speaker_kind IN ('member', 'group')").fetchone()[0]
    assert len(rows) == turns
    assert {row["stance"] for row in rows} == set(STANCES)
    turns_read: list[list] = []
    for row in rows:  # a turn is a paragraph and those that continue it; its stance may be stated in either
        if row["speaker_inherited"] and turns_read and turns_read[-1][0]["member"] == row["member"]:
            turns_read[-1].append(row)
        else:
            turns_read.append([row])
    for turn in turns_read:
        text = " ".join(row["text"] for row in turn)
        assert len({(row["stance"], row["evidence"]) for row in turn}) == 1
        assert all(row["member"] == row["speaker"] for row in turn)
        assert turn[0]["evidence"][:60] in text and (turn[0]["stance"] == "neutral" or turn[0]["cue"] in turn[0]["evidence"])
    opposing = [row for row in rows if "could not support the proposal" in row["text"] and not row["speaker_inherited"]]
    assert opposing and all(row["stance"] == "opposes" for row in opposing)


def test_relations_json_adds_capacity_stance_and_source(ctd_db):
    result = CliRunner().invoke(main, ["relations", "--member", "Benin", "--symbol", "WT/COMTD/M/100", "--json", "--db", str(ctd_db)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all({"supported_on_behalf_of", "stance", "resolved_from", "evidence", "citation"} <= set(row) for row in rows)
    assert any(row["supported_on_behalf_of"] == "LDC Group" and row["resolved_from"] for row in rows)
    assert {row["stance"] for row in rows} <= set(STANCES)


def test_evaluation_matches_labels_by_their_words_not_their_number(ctd_db, tmp_path):
    relabelled = tmp_path / "relabelled.jsonl"
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    relabelled.write_text("".join(json.dumps({**row, "paragraph": "999"}) + "\n" for row in rows), encoding="utf-8")
    with Store(ctd_db, create=False) as store:
        as_labelled, renumbered = score(store, DEV_SET, range(1, 41)), score(store, relabelled, range(1, 41))
    assert (as_labelled.gold, as_labelled.correct) == (renumbered.gold, renumbered.correct)
    assert as_labelled.f1 > 0.9


def test_second_reader_labels_stay_at_their_measured_level(ctd_db):
    """The second reader's labels of meetings 41-60 (branch `labels`), written blind to the rules and held
    out until the first freeze (stance 0.447, relations F1 0.877); the second round of rules was tuned on
    them, so these floors guard against losing ground and are no estimate for unseen minutes (the fresh
    labels of meetings 61-80 are, benchmarks/bench_relations.py)."""
    from wto_assist.enrich.relations_eval import GROUPS_HELD_OUT, STANCE_HELD_OUT, stance_score

    if not (GROUPS_HELD_OUT.exists() and STANCE_HELD_OUT.exists()):
        pytest.skip("held-out label files not merged yet (tests/data/ctd-*-heldout.jsonl from branch `labels`)")
    with Store(ctd_db, create=False) as store:
        relations = score(store, GROUPS_HELD_OUT, range(41, 61), check_groups=True)
        stances = stance_score(store, STANCE_HELD_OUT)
    assert relations.gold >= 250 and stances.labelled >= 150
    assert relations.precision >= 0.95 and relations.f1 >= 0.92, (relations.precision, relations.f1, relations.missed[:10])  # 0.976, 0.931
    assert stances.placed >= stances.labelled - 3 and stances.accuracy >= 0.72, stances.confusion  # measured 0.734


def test_stance_on_the_tuning_labels_stays_at_its_measured_level(ctd_db):
    """My own labels of 136 Member turns from meetings 24-40 (tests/data/ctd-stance-tuning.jsonl), written
    before the cues changed; the cues were tuned on them, so this guards against losing ground, it is no
    estimate of accuracy on unseen minutes (the held-out test above is)."""
    from wto_assist.enrich.relations_eval import STANCE_TUNING, stance_score

    with Store(ctd_db, create=False) as store:
        stances = stance_score(store, STANCE_TUNING)
    assert stances.labelled >= 120 and stances.placed == stances.labelled
    # measured 0.853 before the cues were aligned with the second reader's definitions, 0.824 after: where
    # the two readers disagree (a proposed course, an evaluation of the text) the second reader's wins
    assert stances.accuracy >= 0.80, stances.confusion


def test_labels_of_meetings_61_80_stay_at_their_measured_level(ctd_db):
    """The blind labels of meetings 61-80, measured once held out (relations with groups F1 0.777,
    precision 0.872; stance 0.592) and tuned on in the third round: floors against losing ground, no
    estimate for unseen minutes (the labels of meetings 81-100 are, benchmarks/bench_relations.py)."""
    from wto_assist.enrich.relations_eval import GROUPS_HELD_OUT_2, HELD_OUT_2, STANCE_HELD_OUT_2, stance_score

    with Store(ctd_db, create=False) as store:
        relations = score(store, GROUPS_HELD_OUT_2, HELD_OUT_2, check_groups=True)
        stances = stance_score(store, STANCE_HELD_OUT_2)
    assert relations.gold >= 100 and stances.labelled >= 200
    assert relations.precision >= 0.95 and relations.f1 >= 0.95, (relations.precision, relations.f1, relations.missed[:10])  # 0.981, 0.981
    assert stances.placed == stances.labelled and stances.accuracy >= 0.70, stances.confusion  # measured 0.714


def test_blind_labels_of_meetings_81_100(ctd_db):
    """The third blind set (meetings 81-100), measured once held out (relations with groups P 0.916, R 0.853,
    F1 0.883; stance 0.566), now P 0.965, R 0.869, F1 0.915 with support for an unnamed "proposal" left out
    as its guide leaves it out (docs/coalitions.md). Floors just under: a change that loses ground fails here."""
    from wto_assist.enrich.relations_eval import GROUPS_HELD_OUT_3, HELD_OUT_3, STANCE_HELD_OUT_3, stance_score

    with Store(ctd_db, create=False) as store:
        relations = score(store, GROUPS_HELD_OUT_3, HELD_OUT_3, check_groups=True)
        stances = stance_score(store, STANCE_HELD_OUT_3)
    assert relations.gold >= 180 and stances.labelled >= 150
    assert relations.precision >= 0.90 and relations.f1 >= 0.87, (relations.precision, relations.f1, relations.missed[:10])
    assert stances.placed == stances.labelled and stances.accuracy >= 0.55, stances.confusion


def test_blind_labels_of_meetings_101_109(ctd_db):
    """The fourth blind set (meetings 101-109). Relations: F1 0.754 when first measured; the two faults it
    showed (sub-headings printed together, papers named by symbol) and the lists it missed fixed: P 0.982,
    R 0.923, F1 0.952.
    Stance, two readers labelling the same turns independently: they agree on 0.88 of 425 turns, the cues
    with either on about half (0.533 and 0.498): the floor keeps what there is, docs/coalitions.md says it."""
    from wto_assist.enrich.relations_eval import GROUPS_HELD_OUT_4, HELD_OUT_4, STANCE_HELD_OUT_4, reader_agreement, stance_score

    with Store(ctd_db, create=False) as store:
        relations = score(store, GROUPS_HELD_OUT_4, HELD_OUT_4, check_groups=True)
        first, second = (stance_score(store, path) for path in STANCE_HELD_OUT_4)
        readers = reader_agreement(store, *STANCE_HELD_OUT_4)
    assert relations.gold >= 110 and relations.precision >= 0.95 and relations.f1 >= 0.93, (relations.precision, relations.f1, relations.missed[:10])
    assert first.labelled >= 400 and first.accuracy >= 0.50 and second.accuracy >= 0.47, (first.confusion, second.confusion)
    assert readers.common >= 400 and readers.share >= 0.85


def test_blind_stance_of_meetings_4_to_23(ctd_db):
    """Stance of meetings 4, 6, 9, 14-17 and 23 (never read for stance), two readers, written after the fourth
    round: they agree on 0.875 of 376 turns; the cues with them 0.567 and 0.548 (docs/coalitions.md)."""
    from wto_assist.enrich.relations_eval import STANCE_HELD_OUT_5, reader_agreement, stance_score

    with Store(ctd_db, create=False) as store:
        first, second = (stance_score(store, path) for path in STANCE_HELD_OUT_5)
        readers = reader_agreement(store, *STANCE_HELD_OUT_5)
    assert first.labelled >= 400 and first.accuracy >= 0.54 and second.accuracy >= 0.52, (first.confusion, second.confusion)
    assert readers.common >= 350 and readers.share >= 0.85
