#!/usr/bin/env python3
"""Generate a large, realistic-looking unioncard registry as the four import CSV files.

    tools/generate-registry.py --members N --out DIR [--seed S] [--as-of YYYY-MM-DD]

Writes DIR/units.csv, DIR/members.csv, DIR/partners.csv and DIR/agreements.csv in the formats of
DESIGN.md ("Data in: CSV imports"): UTF-8 (NFC, no BOM), header row, ',' separator, RFC 4180
quoting where a field needs it, '\\n' line ends.

- units.csv: one confederation (TLD), 63 provincial federations (LDLD-<province>), upper-level
  unions (CDCT-<province>-NNN) and grassroots unions (CDCS-<province>-NNNNN); about 10,000 units
  for N >= 1,000,000, fewer for small N (at least one upper and one grassroots union per
  province). Parents always precede their children.
- members.csv: exactly N card rows. About 5 % of the rows are non-active cards (replaced, lost,
  revoked; a replaced or lost card is usually followed by the member's newer active card), a few
  members are suspended or ceased, both card kinds occur, at most one active card per member.
  Card numbers (12 digits) and Vpoint codes ("VP" + 6 of [2-9A-HJ-NP-Z]) are unique: they are
  keyed permutations of the row index, not random draws, so nothing needs to be remembered.
- partners.csv: about 5,000 partners for N >= 1,000,000 (N / 200, at least 20).
- agreements.csv: about 20,000 agreements for N >= 1,000,000 (N / 50, at least 40), signed by
  the confederation (national) or a provincial federation; about 85 % are in force from some day
  before --as-of until at least 60 days after it, the rest expired or starting in the future.

The output depends only on --members, --seed and --as-of (deterministic). Python 3 standard
library only; rows are streamed, so 1,000,000 members take a few seconds and little memory.
"""

import argparse
import bisect
import csv
import datetime as dt
import os
import random
import sys
import time
import unicodedata

# --------------------------------------------------------------------------------------------
# Reference data (normalized to NFC below)

# (code, name, kind, weight): kind "tp" = centrally-run city, "t" = province. The weight is a
# rough share of union members (industrial provinces and the two big cities weigh more).
PROVINCES = [
    ("HN", "Hà Nội", "tp", 12), ("HCM", "Hồ Chí Minh", "tp", 14), ("HP", "Hải Phòng", "tp", 4),
    ("DNG", "Đà Nẵng", "tp", 2), ("CT", "Cần Thơ", "tp", 1.5), ("AG", "An Giang", "t", 1.5),
    ("BRVT", "Bà Rịa – Vũng Tàu", "t", 2), ("BG", "Bắc Giang", "t", 3), ("BK", "Bắc Kạn", "t", 0.5),
    ("BL", "Bạc Liêu", "t", 0.7), ("BN", "Bắc Ninh", "t", 4), ("BTR", "Bến Tre", "t", 1),
    ("BDI", "Bình Định", "t", 1.2), ("BD", "Bình Dương", "t", 8), ("BP", "Bình Phước", "t", 1),
    ("BTH", "Bình Thuận", "t", 1), ("CM", "Cà Mau", "t", 0.8), ("CB", "Cao Bằng", "t", 0.5),
    ("DLK", "Đắk Lắk", "t", 1.2), ("DNO", "Đắk Nông", "t", 0.5), ("DB", "Điện Biên", "t", 0.5),
    ("DNA", "Đồng Nai", "t", 7), ("DT", "Đồng Tháp", "t", 1), ("GL", "Gia Lai", "t", 1),
    ("HG", "Hà Giang", "t", 0.5), ("HNA", "Hà Nam", "t", 1.2), ("HT", "Hà Tĩnh", "t", 1),
    ("HD", "Hải Dương", "t", 3), ("HGI", "Hậu Giang", "t", 0.6), ("HB", "Hòa Bình", "t", 0.7),
    ("HY", "Hưng Yên", "t", 2), ("KH", "Khánh Hòa", "t", 1.2), ("KG", "Kiên Giang", "t", 1),
    ("KT", "Kon Tum", "t", 0.5), ("LC", "Lai Châu", "t", 0.4), ("LD", "Lâm Đồng", "t", 1),
    ("LS", "Lạng Sơn", "t", 0.7), ("LCA", "Lào Cai", "t", 0.7), ("LA", "Long An", "t", 3),
    ("ND", "Nam Định", "t", 1.5), ("NA", "Nghệ An", "t", 3), ("NB", "Ninh Bình", "t", 1.2),
    ("NT", "Ninh Thuận", "t", 0.5), ("PT", "Phú Thọ", "t", 1.5), ("PY", "Phú Yên", "t", 0.7),
    ("QB", "Quảng Bình", "t", 0.8), ("QNA", "Quảng Nam", "t", 1.5), ("QNG", "Quảng Ngãi", "t", 1.2),
    ("QN", "Quảng Ninh", "t", 2.5), ("QTR", "Quảng Trị", "t", 0.6), ("ST", "Sóc Trăng", "t", 0.8),
    ("SL", "Sơn La", "t", 0.7), ("TN", "Tây Ninh", "t", 1.5), ("TB", "Thái Bình", "t", 1.5),
    ("TNG", "Thái Nguyên", "t", 2), ("TH", "Thanh Hóa", "t", 3), ("TTH", "Thừa Thiên Huế", "t", 1.2),
    ("TG", "Tiền Giang", "t", 1.5), ("TV", "Trà Vinh", "t", 0.7), ("TQ", "Tuyên Quang", "t", 0.6),
    ("VL", "Vĩnh Long", "t", 0.8), ("VP", "Vĩnh Phúc", "t", 2), ("YB", "Yên Bái", "t", 0.5),
]
assert len(PROVINCES) == 63 and len({p[0] for p in PROVINCES}) == 63

PLACES = ("An Bình|An Phú|An Khánh|Bình Minh|Bình Thạnh|Bình Tân|Cát Lái|Đông Hòa|Đông Hưng|"
          "Đức Hòa|Gia Lâm|Hòa Bình|Hòa Khánh|Hòa Thành|Hưng Hà|Hưng Thịnh|Kim Sơn|Long Biên|"
          "Long Điền|Long Thành|Minh Khai|Mỹ Tho|Nam Sơn|Nghĩa Đô|Ngọc Hà|Nhơn Trạch|Phú Hòa|Phú Lâm|"
          "Phú Mỹ|Phú Nhuận|Phước Long|Quang Trung|Sơn Tịnh|Tam Kỳ|Tân An|Tân Bình|Tân Phú|Tân Uyên|"
          "Thạch Thất|Thanh Bình|Thanh Xuân|Thuận An|Thủy Nguyên|Tiên Du|Tiền Hải|Trảng Bom|"
          "Trung Hòa|Vĩnh Bảo|Vĩnh Lộc|Vĩnh Yên|Xuân Lộc|Yên Định|Yên Phong|Yên Thế|Cẩm Giàng|"
          "Châu Thành|Chợ Mới|Đồng Xoài|Hàm Tân|Kiến Xương|Mê Linh|Ninh Hòa|Phổ Yên|Quế Võ|"
          "Sông Công|Tam Điệp|Thống Nhất|Trà Lĩnh|Văn Lâm|Đông Anh|Sóc Sơn|Củ Chi|Hóc Môn|Nhà Bè|"
          "Cần Giờ|Dĩ An|Bến Cát|Lạc Dương|Hải Châu|Sơn Trà|Ninh Kiều|Cái Răng|Lê Chân|Kiến An").split("|")

PEOPLE = ("Chu Văn An|Lê Quý Đôn|Nguyễn Du|Trần Phú|Lê Lợi|Quang Trung|Nguyễn Trãi|Trần Hưng Đạo|"
          "Lý Thường Kiệt|Hai Bà Trưng|Nguyễn Huệ|Phan Bội Châu|Phan Chu Trinh|Võ Thị Sáu|"
          "Nguyễn Thị Minh Khai|Lương Thế Vinh|Nguyễn Bỉnh Khiêm|Lê Hồng Phong|Ngô Quyền|"
          "Đinh Tiên Hoàng|Kim Đồng|Hoàng Hoa Thám|Nguyễn Văn Trỗi|Tô Hiến Thành|Nguyễn Đình Chiểu|"
          "Trần Quốc Toản|Lê Văn Tám|Nguyễn Khuyến|Nguyễn Tất Thành").split("|")

BRAND = ("An Phát|Hòa Phát|Thành Công|Minh Long|Phú Thịnh|Tân Á|Đông Á|Việt Hưng|Sao Mai|"
         "Hưng Thịnh|Kim Long|Thiên Phúc|Trường Sơn|Hồng Hà|Sông Đà|Bình Minh|Nam Việt|Đại Dương|"
         "Phương Đông|Hoàng Gia|Tín Nghĩa|Thái Bình Dương|Hải Âu|Mê Kông|Cửu Long|Ánh Dương|"
         "Tràng An|Thăng Long|Gia Định|Sài Gòn Xanh|Vạn Xuân|Lạc Hồng|Hoa Sen|Phúc Lộc|Ngọc Lan|"
         "Trung Nguyên Xanh|Hà Thành|Đất Việt|Thịnh Vượng|Bảo Tín").split("|")
PRODUCT = ("May mặc|Giày da|Điện tử|Cơ khí chính xác|Thực phẩm|Bao bì|Nhựa|Chế biến gỗ|Dệt may|"
           "Linh kiện điện tử|Thép|Dược phẩm|Thủy sản|Vật liệu xây dựng|Hóa chất|Cao su|Sợi|"
           "Nội thất|Đồ chơi|Thiết bị điện").split("|")

# Upper-level union kinds: (kind, name template). {p} = province display name.
SECTORS = [
    ("edu", "Công đoàn ngành Giáo dục {p}"),
    ("health", "Công đoàn ngành Y tế {p}"),
    ("industry", "Công đoàn các Khu công nghiệp {p}"),
    ("civil", "Công đoàn Viên chức {p}"),
    ("construction", "Công đoàn ngành Xây dựng {p}"),
    ("transport", "Công đoàn ngành Giao thông vận tải {p}"),
    ("trade", "Công đoàn ngành Công Thương {p}"),
    ("agri", "Công đoàn ngành Nông nghiệp và Phát triển nông thôn {p}"),
]

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2),
          ("Phan", 4.5), ("Vũ", 2), ("Võ", 2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
          ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6), ("Trương", 0.8),
          ("Đoàn", 0.5), ("Lâm", 0.5), ("Mai", 0.4), ("Hà", 0.5), ("Tô", 0.3), ("Lương", 0.4),
          ("Chu", 0.2), ("Tạ", 0.2), ("Kiều", 0.1), ("Vương", 0.2), ("Châu", 0.2), ("Cao", 0.4),
          ("Thái", 0.2), ("La", 0.1), ("Quách", 0.1), ("Thạch", 0.1), ("Lục", 0.1), ("Triệu", 0.2)]
MIDDLE_M = [("Văn", 35), ("Hữu", 7), ("Đức", 8), ("Minh", 10), ("Quang", 7), ("Công", 5),
            ("Thanh", 5), ("Xuân", 4), ("Ngọc", 3), ("Hoàng", 5), ("Quốc", 6), ("Tuấn", 2),
            ("Trọng", 3), ("Đình", 4), ("Gia", 2), ("Thế", 2)]
MIDDLE_F = [("Thị", 45), ("Ngọc", 8), ("Thu", 6), ("Thanh", 6), ("Minh", 4), ("Kim", 5),
            ("Bích", 3), ("Hồng", 4), ("Phương", 3), ("Mai", 2), ("Thùy", 4), ("Diệu", 2),
            ("Khánh", 2), ("Hải", 2), ("Bảo", 2), ("Mỹ", 2)]
GIVEN_M = ("An Anh Bảo Bình Cường Công Dũng Duy Dương Đạt Đức Hải Hào Hiếu Hiển Hòa Hoàng Hùng "
           "Huy Hưng Khang Khánh Khoa Khôi Kiên Lâm Long Lộc Lợi Luân Mạnh Minh Nam Nghĩa Nhân "
           "Phát Phong Phúc Phước Quân Quang Quý Sơn Tài Tâm Tân Thắng Thành Thịnh Thông Tiến Toàn "
           "Trí Trung Trường Tuấn Tùng Việt Vinh Vũ").split()
GIVEN_F = ("An Anh Ánh Chi Dung Diễm Dương Giang Hà Hạnh Hằng Hân Hiền Hoa Hồng Huệ Hương Hường "
           "Khánh Lan Liên Linh Loan Ly Mai My Nga Ngân Ngọc Nguyệt Nhàn Nhi Nhung Oanh Phương "
           "Phượng Quyên Quỳnh Tâm Thảo Thanh Thơ Thu Thúy Thủy Trang Trâm Trinh Tuyết Uyên Vân "
           "Vy Xuân Yến").split()
MIDDLE2_F = "Bích Ngọc Thu Thanh Hồng Kim Minh Diệu Phương Hải Mỹ Cẩm Xuân Quỳnh".split()
MIDDLE2_M = "Minh Quốc Hoàng Gia Anh Đức Thanh".split()

PARTNER_SECTORS = [
    # (sector noun for the name, noun for agreement titles, weight)
    ("Siêu thị", "hàng tiêu dùng", 8), ("Nhà thuốc", "thuốc và thực phẩm chức năng", 10),
    ("Nhà hàng", "ẩm thực", 12), ("Nhà sách", "sách và văn phòng phẩm", 4),
    ("Phòng khám Đa khoa", "khám chữa bệnh", 6), ("Nha khoa", "dịch vụ nha khoa", 6),
    ("Kính mắt", "kính mắt", 4), ("Điện máy", "điện máy và gia dụng", 5),
    ("Thời trang", "thời trang", 8), ("Du lịch", "tour du lịch", 6), ("Khách sạn", "lưu trú", 6),
    ("Thể hình", "thẻ tập thể dục thể hình", 4), ("Cà phê", "đồ uống", 8),
    ("Xe máy", "bảo dưỡng xe máy", 3), ("Trung tâm Ngoại ngữ", "khóa học ngoại ngữ", 3),
    ("Điện thoại di động", "điện thoại và phụ kiện", 4), ("Mẹ và Bé", "sản phẩm mẹ và bé", 3),
]
LEGAL = [("Công ty TNHH", 45), ("Công ty Cổ phần", 25), ("Hộ kinh doanh", 20), ("Hợp tác xã", 3),
         ("Doanh nghiệp tư nhân", 7)]

PERCENTS = ["3", "5", "5", "5", "7", "7.5", "8", "10", "10", "10", "10", "12", "12.5", "15", "15",
            "20", "20", "25", "30", "6.25", "8.75", "4.5"]
CAPS = [20000, 30000, 50000, 100000, 100000, 150000, 200000, 300000, 500000, 1000000]
MINS = [50000, 100000, 100000, 150000, 200000, 300000, 500000, 1000000]

VP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: no 0/O, 1/I


def nfc(s):
    return unicodedata.normalize("NFC", s)


def weighted(pairs):
    """(values, cumulative weights) for bisect-based weighted choice."""
    values, cum, total = [], [], 0.0
    for v, w in pairs:
        total += w
        values.append(nfc(v) if isinstance(v, str) else v)
        cum.append(total)
    return values, cum


def chooser(rng, pairs):
    values, cum = weighted(pairs)
    total, rand, bis = cum[-1], rng.random, bisect.bisect_right

    def choose():
        return values[bis(cum, rand() * total)]
    return choose


# --------------------------------------------------------------------------------------------
# Keyed bijections, so unique identifiers need no bookkeeping.

MASK40 = (1 << 40) - 1
MASK30 = (1 << 30) - 1
CARD_SPACE = 9 * 10 ** 11  # 100000000000 .. 999999999999


def make_perm(rng, bits):
    mask = (1 << bits) - 1
    k1, k2 = rng.getrandbits(bits), rng.getrandbits(bits)
    m1, m2 = rng.getrandbits(bits) | 1, rng.getrandbits(bits) | 1  # odd → invertible mod 2^bits
    s1, s2, s3 = bits // 2, bits // 2 - 3, bits // 2 - 1

    def perm(x):
        x ^= k1
        x = ((x ^ (x >> s1)) * m1) & mask
        x = ((x ^ (x >> s2)) * m2) & mask
        return (x ^ (x >> s3)) ^ k2
    return perm


def card_numbers(rng):
    perm = make_perm(rng, 40)

    def card(i):  # cycle-walking: a bijection of [0, CARD_SPACE)
        x = perm(i)
        while x >= CARD_SPACE:
            x = perm(x)
        return str(10 ** 11 + x)
    return card


def vpoint_codes(rng):
    perm = make_perm(rng, 30)
    a = VP_ALPHABET

    def vp(i):  # 6 base-32 digits = exactly 30 bits
        x = perm(i)
        return "VP" + a[x >> 25] + a[(x >> 20) & 31] + a[(x >> 15) & 31] + a[(x >> 10) & 31] \
            + a[(x >> 5) & 31] + a[x & 31]
    return vp


# --------------------------------------------------------------------------------------------

def apportion(total, weights, minimum):
    """Split total into len(weights) integers >= minimum, proportional to weights."""
    n = len(weights)
    out = [minimum] * n
    rest = total - minimum * n
    if rest <= 0:
        return out
    wsum = sum(weights)
    shares = [rest * w / wsum for w in weights]
    for i, s in enumerate(shares):
        out[i] += int(s)
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[:left]:
        out[i] += 1
    return out


def province_label(p, running_text=False):
    """"Thành phố Hà Nội" / "tỉnh An Giang"; "thành phố Hà Nội" inside a sentence."""
    return ("thành phố " if running_text else "Thành phố ") + p[1] if p[2] == "tp" else "tỉnh " + p[1]


def write_units(path, rng, n_members):
    total = max(190, min(10000, n_members // 100))
    rest = total - 1 - len(PROVINCES)
    n_upper = max(len(PROVINCES), round(rest * 0.067))
    n_grass = rest - n_upper
    weights = [p[3] for p in PROVINCES]
    uppers_per = apportion(n_upper, weights, 1)
    grass_per = apportion(n_grass, weights, 1)
    for i in range(len(PROVINCES)):  # at least one grassroots union per upper union
        grass_per[i] = max(grass_per[i], uppers_per[i])

    grassroots = []  # (code, province index, weight)
    counts = {"confederation": 1, "provincial": 0, "upper": 0, "grassroots": 0}
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent_code"])
        w.writerow(["TLD", nfc("Tổng Liên đoàn Lao động Việt Nam"), "confederation", ""])
        for pi, p in enumerate(PROVINCES):
            pcode = "LDLD-" + p[0]
            w.writerow([pcode, nfc("Liên đoàn Lao động " + province_label(p)), "provincial", "TLD"])
            counts["provincial"] += 1
            places = PLACES[:]
            rng.shuffle(places)
            place_iter = iter(places * 4)
            district_no = 0
            sector_no = 0
            uppers = []
            for k in range(uppers_per[pi]):
                # three sector unions first, then district / town federations interleaved with the
                # other sector unions, an occasional corporation union among them
                label = p[1] if p[2] == "tp" else "tỉnh " + p[1]
                if k < 3 or (k % 2 == 1 and sector_no < len(SECTORS)):
                    kind, tmpl = SECTORS[sector_no]
                    sector_no += 1
                    name = tmpl.format(p=label)
                else:
                    district_no += 1
                    if district_no % 9 == 0:
                        kind = "industry"
                        name = "Công đoàn Tổng Công ty " + rng.choice(BRAND)
                    else:
                        kind = "district"
                        level = rng.choice(["quận", "quận", "huyện", "huyện", "thị xã"]
                                           if p[2] == "tp" else
                                           ["huyện", "huyện", "huyện", "thị xã", "thành phố"])
                        name = "Liên đoàn Lao động " + level + " " + next(place_iter)
                ucode = "CDCT-%s-%03d" % (p[0], k + 1)
                w.writerow([ucode, nfc(name), "upper", pcode])
                counts["upper"] += 1
                uppers.append((ucode, kind))
            # grassroots unions: every upper gets one, the rest at random
            assign = list(range(len(uppers))) + [rng.randrange(len(uppers))
                                                 for _ in range(grass_per[pi] - len(uppers))]
            assign.sort()
            for g, ui in enumerate(assign):
                ucode, kind = uppers[ui]
                name, weight = grassroots_name(rng, kind, p)
                weight *= p[3] / grass_per[pi]  # members per province follow its weight at any N
                gcode = "CDCS-%s-%05d" % (p[0], g + 1)
                w.writerow([gcode, nfc(name), "grassroots", ucode])
                counts["grassroots"] += 1
                grassroots.append((gcode, pi, weight))
    return grassroots, counts


def grassroots_name(rng, kind, p):
    """A plausible grassroots union name for an upper union of this kind, and a size weight."""
    r = rng.random()
    place = rng.choice(PLACES)
    size = rng.lognormvariate(0, 0.8)
    if kind == "district":
        kind = rng.choice(["edu", "edu", "health", "industry", "industry", "civil", "trade"])
    if kind == "edu":
        if r < 0.3:
            return "Công đoàn Trường Mầm non " + place, size * 0.5
        if r < 0.6:
            return "Công đoàn Trường Tiểu học " + place, size * 0.7
        if r < 0.85:
            return "Công đoàn Trường THCS " + rng.choice(PEOPLE), size * 0.8
        return "Công đoàn Trường THPT " + rng.choice(PEOPLE), size
    if kind == "health":
        if r < 0.4:
            return "Công đoàn Trung tâm Y tế huyện " + place, size
        if r < 0.8:
            return "Công đoàn Bệnh viện Đa khoa " + place, size * 2
        return "Công đoàn Trạm Y tế xã " + place, size * 0.2
    if kind == "industry":
        form = "Công ty TNHH" if r < 0.7 else "Công ty Cổ phần"
        name = "Công đoàn cơ sở %s %s %s" % (form, rng.choice(PRODUCT), rng.choice(BRAND))
        r = rng.random()
        if r < 0.05:
            name += ", chi nhánh " + place  # a comma: exercises CSV quoting
        elif r < 0.3:
            name += " " + place
        elif r < 0.5:
            name += " Việt Nam"
        return name, size * 4
    if kind == "civil":
        office = rng.choice(["Sở Tài chính", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ",
                             "Văn phòng Ủy ban nhân dân", "Kho bạc Nhà nước", "Bảo hiểm xã hội",
                             "Cục Thống kê", "Sở Văn hóa, Thể thao và Du lịch"])
        if r < 0.5:
            return "Công đoàn " + office + " " + ("thành phố " if p[2] == "tp" else "tỉnh ") + p[1], size
        return "Công đoàn Ủy ban nhân dân xã " + place, size * 0.3
    if kind == "construction":
        return "Công đoàn Công ty Cổ phần Xây dựng %s số %d" % (rng.choice(BRAND), rng.randint(1, 30)), size * 2
    if kind == "transport":
        if r < 0.3:
            return "Công đoàn Bến xe khách " + place, size
        return "Công đoàn Công ty Cổ phần Vận tải " + rng.choice(BRAND), size * 1.5
    if kind == "trade":
        if r < 0.3:
            return "Công đoàn Ban Quản lý chợ " + place, size * 0.5
        return "Công đoàn Công ty TNHH Thương mại " + rng.choice(BRAND), size
    # agri
    if r < 0.5:
        return "Công đoàn Công ty TNHH MTV Lâm nghiệp " + place, size
    return "Công đoàn Chi cục Thủy lợi " + place, size * 0.5


def write_members(path, rng, n_rows, grassroots):
    family = chooser(rng, FAMILY)
    mid_m, mid_f = chooser(rng, MIDDLE_M), chooser(rng, MIDDLE_F)
    given_m, given_f = [nfc(x) for x in GIVEN_M], [nfc(x) for x in GIVEN_F]
    mid2_m, mid2_f = [nfc(x) for x in MIDDLE2_M], [nfc(x) for x in MIDDLE2_F]
    units, ucum = [g[0] for g in grassroots], []
    t = 0.0
    for g in grassroots:
        t += g[2]
        ucum.append(t)
    utotal = t
    first_day = dt.date(2015, 1, 1)
    days = [(first_day + dt.timedelta(d)).isoformat() for d in range((dt.date(2026, 11, 30) - first_day).days + 1)]
    ndays = len(days)
    card_of, vp_of = card_numbers(rng), vpoint_codes(rng)
    rand, choice, bis = rng.random, rng.choice, bisect.bisect_right

    stats = {"rows": 0, "members": 0, "active": 0, "replaced": 0, "lost": 0, "revoked": 0,
             "regular": 0, "linked": 0, "suspended": 0, "ceased": 0}
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["member_id", "full_name", "unit_code", "member_status", "card_number",
                    "vpoint_code", "card_kind", "card_status", "issued_on"])
        row = 0
        m = 0
        writerow = w.writerow
        while row < n_rows:
            m += 1
            mid = "DV%08d" % m
            # name: family [middle [middle2]] given, 2-4 words
            r = rand()
            if r < 0.5:
                parts = [family(), mid_m()]
                if rand() < 0.05:
                    parts.append(choice(mid2_m))
                parts.append(choice(given_m))
            else:
                parts = [family(), mid_f()]
                if parts[1] == "Thị" and rand() < 0.3:
                    parts.append(choice(mid2_f))
                parts.append(choice(given_f))
            if rand() < 0.02:
                del parts[1]
            name = " ".join(parts)
            unit = units[bis(ucum, rand() * utotal)]
            r = rand()
            mstatus = "suspended" if r < 0.003 else "ceased" if r < 0.005 else "active"
            if mstatus != "active":
                stats[mstatus] += 1
            kind = "linked" if rand() < 0.3 else "regular"
            h = rand()
            if row + 1 < n_rows and h < 0.043:  # an old card, then the current one
                old_status = "replaced" if h < 0.033 else "lost"
                d_old = int(rand() * (ndays - 400))
                d_new = d_old + 30 + int(rand() * (ndays - d_old - 31))
                old_kind = "regular" if rand() < 0.7 else kind
                cards = ((old_kind, old_status, days[d_old]), (kind, "active", days[d_new]))
            elif h < 0.049:
                cards = ((kind, "lost", days[int(rand() * ndays)]),)
            elif h < 0.052:
                cards = ((kind, "revoked", days[int(rand() * ndays)]),)
            else:
                cards = ((kind, "active", days[int(rand() * ndays)]),)
            for ckind, cstatus, issued in cards:
                writerow((mid, name, unit, mstatus, card_of(row), vp_of(row), ckind, cstatus, issued))
                stats[cstatus] += 1
                stats[ckind] += 1
                row += 1
        stats["rows"] = row
        stats["members"] = m
    return stats


def write_partners(path, rng, n_members):
    n = max(20, min(5000, n_members // 200))
    sector = chooser(rng, [(i, w) for i, (_, _, w) in enumerate(PARTNER_SECTORS)])
    legal = chooser(rng, LEGAL)
    prov_values, prov_cum = list(range(len(PROVINCES))), []
    t = 0.0
    for p in PROVINCES:
        t += p[3]
        prov_cum.append(t)
    tax_prefix = {"HN": 1, "HP": 2, "HCM": 3, "DNG": 4}
    next_prefix = 5
    for p in PROVINCES:
        if p[0] not in tax_prefix:
            tax_prefix[p[0]] = next_prefix
            next_prefix += 1
    tax_mult, tax_off = 7919 * 13, rng.randrange(10 ** 8)  # coprime to 10 → unique suffixes
    partners = []  # (code, province index, sector index)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "tax_code"])
        for i in range(n):
            pi = prov_values[bisect.bisect_right(prov_cum, rng.random() * t)]
            si = int(sector())
            brand = rng.choice(BRAND)
            lf = legal()
            shop = PARTNER_SECTORS[si][0]
            if rng.random() < 0.04:
                name = '%s %s "%s"' % (lf, shop, brand)  # embedded quotes
            else:
                name = "%s %s %s" % (lf, shop, brand)
            if rng.random() < 0.05:
                name += ", chi nhánh " + PROVINCES[pi][1]  # embedded comma
            code = "P%06d" % (i + 1)
            tax = "%02d%08d" % (tax_prefix[PROVINCES[pi][0]], (i * tax_mult + tax_off) % 10 ** 8)
            w.writerow([code, nfc(name), tax])
            partners.append((code, pi, si))
    return partners


def write_agreements(path, rng, n_members, partners, as_of):
    n = max(40, min(20000, n_members // 50))
    kinds = chooser(rng, [("any", 70), ("linked", 20), ("regular", 10)])
    stats = {"rows": 0, "national": 0, "provincial": 0, "in_force": 0, "expired": 0, "future": 0}

    def day(offset):
        return (as_of + dt.timedelta(days=offset)).isoformat()

    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "partner_code", "unit_code", "title", "percent", "max_discount_vnd",
                    "min_purchase_vnd", "card_kinds", "valid_from", "valid_to"])
        for j in range(n):
            pcode, ppi, si = partners[j] if j < len(partners) else rng.choice(partners)
            if rng.random() < 0.25:
                unit, scope, where = "TLD", "TW", "toàn quốc"
                stats["national"] += 1
            else:
                pi = ppi if rng.random() < 0.85 else rng.randrange(len(PROVINCES))
                p = PROVINCES[pi]
                unit, scope, where = "LDLD-" + p[0], p[0], province_label(p, True)
                stats["provincial"] += 1
            ck = kinds()
            noun = PARTNER_SECTORS[si][1]
            r = rng.random()
            if r < 0.85:
                vf, vt = day(-rng.randint(1, 730)), day(rng.randint(60, 1100))
                stats["in_force"] += 1
            elif r < 0.95:
                end = -rng.randint(30, 1000)
                vf, vt = day(end - rng.randint(30, 730)), day(end)
                stats["expired"] += 1
            else:
                start = rng.randint(30, 365)
                vf, vt = day(start), day(start + rng.randint(30, 730))
                stats["future"] += 1
            year = vf[:4]
            if ck == "linked":
                title = "Ưu đãi %s cho chủ thẻ đoàn viên liên kết, %s, năm %s" % (noun, where, year)
            elif rng.random() < 0.5:
                title = "Giảm giá %s cho đoàn viên công đoàn %s" % (noun, where)
            else:
                title = "Chương trình ưu đãi %s dành cho đoàn viên (%s) năm %s" % (noun, where, year)
            cap = str(rng.choice(CAPS)) if rng.random() < 0.6 else ""
            mn = str(rng.choice(MINS)) if rng.random() < 0.45 else ""
            w.writerow(["A-%s-%06d" % (scope, j + 1), pcode, unit, nfc(title), rng.choice(PERCENTS),
                        cap, mn, ck, vf, vt])
            stats["rows"] += 1
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, required=True, metavar="N", help="number of card rows in members.csv")
    ap.add_argument("--out", required=True, metavar="DIR", help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    ap.add_argument("--as-of", default="2026-12-01", metavar="YYYY-MM-DD",
                    help="date most agreements are in force on (default 2026-12-01)")
    args = ap.parse_args()
    if not 1 <= args.members <= 1 << 30:
        ap.error("--members must be between 1 and 2^30")
    try:
        as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        ap.error("--as-of must be a date YYYY-MM-DD")
    os.makedirs(args.out, exist_ok=True)
    t0 = time.monotonic()

    # Independent streams per file, so changing one part never reshuffles the others.
    def sub(tag):
        return random.Random("%d/%s" % (args.seed, tag))

    def out(name):
        return os.path.join(args.out, name)

    grassroots, uc = write_units(out("units.csv"), sub("units"), args.members)
    print("%s: %d units (%d confederation, %d provincial, %d upper, %d grassroots)"
          % (out("units.csv"), sum(uc.values()), uc["confederation"], uc["provincial"], uc["upper"],
             uc["grassroots"]), file=sys.stderr)
    ms = write_members(out("members.csv"), sub("members"), args.members, grassroots)
    print("%s: %d card rows for %d members (cards: %d active, %d replaced, %d lost, %d revoked; "
          "%d regular, %d linked; members: %d suspended, %d ceased)"
          % (out("members.csv"), ms["rows"], ms["members"], ms["active"], ms["replaced"], ms["lost"],
             ms["revoked"], ms["regular"], ms["linked"], ms["suspended"], ms["ceased"]), file=sys.stderr)
    partners = write_partners(out("partners.csv"), sub("partners"), args.members)
    print("%s: %d partners" % (out("partners.csv"), len(partners)), file=sys.stderr)
    ag = write_agreements(out("agreements.csv"), sub("agreements"), args.members, partners, as_of)
    print("%s: %d agreements (%d national, %d provincial; %d in force on %s, %d expired, %d future)"
          % (out("agreements.csv"), ag["rows"], ag["national"], ag["provincial"], ag["in_force"],
             as_of.isoformat(), ag["expired"], ag["future"]), file=sys.stderr)
    print("done in %.1f s (seed %d)" % (time.monotonic() - t0, args.seed), file=sys.stderr)


if __name__ == "__main__":
    main()
