"""Urging letters from a hand-made warehouse (tests/urging_world.py): which units get one,
which tasks and dossiers each lists and which not, the Decree 30 frame (number and date
left blank, subject, addressee, recipients), and the CLI writing DOCX and PDF per unit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from dashboard.urging import documents, letters
from tests import urging_world as world
from warehouse.scope import Scope
from warehouse.snapshots import Reader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def urged(tmp_path_factory):
    from tests.conftest import make_settings

    folder = tmp_path_factory.mktemp("urging")
    settings = make_settings(folder / "var", demo=False)
    world.build(folder / "files", settings)
    return settings, Reader(settings)


def _text(document) -> str:
    parts = []
    for section in document.sections:
        parts.append(section.title)
        for block in section.blocks:
            parts.append("\n".join(" | ".join(r) for r in block.rows) if hasattr(block, "rows") else block)
    return "\n".join(parts)


def test_only_units_with_something_to_urge_get_a_letter(urged):
    settings, reader = urged
    collected = letters.collect(reader, Scope.everything(), world.D)
    assert [items.unit_code for items in collected] == ["U1", "U2"]  # U3: nothing overdue or due soon
    u1, u2 = collected
    assert list(u1.overdue["task_id"]) == ["PM-LATE", "GOV-LATE", "ML-LATE"]  # by source, PM first
    assert list(u1.due_soon["task_id"]) == ["SOON"]
    assert u1.dossiers_overdue == 2 and list(u1.longest["dossier_id"]) == [
        "000.00.08.H19-260105-0001", "000.00.08.H19-260120-0002"]
    assert u1.contact_email == "cmt@mae.gov.vn" and u2.contact_email is None
    assert list(u2.overdue["task_id"]) == ["U2-LATE"] and u2.dossiers_overdue == 0


def test_the_letter_lists_the_units_items_and_nothing_else(urged):
    settings, reader = urged
    u1 = letters.collect(reader, Scope.everything(), world.D, ["U1"])[0]
    letter = letters.letter(u1, letters.letter_config(settings.config_dir), version="v1", due_soon_days=5,
                            answer_days=3)
    head = letter.header
    assert head.issuer_parent == "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" and head.issuer == "VĂN PHÒNG BỘ"
    assert head.number == "Số: …/VPB-TH" and head.place_date == "Hà Nội, ngày … tháng … năm …"
    assert head.subject.startswith("V/v đôn đốc thực hiện nhiệm vụ")
    assert head.addressee == "Kính gửi: Cục Môi trường."
    text = _text(letter)
    for title, *_ in (world.TASKS[t] for t in ("PM-LATE", "GOV-LATE", "ML-LATE", "SOON")):
        assert title in text
    for title, *_ in (world.TASKS[t] for t in ("TRACK", "DONE", "UNDATED", "U2-LATE", "U3-TRACK")):
        assert title not in text
    assert "a) Nhiệm vụ do Thủ tướng Chính phủ giao: 1 nhiệm vụ." in text
    assert "b) Nhiệm vụ do Chính phủ giao: 1 nhiệm vụ." in text
    assert "c) Nhiệm vụ do Lãnh đạo Bộ giao: 1 nhiệm vụ." in text
    # PM-LATE: due Thu 12/02/2026, as of Mon 02/03 across Tết (16-20/02): 13, 23, 24, 25, 26, 27, 2 = 7
    assert "Văn bản 123/VPCP-NN | 12/02/2026 | 7 | Thứ trưởng Lê Công Thành" in text
    assert "Công điện 9/CĐ-TTg | 06/03/2026 | 4 | Thứ trưởng Lê Công Thành" in text  # SOON: 4 working days left
    assert "000.00.08.H19-260105-0001" in text and "000.00.08.H19-260225-0003" not in text
    assert "2 hồ sơ quá hạn" in text
    assert "trong 03 ngày làm việc" in text
    assert letter.closing.recipients[0] == "Như trên;" and letter.closing.signer_title == "CHÁNH VĂN PHÒNG"
    assert {row["task_id"] for row in letter.listed} == {"PM-LATE", "GOV-LATE", "ML-LATE", "SOON"}


def test_an_issued_letter_carries_its_number_and_date(urged):
    settings, reader = urged
    u2 = letters.collect(reader, Scope.everything(), world.D, ["U2"])[0]
    letter = letters.letter(u2, letters.letter_config(settings.config_dir), version="v1", due_soon_days=5,
                            answer_days=3, number="215", issued_on=world.D)
    assert letter.header.number == "Số: 215/VPB-TH"
    assert letter.header.place_date == "Hà Nội, ngày 02 tháng 3 năm 2026"
    assert "Không có." in _text(letter)  # no due-soon tasks, no dossiers


def test_a_scope_keeps_other_units_letters_out(urged):
    settings, reader = urged
    scope = Scope(frozenset({"U2"}))
    assert [items.unit_code for items in letters.collect(reader, scope, world.D)] == ["U2"]


def test_the_cli_writes_docx_and_pdf_per_unit_and_a_summary(urged, tmp_path):
    settings, _ = urged
    env = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_DEMO": "false",
           "OPSCENTER_CONFIG_DIR": str(settings.config_dir)}
    out = tmp_path / "letters"
    done = subprocess.run([sys.executable, "-m", "dashboard", "urging", "draft", "--as-of", "2026-03-02",
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["U1_cong-van-don-doc_2026-03-02.docx", "U1_cong-van-don-doc_2026-03-02.pdf",
                     "U2_cong-van-don-doc_2026-03-02.docx", "U2_cong-van-don-doc_2026-03-02.pdf",
                     "tong-hop-don-doc_2026-03-02.docx", "tong-hop-don-doc_2026-03-02.pdf"]
    assert sorted(done.stdout.split()) == sorted(str(out / n) for n in names)
    word = docx.Document(out / "U1_cong-van-don-doc_2026-03-02.docx")
    body = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c.text for table in word.tables for row in table.rows for c in row.cells)
    assert "Kính gửi: Cục Môi trường." in body and "Số: …/VPB-TH" in cells
    assert "Xây dựng Nghị định về phí bảo vệ môi trường" in cells and "Rà soát bảng giá đất" not in cells
    assert (out / "U1_cong-van-don-doc_2026-03-02.pdf").read_bytes().startswith(b"%PDF")
    one = tmp_path / "one"
    done = subprocess.run([sys.executable, "-m", "dashboard", "urging", "draft", "--as-of", "2026-03-02",
                           "--out", str(one), "--unit", "U3"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not one.exists() or not any(one.iterdir())  # U3: nothing to urge, no file
    assert "no unit to urge" in done.stderr
