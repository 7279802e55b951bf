"""The stance definitions of the second reader (tests/data/ctd-heldout-labels.md), each rule on a real
Member turn of the CTD minutes, found by its words: supports = approves overall, even with suggestions;
has reservations = objects to part, attaches a condition, asks for an amendment; opposes = rejects or
blocks now; asks questions = mainly a request for clarification; neutral = no position."""

import pytest

from wto_assist.enrich.stance import classify
from wto_assist.store import Store


def _stance(store, symbol, phrase):
    rows = store.connection.execute(
        "SELECT s.stance, s.cue FROM stances s JOIN paragraphs p ON p.id = s.paragraph_id JOIN documents d ON d.id = p.document_id"
        " WHERE d.symbol = ? AND p.text LIKE ?", (symbol, f"%{phrase}%")).fetchall()
    assert len(rows) == 1, f"{phrase!r} should be in one Member turn of {symbol}"
    return rows[0]["stance"], rows[0]["cue"]


@pytest.mark.parametrize("symbol, phrase, stance", [
    # approval stated by what the delegation would do, or sees no reason against
    ("WT/COMTD/M/49", "her delegation could adopt the 2004 Work Programme", "supports"),
    ("WT/COMTD/M/50", "was also supportive of the request", "supports"),
    ("WT/COMTD/M/45", "he saw no reason not to agree to those conclusions", "supports"),
    # a course of action put forward, with no other position stated, backs that course
    ("WT/COMTD/M/50", "suggested choosing two or three organizations", "supports"),
    # an amendment asked for, a part the text lacks, a discussion to be suspended
    ("WT/COMTD/M/54", "one clear omission in the paper related to implementation issues", "has reservations"),
    ("WT/COMTD/M/56", "should be reflected as a standing item on the agenda of the CTD", "has reservations"),
    ("WT/COMTD/M/49", "the CTD should suspend its discussion on the matter until the next meeting", "has reservations"),
    ("WT/COMTD/M/49", "his delegation was willing to adopt the draft 2004 Work Programme with the addition of", "has reservations"),
    # a block stated with a modal; the group a delegation represents is no "Members that" reported of others
    ("WT/COMTD/M/52", "would have difficulty in agreeing to the suggestion put forward by the representative of Canada", "opposes"),
    ("WT/COMTD/M/50", "not prepared to grant the request made by the OECS", "opposes"),
    # a question whose object sounds like an objection is still a question
    ("WT/COMTD/M/52", "requested clarification as to why the OECS was not included", "asks questions"),
    ("WT/COMTD/M/50", "asked a question concerning the participating rates", "asks questions"),
])
def test_stance_of_real_turns(ctd_db, symbol, phrase, stance):
    with Store(ctd_db, create=False) as store:
        found, cue = _stance(store, symbol, phrase)
    assert found == stance, cue


# Sentences copied from WT/COMTD/M/50 and M/49 (classify reads text; the turns around them decide otherwise).
def test_no_refusal_in_not_only_or_not_having_to():
    assert classify("He believed Korea made a good point in saying that the TA Plan was not only for supporting the July Package"
                    " or the DDA, and hoped to find an acceptable solution on the Singapore Issues.")[0] != "opposes"
    assert classify("He said it was a difficult subject matter and he hoped that Members in the Agriculture Committee would not"
                    " have to agree on how to define and how to establish what effective protection rates were and what the"
                    " exact system was in each country.")[0] != "opposes"


def test_congratulations_are_a_courtesy_not_support():
    assert classify("The representative of Norway congratulated the Government of the Maldives for being in the process of"
                    " graduating from LDC status.")[0] == "neutral"
