"""About 300 administrative procedures shaped like the national catalogue's.

Names are composed from real procedure families per field: licences combine with the
usual verbs (issue, extend, amend, re-issue), the rest are single procedures. Like the
national catalogue, a procedure handled at both levels appears twice, with a code each
and the level in its name. ``weight`` (not written) is the procedure's share of dossiers:
land registration at provincial level dominates, as it does in reality.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.demo.formats import bool_text, padded

VERBS = {  # letter -> (Vietnamese verb, English pattern)
    "C": ("Cấp", "Issuance of {}"),
    "G": ("Gia hạn", "Extension of {}"),
    "D": ("Điều chỉnh", "Amendment of {}"),
    "L": ("Cấp lại", "Re-issuance of {}"),
}

# field -> (share of dossiers, licences as (object vi, object en, verbs), other procedures)
CATALOGUE: dict[str, tuple[float, list[tuple[str, str, str]], list[tuple[str, str]]]] = {
    "land": (40.0, [], [
        ("Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
         "First registration of land and land-attached assets"),
        ("Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
         "First issuance of the certificate of land use rights and attached assets"),
        ("Đăng ký biến động đất đai, tài sản gắn liền với đất trường hợp chuyển nhượng, tặng cho "
         "quyền sử dụng đất", "Registration of land changes: transfer or donation of land use rights"),
        ("Đăng ký biến động đất đai, tài sản gắn liền với đất trường hợp thừa kế quyền sử dụng đất",
         "Registration of land changes: inheritance of land use rights"),
        ("Đăng ký biến động đất đai, tài sản gắn liền với đất trường hợp thay đổi thông tin về "
         "người sử dụng đất", "Registration of land changes: change of land user information"),
        ("Đăng ký biến động đất đai, tài sản gắn liền với đất trường hợp tách thửa, hợp thửa đất",
         "Registration of land changes: division or merger of parcels"),
        ("Đăng ký biến động đất đai, tài sản gắn liền với đất trường hợp chuyển mục đích sử dụng "
         "đất không phải xin phép", "Registration of land changes: change of use without permission"),
        ("Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
         "Registration of a mortgage of land use rights"),
        ("Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
         "Deregistration of a mortgage of land use rights"),
        ("Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
         "Replacement of the land use rights certificate"),
        ("Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
         "Re-issuance of a lost land use rights certificate"),
        ("Đính chính Giấy chứng nhận quyền sử dụng đất đã cấp",
         "Correction of an issued land use rights certificate"),
        ("Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
         "Land allocation or lease without auction"),
        ("Chuyển mục đích sử dụng đất phải được cơ quan nhà nước có thẩm quyền cho phép",
         "Change of land use purpose requiring permission"),
        ("Gia hạn sử dụng đất", "Extension of the land use term"),
        ("Điều chỉnh quyết định giao đất, cho thuê đất, cho phép chuyển mục đích sử dụng đất",
         "Amendment of a land allocation, lease or change-of-use decision"),
        ("Thẩm định nhu cầu sử dụng đất để giao đất, cho thuê đất",
         "Appraisal of land needs for allocation or lease"),
        ("Cung cấp thông tin, dữ liệu đất đai", "Provision of land information and data"),
        ("Thẩm định phương án sử dụng đất của công ty nông, lâm nghiệp",
         "Appraisal of land use plans of agricultural and forestry companies"),
        ("Thẩm định quy hoạch, kế hoạch sử dụng đất cấp tỉnh",
         "Appraisal of provincial land use plans"),
        ("Đăng ký quyền sử dụng hạn chế thửa đất liền kề",
         "Registration of limited use rights over an adjacent parcel"),
        ("Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp tỉnh",
         "Settlement of land disputes by the provincial chairperson"),
        ("Xác định lại diện tích đất ở", "Re-determination of residential land area"),
        ("Đăng ký chuyển đổi quyền sử dụng đất nông nghiệp",
         "Registration of an exchange of agricultural land use rights"),
        ("Cấp Giấy chứng nhận cho người nhận chuyển nhượng trong dự án bất động sản",
         "Certificates for buyers in real-estate projects"),
        ("Thu hồi đất do người sử dụng đất tự nguyện trả lại đất",
         "Recovery of land voluntarily returned"),
    ]),
    "environment": (10.0, [
        ("giấy phép môi trường", "an environmental permit", "CDL"),
        ("giấy phép môi trường thành phần", "a component environmental permit", "CGL"),
        ("Giấy chứng nhận đủ điều kiện về bảo vệ môi trường trong nhập khẩu phế liệu",
         "a certificate of environmental eligibility for scrap imports", "CGDL"),
    ], [
        ("Thẩm định báo cáo đánh giá tác động môi trường",
         "Appraisal of an environmental impact assessment report"),
        ("Thẩm định phương án cải tạo, phục hồi môi trường trong hoạt động khai thác khoáng sản",
         "Appraisal of a mine rehabilitation plan"),
        ("Đăng ký môi trường", "Environmental registration"),
        ("Vận hành thử nghiệm công trình xử lý chất thải", "Trial operation of waste treatment works"),
        ("Xác nhận hoàn thành phương án cải tạo, phục hồi môi trường",
         "Confirmation of completed environmental rehabilitation"),
        ("Chứng nhận đủ điều kiện hoạt động dịch vụ quan trắc môi trường",
         "Certification of environmental monitoring service providers"),
        ("Đăng ký sử dụng chất được kiểm soát theo Nghị định thư Montreal",
         "Registration of controlled substances under the Montreal Protocol"),
        ("Cấp phép khai thác loài thuộc Danh mục loài nguy cấp, quý, hiếm được ưu tiên bảo vệ",
         "Licence to take endangered, precious and rare species"),
        ("Cấp Giấy chứng nhận cơ sở bảo tồn đa dạng sinh học",
         "Certification of a biodiversity conservation facility"),
        ("Đăng ký tiếp cận nguồn gen", "Registration of access to genetic resources"),
        ("Đăng ký chương trình, dự án theo cơ chế trao đổi, bù trừ tín chỉ các-bon",
         "Registration of carbon credit programmes and projects"),
        ("Thẩm định báo cáo kiểm kê khí nhà kính cấp cơ sở",
         "Appraisal of a facility greenhouse gas inventory"),
        ("Chứng nhận nhãn sinh thái Việt Nam", "Vietnam Ecolabel certification"),
    ]),
    "water": (6.0, [
        ("giấy phép khai thác nước mặt", "a surface water exploitation licence", "CGDL"),
        ("giấy phép khai thác nước dưới đất", "a groundwater exploitation licence", "CGDL"),
        ("giấy phép khai thác nước biển", "a seawater exploitation licence", "CGDL"),
        ("giấy phép thăm dò nước dưới đất", "a groundwater exploration licence", "CGDL"),
        ("giấy phép hành nghề khoan nước dưới đất", "a groundwater drilling practice licence", "CGDL"),
    ], [
        ("Đăng ký khai thác nước dưới đất", "Registration of groundwater exploitation"),
        ("Tính tiền cấp quyền khai thác tài nguyên nước", "Assessment of water exploitation fees"),
        ("Điều chỉnh tiền cấp quyền khai thác tài nguyên nước", "Adjustment of water exploitation fees"),
        ("Lấy ý kiến đối với dự án có chuyển nước từ nguồn nước liên tỉnh",
         "Consultation on inter-provincial water transfer projects"),
        ("Phê duyệt phương án cắm mốc giới hành lang bảo vệ nguồn nước",
         "Approval of water source protection corridor markers"),
        ("Trả lại giấy phép tài nguyên nước", "Return of a water resources licence"),
    ]),
    "minerals": (3.0, [
        ("giấy phép thăm dò khoáng sản", "a mineral exploration licence", "CGDL"),
        ("giấy phép khai thác khoáng sản", "a mineral mining licence", "CGDL"),
        ("giấy phép khai thác tận thu khoáng sản", "a mineral salvage mining licence", "CGL"),
        ("giấy phép khai thác khoáng sản nhóm IV", "a group IV mineral mining licence", "CGDL"),
    ], [
        ("Phê duyệt trữ lượng khoáng sản", "Approval of mineral reserves"),
        ("Chuyển nhượng quyền thăm dò khoáng sản", "Transfer of mineral exploration rights"),
        ("Chuyển nhượng quyền khai thác khoáng sản", "Transfer of mineral mining rights"),
        ("Trả lại giấy phép khai thác khoáng sản", "Return of a mineral mining licence"),
        ("Đóng cửa mỏ khoáng sản", "Mine closure"),
        ("Tính tiền cấp quyền khai thác khoáng sản", "Assessment of mining rights fees"),
        ("Đăng ký khu vực, công suất, khối lượng khai thác khoáng sản làm vật liệu san lấp",
         "Registration of mining of fill materials"),
        ("Cung cấp thông tin, dữ liệu địa chất, khoáng sản", "Provision of geological and mineral data"),
    ]),
    "meteorology": (1.0, [
        ("giấy phép hoạt động dự báo, cảnh báo khí tượng thủy văn",
         "a hydro-meteorological forecasting licence", "CGDL"),
    ], [
        ("Cung cấp thông tin, dữ liệu khí tượng thủy văn", "Provision of hydro-meteorological data"),
        ("Thẩm định phương án quan trắc khí tượng thủy văn của công trình",
         "Appraisal of hydro-meteorological monitoring plans of works"),
        ("Chấp thuận di chuyển trạm khí tượng thủy văn",
         "Approval to relocate a hydro-meteorological station"),
        ("Đăng ký hoạt động quan trắc khí tượng thủy văn chuyên dùng",
         "Registration of dedicated hydro-meteorological monitoring"),
    ]),
    "sea": (1.0, [
        ("giấy phép nhận chìm ở biển", "a sea dumping permit", "CGDL"),
    ], [
        ("Giao khu vực biển", "Allocation of a sea area"),
        ("Gia hạn quyết định giao khu vực biển", "Extension of a sea area allocation"),
        ("Sửa đổi, bổ sung quyết định giao khu vực biển", "Amendment of a sea area allocation"),
        ("Trả lại khu vực biển", "Return of a sea area"),
        ("Thu hồi khu vực biển", "Recovery of a sea area"),
        ("Cung cấp thông tin, dữ liệu về tài nguyên, môi trường biển và hải đảo",
         "Provision of marine and island data"),
        ("Thẩm định hồ sơ thiết lập hành lang bảo vệ bờ biển",
         "Appraisal of a coastal protection corridor"),
    ]),
    "survey": (2.0, [
        ("giấy phép hoạt động đo đạc và bản đồ", "a surveying and mapping licence", "CDL"),
    ], [
        ("Cấp chứng chỉ hành nghề đo đạc và bản đồ hạng I", "Surveying practice certificate, class I"),
        ("Cấp chứng chỉ hành nghề đo đạc và bản đồ hạng II", "Surveying practice certificate, class II"),
        ("Cung cấp thông tin, dữ liệu, sản phẩm đo đạc và bản đồ", "Provision of survey and mapping data"),
        ("Cung cấp dữ liệu ảnh viễn thám", "Provision of remote sensing imagery"),
        ("Thẩm định thiết kế kỹ thuật - dự toán công trình đo đạc và bản đồ",
         "Appraisal of the design and estimate of surveying works"),
        ("Kiểm tra, nghiệm thu công trình, sản phẩm đo đạc và bản đồ",
         "Inspection and acceptance of survey products"),
    ]),
    "crop": (8.0, [
        ("giấy phép nhập khẩu phân bón", "a fertiliser import licence", "CL"),
        ("Giấy chứng nhận đủ điều kiện sản xuất phân bón",
         "a certificate of eligibility to produce fertilisers", "CDL"),
        ("Giấy chứng nhận đủ điều kiện buôn bán phân bón",
         "a certificate of eligibility to trade fertilisers", "CDL"),
        ("Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
         "a certificate of eligibility to trade pesticides", "CGL"),
    ], [
        ("Công nhận lưu hành giống cây trồng", "Recognition of plant varieties for circulation"),
        ("Công nhận lưu hành đặc cách giống cây trồng", "Special recognition of plant varieties"),
        ("Công nhận phân bón lưu hành tại Việt Nam", "Recognition of fertilisers for circulation"),
        ("Đăng ký thuốc bảo vệ thực vật", "Registration of pesticides"),
        ("Kiểm dịch thực vật nhập khẩu", "Phytosanitary inspection of imports"),
        ("Cấp Giấy chứng nhận kiểm dịch thực vật xuất khẩu", "Phytosanitary certificate for exports"),
        ("Cấp mã số vùng trồng", "Issuance of a growing area code"),
        ("Cấp mã số cơ sở đóng gói", "Issuance of a packing house code"),
        ("Công nhận cây đầu dòng, vườn cây đầu dòng", "Recognition of mother plants and gardens"),
        ("Cấp Bằng bảo hộ giống cây trồng", "Grant of plant variety protection"),
    ]),
    "livestock": (8.0, [
        ("Giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi",
         "a certificate of eligibility to produce animal feed", "CDL"),
        ("Giấy chứng nhận đủ điều kiện chăn nuôi trang trại quy mô lớn",
         "a certificate of eligibility for a large livestock farm", "CDL"),
        ("Giấy chứng nhận đủ điều kiện buôn bán thuốc thú y",
         "a certificate of eligibility to trade veterinary drugs", "CGL"),
        ("Giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
         "a certificate of animal disease-free establishment", "CGL"),
    ], [
        ("Công nhận thức ăn chăn nuôi lưu hành tại Việt Nam", "Recognition of animal feed for circulation"),
        ("Đăng ký lưu hành thuốc thú y", "Registration of veterinary drugs"),
        ("Kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
         "Quarantine of animals leaving the province"),
        ("Kiểm dịch động vật, sản phẩm động vật nhập khẩu", "Quarantine of imported animals and products"),
        ("Cấp chứng chỉ hành nghề thú y", "Veterinary practice certificate"),
        ("Kiểm tra nhà nước về chất lượng thức ăn chăn nuôi nhập khẩu",
         "State inspection of imported animal feed"),
        ("Nhập khẩu giống vật nuôi ngoài danh mục", "Import of livestock breeds not on the list"),
    ]),
    "fisheries": (8.0, [
        ("giấy phép khai thác thủy sản", "a fishing licence", "CGDL"),
        ("Giấy chứng nhận đủ điều kiện sản xuất, ương dưỡng giống thủy sản",
         "a certificate of eligibility to produce aquatic breeds", "CDL"),
        ("Giấy chứng nhận đủ điều kiện sản xuất thức ăn thủy sản",
         "a certificate of eligibility to produce aquafeed", "CDL"),
        ("Giấy chứng nhận an toàn kỹ thuật tàu cá", "a fishing vessel safety certificate", "CGL"),
    ], [
        ("Đăng ký tàu cá", "Registration of a fishing vessel"),
        ("Xóa đăng ký tàu cá", "Deregistration of a fishing vessel"),
        ("Chấp thuận đóng mới, cải hoán tàu cá", "Approval to build or convert a fishing vessel"),
        ("Cấp Giấy xác nhận nguyên liệu thủy sản khai thác", "Certification of caught fishery raw material"),
        ("Cấp Giấy chứng nhận thủy sản khai thác", "Catch certificate"),
        ("Công nhận thức ăn thủy sản, sản phẩm xử lý môi trường nuôi trồng thủy sản",
         "Recognition of aquafeed and aquaculture treatment products"),
        ("Đăng ký nuôi trồng thủy sản lồng bè, đối tượng thủy sản nuôi chủ lực",
         "Registration of cage aquaculture and key species"),
        ("Cấp phép nuôi trồng thủy sản trên biển", "Licence for marine aquaculture"),
    ]),
    "forestry": (6.0, [
        ("giấy phép CITES xuất khẩu, nhập khẩu mẫu vật động vật, thực vật hoang dã",
         "a CITES permit for wild specimens", "CL"),
    ], [
        ("Phê duyệt phương án quản lý rừng bền vững", "Approval of a sustainable forest management plan"),
        ("Chuyển mục đích sử dụng rừng sang mục đích khác", "Conversion of forest to other uses"),
        ("Phê duyệt phương án trồng rừng thay thế", "Approval of a replacement afforestation plan"),
        ("Khai thác thực vật rừng thông thường", "Harvest of common forest plants"),
        ("Xác nhận nguồn gốc gỗ trước khi xuất khẩu", "Certification of timber origin before export"),
        ("Đăng ký mã số cơ sở nuôi, trồng các loài động vật, thực vật hoang dã",
         "Registration of a wildlife farming facility"),
        ("Thành lập khu rừng đặc dụng, khu rừng phòng hộ",
         "Establishment of a special-use or protection forest"),
        ("Giao rừng, cho thuê rừng cho tổ chức", "Forest allocation or lease to organisations"),
        ("Điều chỉnh quyết định giao rừng, cho thuê rừng", "Amendment of a forest allocation or lease"),
        ("Phê duyệt đề án du lịch sinh thái, nghỉ dưỡng, giải trí trong rừng",
         "Approval of an ecotourism scheme in a forest"),
        ("Thu hồi rừng", "Recovery of forest"),
        ("Cấp giấy phép nhập khẩu giống cây trồng lâm nghiệp", "Import licence for forest tree seeds"),
        ("Công nhận giống cây trồng lâm nghiệp", "Recognition of forest tree varieties"),
    ]),
    "irrigation": (3.0, [
        ("giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
         "a permit for activities within irrigation works protection zones", "CGDL"),
        ("giấy phép hoạt động liên quan đến đê điều", "a permit for activities affecting dykes", "CGDL"),
        ("giấy phép xả nước thải vào công trình thủy lợi",
         "a permit to discharge wastewater into irrigation works", "CGDL"),
    ], [
        ("Phê duyệt quy trình vận hành hồ chứa nước", "Approval of reservoir operating rules"),
        ("Phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập",
         "Approval of downstream disaster response plans of dams"),
        ("Phê duyệt phương án bảo vệ đập, hồ chứa nước", "Approval of dam and reservoir protection plans"),
        ("Thẩm định thiết kế xây dựng công trình thủy lợi", "Appraisal of irrigation works design"),
        ("Chấp thuận xây dựng công trình trong phạm vi bảo vệ đê điều",
         "Approval of construction within dyke protection zones"),
        ("Cắm mốc chỉ giới phạm vi bảo vệ công trình thủy lợi",
         "Marking of irrigation works protection boundaries"),
    ]),
}

CENTRAL_PROPENSITY = {"land": 0.3}  # relative chance of a central-level procedure
LEVEL_SUFFIXES = {  # added to the names of procedures handled at both levels
    "name_vi": {"central": " (cấp Trung ương)", "province": " (cấp tỉnh)"},
    "name_en": {"central": " (central level)", "province": " (provincial level)"},
}
LEGAL_DAYS = np.array([0, 1, 3, 5, 7, 10, 12, 15, 20, 25, 30, 45])
LEGAL_DAYS_P = np.array([2, 3, 8, 12, 10, 16, 5, 14, 10, 5, 10, 5], dtype=float)


def build(rng: np.random.Generator) -> pd.DataFrame:
    """Procedures with a ``weight`` column (dossier volume share) beside the canonical ones."""
    names = pd.DataFrame(_names(), columns=["name_vi", "name_en", "field", "field_weight"])
    # Each name is central only (15%), provincial only (50%) or both (35%); land is
    # overwhelmingly provincial work.
    draw = rng.random(len(names))
    propensity = names["field"].map(CENTRAL_PROPENSITY).fillna(1.0).to_numpy()
    central_only, both = draw < 0.15 * propensity, draw >= 1 - 0.35 * propensity
    levels = pd.concat([
        names[central_only | both].assign(level="central"),
        names[~central_only].assign(level="province"),
    ]).sort_index(kind="stable").reset_index(drop=True)
    twice = levels.duplicated(["name_vi"], keep=False)
    for column, suffixes in LEVEL_SUFFIXES.items():
        levels.loc[twice, column] += levels.loc[twice, "level"].map(suffixes)

    n = len(levels)
    codes = np.sort(rng.choice(np.arange(1_000, 14_000), n, replace=False))
    central = (levels["level"] == "central").to_numpy()
    frame = pd.DataFrame({
        "procedure_code": np.strings.add("1.", padded(codes, 6)),
        "name_vi": levels["name_vi"],
        "name_en": levels["name_en"],
        "field": levels["field"],
        "level": levels["level"],
        "legal_days": rng.choice(LEGAL_DAYS, n, p=LEGAL_DAYS_P / LEGAL_DAYS_P.sum()),
        "has_fee": bool_text(rng.random(n) < 0.6),
        "full_online": bool_text(rng.random(n) < 0.55),
    })
    frame["weight"] = (levels["field_weight"].to_numpy() * rng.lognormal(0.0, 1.0, n)
                       * np.where(central, 0.25, 1.0))
    return frame


def _names() -> list[tuple[str, str, str, float]]:
    rows = []
    for field, (weight, licences, others) in CATALOGUE.items():
        for object_vi, object_en, verbs in licences:
            for letter in verbs:
                verb_vi, pattern_en = VERBS[letter]
                rows.append((f"{verb_vi} {object_vi}", pattern_en.format(object_en), field, weight))
        rows.extend((vi, en, field, weight) for vi, en in others)
    return rows
