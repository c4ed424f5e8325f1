"""``ooxml.writer.el`` hands out copies of the elements it keeps: each call gives an element
of its own, equal to one built anew, whatever was done to the ones given before."""

from __future__ import annotations

import threading

from lxml import etree

from gongwen.ooxml import NSMAP, qn
from gongwen.ooxml import writer as ox


def _fresh(tag: str, attrs: dict[str, str]) -> bytes:
    node = etree.Element(qn(tag), nsmap={tag.split(":")[0]: NSMAP[tag.split(":")[0]]})
    for key, value in attrs.items():
        node.set(qn(key), value)
    return etree.tostring(node)


def test_elements_are_copies_of_their_own() -> None:
    attrs = {"w:before": 10, "w:line": 579.2, "w:lineRule": "exact", "w:after": None}
    first = ox.el("w:spacing", attrs)
    first.set(qn("w:before"), "999")  # changing one given out …
    first.append(ox.el("w:b"))
    second = ox.el("w:spacing", attrs)  # … does not change the next
    assert second is not first
    assert etree.tostring(second) == _fresh(
        "w:spacing", {"w:before": "10", "w:line": "579", "w:lineRule": "exact"})
    t = ox.el("w:t")
    t.text = "甲"
    assert ox.el("w:t").text is None
    parent = ox.el("w:p", None, ox.el("w:r"), ox.el("w:r"))  # children: each its own
    assert len(parent) == 2 and parent[0] is not parent[1]
    assert etree.tostring(parent) == etree.tostring(
        ox.el("w:p", None, ox.el("w:r"), ox.el("w:r")))


def test_bool_and_number_attributes_that_compare_equal_write_the_same() -> None:
    """True == 1 == 1.0 share a kept element: they are written alike ("1")."""
    for value in (True, 1, 1.0, 1, True):
        assert ox.el("w:keepNext", {"w:val": value}).get(qn("w:val")) == "1"
    for value in (False, 0, 0.0):
        assert ox.el("w:keepNext", {"w:val": value}).get(qn("w:val")) == "0"


def test_each_thread_keeps_its_own_elements() -> None:
    out: list[bytes] = []

    def build() -> None:
        out.append(etree.tostring(ox.el("w:jc", {"w:val": "both"})))

    threads = [threading.Thread(target=build) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert out == [_fresh("w:jc", {"w:val": "both"})] * 4


def test_run_properties_are_copies_of_one_build() -> None:
    """``rpr`` keeps one build per set of arguments: each call returns its own element with
    the XML a fresh build gives, so changing one leaves the next call untouched."""
    kwargs = {"style": "GwHeading2Char", "hint": "eastAsia", "size": 16.0, "spacing": -0.25}
    first, second = ox.rpr(**kwargs), ox.rpr(**kwargs)
    assert first is not second
    fresh = ox._rpr("GwHeading2Char", None, "eastAsia", 16.0, None, -0.25, None, False, None)
    assert etree.tostring(first) == etree.tostring(second) == etree.tostring(fresh)
    ox.put(first, ox.el("w:color", {"w:val": "FF0000"}))
    assert etree.tostring(ox.rpr(**kwargs)) == etree.tostring(fresh)


def test_text_run_breaks_and_tabs() -> None:
    """Line breaks and tabs in a run's text become ``w:br`` and ``w:tab`` between its
    ``w:t`` pieces; a piece with outer spaces keeps them."""
    run = ox.text_run("甲\n\n乙\t 丙 ")
    names = [etree.QName(c).localname for c in run]
    assert names == ["t", "br", "br", "t", "tab", "t"]
    texts = [c.text for c in run if etree.QName(c).localname == "t"]
    assert texts == ["甲", "乙", " 丙 "]
    assert run[-1].get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert len(ox.text_run("")) == 0
