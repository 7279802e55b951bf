import pytest

from wto_assist.documents.symbols import SymbolError, normalise_symbol, parse_symbol, symbol_from_filename

# (as typed, normalised, body, family)
SYMBOLS = [
    ("WT/DS512/R", "WT/DS512/R", "Panel (DS512)", "panel-report"),
    ("wt/ds512/ab/r", "WT/DS512/AB/R", "Appellate Body (DS512)", "appellate-body-report"),
    ("WT/DS512/1", "WT/DS512/1", "Dispute Settlement Body (DS512)", "request-for-consultations"),
    ("WT/DS512/R/Add.1", "WT/DS512/R/Add.1", "Panel (DS512)", "panel-report"),
    ("WT/DS512/5/Rev.1", "WT/DS512/5/Rev.1", "Dispute Settlement Body (DS512)", "communication"),
    ("WT/DS512/1/Corr.1", "WT/DS512/1/Corr.1", "Dispute Settlement Body (DS512)", "request-for-consultations"),
    ("WT/COMTD/M/101/Suppl.1", "WT/COMTD/M/101/Suppl.1", "Committee on Trade and Development", "minutes"),
    ("WT/DS512/R/Add.1/Corr.1", "WT/DS512/R/Add.1/Corr.1", "Panel (DS512)", "panel-report"),
    ("WT/COMTD/W/26/Rev.1/Add.2", "WT/COMTD/W/26/Rev.1/Add.2", "Committee on Trade and Development", "communication"),
    ("G/SPS/R/104", "G/SPS/R/104", "Committee on Sanitary and Phytosanitary Measures", "minutes"),
    ("G/TBT/M/80", "G/TBT/M/80", "Committee on Technical Barriers to Trade", "minutes"),
    ("G/C/M/140", "G/C/M/140", "Council for Trade in Goods", "minutes"),
    ("WT/GC/M/177", "WT/GC/M/177", "General Council", "minutes"),
    ("WT/DSB/M/450", "WT/DSB/M/450", "Dispute Settlement Body", "minutes"),
    ("WT/TPR/M/415", "WT/TPR/M/415", "Trade Policy Review Body", "tpr-minutes"),
    ("WT/TPR/S/478", "WT/TPR/S/478", "Trade Policy Review Body", "tpr-secretariat-report"),
    ("WT/TPR/G/478", "WT/TPR/G/478", "Trade Policy Review Body", "tpr-government-report"),
    ("WT/COMTD/M/101", "WT/COMTD/M/101", "Committee on Trade and Development", "minutes"),
    ("WT/MIN(11)/11", "WT/MIN(11)/11", "Ministerial Conference", "other"),
    ("JOB/GC/110/Rev.1", "JOB/GC/110/Rev.1", "General Council", "communication"),
    ("JOB/CTG/2/REV.1", "JOB/CTG/2/Rev.1", "Council for Trade in Goods", "communication"),
    ("WTO/AIR/COMTD/9/Rev.1", "WTO/AIR/COMTD/9/Rev.1", "Secretariat (airgram)", "other"),
    (" WT / COMTD / M / 28 / add.1 ", "WT/COMTD/M/28/Add.1", "Committee on Trade and Development", "minutes"),
]


@pytest.mark.parametrize("typed, normalised, body, family", SYMBOLS)
def test_symbol_grammar(typed, normalised, body, family):
    symbol = parse_symbol(typed)
    assert str(symbol) == normalised
    assert symbol.body == body
    assert symbol.family == family


@pytest.mark.parametrize(
    "malformed, reason",
    [
        ("", "empty"),
        ("WT COMTD M 101", "spaces"),
        ("WT//M/101", "empty part"),
        ("XX/COMTD/M/1", "unknown series"),
        ("WT", "incomplete"),
        ("WT/DS512/R/Rev", "needs a number"),
        ("WT/DS512/Rev.1/R", "follows a revision suffix"),
        ("WT/COM$TD/M/1", "malformed part"),
        ("Add.1/WT/DS1", "starts with a suffix"),
    ],
)
def test_malformed_symbols_raise_a_clear_error(malformed, reason):
    with pytest.raises(SymbolError, match=reason):
        normalise_symbol(malformed)


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("WTCOMTDM101", "WT/COMTD/M/101"),
        ("wtcomtdM28A1", "WT/COMTD/M/28/Add.1"),
        ("WTCOMTDm19", "WT/COMTD/M/19"),
        ("WT_DS512_R", "WT/DS512/R"),
        ("WT-DS512-AB-R", "WT/DS512/AB/R"),
        ("G_SPS_R_104", "G/SPS/R/104"),
        ("WT_TPR_M_990", "WT/TPR/M/990"),
        ("JOB_GC_110_Rev_1", "JOB/GC/110/Rev.1"),
        ("meeting notes", None),
    ],
)
def test_symbol_from_filename(stem, expected):
    symbol = symbol_from_filename(stem)
    assert (str(symbol) if symbol else None) == expected


def test_symbols_sort_as_people_read_them():
    from wto_assist.store import symbol_order

    symbols = ["WT/COMTD/M/29", "WT/COMTD/M/3", "WT/COMTD/M/100", "WT/COMTD/M/28/Add.1", "WT/COMTD/M/28"]
    assert sorted(symbols, key=symbol_order) == ["WT/COMTD/M/3", "WT/COMTD/M/28", "WT/COMTD/M/28/Add.1", "WT/COMTD/M/29", "WT/COMTD/M/100"]
