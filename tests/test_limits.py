"""gongwen.limits: bounded reads, inflation checks and budgets, each refusing with a Chinese
message that names its limit."""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

from gongwen import limits
from gongwen.errors import GongwenError

# --------------------------------------------------------------------------------------------
# Reading files


def test_a_device_is_never_read() -> None:
    with pytest.raises(limits.InputError, match="不是普通文件"):
        limits.read_bounded("/dev/zero", 1024)


def test_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(limits.InputError, match="不是普通文件"):
        limits.read_bounded(fifo, 1024)  # would block forever if opened for a blocking read


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: 1.5 GB on paper, nothing on disk
        fh.seek(1_500_000_000)
        fh.write(b"\n")
    with pytest.raises(limits.InputError, match=r"文件太大（1500000001 字节，上限 2 MiB）"):
        limits.read_bounded(big, 2 * limits.MiB)


def test_missing_folder_and_plain_file(tmp_path: Path) -> None:
    with pytest.raises(limits.InputError, match="文件不存在"):
        limits.read_bounded(tmp_path / "none", 10)
    with pytest.raises(limits.InputError, match="是目录"):
        limits.read_bounded(tmp_path, 10)
    (tmp_path / "a").write_bytes(b"12345")
    assert limits.read_bounded(tmp_path / "a", 5) == b"12345"
    with pytest.raises(limits.InputError, match="上限 4 字节"):
        limits.read_bounded(tmp_path / "a", 4)


# --------------------------------------------------------------------------------------------
# Zip packages and PDFs


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_is_refused_from_its_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_XML", 1000)
    data = _zip({"word/document.xml": b" " * 5000})
    assert len(data) < 1000  # small on disk, large inflated
    with pytest.raises(limits.InputError, match=r"word/document.xml 解压后过大（5000 字节，上限 1000 字节）"):
        limits.check_zip(data, "x.docx")
    monkeypatch.setattr(limits, "MAX_ZIP_XML", 10_000)
    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL", 6000)
    with pytest.raises(limits.InputError, match="解压后过大"):
        limits.check_zip(_zip({"a.xml": b" " * 4000, "b.xml": b" " * 4000}), "x.docx")
    monkeypatch.setattr(limits, "MAX_ZIP_ENTRIES", 3)
    with pytest.raises(limits.InputError, match="文件过多（4 个，上限 3 个）"):
        limits.check_zip(_zip({f"{i}.xml": b"" for i in range(4)}), "x.docx")


def test_doctype_in_a_package_is_refused() -> None:
    data = _zip({"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'})
    with pytest.raises(limits.InputError, match="含有 DOCTYPE"):
        limits.check_zip(data, "t.xlsx", kind="Excel 文件")
    limits.check_zip(_zip({"xl/workbook.xml": b"<workbook/>"}), "t.xlsx")  # fine
    limits.check_zip(b"not a zip at all", "t.xlsx")  # left to the reader to say


def test_docx_paragraphs_counted_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCX_PARAGRAPHS", 10)
    body = b"".join(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" for _ in range(11))
    with pytest.raises(limits.InputError, match=r"段落过多（约 11 段，上限 10 段）"):
        limits.check_docx(_zip({"word/document.xml": b"<w:body>" + body + b"</w:body>"}), "x")


def _pdf_with_stream(raw: bytes) -> bytes:
    data = zlib.compress(raw, 9)
    head = f"1 0 obj\n<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
    return b"%PDF-1.4\n" + head + data + b"\nendstream\nendobj\n%%EOF\n"


def test_pdf_flate_bomb_is_refused_without_inflating_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PDF_STREAM", 100_000)
    limits.check_pdf(_pdf_with_stream(b" " * 100_000), "ok.pdf")
    with pytest.raises(limits.InputError, match="数据流解压后过大（超过上限 100000 字节）"):
        limits.check_pdf(_pdf_with_stream(b" " * 100_001), "bomb.pdf")
    monkeypatch.setattr(limits, "MAX_PDF_INFLATED", 150_000)
    two = _pdf_with_stream(b" " * 80_000) + _pdf_with_stream(b"x" * 80_000)
    with pytest.raises(limits.InputError, match="共计过大"):
        limits.check_pdf(two, "two.pdf")


def test_pdf_errors_in_chinese() -> None:
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    assert limits.pdf_error(PdfminerException(PDFPasswordIncorrect())) == "PDF 已加密，需要密码才能读取"
    assert limits.pdf_error(ValueError()) == "ValueError"  # never an empty message


# --------------------------------------------------------------------------------------------
# Budgets


def _spin() -> None:
    while True:
        pass


def test_time_budget_stops_a_python_loop() -> None:
    with (
        pytest.raises(limits.LimitError, match=r"展开超出时间上限（0.2 秒）"),
        limits.budget("展开", seconds=0.2),
    ):
        _spin()


def test_time_budget_fires_again_if_swallowed() -> None:
    """Library code that catches every Exception and goes on cannot outlive the budget."""
    def careless() -> None:
        with contextlib.suppress(Exception):
            _spin()
        _spin()

    with pytest.raises(limits.LimitError), limits.budget("x", seconds=0.1):
        careless()


def test_nested_budgets_restore_the_outer_one() -> None:
    with limits.budget("外层", seconds=5):
        with limits.budget("内层", seconds=5):
            pass
        with pytest.raises(limits.LimitError, match="内层"), limits.budget("内层", seconds=0.1):
            _spin()
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nothing left armed


def test_time_budget_in_another_thread() -> None:
    caught: list[BaseException] = []

    def work() -> None:
        try:
            with limits.budget("线程", seconds=0.2):
                _spin()
        except BaseException as exc:
            caught.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join(30)
    assert not t.is_alive()
    assert isinstance(caught[0], limits.LimitError) and "时间上限" in str(caught[0])


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="Linux address-space limit")
def test_memory_budget_refuses_a_huge_allocation() -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    with (
        pytest.raises(limits.LimitError, match=r"展开超出内存上限（64 MiB）"),
        limits.budget("展开", memory=64 * limits.MiB),
    ):
        "x" * (512 * limits.MiB)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    "y" * (128 * limits.MiB)  # the limit is gone after the block


def test_limit_errors_are_user_errors() -> None:
    """The command line prints them as messages (exit 2), never as tracebacks."""
    assert issubclass(limits.LimitError, GongwenError)
    assert issubclass(limits.InputError, GongwenError)
