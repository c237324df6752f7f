/**
 * @module demo/province
 * The demo province as data: a fictional "tỉnh Sơn Hà" (no province of Vietnam has that name) shaped like a
 * real one — the provincial People's Committee, its departments (sở, ban, ngành) with their divisions, and
 * its city, towns and districts with their wards, townships and communes — plus demo accounts. Names are
 * written as a Vietnamese reader expects them (NFC, with diacritics); codes are not here: the demo asks the
 * org module's code rules for them.
 */
import type { UnitKind } from '../org/index.ts';

/** One unit of the demo tree; `key` names it for the accounts below. */
export interface DemoUnit {
  key?: string;
  name: string;
  shortName?: string;
  kind: UnitKind;
  address?: string;
  children?: DemoUnit[];
}

/** A built-in role of the demo accounts. */
export type DemoRole = 'tech_admin' | 'business_admin' | 'user';

/** One demo account: who, in which unit (by key), with which role and data scope. */
export interface DemoAccount {
  username: string;
  fullName: string;
  role: DemoRole;
  scope: 'own' | 'subtree' | 'all';
  unitKey: string;
}

/** The level-1 code the demo province gets unless told otherwise (not assigned to any real body). */
export const DEMO_GROUP = 'H99';

const PROVINCE = 'Sơn Hà';
const CAPITAL = `thành phố ${PROVINCE}`;

const unit = (name: string, kind: UnitKind = 'unit'): DemoUnit => ({ name, kind });

/** A department with its divisions; every one has an office (văn phòng) first. */
function department(name: string, divisions: string[], key?: string, office = 'Văn phòng Sở'): DemoUnit {
  return {
    ...(key ? { key } : {}),
    name,
    kind: 'department',
    address: `Khu hành chính tập trung tỉnh, ${CAPITAL}`,
    children: [office, ...divisions].map((d) => unit(d)),
  };
}

/** A district-level People's Committee with its divisions, then its communes, wards and townships. */
function district(
  title: string,
  communes: [prefix: 'xã' | 'phường' | 'thị trấn', name: string, key?: string][],
  key?: string,
): DemoUnit {
  const urban = !title.startsWith('huyện');
  const divisions = [
    'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân',
    'Phòng Nội vụ',
    'Phòng Tài chính – Kế hoạch',
    'Phòng Tư pháp',
    'Phòng Giáo dục và Đào tạo',
    'Phòng Văn hóa, Khoa học và Thông tin',
    urban ? 'Phòng Kinh tế, Hạ tầng và Đô thị' : 'Phòng Kinh tế và Hạ tầng',
  ];
  return {
    ...(key ? { key } : {}),
    name: `Ủy ban nhân dân ${title}`,
    kind: 'district',
    children: [
      ...divisions.map((d) => unit(d)),
      ...communes.map(([prefix, name, k]) => ({
        ...(k ? { key: k } : {}),
        name: `Ủy ban nhân dân ${prefix} ${name}`,
        kind: 'commune' as const,
      })),
    ],
  };
}

/** The whole demo tree, root first. */
export const demoProvince: DemoUnit = {
  key: 'province',
  name: `Ủy ban nhân dân tỉnh ${PROVINCE}`,
  shortName: `UBND tỉnh ${PROVINCE} (mô phỏng)`,
  kind: 'province',
  address: `Số 1 đường Trần Hưng Đạo, ${CAPITAL}`,
  children: [
    department(
      'Văn phòng Ủy ban nhân dân tỉnh',
      [
        'Phòng Tổng hợp',
        'Phòng Kinh tế',
        'Phòng Khoa giáo – Văn xã',
        'Phòng Nội chính',
        'Trung tâm Phục vụ hành chính công',
        `Văn phòng đại diện tỉnh ${PROVINCE} tại Hà Nội`,
      ],
      'office',
      'Phòng Hành chính – Tổ chức',
    ),
    department(
      'Sở Nội vụ',
      [
        'Thanh tra Sở',
        'Phòng Tổ chức, biên chế và Tổ chức phi chính phủ',
        'Phòng Xây dựng chính quyền và Công tác thanh niên',
        'Phòng Cải cách hành chính',
        'Phòng Lao động – Việc làm',
      ],
      'home',
    ),
    department('Sở Tư pháp', [
      'Phòng Xây dựng và Kiểm tra văn bản',
      'Phòng Hành chính tư pháp',
      'Phòng Bổ trợ tư pháp',
    ]),
    department(
      'Sở Tài chính',
      [
        'Thanh tra Sở',
        'Phòng Quản lý ngân sách',
        'Phòng Tài chính doanh nghiệp',
        'Phòng Quản lý giá và công sản',
        'Phòng Đăng ký kinh doanh',
      ],
      'finance',
    ),
    department('Sở Công Thương', [
      'Phòng Quản lý công nghiệp',
      'Phòng Quản lý thương mại',
      'Phòng Quản lý năng lượng',
    ]),
    department('Sở Nông nghiệp và Môi trường', [
      'Phòng Trồng trọt và Bảo vệ thực vật',
      'Phòng Chăn nuôi và Thú y',
      'Phòng Quản lý đất đai',
      'Phòng Tài nguyên nước',
      'Chi cục Kiểm lâm',
    ]),
    department('Sở Xây dựng', [
      'Phòng Quy hoạch – Kiến trúc',
      'Phòng Quản lý hoạt động xây dựng',
      'Phòng Quản lý giao thông',
    ]),
    department('Sở Khoa học và Công nghệ', [
      'Phòng Chuyển đổi số',
      'Phòng Bưu chính, Viễn thông',
      'Trung tâm Giám sát, điều hành đô thị thông minh',
    ]),
    department('Sở Giáo dục và Đào tạo', [
      'Phòng Giáo dục Mầm non',
      'Phòng Giáo dục Tiểu học',
      'Phòng Giáo dục Trung học',
      'Phòng Khảo thí và Quản lý chất lượng giáo dục',
    ]),
    department(
      'Sở Y tế',
      ['Phòng Nghiệp vụ Y', 'Phòng Nghiệp vụ Dược', 'Phòng Kế hoạch – Tài chính', 'Chi cục Dân số'],
      'health',
    ),
    department('Sở Văn hóa, Thể thao và Du lịch', [
      'Phòng Quản lý Văn hóa và Gia đình',
      'Phòng Quản lý Thể dục thể thao',
      'Phòng Quản lý Du lịch',
    ]),
    department('Sở Dân tộc và Tôn giáo', ['Phòng Chính sách dân tộc', 'Phòng Quản lý tôn giáo']),
    department('Sở Ngoại vụ', ['Phòng Lãnh sự và Người Việt Nam ở nước ngoài', 'Phòng Hợp tác quốc tế']),
    department(
      'Thanh tra tỉnh',
      ['Phòng Nghiệp vụ 1', 'Phòng Nghiệp vụ 2', 'Phòng Tiếp công dân và Xử lý đơn thư'],
      undefined,
      'Văn phòng Thanh tra',
    ),
    department(
      'Ban Quản lý các khu công nghiệp tỉnh',
      ['Phòng Quản lý đầu tư', 'Phòng Quản lý quy hoạch và xây dựng'],
      undefined,
      'Văn phòng Ban',
    ),
    department(
      'Ban Quản lý dự án đầu tư xây dựng tỉnh',
      ['Phòng Kỹ thuật', 'Phòng Kế hoạch – Tài chính'],
      undefined,
      'Phòng Hành chính – Tổng hợp',
    ),
    department(
      'Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh',
      ['Phòng Công tác Quốc hội', 'Phòng Công tác Hội đồng nhân dân', 'Phòng Hành chính, Tổ chức, Quản trị'],
      undefined,
      'Phòng Tổng hợp',
    ),
    department(
      'Đài Phát thanh và Truyền hình tỉnh',
      ['Phòng Thời sự', 'Phòng Chuyên đề', 'Phòng Kỹ thuật – Công nghệ'],
      undefined,
      'Phòng Tổ chức – Hành chính',
    ),
    department(
      `Trường Cao đẳng Cộng đồng ${PROVINCE}`,
      ['Phòng Đào tạo', 'Phòng Công tác học sinh, sinh viên'],
      undefined,
      'Phòng Tổ chức – Hành chính',
    ),
    department(
      'Trung tâm Xúc tiến đầu tư, Thương mại và Du lịch tỉnh',
      ['Phòng Xúc tiến đầu tư', 'Phòng Xúc tiến thương mại và du lịch'],
      undefined,
      'Phòng Hành chính – Tổng hợp',
    ),
    district(
      CAPITAL,
      [
        ['phường', 'Đống Đa', 'dongda'],
        ['phường', 'Trần Hưng Đạo'],
        ['phường', 'Lê Lợi'],
        ['phường', 'Quang Trung'],
        ['phường', 'Hai Bà Trưng'],
        ['phường', 'Nguyễn Trãi'],
        ['phường', 'Bạch Đằng'],
        ['phường', 'Hòa Bình'],
        ['phường', 'Tân Sơn'],
        ['phường', 'Minh Khai'],
        ['xã', 'Sơn Lộc'],
        ['xã', 'Hà Thanh'],
      ],
      'capital',
    ),
    district('thị xã An Phú', [
      ['phường', 'An Phú'],
      ['phường', 'An Lạc'],
      ['phường', 'Phú Mỹ'],
      ['phường', 'Phú Hòa'],
      ['phường', 'Tân An'],
      ['xã', 'An Hòa'],
      ['xã', 'Phú Xuân'],
      ['xã', 'Tân Phong'],
      ['xã', 'Hưng Thịnh'],
    ]),
    district('thị xã Bình Giang', [
      ['phường', 'Bình Giang'],
      ['phường', 'Bình Minh'],
      ['phường', 'Giang Sơn'],
      ['phường', 'Đông Hải'],
      ['xã', 'Bình Hòa'],
      ['xã', 'Bình Lợi'],
      ['xã', 'Giang Tây'],
    ]),
    district(
      'huyện Đông Sơn',
      [
        ['thị trấn', 'Đông Sơn'],
        ['xã', 'Đông Hà'],
        ['xã', 'Đông Hưng'],
        ['xã', 'Đông Phú'],
        ['xã', 'Đông Thịnh'],
        ['xã', 'Đông Xuân'],
        ['xã', 'Đông Yên'],
        ['xã', 'Đông Tiến'],
        ['xã', 'Đông Quang'],
        ['xã', 'Đông Lĩnh'],
      ],
      'dongson',
    ),
    district('huyện Tây Hòa', [
      ['thị trấn', 'Phú Thứ'],
      ['xã', 'Hòa Đồng'],
      ['xã', 'Hòa Mỹ Đông'],
      ['xã', 'Hòa Mỹ Tây'],
      ['xã', 'Hòa Phong'],
      ['xã', 'Hòa Tân'],
      ['xã', 'Hòa Thịnh'],
    ]),
    district('huyện Kim Sơn', [
      ['thị trấn', 'Kim Sơn'],
      ['xã', 'Kim Đông'],
      ['xã', 'Kim Tân'],
      ['xã', 'Kim Mỹ'],
      ['xã', 'Kim Hải'],
      ['xã', 'Kim Chính'],
      ['xã', 'Kim Định'],
      ['xã', 'Kim Trung'],
    ]),
    district('huyện Thạch Bàn', [
      ['thị trấn', 'Thạch Bàn'],
      ['xã', 'Thạch Đà'],
      ['xã', 'Thạch Đồng'],
      ['xã', 'Thạch Khê'],
      ['xã', 'Thạch Lạc'],
      ['xã', 'Thạch Ngọc'],
      ['xã', 'Thạch Văn'],
    ]),
    district('huyện Lạc Dương', [
      ['thị trấn', 'Lạc Dương'],
      ['xã', 'Lạc An'],
      ['xã', 'Lạc Hòa'],
      ['xã', 'Lạc Thủy'],
      ['xã', 'Đạ Nhim'],
      ['xã', 'Đưng K’Nớ'],
    ]),
    district('huyện Mường Phăng', [
      ['thị trấn', 'Mường Phăng'],
      ['xã', 'Nà Hỳ'],
      ['xã', 'Pá Khoang'],
      ['xã', 'Nậm Chua'],
      ['xã', 'Sín Thầu'],
      ['xã', 'Chà Cang'],
      ['xã', 'Ẳng Cang'],
    ]),
  ],
};

/**
 * The demo accounts: one per built-in role for the whole province (`demo.*`), then for several units an
 * administrator of the unit and its subtree (`<unit>.quantri`) and two ordinary users (`<unit>.canbo1`, 2).
 */
export const demoAccounts: DemoAccount[] = [
  {
    username: 'demo.kythuat',
    fullName: 'Nguyễn Văn Hùng',
    role: 'tech_admin',
    scope: 'all',
    unitKey: 'province',
  },
  {
    username: 'demo.nghiepvu',
    fullName: 'Trần Thị Mai',
    role: 'business_admin',
    scope: 'subtree',
    unitKey: 'province',
  },
  { username: 'demo.canbo', fullName: 'Lê Văn Nam', role: 'user', scope: 'own', unitKey: 'office' },
  ...(
    [
      ['sonoivu', 'home', ['Phạm Thị Lan', 'Hoàng Văn Đức', 'Vũ Thị Hạnh']],
      ['sotaichinh', 'finance', ['Đặng Quốc Bảo', 'Bùi Thị Thu Hà', 'Đỗ Minh Tuấn']],
      ['soyte', 'health', ['Ngô Thị Hồng', 'Dương Văn Khải', 'Lý Thị Ngọc Ánh']],
      ['tpsonha', 'capital', ['Phan Văn Long', 'Võ Thị Thanh Tâm', 'Đinh Công Thành']],
      ['phuongdongda', 'dongda', ['Trịnh Thị Yến', 'Mai Văn Quý', 'Hà Thị Phương']],
      ['huyendongson', 'dongson', ['Lương Văn Sơn', 'Tạ Thị Huyền', 'Cao Đức Anh']],
    ] as const
  ).flatMap(([prefix, unitKey, [admin, first, second]]): DemoAccount[] => [
    { username: `${prefix}.quantri`, fullName: admin, role: 'business_admin', scope: 'subtree', unitKey },
    { username: `${prefix}.canbo1`, fullName: first, role: 'user', scope: 'own', unitKey },
    { username: `${prefix}.canbo2`, fullName: second, role: 'user', scope: 'own', unitKey },
  ]),
];
