"""Realistic synthetic reply letters for benchmarks, drawn from the reference letter.

``python benchmarks/generate.py OUT -n 200 [--seed 2022]`` writes ``OUT/letter-NNN.yaml``:
letters with the reference letter's structure (salutation, opening paragraph, numbered
sections with run-in headings, closing, contacts, signature) and, spread over the set, every
other element a reply letter can have (版头 of 信函格式 and 文件格式 with 份号, 密级,
紧急程度, 发文字号, 签发人, 答复类别; two-line titles; joint letters; 3rd- and 4th-level
headings; attachments with pages; contacts in all three places; seals reserved; 附注; 版记
with 抄送 and 印发). Text is drawn sentence by sentence from the reference text
(``letters/reference/zhuzhou-fgw-2022-reply.txt``), half-width punctuation and all, so the
full-width normalisation does realistic work. Letter ``i`` aims at ``1 + i % 8`` pages.

Everything comes from ``random.Random(seed)`` per letter: the same seed gives the same
letters, byte for byte. Each letter is validated with the real loader before it is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TEXT = ROOT / "letters" / "reference" / "zhuzhou-fgw-2022-reply.txt"

CHARS_PER_PAGE = 440  # body characters per page (calibrated: pages rendered vs. aimed at)
ORGANS = [
    "株洲市发展和改革委员会", "株洲市工业和信息化局", "株洲市科学技术局", "株洲市财政局",
    "株洲市自然资源和规划局", "株洲市商务局",
]
CODES = {"株洲市发展和改革委员会": "株发改", "株洲市工业和信息化局": "株工信",
         "株洲市科学技术局": "株科", "株洲市财政局": "株财", "株洲市自然资源和规划局": "株自然资",
         "株洲市商务局": "株商"}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾"
)
GIVEN = "海宾洋明华建国志强伟芳敏静丽军勇杰涛超磊鹏辉燕红霞平刚桂英文斌宇浩然欣怡子轩"
ROLES = ["委员", "代表"]
TOPICS = ["产业发展", "园区建设", "营商环境", "科技创新", "人才引进", "乡村振兴", "城市更新",
          "交通建设", "生态保护", "数字经济"]


class Source:
    """Sentences and heading phrases of the reference letter."""

    def __init__(self, text: str):
        self.sentences: list[str] = []
        self.run_in: list[str] = []
        self.headings: list[str] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not ("。" in line or "，" in line or "," in line) or len(line) < 30:
                continue  # salutation, contacts, signature and date lines
            m = re.match(r"^[一二三四五六七八九十]+、(.+)$", line)
            if m:
                self.headings.append(m.group(1))
                continue
            m = re.match(r"^[（(][一二三四五六七八九十]+[）)](.+?。)(.*)$", line)
            if m:
                self.run_in.append(m.group(1))
                line = m.group(2)
            self.sentences += [s for s in re.findall(r"[^。；;]+[。；;]?", line) if len(s) > 6]
        self.headings += ["工作推进情况", "存在的主要问题", "有关政策说明", "办理结果",
                          "下一步工作措施", "有关情况说明"]


class Generator:
    def __init__(self, source: Source, rng: random.Random):
        self.src = source
        self.rng = rng
        self.budget = 0

    def sentences(self, lo: int, hi: int) -> str:
        if self.budget < 400:  # a short letter: short paragraphs
            lo, hi = 1, min(hi, 2)
        n = self.rng.randint(lo, hi)
        text = "".join(self.rng.choice(self.src.sentences) for _ in range(n))
        text = text if text.endswith(("。", "；", ";")) else text + "。"
        if text.endswith(("；", ";")):
            text = text[:-1] + "。"
        self.budget -= len(text)
        return text

    def heading(self) -> str:
        h = self.rng.choice(self.src.headings)
        self.budget -= len(h) + 2
        return h

    def run_in(self) -> str:
        h = self.rng.choice(self.src.run_in)
        self.budget -= len(h)
        return h

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2))
        )

    def date(self) -> dt.date:
        return dt.date(2020, 1, 1) + dt.timedelta(days=self.rng.randrange(5 * 365))

    def section(self, level: int) -> dict[str, Any]:
        """A level-``level`` section whose body holds paragraphs and deeper sections."""
        rng = self.rng
        body: list[Any] = []
        if rng.random() < 0.5:
            body.append(self.sentences(1, 3))
        for _ in range(rng.randint(1, 4)):
            if self.budget <= 0 and body:
                break
            if level < 4 and rng.random() < (0.75 if level == 1 else 0.2):
                if rng.random() < 0.7:
                    body.append({"heading": self.run_in(), "text": self.sentences(2, 6)})
                else:
                    body.append(self.section(level + 1))
            else:
                body.append(self.sentences(2, 6))
        heading = self.heading() if level == 1 else self.run_in().rstrip("。")
        return {"heading": heading, "body": body}

    def letter(self, index: int, pages: int) -> dict[str, Any]:
        rng = self.rng
        fmt = ("plain", "letter", "document")[index % 3]
        joint = rng.random() < 0.2
        organs = rng.sample(ORGANS, 2 if joint else 1)
        addressee = self.name() + rng.choice(ROLES)
        topic = rng.choice(TOPICS)
        date = self.date()
        data: dict[str, Any] = {"format": fmt}
        self.budget = max(120, pages * CHARS_PER_PAGE - 420)
        if fmt != "plain":
            header: dict[str, Any] = {"organs": list(organs)}
            if rng.random() < 0.5:
                header["copy_number"] = f"{rng.randint(1, 999):06d}"
            if rng.random() < 0.3:
                header["secrecy"] = rng.choice(["秘密", "机密"])
                if rng.random() < 0.5:
                    header["secrecy_period"] = f"{rng.randint(1, 10)}年"
            if rng.random() < 0.3:
                header["urgency"] = rng.choice(["加急", "特急"])
            header["doc_number"] = f"{CODES[organs[0]]}函〔{date.year}〕{rng.randint(1, 300)}号"
            if fmt == "document" and rng.random() < 0.5:
                header["signers"] = [self.name() for _ in range(rng.randint(1, 2))]
            header["reply_category"] = rng.choice("ABCD")
            data["header"] = header
        if rng.random() < 0.8:
            number = rng.randint(1, 500)
            if rng.random() < 0.5:
                session = rng.randint(1, 5)
                data["title"] = f"关于市政协十二届{session}次会议\n第{number:04d}号提案的答复"
            else:
                data["title"] = f"{organs[0]}关于{addressee}{topic}建议的答复"
        data["addressees"] = [addressee]
        body: list[Any] = [
            f"您提出的《关于加快{topic}的建议》收悉。经认真研究,现答复如下:"
        ]
        while self.budget > 0 and len(body) < 9:
            body.append(self.section(1))
        body.append("最后,再次衷心感谢您对我们工作的关心和支持,欢迎对我委工作多提宝贵意见。")
        data["body"] = body
        placement = rng.choice(["before_signature", "after_date", "note"])
        data["contacts"] = [
            {"label": "承办负责人", "value": self.name()},
            {"label": "承 办 人", "value": self.name()},
            {"label": "联 系 电 话", "value": f"{rng.randint(20000000, 29999999)}"},
        ][: rng.randint(1, 3)]
        data["contacts_placement"] = placement
        if pages >= 3 and rng.random() < 0.35:
            data["attachments"] = [
                {"title": f"{topic}{rng.choice(['重点项目清单', '政策文件目录', '工作台账'])}",
                 "body": [self.sentences(1, 4)] if rng.random() < 0.6 else []}
                for _ in range(rng.randint(1, 2))
            ]
        seal = rng.choice(["none", "none", "reserve"])
        data["signature"] = {"organs": list(organs), "date": date.isoformat(),
                             **({"seal": {"mode": seal}} if seal != "none" else {})}
        if rng.random() < 0.5:
            data["note"] = rng.choice(["此件主动公开", "此件依申请公开", "此件不予公开"])
        if rng.random() < 0.5 or fmt == "document":
            record: dict[str, Any] = {"cc": rng.sample(
                ["市人民政府办公室", "市政协提案委员会", "市人大代表工作委员会", "市财政局"],
                rng.randint(1, 3))}
            if fmt == "document":
                record["printer"] = f"{organs[0]}办公室"
                record["print_date"] = (date + dt.timedelta(days=rng.randint(0, 3))).isoformat()
            data["record"] = record
            if pages <= 2 and fmt == "document":
                data["options"] = {"even_page_record": False}
        return data


def generate(out: Path, count: int, seed: int = 2022) -> list[Path]:
    """Write ``count`` letters to ``out``; returns their paths."""
    sys.path.insert(0, str(ROOT))
    from gongwen.loader import dump_data, load_letter

    source = Source(REFERENCE_TEXT.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        rng = random.Random(f"{seed}:{i}")
        data = Generator(source, rng).letter(i, 1 + i % 8)
        path = out / f"letter-{i:03d}.yaml"
        path.write_text(dump_data(data), encoding="utf-8")
        load_letter(path)  # the generator only writes valid letters
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", "--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2022)
    args = ap.parse_args(argv)
    paths = generate(args.out, args.count, args.seed)
    print(f"{len(paths)} letters in {args.out}")


if __name__ == "__main__":
    main()
