"""A hand-made warehouse for the urging tests: three units and tasks and dossiers whose
states as of D (Monday 2 March 2026) are known by construction.

- U1 (Cục Môi trường, cmt@mae.gov.vn): overdue tasks of three sources, one due soon, one
  on track, one done, one no deadline; two overdue dossiers and one on time.
- U2 (Cục Quản lý đất đai, no contact e-mail): one overdue task.
- U3 (Cục Biển, cb@mae.gov.vn): nothing to urge (a done task, an on-track one).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

D = date(2026, 3, 2)
UNITS = """unit_code,name_vi,name_en,kind,parent_code,valid_from,valid_to,successor_code,contact_email
ROOT,Bộ Nông nghiệp và Môi trường,Ministry,ministry_unit,,,,,vanthu@mae.gov.vn
U1,Cục Môi trường,Department of Environment,ministry_unit,ROOT,,,,cmt@mae.gov.vn
U2,Cục Quản lý đất đai,Department of Land,ministry_unit,ROOT,,,,
U3,Cục Biển và Hải đảo Việt Nam,Sea and Islands,ministry_unit,ROOT,,,,cb@mae.gov.vn
"""
PROCEDURES = """procedure_code,name_vi,name_en,field,level,legal_days,has_fee,full_online
1.004227,Cấp giấy phép môi trường,Environmental permit,environment,central,20,true,true
"""
TASK_HEADER = ("task_id,title,source,document_ref,lead_unit_code,assigned_on,due_on,completed_on,updated_at,"
               "supervising_leader,coordinating_units\n")
# task_id: (title, source, document, unit, due, completed, leader)
TASKS = {
    "PM-LATE": ("Xây dựng Nghị định về phí bảo vệ môi trường", "prime_minister", "Văn bản 123/VPCP-NN", "U1",
                "2026-02-12", "", "Thứ trưởng Lê Công Thành"),
    "GOV-LATE": ("Báo cáo tình hình thực hiện Nghị quyết 01/NQ-CP", "government", "Nghị quyết 01/NQ-CP", "U1",
                 "2026-02-27", "", "Thứ trưởng Lê Công Thành"),
    "ML-LATE": ("Tổng kết thi hành Luật Bảo vệ môi trường", "ministry_leader", "Kết luận 45/KL-BNNMT", "U1",
                "2026-01-30", "", "Bộ trưởng Trần Đức Thắng"),
    "SOON": ("Kiểm tra, đôn đốc việc xử lý chất thải rắn", "prime_minister", "Công điện 9/CĐ-TTg", "U1",
             "2026-03-06", "", "Thứ trưởng Lê Công Thành"),
    "TRACK": ("Xây dựng kế hoạch quan trắc năm 2026", "government", "Thông báo 77/TB-VPCP", "U1",
              "2026-04-30", "", "Thứ trưởng Lê Công Thành"),
    "DONE": ("Báo cáo kết quả quan trắc năm 2025", "prime_minister", "Văn bản 55/VPCP-NN", "U1",
             "2026-02-20", "2026-02-25", "Thứ trưởng Lê Công Thành"),
    "UNDATED": ("Nghiên cứu đề xuất chính sách", "other", "Văn bản 2/KTNN-TH", "U1", "", "", ""),
    "U2-LATE": ("Rà soát bảng giá đất", "prime_minister", "Chỉ thị 3/CT-TTg", "U2", "2026-02-26", "",
                "Thứ trưởng Trần Quý Kiên"),
    "U3-DONE": ("Báo cáo quy hoạch không gian biển", "government", "Nghị quyết 9/NQ-CP", "U3", "2026-02-20",
                "2026-02-19", "Thứ trưởng Nguyễn Hoàng Hiệp"),
    "U3-TRACK": ("Điều tra tài nguyên biển", "government", "Nghị quyết 10/NQ-CP", "U3", "2026-05-29", "",
                 "Thứ trưởng Nguyễn Hoàng Hiệp"),
}
DOSSIER_HEADER = ("dossier_id,procedure_code,unit_code,channel,received_at,due_at,finished_at,status,"
                  "supplement_count,supplement_days,paid_online,updated_at\n")
DOSSIERS = [
    "000.00.08.H19-260105-0001,1.004227,U1,online,2026-01-05 08:00:00,2026-02-02 17:00:00,,processing,0,0,false,2026-01-05 08:00:00",
    "000.00.08.H19-260120-0002,1.004227,U1,online,2026-01-20 08:00:00,2026-02-24 17:00:00,,processing,0,0,false,2026-01-20 08:00:00",
    "000.00.08.H19-260225-0003,1.004227,U1,online,2026-02-25 08:00:00,2026-03-30 17:00:00,,processing,0,0,false,2026-02-25 08:00:00",
]


def build(folder: Path, settings) -> None:
    """Load the world into ``settings``' writer and publish it."""
    from pipelines.ingest import ingest_files
    from warehouse.db import writer
    from warehouse.snapshots import publish

    folder.mkdir(parents=True, exist_ok=True)
    rows = [f'{task_id},"{title}",{source},{doc},{unit},2026-01-05,{due},{done},2026-03-01 08:00:00,{leader},'
            for task_id, (title, source, doc, unit, due, done, leader) in TASKS.items()]
    files = {"units": UNITS, "procedures": PROCEDURES, "dossiers": DOSSIER_HEADER + "\n".join(DOSSIERS) + "\n",
             "tasks": TASK_HEADER + "\n".join(rows) + "\n"}
    with writer(settings) as con:
        for name, text in files.items():
            path = folder / f"{name}.csv"
            path.write_text(text, encoding="utf-8")
            result = ingest_files(con, name, [path])
            assert result.quarantined == 0, name
        publish(con, settings)
