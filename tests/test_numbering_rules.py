"""The counting rules of documents/segment.py on small texts in the CTD minutes' converted layout
("&&" where Word's paragraph numbering was; numbers lost). Each case is a form met in the real minutes
(the meeting is named); the labels are what the official document prints."""

from wto_assist.documents.segment import segment


def _labels(body: str) -> list[tuple[str, str]]:
    paragraphs = segment("B. ITEM\n" + body, "WT/COMTD/M/990").paragraphs
    return [(p.label, p.text[:24]) for p in paragraphs]


def test_a_list_announced_with_its_count_ends_after_that_many_items():
    # M/38: "he had seven specific remarks:" — the items' letters were lost, the last opens like a paragraph.
    body = ("&& The Deputy Director-General said that he had three specific remarks:\n"
            "The Plan had been implemented since January.\n"
            "Second, thirty activities had been carried out.\n"
            "He emphasized that the Plan could not meet every need.\n"
            "He recalled that partnerships had been reported before.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "1", "2"]


def test_items_run_together_on_one_line_count_each():
    # M/36: "Those three things were:" then one line holding all three, "…; … ; and …".
    body = ("&& The Chairman said the mandate had three parts. Those three things were:\n"
            "to identify the provisions; to examine them; and to consider how to make them effective.\n"
            "As a starting-point, he suggested that the Committee use the Secretariat's note.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "2"]


def test_a_list_of_sentences_goes_on_until_the_minutes_report_again():
    # M/31: the first item ends with ";", the next ones are sentences of their own.
    body = ("&& The Chairman underlined a few points which seemed to emerge from the meeting:\n"
            "Policymakers were confronted with new challenges as well as opportunities;\n"
            "E-commerce could help developing countries. There had been a few success stories.\n"
            "A number of organizations were providing technical assistance.\n"
            "&& The Chairman said the briefings had been very useful.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "1", "2"]


def test_clause_items_ending_with_a_semicolon_belong_to_the_paragraph_above():
    # M/35: "…divided into four Sections." then "Section I: …;" lines, the list closed by "; and,".
    body = ("&& Third, the structure of the document was simple and divided into three Sections.\n"
            "Section I: set out the objectives;\n"
            "Section II: referred to the approaches suggested by Members; and,\n"
            "Section III: described the new structure. That section was the centrepiece.\n"
            "Fourth, there was a new structure for the Plan.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "1", "2"]


def test_a_bulleted_list_ends_at_the_first_line_without_a_bullet():
    # M/30: "- …" items, then a sub-heading and the next paragraph.
    body = ("&& Monitoring and evaluation were reviewed. Evaluation worked as follows:\n"
            "- monitoring by staff was continuous. Staff reported every month.\n"
            "- lessons learned were fed back into the planning.\n"
            "Cooperation with other organizations\n"
            "Members emphasised that coordination must be at all levels.\n")
    labels = _labels(body)
    assert [label for label, _ in labels] == ["1", "1", "1", "2"]
    assert labels[-1][1].startswith("Members emphasised")


def test_an_inner_list_ends_and_the_outer_list_goes_on():
    # M/40: "4 courses would be organized:" with its own items, then the next item of the outer list.
    body = ("&& Mr. Ravier said that the Institute had the following programme:\n"
            "4 trade policy courses would be organized in 2002:\n"
            "the first had been completed;\n"
            "the second would begin the following week.\n"
            "2 induction courses for LDCs would be organized in 2002:\n"
            "the first had been completed.\n"
            "He said he would provide more details later.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "1", "1", "1", "2"]


def test_an_annexed_paper_is_numbered_paragraph_by_paragraph():
    # M/36, M/38: a Member's paper annexed to the minutes continues the numbering, present tense or not.
    body = ("&& No item was raised under Other Business.\n"
            "ANNEX\n"
            "&& Presentation by the delegation of Panama\n"
            "Technology was a very important sector of the economy in 1995, the report said.\n"
            "The software sector has gained considerable significance and is growing.\n"
            "Foreign direct investment has accounted for 5 per cent of GDP and remains high.\n")
    labels = [label for label, _ in _labels(body)]
    assert labels[-3:] == ["2", "3", "4"]  # "Presentation by …" names the paper: a title, not a paragraph


def test_a_text_reproduced_in_full_stays_inside_its_paragraph_slides_and_all():
    # M/51: slides "re-produced below:", with their own "2. Approach" and capitalised titles.
    body = ("&& The presentation given by the representative of UNCTAD is re-produced below:\n"
            "Real prices are low...\n"
            "COMMODITY PRICES\n"
            "7. Approach\n"
            "A single track approach will not be sufficient.\n"
            "&& The Representative of Kenya suggested having more discussions at the next meeting.\n")
    paragraphs = segment("B. ITEM\n" + body, "WT/COMTD/M/990").paragraphs
    assert [p.label for p in paragraphs] == ["1", "1", "1", "1", "1", "2"]
    assert paragraphs[3].text == "7. Approach"  # the slide's number stays in its text
    assert paragraphs[1].numbering_note and not paragraphs[2].numbering_note  # one judgement call, reported once


def test_a_statement_quoted_in_full_runs_to_its_closing_mark():
    # M/54: "made the following statement:" then a quotation whose paragraphs are marked "&&" too.
    body = ("&& A representative of the Budget and Control Section made the following statement:\n"
            "\"I have been asked to provide you with an overview of the cost estimates.\n"
            "&& The Director of ITTC mentioned that the structure of the Plan is similar.\n"
            "I hope this information is useful to you. Thank you.\"\n"
            "&& The Chairman thanked the Secretariat for the presentations.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "1", "2"]


def test_after_a_quotation_from_a_document_the_paragraph_goes_on():
    # M/40: "… stated that:" and the quoted text, then the speaker goes on in the same paragraph.
    body = ("&& The Chairman said that paragraph 51 of the Doha Declaration stated that:\n"
            "\"The Committee on Trade and Development shall act as a forum.\"\n"
            "&& The Committee on Trade and Environment had already decided to keep it on its agenda.\n"
            "&& The representative of the European Communities said that he had some ideas.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "2"]


def test_an_enumerated_point_counted_alone_is_reported_as_a_judgement_call():
    body = ("&& He went on to say that the report made some observations.\n"
            "The first of those was that the quality of assistance was high.\n"
            "Second, the Secretariat had to focus on upstream activities.\n")
    paragraphs = segment("B. ITEM\n" + body, "WT/COMTD/M/990").paragraphs
    assert [p.label for p in paragraphs] == ["1", "2", "3"]
    assert all("enumerated point" in (p.numbering_note or "") for p in paragraphs[1:])


def test_numbers_lost_between_printed_ones_are_counted_when_the_gap_fits():
    # M/23: hard-wrapped text where "16." and "17." were lost (here 4 and 5); the short line ending a sentence
    # still shows where each paragraph ended, and the gap between the printed numbers holds exactly two.
    def paragraph(opening: str) -> str:  # wrapped at about 95 characters, ending on a short line
        return (f"{opening} said that the Committee had before it the note by the Secretariat and\n"
                "that the discussion of the note should continue at the next meeting of the Committee, as\n"
                "agreed.\n")
    body = "".join([
        "1. " + paragraph("The Chairman"), "2. " + paragraph("The representative of India"),
        "3. " + paragraph("The representative of Barbados"), paragraph("Barbados"), paragraph("She"),
        "6. " + paragraph("The representative of Guatemala"), "7. " + paragraph("The representative of Chile"),
    ])
    paragraphs = segment("WT/COMTD/M/993\n\n" + body, "WT/COMTD/M/993").paragraphs
    assert [(p.label, p.numbering, p.text.split(" said")[0]) for p in paragraphs] == [
        ("1", "printed", "The Chairman"), ("2", "printed", "The representative of India"),
        ("3", "printed", "The representative of Barbados"), ("4", "counted", "Barbados"), ("5", "counted", "She"),
        ("6", "printed", "The representative of Guatemala"), ("7", "printed", "The representative of Chile"),
    ]
    assert "between printed 3 and 6" in paragraphs[4].numbering_note


def test_a_quotation_whose_closing_mark_was_lost_ends_where_the_minutes_report_again():
    body = ("&& The representative of Norway made the following statement:\n"
            "\"We welcome the report and thank the Secretariat for it.\n"
            "Our delegation supports its recommendations.\n"
            "The representative of Kenya said that his delegation also welcomed the report.\n"
            "The Committee took note of the statements.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "1", "2", "3"]


def test_a_reproduced_text_ends_at_an_annex():
    body = ("&& The representative of Norway made the following statement:\n"
            "\"We welcome the report and thank the Secretariat for it.\n"
            "ANNEX\n"
            "Technology was a very important sector of the economy in 1995, the report said.\n"
            "The software sector has gained considerable significance and is growing.\n")
    assert [label for label, _ in _labels(body)] == ["1", "1", "2", "3"]
