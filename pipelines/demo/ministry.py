"""What each of the ministry's 26 current units does, for realistic demo records.

Keyed by the English name of ``mae_units.csv``. ``side`` is the former ministry the
unit's predecessors belonged to (``TNMT`` = Natural Resources and Environment, ``NN`` =
Agriculture and Rural Development), ``None`` for units formed from both (their
predecessors' names say which side they come from). ``fields`` are the procedure fields
whose central-level dossiers the unit handles; ``law`` and ``topics`` feed task titles.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    side: str | None
    fields: tuple[str, ...]
    law: str
    topics: tuple[str, ...]


PROFILES: dict[str, Profile] = {
    "Ministry Office": Profile(None, (), "Luật Tiếp cận thông tin", (
        "cải cách hành chính", "thực hiện Quy chế làm việc của Bộ",
        "xử lý hồ sơ công việc trên môi trường điện tử")),
    "Department of Planning and Finance": Profile(None, (), "Luật Đầu tư công", (
        "giải ngân vốn đầu tư công", "lập dự toán ngân sách nhà nước",
        "quyết toán ngân sách nhà nước")),
    "Department of Personnel and Organisation": Profile(None, (), "Luật Cán bộ, công chức", (
        "sắp xếp tổ chức bộ máy", "tinh giản biên chế", "đào tạo, bồi dưỡng công chức")),
    "Department of Legal Affairs": Profile(None, (), "Luật Ban hành văn bản quy phạm pháp luật", (
        "rà soát văn bản quy phạm pháp luật", "hợp nhất văn bản quy phạm pháp luật",
        "phổ biến, giáo dục pháp luật")),
    "Department of International Cooperation": Profile(None, (), "Luật Điều ước quốc tế", (
        "thực hiện các điều ước quốc tế", "vận động nguồn vốn ODA", "hội nhập kinh tế quốc tế")),
    "Department of Science and Technology": Profile(
        None, (), "Luật Khoa học, công nghệ và đổi mới sáng tạo", (
            "quản lý nhiệm vụ khoa học và công nghệ",
            "xây dựng tiêu chuẩn, quy chuẩn kỹ thuật quốc gia")),
    "Ministry Inspectorate": Profile(None, (), "Luật Thanh tra", (
        "thanh tra, kiểm tra chuyên ngành", "giải quyết khiếu nại, tố cáo",
        "phòng, chống tham nhũng, tiêu cực")),
    "Department of Digital Transformation": Profile(None, (), "Luật Dữ liệu", (
        "xây dựng cơ sở dữ liệu của Bộ", "cung cấp dịch vụ công trực tuyến toàn trình",
        "bảo đảm an toàn thông tin mạng")),
    "Department of Land Management": Profile("TNMT", ("land",), "Luật Đất đai", (
        "thống kê, kiểm kê đất đai", "xây dựng cơ sở dữ liệu đất đai quốc gia",
        "cấp Giấy chứng nhận quyền sử dụng đất")),
    "Department of Environment": Profile("TNMT", ("environment",), "Luật Bảo vệ môi trường", (
        "kiểm soát ô nhiễm môi trường không khí", "quản lý chất thải rắn sinh hoạt",
        "xử lý cơ sở gây ô nhiễm môi trường nghiêm trọng")),
    "Department of Water Resources Management": Profile("TNMT", ("water",), "Luật Tài nguyên nước", (
        "bảo đảm an ninh nguồn nước", "cấp phép tài nguyên nước",
        "phòng, chống hạn hán, xâm nhập mặn")),
    "Vietnam Department of Geology and Minerals": Profile(
        "TNMT", ("minerals",), "Luật Địa chất và Khoáng sản", (
            "cấp phép khai thác khoáng sản", "đấu giá quyền khai thác khoáng sản",
            "quản lý cát, sỏi lòng sông")),
    "Department of Hydro-Meteorology": Profile("TNMT", ("meteorology",), "Luật Khí tượng thủy văn", (
        "dự báo, cảnh báo thiên tai khí tượng thủy văn",
        "hiện đại hóa mạng lưới quan trắc khí tượng thủy văn")),
    "Department of Climate Change": Profile("TNMT", ("environment",), "Luật Bảo vệ môi trường", (
        "kiểm kê khí nhà kính", "thực hiện cam kết giảm phát thải khí nhà kính",
        "phát triển thị trường các-bon")),
    "Department of Nature Conservation and Biodiversity": Profile(
        "TNMT", ("environment",), "Luật Đa dạng sinh học", (
            "bảo tồn đa dạng sinh học", "quản lý các khu bảo tồn thiên nhiên")),
    "Vietnam Department of Sea and Islands": Profile(
        "TNMT", ("sea",), "Luật Tài nguyên, môi trường biển và hải đảo", (
            "giao khu vực biển", "quản lý tổng hợp tài nguyên vùng bờ")),
    "Vietnam Department of Survey, Mapping and Geographic Information": Profile(
        "TNMT", ("survey",), "Luật Đo đạc và bản đồ", (
            "xây dựng hệ thống thông tin địa lý quốc gia", "cập nhật bản đồ địa hình quốc gia")),
    "National Department of Remote Sensing": Profile("TNMT", ("survey",), "Luật Đo đạc và bản đồ", (
        "giám sát tài nguyên, môi trường bằng công nghệ viễn thám",
        "vận hành trạm thu ảnh viễn thám")),
    "Department of Crop Production and Plant Protection": Profile("NN", ("crop",), "Luật Trồng trọt", (
        "chuyển đổi cơ cấu cây trồng", "cấp mã số vùng trồng",
        "phòng, chống sinh vật gây hại cây trồng")),
    "Department of Livestock Production and Animal Health": Profile("NN", ("livestock",), "Luật Chăn nuôi", (
        "phòng, chống bệnh dịch tả lợn châu Phi", "phòng, chống dịch bệnh động vật",
        "quản lý thức ăn chăn nuôi")),
    "Department of Fisheries and Fisheries Surveillance": Profile("NN", ("fisheries",), "Luật Thủy sản", (
        "chống khai thác hải sản bất hợp pháp, không báo cáo và không theo quy định",
        "quản lý tàu cá", "phát triển nuôi trồng thủy sản")),
    "Department of Forestry and Forest Protection": Profile("NN", ("forestry",), "Luật Lâm nghiệp", (
        "phòng cháy, chữa cháy rừng", "trồng rừng thay thế", "quản lý rừng bền vững")),
    "Department of Irrigation Works Management and Construction": Profile(
        "NN", ("irrigation",), "Luật Thủy lợi", (
            "vận hành an toàn hồ chứa nước", "cấp nước phục vụ sản xuất nông nghiệp")),
    "Department of Dyke Management and Natural Disaster Prevention": Profile(
        "NN", ("irrigation",), "Luật Phòng, chống thiên tai", (
            "phòng, chống thiên tai", "bảo đảm an toàn đê điều trong mùa mưa bão")),
    "Department of Cooperative Economy and Rural Development": Profile("NN", (), "Luật Hợp tác xã", (
        "phát triển kinh tế tập thể, hợp tác xã", "xây dựng nông thôn mới")),
    "Department of Quality, Processing and Market Development": Profile(
        "NN", ("crop",), "Luật An toàn thực phẩm", (
            "bảo đảm an toàn thực phẩm nông lâm thủy sản", "phát triển thị trường xuất khẩu nông sản")),
}
