"""What a reader of a DOCX sees: the visible text of each paragraph of the body and the footnotes,
where the footnote references fall in it, and the text Word keeps but does not show.

Verification must compare the words a reader sees, never the XML: a run marked hidden (w:vanish),
white text, text of 2 points or less, squeezed to a sliver, a deleted revision (w:del) or a field's
instructions are all in the file but not on the page. They are left out of the text and listed
(with where they fall), so that verify can report them. Document properties are read here too:
`draft` records the release status of a draft there, where formatting cannot hide it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

TINY_HALF_POINTS = 4  # w:sz counts half-points: 2 pt or less cannot be read on a printed page
NARROW_PERCENT = 20  # w:w character scale at or below which text is squeezed out of sight
CUSTOM_PROPERTIES = "/docProps/custom.xml"
RELEASE_PROPERTY = "wto-assist release"  # written by render.py: "public" or "restricted", as `draft` decided
SOURCES_PROPERTY = "wto-assist sources"  # JSON: the citations quoted, each with whether it was RESTRICTED
_PROPERTIES_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_INVISIBLE_CHARACTERS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # zero-width, soft hyphen
_HIGHLIGHTS = {"yellow": "FFFF00", "white": "FFFFFF", "green": "00FF00", "cyan": "00FFFF", "magenta": "FF00FF", "blue": "0000FF",
               "red": "FF0000", "black": "000000", "lightgray": "C0C0C0", "darkgray": "808080"}  # w:highlight names
_HIDDEN_CONTAINERS = {qn("w:del"): "deleted revision", qn("w:moveFrom"): "moved-away revision"}
_SKIPPED = {qn("w:pPr"), qn("w:rPr"), qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:bookmarkStart"),
            qn("w:bookmarkEnd"), qn("w:proofErr"), qn("w:permStart"), qn("w:permEnd")}


@dataclass
class Hidden:
    offset: int  # where in the visible text the hidden words sit
    text: str
    why: str  # "hidden (w:vanish)", "white text", "deleted revision" ...


@dataclass
class Block:
    """One paragraph as a reader sees it."""

    text: str
    references: list[tuple[int, str]] = field(default_factory=list)  # (offset, footnote id)
    hidden: list[Hidden] = field(default_factory=list)
    marked: list[tuple[int, int]] = field(default_factory=list)  # spans the renderer highlighted for review


@dataclass
class VisibleDocument:
    body: list[Block]
    footnotes: dict[str, list[Block]]  # footnote id -> its paragraphs
    properties: dict[str, str]  # custom document properties

    def opening_text(self, lines: int = 4) -> list[str]:
        return [block.text.strip() for block in self.body if block.text.strip()][:lines]


def _on(element) -> bool:
    """A toggle property (<w:vanish/>, <w:vanish w:val="false"/>)."""
    return element is not None and (element.get(qn("w:val")) or "true").lower() not in ("false", "0", "off")


class _Styles:
    """Run properties that hide text, as set by document defaults and (based-on chains of) styles."""

    def __init__(self, styles_element):
        self._by_id = {}
        self.defaults = None
        if styles_element is None:
            return
        defaults = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.defaults = defaults
        for style in styles_element.iter(qn("w:style")):
            self._by_id[style.get(qn("w:styleId"))] = style

    def chain(self, style_id: str | None) -> list:
        """rPr elements of a style and the styles it is based on, most general first."""
        found, seen = [], set()
        while style_id and style_id in self._by_id and style_id not in seen:
            seen.add(style_id)
            style = self._by_id[style_id]
            properties = style.find(qn("w:rPr"))
            if properties is not None:
                found.append(properties)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return list(reversed(found))


def _style_id(properties, tag: str) -> str | None:
    if properties is None:
        return None
    element = properties.find(qn(tag))
    return element.get(qn("w:val")) if element is not None else None


def _why_hidden(layers: list, background: str | None) -> str | None:
    """Why text with these run properties (general to specific) is not seen, or None."""
    state: dict[str, object] = {}
    for properties in layers:
        for tag in ("w:vanish", "w:specVanish", "w:webHidden"):
            element = properties.find(qn(tag))
            if element is not None:
                state[tag] = _on(element)
        for tag, attribute in (("w:color", "w:val"), ("w:sz", "w:val"), ("w:w", "w:val"), ("w:shd", "w:fill"), ("w:highlight", "w:val")):
            element = properties.find(qn(tag))
            if element is not None:
                state[tag] = element.get(qn(attribute))
                if tag == "w:color":
                    state["theme"] = element.get(qn("w:themeColor"))
    if any(state.get(tag) for tag in ("w:vanish", "w:specVanish", "w:webHidden")):
        return "hidden (w:vanish)"
    colour = (state.get("w:color") or "").upper()
    highlight = _HIGHLIGHTS.get((state.get("w:highlight") or "").lower(), "")
    ground = {(state.get("w:shd") or "").upper(), highlight, (background or "FFFFFF").upper()} - {"", "AUTO"}
    if colour in ground or (state.get("theme") or "").lower() in ("background1", "bg1"):
        return "text in the background colour"
    size, scale = state.get("w:sz"), state.get("w:w")
    if size and size.isdigit() and int(size) <= TINY_HALF_POINTS:
        return f"text of {int(size) / 2:g} pt"
    if scale and scale.rstrip("%").isdigit() and int(scale.rstrip("%")) <= NARROW_PERCENT:
        return f"text squeezed to {scale.rstrip('%')}% width"
    return None


def _highlighted(properties) -> bool:
    """A run the renderer shaded for review (docxtpl writes the highlight as shading)."""
    if properties is None:
        return False
    shading, highlight = properties.find(qn("w:shd")), properties.find(qn("w:highlight"))
    return (shading is not None and (shading.get(qn("w:fill")) or "").upper() == "FFFF00") or highlight is not None


class _Reader:
    def __init__(self, styles: _Styles, background: str | None):
        self.styles = styles
        self.background = background

    def block(self, paragraph) -> Block:
        self.text: list[str] = []
        self.length = 0
        self.result = Block("")
        self.field_depth: list[bool] = []  # per open field: still in its instructions
        paragraph_style = _style_id(paragraph.find(qn("w:pPr")), "w:pStyle")
        self.paragraph_layers = ([self.styles.defaults] if self.styles.defaults is not None else []) + self.styles.chain(paragraph_style)
        self._walk(paragraph, None)
        self.result.text = "".join(self.text)
        return self.result

    def _walk(self, element, hidden_by: str | None) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED or tag == qn("w:p"):
                continue
            if tag == qn("w:r"):
                self._run(child, hidden_by)
            elif tag in _HIDDEN_CONTAINERS:
                self._walk(child, hidden_by or _HIDDEN_CONTAINERS[tag])
            elif tag == _FALLBACK:
                continue  # the same content again, for programs that cannot read the preferred form
            else:  # w:ins, w:hyperlink, w:smartTag, w:sdt, w:fldSimple, w:customXml ...: shown as their runs
                self._walk(child, hidden_by)

    def _run(self, run, hidden_by: str | None) -> None:
        properties = run.find(qn("w:rPr"))
        layers = self.paragraph_layers + self.styles.chain(_style_id(properties, "w:rStyle"))
        if properties is not None:
            layers = layers + [properties]
        why = hidden_by or _why_hidden(layers, self.background)
        marked = _highlighted(properties)
        for child in run:
            tag = child.tag
            if tag == qn("w:fldChar"):
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    self.field_depth.append(True)
                elif kind == "separate" and self.field_depth:
                    self.field_depth[-1] = False
                elif kind == "end" and self.field_depth:
                    self.field_depth.pop()
                continue
            if tag == qn("w:footnoteReference"):
                self.result.references.append((self.length, child.get(qn("w:id"))))
                continue
            text = None
            if tag in (qn("w:t"), qn("w:delText")):
                text = (child.text or "").translate(_INVISIBLE_CHARACTERS)
            elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                text = " "
            elif tag == qn("w:noBreakHyphen"):
                text = "-"
            elif tag == qn("w:instrText"):
                continue  # a field's code, never shown
            if not text:
                continue
            reason = why or ("field instructions" if any(self.field_depth) else None)
            if tag == qn("w:delText") and reason is None:
                reason = "deleted revision"
            if reason:
                self.result.hidden.append(Hidden(self.length, text, reason))
                continue
            if marked:
                self.result.marked.append((self.length, self.length + len(text)))
            self.text.append(text)
            self.length += len(text)


def _in_fallback(paragraph) -> bool:
    return any(ancestor.tag == _FALLBACK for ancestor in paragraph.iterancestors())


def _custom_properties(package) -> dict[str, str]:
    for part in package.iter_parts():
        if str(part.partname) == CUSTOM_PROPERTIES:
            root = etree.fromstring(part.blob)
            return {prop.get("name"): "".join(prop.itertext()) for prop in root.iter(f"{_PROPERTIES_NS}property")}
    return {}


def footnotes_element(document):
    from docx.opc.constants import RELATIONSHIP_TYPE

    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not relationship.is_external:
            part = relationship.target_part
            element = getattr(part, "element", None)
            return element if element is not None else etree.fromstring(part.blob)
    return None


def read_visible(document) -> VisibleDocument:
    """The visible text of a python-docx Document: body paragraphs (tables and text boxes included) and footnotes."""
    styles_element = document.styles.element
    background = document.element.find(qn("w:background"))
    reader = _Reader(_Styles(styles_element), background.get(qn("w:color")) if background is not None else None)
    body = [reader.block(p) for p in document.element.body.iter(qn("w:p")) if not _in_fallback(p)]
    footnotes: dict[str, list[Block]] = {}
    notes = footnotes_element(document)
    if notes is not None:
        for note in notes.iter(qn("w:footnote")):
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            footnotes[note.get(qn("w:id"))] = [reader.block(p) for p in note.iter(qn("w:p")) if not _in_fallback(p)]
    return VisibleDocument(body, footnotes, _custom_properties(document.part.package))


def joined(blocks: list[Block]) -> Block:
    """A footnote's paragraphs as one block (footnotes are read as one citation)."""
    result = Block("")
    for block in blocks:
        if result.text:
            result.text += " "
        start = len(result.text)
        result.text += block.text
        result.references += [(start + offset, identifier) for offset, identifier in block.references]
        result.hidden += [Hidden(start + hidden.offset, hidden.text, hidden.why) for hidden in block.hidden]
        result.marked += [(start + a, start + b) for a, b in block.marked]
    return result
