import pytest

from wto_assist.documents.segment import segment
from wto_assist.documents.speakers import attribute, identify

MINUTES = """WORLD TRADE
RESTRICTED
WT/COMTD/M/991
3 March 2026
NOTE ON THE MEETING OF 1 MARCH 2026
Chairperson: H.E. Ms. A. Example (Kenya)
&&
ADOPTION OF THE AGENDA
&& The Chairperson said that the agenda was in WTO/AIR/COMTD/1.
It was so agreed.
OBSERVERS
-\tRequest for attendance of ad hoc observers
&& The representative of Benin, on behalf of the LDC Group, supported the request.
&& He added that the Secretariat should circulate the list.
WT/COMTD/M/991
&& The Committee took note of the statements.
__________
 WTO/AIR/COMTD/1 of 1 February 2026.
"""


def test_auto_numbered_paragraphs_headings_and_footnotes():
    result = segment(MINUTES, "WT/COMTD/M/991")
    rows = [(p.label, p.numbered, p.agenda_item, p.text[:30]) for p in result.paragraphs]
    assert rows == [
        ("1", True, "ADOPTION OF THE AGENDA", "The Chairperson said that the "),
        # Unmarked, but the WTO numbers it: every body paragraph has its number.
        ("2", True, "ADOPTION OF THE AGENDA", "It was so agreed."),
        ("3", True, "OBSERVERS – Request for attendance of ad hoc observers", "The representative of Benin, o"),
        ("4", True, "OBSERVERS – Request for attendance of ad hoc observers", "He added that the Secretariat "),
        ("5", True, "OBSERVERS – Request for attendance of ad hoc observers", "The Committee took note of the"),
    ]
    assert [p.numbering for p in result.paragraphs] == ["counted"] * 5
    assert [(note.number, note.text, note.paragraph) for note in result.footnotes] == [(1, "WTO/AIR/COMTD/1 of 1 February 2026.", None)]



def test_sub_headings_printed_together_make_one_item_naming_every_paper():
    text = MINUTES.replace("-\tRequest for attendance of ad hoc observers\n",
                           "-\tProposal from Chad and Benin (WT/COMTD/W/901)\n-\tCommunication from Peru (WT/COMTD/W/902)\n")
    items = [p.agenda_item for p in segment(text, "WT/COMTD/M/991").paragraphs]
    assert items[2:] == ["OBSERVERS – Proposal from Chad and Benin (WT/COMTD/W/901) | Communication from Peru (WT/COMTD/W/902)"] * 3
    # a sub-heading after a paragraph starts a new item
    text = MINUTES.replace("&& He added that", "-\tCommunication from Peru (WT/COMTD/W/902)\n&& He added that")
    assert segment(text, "WT/COMTD/M/991").paragraphs[3].agenda_item == "OBSERVERS – Communication from Peru (WT/COMTD/W/902)"

def test_explicit_numbers_are_kept_through_gaps_and_restarts():
    text = "WT/DS991/R\n\n7.81. First.\n\n7.83. After a gap.\n\n8.1. New section.\n\n1. Annex paragraph restarts.\n"
    labels = [p.label for p in segment(text).paragraphs]
    assert labels == ["7.81", "7.83", "8.1", "1"]


def test_auto_numbering_continues_from_a_typed_number():
    text = "WT/COMTD/M/992\nChairman: X\n12. && The Chairman said so.\n&& The representative of India agreed.\n"
    assert [p.label for p in segment(text).paragraphs] == ["12", "13"]


def test_unnumbered_document_gets_bracketed_ordinals():
    text = "WT/COMTD/M/28/Add.1\n2 August 2000\nAddendum\n\nThe seminar was held on 7 March.\n\nIt had six sessions.\n"
    assert [p.label for p in segment(text).paragraphs] == ["[1]", "[2]"]


@pytest.mark.parametrize(
    "opening, speaker, kind, on_behalf_of",
    [
        ("The representative of the European Communities said", "European Union", "member", None),
        ("The representative of Benin, on behalf of the LDC Group, said", "Benin", "member", "LDC Group"),
        ("The representative of Bahrein, speaking also on behalf of the United Arab Emirates and Qatar, supported",
         "Bahrain, Kingdom of", "member", "United Arab Emirates; Qatar"),
        ("The representative of the Republic of Korea noted", "Korea, Republic of", "member", None),
        ("The representative of Hong Kong, China said", "Hong Kong, China", "member", None),
        ("The representative of Turkey said", "Türkiye", "member", None),
        ("The representative of Cote d' Ivoire enquired", "Côte d'Ivoire", "member", None),
        ("The United States representative also noted", "United States", "member", None),
        ("13; The representative of the EC said", "European Union", "member", None),
        ("In conclusion, the representative of Senegal emphasised", "Senegal", "member", None),
        ("The Chairman said", "Chairperson", "chair", None),
        ("The Chairperson of the Sub-Committee on Least-Developed Countries reported",
         "Chairperson of the Sub-Committee on Least-Developed Countries", "chair", None),
        ("The Director-General said", "Director-General", "secretariat", None),
        ("A representative of the Technical Cooperation Division said", "Technical Cooperation Division", "secretariat", None),
        ("The representative of UNCTAD said", "UNCTAD", "organization", None),
        ("Mr. Osakwe, Director, said", "Osakwe", "person", None),
        ("The Chairman encouraged Members", "Chairperson", "chair", None),
        ("The Chairman in closing said", "Chairperson", "chair", None),
        ("The Vice-Chairman went on to say", "Vice-Chairperson", "chair", None),
        ("The Chairman of the JAG provided an overview", "Chairperson of the JAG", "chair", None),
        ("The Deputy-Director General of the WTO said", "Deputy-Director General", "secretariat", None),
        ("The Executive Director of the ITC replied", "ITC", "organization", None),
        ("Mr. Chairman, India is a co-sponsor of the paper and", None, None, None),
        ("Madam Chair, my delegation", None, None, None),
        ("The Chairman's proposal was adopted", None, None, None),
        ("The Committee took note", "Committee", "committee", None),
        ("It was so agreed.", None, None, None),
    ],
)
def test_identify_speakers(opening, speaker, kind, on_behalf_of):
    turn = identify(opening + " that the matter was important.")
    assert (turn.name if turn else None, turn.kind if turn else None, turn.on_behalf_of if turn else None) == (
        speaker, kind, on_behalf_of
    )


def test_several_members_speaking_together():
    turn = identify("The representatives of Guatemala and Chile indicated that they wished to speak.")
    assert (turn.name, turn.co_speakers) == ("Guatemala", ["Chile"])


def test_continuations_inherit_within_an_agenda_item_only():
    paragraphs = segment(MINUTES, "WT/COMTD/M/991").paragraphs
    attribute(paragraphs)
    by_text = {p.text[:12]: p for p in paragraphs}
    assert by_text["He added tha"].speaker == "Benin"
    assert by_text["He added tha"].speaker_inherited
    assert by_text["He added tha"].on_behalf_of == "LDC Group"
    assert by_text["It was so ag"].speaker is None


def test_unnumbered_blocks_and_vocatives_continue_the_turn_but_decisions_do_not():
    text = (
        "B. Item\n&& The representative of India made the following statement:\n"
        "\"Mr. Chairman, India is a co-sponsor of the paper.\n"
        "The Ministerial Declaration proclaimed that development is central.\n"
        "It was so agreed.\n&& The Chairman clarified that the item would stay on the agenda.\n"
    )
    paragraphs = segment(text, "WT/COMTD/M/991").paragraphs
    attribute(paragraphs)
    assert [(p.label, p.speaker, p.speaker_inherited) for p in paragraphs] == [
        # The statement read out is printed inside paragraph 1; the decision is a paragraph of its own.
        ("1", "India", False), ("1", "India", True), ("1", "India", True), ("2", None, False), ("3", "Chairperson", False),
    ]


def test_an_agenda_heading_ending_with_its_symbol_is_a_heading():
    text = "&& The Chairman said the item was closed.\nPARAGRAPH 51 OF THE DOHA DECLARATION ON DEVELOPMENT (WT/COMTD/W/143/REV.1)\n&& The Chairman recalled the paper."
    paragraphs = segment(text, "WT/COMTD/M/991").paragraphs
    assert [p.text[:20] for p in paragraphs] == ["The Chairman said th", "The Chairman recalle"]
    assert paragraphs[1].agenda_item == "PARAGRAPH 51 OF THE DOHA DECLARATION ON DEVELOPMENT (WT/COMTD/W/143/REV.1)"


def test_damaged_and_lost_paragraph_marks_keep_their_numbers():
    # Forms from WT/COMTD/M/10: separators misread before "&&", a mark lost, a number glued to its
    # predecessor in hard-wrapped text. A wrong number here would mis-cite every later paragraph.
    text = (
        "WT/COMTD/M/994\nChairman: X\n\n"
        "1.&& The Committee adopted the agenda, which had been circulated in advance to all the\n"
        "delegations and which contained the items listed in the airgram issued by the\n"
        "Secretariat.\n"
        "2s && The Chairman recalled that the purpose of this meeting was to have an exchange\n"
        "of views with the Chairman of the Development Committee on its work programme and\n"
        "its relations with the WTO.\n"
        "8. Turning to the outlook, he said that relations with the WTO were improving and\n"
        "that further meetings would be held during the year in Washington and in Geneva,\n"
        "as agreed.\n\n"
        "13;&& The representative of the European Communities congratulated the Chairman on\n"
        "his initiative and said that the meeting had been useful for all delegations and\n"
        "for the Committee.\n\n"
        "14, The representative of Tanzania thanked the Chairman for his role in the meeting\n"
        "and said that further exchanges with the Development Committee would be welcome\n"
        "in future.\n\n"
        "1. An enumeration inside a statement is not a paragraph number, whatever it says about\n"
        "the items that were listed for discussion in the Committee at its next meeting in\n"
        "Geneva.\n"
    )
    paragraphs = segment(text).paragraphs
    assert [(p.label, p.numbered, p.text[:12]) for p in paragraphs] == [
        ("1", True, "The Committe"),
        ("2", True, "The Chairman"),
        ("8", True, "Turning to t"),
        ("13", True, "The represen"),
        ("14", True, "The represen"),
        ("14", False, "1. An enumer"),
    ]
