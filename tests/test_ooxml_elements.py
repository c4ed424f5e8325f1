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
