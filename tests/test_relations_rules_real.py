"""The second round of support-relation rules, each on a real sentence of the CTD minutes (found by its
words, never by a paragraph number): relative clauses and long lists in the support phrase, passives,
a delegation's own joint paper, proponents named by the agenda heading, and a Member speaking for the
OECS."""

from wto_assist.enrich.sponsors import Papers, heading_proponents, named_papers
from wto_assist.store import Store


def _pairs(store, symbol, phrase):
    """(supporter, supported, group of the supported) of the relations whose paragraph holds `phrase`."""
    rows = store.connection.execute(
        "SELECT r.supporter, r.supported, r.supported_on_behalf_of FROM relations r JOIN paragraphs p ON p.id = r.paragraph_id"
        " JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? AND p.text LIKE ?", (symbol, f"%{phrase}%")).fetchall()
    assert store.connection.execute(
        "SELECT COUNT(*) FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? AND p.text LIKE ?",
        (symbol, f"%{phrase}%")).fetchone()[0] == 1, f"{phrase!r} should be in one paragraph of {symbol}"
    return {(row[0], row[1], row[2]) for row in rows}


def test_the_phrase_runs_through_a_relative_clause(ctd_db):
    with Store(ctd_db, create=False) as store:
        pairs = _pairs(store, "WT/COMTD/M/52", "supported the proposal that had been made by the representative of Switzerland")
        assert ("Canada", "Switzerland") in {pair[:2] for pair in pairs}
        pairs = _pairs(store, "WT/COMTD/M/46", "shared some of the concerns that had been voiced by the delegation of Canada")
        assert ("Australia", "Canada") in {pair[:2] for pair in pairs}


def test_a_long_list_keeps_the_group_of_its_last_delegation(ctd_db):
    with Store(ctd_db, create=False) as store:
        pairs = _pairs(store, "WT/COMTD/M/42", "and the statement made by the representative of Zambia on behalf of the LDCs")
    assert ("Uganda", "Kenya", "African Group") in pairs and ("Uganda", "Zambia", "LDC Group") in pairs


def test_a_passive_backs_the_delegation_named_right_before_it_whoever_speaks(ctd_db):
    with Store(ctd_db, create=False) as store:
        chairman = _pairs(store, "WT/COMTD/M/44", "the proposal made by the representative of United States, supported by the representative of Malaysia")
        india = _pairs(store, "WT/COMTD/M/43", "suggested by the representative of the European Communities and supported by the representative of China")
    assert ("Malaysia", "United States") in {pair[:2] for pair in chairman}
    assert ("China", "European Union") in {pair[:2] for pair in india}
    assert not any(supporter == "India" for supporter, _, _ in india)  # India could not accept the wording


def test_a_delegation_listed_among_those_it_backs_speaks_of_its_own_paper(ctd_db):
    with Store(ctd_db, create=False) as store:
        pairs = _pairs(store, "WT/COMTD/M/50", "echoed the issues that have been put forward by Kenya, Tanzania and Uganda")
    assert not any(supporter == "Kenya" and supported in ("Tanzania", "Uganda") for supporter, supported, _ in pairs)


def test_an_unnamed_proposal_is_the_one_the_heading_or_the_sentence_names(ctd_db):
    with Store(ctd_db, create=False) as store:
        ldc = _pairs(store, "WT/COMTD/M/99", "the LDC Group supported the proposal under consideration")
        morocco = _pairs(store, "WT/COMTD/M/99", "the African Group supported the submission contained in document WT/COMTD/W/218")
        japan = _pairs(store, "WT/COMTD/M/49", "and he fully supported the proposal")
        proponent = store.connection.execute(
            "SELECT COUNT(*) FROM relations r JOIN paragraphs p ON p.id = r.paragraph_id JOIN documents d ON d.id = p.document_id"
            " WHERE d.symbol = 'WT/COMTD/M/89' AND r.supporter = 'Barbados' AND r.evidence = 'supported the proposal'").fetchone()[0]
        refused = store.connection.execute(
            "SELECT COUNT(*) FROM relations r JOIN paragraphs p ON p.id = r.paragraph_id JOIN documents d ON d.id = p.document_id"
            " WHERE d.symbol = 'WT/COMTD/M/90' AND r.supporter = 'United States' AND r.evidence LIKE '%support the proposal%'").fetchone()[0]
    # heading: "… – Proposal from Barbados, Belize, China, Cuba, Ecuador, India, and the African Group (WT/COMTD/W/208)"
    assert {supported for _, supported, _ in ldc} >= {"Barbados", "Belize", "China", "Cuba", "Ecuador", "India", "African Group"}
    # heading: "… (WT/COMTD/W/218/Rev.1) – revised submission by Benin, on behalf of the LDC Group"
    assert ("Morocco", "Benin", "LDC Group") in morocco and not any(supported == "United States" for _, supported, _ in morocco)
    # "the proposal by the delegation of Switzerland was constructive …, and he fully supported the proposal"
    assert ("Japan", "Switzerland") in {pair[:2] for pair in japan}
    assert not any(supported in ("Kenya", "Tanzania", "Uganda") for _, supported, _ in japan)
    assert proponent == 0  # Barbados is among the proponents the heading names
    assert refused == 0  # "the US was not in a position to support the proposal"


def test_a_member_speaking_for_the_oecs_records_the_organisation(ctd_db):
    with Store(ctd_db, create=False) as store:
        barbados = _pairs(store, "WT/COMTD/M/50", "strongly supported the application for observer status by the representative of St. Kitts")
        egypt = _pairs(store, "WT/COMTD/M/50", "not prepared to grant the request made by the OECS")
    assert ("Barbados", "Saint Kitts and Nevis", "OECS") in barbados
    assert not any("OECS" in (supported, group) for _, supported, group in egypt)  # the OECS's own request backs no Member


def test_heading_proponents_read_from_real_agenda_headings(ctd_db):
    with Store(ctd_db, create=False) as store:
        headings = {row[0] for row in store.connection.execute("SELECT DISTINCT agenda_item FROM paragraphs WHERE agenda_item IS NOT NULL")}
    # the shortest: the item that discusses this proposal alone (in later meetings it shares an item with W/208)
    proposal = min((h for h in headings if "Proposal from China, Cuba, Ecuador, India and the African Group" in h), key=len)
    commodities = next(h for h in headings if h.endswith("Communication from Kenya, Tanzania and Uganda (WT/COMTD/W/130)"))
    benin = next(h for h in headings if h.endswith("submission by Benin, on behalf of the LDC Group"))
    japan = next(h for h in headings if "Communication from JAPAN ON THE FRAMEWORK AGREEMENT" in h)
    committee = next(h for h in headings if h.startswith("PROPOSAL BY THE COMMITTEE ON REGIONAL TRADE AGREEMENTS"))
    assert [name for name, _ in heading_proponents(proposal)] == ["China", "Cuba", "Ecuador", "India", "African Group"]
    # the item discusses Switzerland's W/129 and this W/130: the paper has to be named
    assert heading_proponents(commodities) == ()
    assert [name for name, _ in heading_proponents(commodities, Papers(("WT/COMTD/W/130",)))] == ["Kenya", "Tanzania", "Uganda"]
    assert heading_proponents(benin) == (("Benin", "LDC Group"),)
    # not ASEAN or China, the subject of the communication (the item also discusses the EC's and the US's)
    assert heading_proponents(japan, Papers(("WT/COMTD/51/Add.4",))) == (("Japan", None),)
    assert heading_proponents(committee) == ()  # a committee is no proponent


def test_the_gcc_is_a_group_and_a_member_speaking_for_it_gives_its_capacity(ctd_db):
    from wto_assist import members

    assert {members.canonical(name) for name in ("GCC", "Gulf Cooperation Council", "the GCC countries", "GCC Members")} == {"GCC"}
    with Store(ctd_db, create=False) as store:
        egypt = _pairs(store, "WT/COMTD/M/73", "full support for the position of the GCC")
    assert ("Egypt", "GCC") in {pair[:2] for pair in egypt}


def test_the_other_proponents_are_those_the_item_names(ctd_db):
    """Named by the Chairman's paragraph ('the proponents … – Brazil, China, India and the US –') or by the
    speaker's own sentence ('the proposal by Brazil, India and the US … join as a co-sponsor')."""
    with Store(ctd_db, create=False) as store:
        associated = _pairs(store, "WT/COMTD/M/73", "associated his delegation with the interventions by the other proponents")
        cosponsor = _pairs(store, "WT/COMTD/M/69", "China had decided to join as a co")
    expected = {("China", "Brazil"), ("China", "India"), ("China", "United States")}
    assert {pair[:2] for pair in associated} == expected and {pair[:2] for pair in cosponsor} == expected


def test_the_previous_three_speakers_and_a_groups_own_position(ctd_db):
    with Store(ctd_db, create=False) as store:
        three = _pairs(store, "WT/COMTD/M/73", "supported the interventions of the previous three speakers")
        ldc = _pairs(store, "WT/COMTD/M/68", "his delegation supported the LDC position")
        concerns = _pairs(store, "WT/COMTD/M/68", "fully shared the concerns of LDCs")
    assert {pair[1] for pair in three} == {"Oman", "Egypt", "Saudi Arabia, Kingdom of"}
    assert ("India", "LDC Group") in {pair[:2] for pair in ldc} and ("China", "LDC Group") in {pair[:2] for pair in concerns}


def test_joining_others_in_thanking_is_a_courtesy(ctd_db):
    with Store(ctd_db, create=False) as store:
        assert not _pairs(store, "WT/COMTD/M/80", "joined Brazil and the US in thanking the Members")


def test_several_papers_in_one_item_the_reference_names_which(ctd_db):
    """An item whose sub-headings list four e-commerce papers by different Members: "the proponents of
    document JOB/DEV/39/Rev.1" are China and Pakistan, not the authors of the last paper listed; "the
    proposals contained in documents W/208 and W/192" are both papers' proponents."""
    with Store(ctd_db, create=False) as store:
        norway = _pairs(store, "WT/COMTD/M/101", "She agreed with the proponents of document JOB/DEV/39/Rev.1")
        bolivia = _pairs(store, "WT/COMTD/M/107", "support for the proposals contained in documents WT/COMTD/W/208 and WT/COMTD/W/192")
        headings = {row[0] for row in store.connection.execute("SELECT DISTINCT agenda_item FROM paragraphs WHERE agenda_item LIKE '%JOB/DEV/39/Rev.1%'")}
    assert {supported for _, supported, _ in norway} == {"China", "Pakistan"}
    assert {"Barbados", "China", "Cuba", "Ecuador", "India", "African Group"} <= {supported for _, supported, _ in bolivia}
    e_commerce = next(h for h in headings if "JOB/DEV/43" in h)
    assert heading_proponents(e_commerce) == ()  # four papers, none named: no guess
    assert [name for name, _ in heading_proponents(e_commerce, Papers(("JOB/DEV/41",)))] == ["Argentina", "Brazil", "Paraguay"]


def test_lists_and_phrases_of_the_later_minutes(ctd_db):
    """Forms the fourth blind set found unread: "by, amongst others, …", "… as well as for the interventions
    by …" after a document's symbol, support "indicated", and a group named with its request."""
    with Store(ctd_db, create=False) as store:
        amongst = _pairs(store, "WT/COMTD/M/103", "supported the intervention by, amongst others, South Africa")
        as_well = _pairs(store, "WT/COMTD/M/107", "as well as for the interventions by India, South Africa and Nigeria")
        indicated = _pairs(store, "WT/COMTD/M/107", "also indicated support for the intervention by Guatemala")
        hong_kong = _pairs(store, "WT/COMTD/M/109", "He also indicated support for the intervention by Hong Kong, China")
        request = _pairs(store, "WT/COMTD/M/109", "support for the request by the LDC Group")
    assert {supported for _, supported, _ in amongst} >= {"South Africa", "Uganda", "Zimbabwe", "Venezuela, Bolivarian Republic of"}
    assert {pair[:2] for pair in as_well} >= {("Barbados", "India"), ("Barbados", "South Africa"), ("Barbados", "Nigeria")}
    assert ("Colombia", "Guatemala") in {pair[:2] for pair in indicated}
    assert ("Norway", "Hong Kong, China") in {pair[:2] for pair in hong_kong}
    assert ("Mozambique", "LDC Group") in {pair[:2] for pair in request}


def test_papers_named_and_sub_headings_paired_with_their_own_symbols():
    """Review findings: a symbol printed before "– submission by …" belongs to that sub-heading's proponents;
    a paper the reference names that the item does not hold resolves to no one; every symbol of a list is read;
    a paper named as opposed is not the one meant."""
    heading = ("E-COMMERCE – Aiming at MC11 (JOB/DEV/39) – communication from China and Pakistan | Electronic signatures"
               " (JOB/DEV/41) – communication from Argentina, Brazil and Paraguay")
    assert [name for name, _ in heading_proponents(heading, Papers(("JOB/DEV/41",)))] == ["Argentina", "Brazil", "Paraguay"]
    assert [name for name, _ in heading_proponents(heading, Papers(("JOB/DEV/39",)))] == ["China", "Pakistan"]
    single = "Aid for Trade – Proposal from China, Cuba and the African Group (WT/COMTD/W/192)"
    assert heading_proponents(single, Papers(("JOB/DEV/50",), named=True)) == ()
    assert heading_proponents(single, Papers(("JOB/DEV/50",))) != ()  # only mentioned earlier: the item's own paper
    listed = "the proponents of documents JOB/DEV/39/Rev.1, JOB/DEV/41 and JOB/DEV/42."
    assert named_papers(listed, 0, 14) == Papers(("JOB/DEV/39/REV.1", "JOB/DEV/41", "JOB/DEV/42"), True)
    opposed = "His delegation did not support JOB/DEV/39/Rev.1 but supported the proposal."
    assert named_papers(opposed, opposed.index("supported the"), len(opposed) - 1) == Papers()
