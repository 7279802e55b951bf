import pytest

from wto_assist.enrich.provisions import ProvisionError, ancestors, find_provisions, is_within, normalise_key, parse_cited

# Real-world phrasings from WTO minutes, reports and submissions -> canonical keys, in text order.
PHRASINGS = [
    ("Article XXI(b)(iii) of the GATT 1994", ["GATT1994:XXI(b)(iii)"]),
    ("GATT Article XXIV:8(b)", ["GATT1994:XXIV:8(b)"]),
    ("Article 2.2 of the TBT Agreement", ["TBT:2.2"]),
    ("Articles 3.1 and 3.2 of the SCM Agreement", ["SCM:3.1", "SCM:3.2"]),
    ("DSU Article 10.2", ["DSU:10.2"]),
    ("paragraph 2 of Article IV of the Marrakesh Agreement", ["WTO:IV:2"]),
    ("the Enabling Clause", ["ENABLING"]),
    ("paragraph 2(c) of the Enabling Clause", ["ENABLING:2(c)"]),
    ("paragraphs 2(a) and 2(d) of the Enabling Clause", ["ENABLING:2(a)", "ENABLING:2(d)"]),
    ("Articles I to III of the GATT 1994", ["GATT1994:I", "GATT1994:II", "GATT1994:III"]),
    ("Articles 2.1-2.3 of the TBT Agreement", ["TBT:2.1", "TBT:2.2", "TBT:2.3"]),
    ("Articles 5.1 to 5.3 of the SPS Agreement", ["SPS:5.1", "SPS:5.2", "SPS:5.3"]),
    ("Article XX(b) and (g) of the GATT 1994", ["GATT1994:XX(b)", "GATT1994:XX(g)"]),
    ("Article XI12 of the GATT 1994", ["GATT1994:XI"]),
    ("Article 2.2 of the TBT Agreement23 requires", ["TBT:2.2"]),
    ("Article XX(b)4 of the GATT 1994", ["GATT1994:XX(b)"]),
    ("Articles I and XIII of the GATT 1994", ["GATT1994:I", "GATT1994:XIII"]),
    ("Articles I, II and XI of the GATT 1994", ["GATT1994:I", "GATT1994:II", "GATT1994:XI"]),
    ("Articles I, II, and XI of GATT 1994", ["GATT1994:I", "GATT1994:II", "GATT1994:XI"]),
    ("Article XXIV of GATT and Article V of GATS", ["GATT1994:XXIV", "GATS:V"]),
    ("Articles XXIV:5 to XXIV:8 of the GATT 1994", ["GATT1994:XXIV:5", "GATT1994:XXIV:6", "GATT1994:XXIV:7", "GATT1994:XXIV:8"]),
    ("Article XXIV:4-8 of the GATT", ["GATT1994:XXIV:4", "GATT1994:XXIV:5", "GATT1994:XXIV:6", "GATT1994:XXIV:7", "GATT1994:XXIV:8"]),
    ("Article 4.4 of the DSU", ["DSU:4.4"]),
    ("Article 13 of the Agreement on Agriculture", ["AG:13"]),
    ("Article 27 of the SCM Agreement", ["SCM:27"]),
    ("Article 3.1(a) of the Agreement on Subsidies and Countervailing Measures", ["SCM:3.1(a)"]),
    ("Article 5.7 of the Agreement on the Application of Sanitary and Phytosanitary Measures", ["SPS:5.7"]),
    ("Article 66.2 of the TRIPS Agreement", ["TRIPS:66.2"]),
    ("Article XIX of the GATS", ["GATS:XIX"]),
    ("Article 2.4.2 of the Anti-Dumping Agreement", ["AD:2.4.2"]),
    ("Article 17.6(ii) of the Anti-Dumping Agreement", ["AD:17.6(ii)"]),
    ("Article 9 of the Trade Facilitation Agreement", ["TFA:9"]),
    ("Article 2 of the Agreement on Safeguards", ["SG:2"]),
    ("Article 3.5 of the Agreement on Import Licensing Procedures", ["LIC:3.5"]),
    ("Article XVI:4 of the WTO Agreement", ["WTO:XVI:4"]),
    ("Article IX:3 of the Marrakesh Agreement Establishing the World Trade Organization", ["WTO:IX:3"]),
    ("GATT 1994 Article III:4", ["GATT1994:III:4"]),
    ("TBT Article 12.3", ["TBT:12.3"]),
    ("Art. XI:1 of the GATT 1994", ["GATT1994:XI:1"]),
    ("Arts. 3 and 4 of the DSU", ["DSU:3", "DSU:4"]),
    ("Article XXVIII of the General Agreement on Tariffs and Trade 1994", ["GATT1994:XXVIII"]),
    ("Article XVIII:B of GATT 1947 and Article XVIII of GATT 1994", ["GATT1947:XVIII:B", "GATT1994:XVIII"]),
    ("under Article XXIV of the GATT 1994; Article XXIV also requires", ["GATT1994:XXIV", "GATT1994:XXIV"]),
    ("Articles 6.1, 6.2 or 6.4 of the SCM Agreement", ["SCM:6.1", "SCM:6.2", "SCM:6.4"]),
    ("the Members noted the Enabling Clause and Article XXIV of the GATT 1994", ["ENABLING", "GATT1994:XXIV"]),
    ("Article XXIV alone, with no agreement named anywhere", []),
    ("Article XX of the GATT 1994 and Article XIV of the GATS; Article XX", ["GATT1994:XX", "GATS:XIV"]),
]


@pytest.mark.parametrize("text, keys", PHRASINGS)
def test_provisions_in_running_text(text, keys):
    assert [mention.key for mention in find_provisions(text)] == keys


def test_at_least_forty_phrasings():
    assert len(PHRASINGS) >= 40


@pytest.mark.parametrize(
    "typed, key",
    [
        ("gatt1994:xxi(B)(iii)", "GATT1994:XXI(b)(iii)"),
        ("GATT1994:XXIV:8(b)", "GATT1994:XXIV:8(b)"),
        ("GATT Article XXIV", "GATT1994:XXIV"),
        ("Article 2.2 of the TBT Agreement", "TBT:2.2"),
        ("enabling", "ENABLING"),
    ],
)
def test_user_input_normalises_to_a_key(typed, key):
    assert normalise_key(typed) == key


@pytest.mark.parametrize("bad", ["Article XXIV", "XX:XXI", "GATT1994:foo", ""])
def test_bad_provision_input_is_a_clear_error(bad):
    with pytest.raises(ProvisionError):
        normalise_key(bad)


def test_roll_up():
    assert ancestors("GATT1994:XXI(b)(iii)") == ["GATT1994:XXI(b)", "GATT1994:XXI", "GATT1994"]
    assert ancestors("TBT:2.2") == ["TBT:2", "TBT"]
    assert is_within("GATT1994:XXIV:8(b)", "GATT1994:XXIV")
    assert not is_within("GATT1994:XXII", "GATT1994:XXI")
    assert not is_within("SCM:31", "SCM:3")


def test_registry_citation_column():
    keys, problems, ignored = parse_cited(
        [
            "GATT 1994: Art. I, III:4, XXII:1",
            "Technical Barriers to Trade (TBT): Art. 2, 14.1",
            "Protocol of Accession: , , Part I, para. 1.2, Part I, para. 5.1",
            "Agriculture: Art. 3.3, Part V",
            "Subsidies and Countervailing Measures: Art. 5, Request for Consultations received:",
            "Subsidies and Countervailing Measures (SCM): Art. 3.1(b)",
        ]
    )
    assert keys == [
        "GATT1994:I", "GATT1994:III:4", "GATT1994:XXII:1", "TBT:2", "TBT:14.1",
        "ACCESSION:PartI:1.2", "ACCESSION:PartI:5.1", "AG:3.3", "AG:PartV", "SCM:5", "SCM:3.1(b)",
    ]
    assert problems == [] and ignored == ["Request for Consultations received:"]
    assert parse_cited(["Widgets Agreement: Art. 1"])[1] == ["unknown agreement 'Widgets Agreement'"]


# How lawyers type a provision into the Provision box or --provision.
WRITTEN = [
    ("GATT XXI", "GATT1994:XXI"),
    ("Art. XXI GATT", "GATT1994:XXI"),
    ("Article XXI GATT 1994", "GATT1994:XXI"),
    ("Article XXI(b)(iii) GATT", "GATT1994:XXI(b)(iii)"),
    ("GATT 1994 Art. XXI:b", "GATT1994:XXI(b)"),
    ("GATT 1994 Art. XXI:b(iii)", "GATT1994:XXI(b)(iii)"),
    ("GATT XVIII:B", "GATT1994:XVIII:B"),  # an upper-case letter is a Section, not a subparagraph
    ("TRIPS 73", "TRIPS:73"),
    ("GATS Article XIV bis", "GATS:XIVbis"),
    ("Article XIVbis of the GATS", "GATS:XIVbis"),
    ("gats:xivbis", "GATS:XIVbis"),
    ("SPS Agreement Article 5.1", "SPS:5.1"),
]


@pytest.mark.parametrize("text, key", WRITTEN)
def test_provisions_as_lawyers_write_them(text, key):
    assert normalise_key(text) == key


def test_xiv_bis_is_not_article_xiv():
    assert [m.key for m in find_provisions("Article XIV bis of the GATS and Article XIV of the GATS")] == ["GATS:XIVbis", "GATS:XIV"]
    assert not is_within("GATS:XIVbis", "GATS:XIV")
    with pytest.raises(ProvisionError):
        normalise_key("TBT XXI")  # the TBT Agreement numbers its Articles in Arabic
