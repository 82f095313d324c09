"""Embed the shipped fonts in a DOCX, as Word's "Embed fonts in the file" does (ECMA-376 Part 1, 17.8).

The text is set in Times New Roman, the font of Vietnamese administrative documents, which Word on
Windows and macOS has. A machine without it (LibreOffice on Linux, a phone viewer) substitutes a
metric-compatible font: the font table names Liberation Serif as Times New Roman's alternative and
carries the four Liberation Serif files (SIL OFL 1.1, installable embedding), so the substitute is
always there and the pages break where Word breaks them.

An embedded font is stored obfuscated: its first 32 bytes XORed with the 16 bytes of a GUID read
backwards (the GUID is the `w:fontKey` of the embedding element).
"""

from __future__ import annotations

import uuid

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from .assets import DOCX_FALLBACK_FONT, DOCX_FONT, font_files

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
EMBED_TAGS = {
    "regular": "w:embedRegular",
    "bold": "w:embedBold",
    "italic": "w:embedItalic",
    "bold_italic": "w:embedBoldItalic",
}
# CT_Settings: w:embedTrueTypeFonts comes after these (schema order).
_SETTINGS_BEFORE = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData",
)  # fmt: skip


def obfuscate(data: bytes, key: uuid.UUID) -> bytes:
    """Obfuscate (or, applied again, restore) a font with its key."""
    mask = key.bytes[::-1]
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _font_element(table, name: str):
    for font in table.findall(qn("w:font")):
        if font.get(qn("w:name")) == name:
            return font
    font = etree.SubElement(table, qn("w:font"))
    font.set(qn("w:name"), name)
    return font


def _set_alt_name(font, alt: str):
    for old in font.findall(qn("w:altName")):
        font.remove(old)
    el = etree.Element(qn("w:altName"))
    el.set(qn("w:val"), alt)
    font.insert(0, el)


def embed_fonts(document) -> None:
    package = document.part.package
    table_part = document.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(table_part.blob)
    _set_alt_name(_font_element(table, DOCX_FONT), DOCX_FALLBACK_FONT)
    fallback = _font_element(table, DOCX_FALLBACK_FONT)
    for style, path in font_files().items():
        key = uuid.uuid4()
        part = Part(
            PackURI(f"/word/fonts/font-{style.replace('_', '-')}.odttf"),
            OBFUSCATED_FONT,
            obfuscate(path.read_bytes(), key),
            package,
        )
        embed = etree.SubElement(fallback, qn(EMBED_TAGS[style]))
        embed.set(qn("r:id"), table_part.relate_to(part, RT.FONT))
        embed.set(qn("w:fontKey"), "{" + str(key).upper() + "}")
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    if settings.find(qn("w:embedTrueTypeFonts")) is None:
        flag = etree.Element(qn("w:embedTrueTypeFonts"))
        before = [el for tag in _SETTINGS_BEFORE for el in settings.findall(qn(tag))]
        index = max((list(settings).index(el) for el in before), default=-1) + 1
        settings.insert(index, flag)
