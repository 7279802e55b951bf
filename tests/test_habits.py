"""House habits shared by the front ends: one Member check with one wording, library errors the web app
and the CLI both show (no CLI flags in them), and a read-only or full disk answered as such."""

import pytest

from wto_assist import members
from wto_assist.cases.watch import add_watch
from wto_assist.dispute_listing import list_disputes
from wto_assist.draft.brief import BriefError, parse_brief
from wto_assist.errors import WtoAssistError
from wto_assist.filters import member_name


def _message(call) -> str:
    with pytest.raises(WtoAssistError) as raised:
        call()
    return str(raised.value)


def test_one_member_check_one_wording_naming_the_field(tmp_path):
    wording = "'Bangaldesh' is not a WTO Member, observer or group known to wto-assist; did you mean Bangladesh?"
    assert _message(lambda: member_name("Bangaldesh")) == f"member: {wording}"
    assert _message(lambda: member_name("Bangaldesh", "target")) == f"target: {wording}"
    assert _message(lambda: add_watch(tmp_path / "corpus.sqlite", "rice", "rice", member="Bangaldesh")) == f"member: {wording}"
    only_members = "'Bangaldesh' is not a WTO Member known to wto-assist; did you mean Bangladesh?"
    refused = _message(lambda: list_disputes(tmp_path / "corpus.sqlite", member="Bangaldesh"))
    assert refused == f"member: {only_members}"
    brief = {"kind": "joint-statement", "release": "public", "delegation": {"member": "Fiji", "co_sponsors": ["Bangaldesh"]},
             "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"}, "points": ["A point."]}
    with pytest.raises(BriefError, match=r"delegation\.co_sponsors\[0\]: " + only_members.replace("?", r"\?")):
        parse_brief(brief, "brief.yaml")
    group = members.known("LDC Group") or next(a for a in members.variants_by_actor() if a.kind == "group")
    assert members.known(group.name, groups=False) is None and members.known(group.name) == group
    assert not (tmp_path / "corpus.sqlite").exists()  # refused before any database was opened or made
