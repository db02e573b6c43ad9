import { EntityManager } from 'typeorm';
import { slugify } from '../src/common/vietnameseText';
import type { ArticleKind } from '../src/modules/articles/article.entity';
import { legalDocument } from '../src/modules/articles/articleInput';
import type { LegalDocumentInput } from '../src/modules/articles/articleInput.types';
import { insertLegalDocuments } from '../src/modules/articles/legalDocuments';
import { completePublishing, countNewArticles, insertPublications, insertTopicFilings, originPublication, syndicatedPublication, topicFiling } from '../src/modules/articles/publishing';
import { growDataBounds } from '../src/plugins/dataBounds';

/**
 * The small demo content set `npm start` loads into an empty database: news, announcements and legal
 * documents around Thị trấn Phát Diệm (Huyện Kim Sơn, Tỉnh Ninh Bình), the commune whose real portal
 * page this project started from, syndicated between the commune, its neighbours, the district and the
 * province. Fully deterministic: fixed dates, no randomness, so tests and the README can rely on it.
 */

/** The units the demo articles live on: ids of the map in force until 2025-06-30 (their codes), and of the map from 2025-07-01. */
const UNIT = {
  ninhBinh: '37', // Tỉnh Ninh Bình
  kimSon: '376', // Huyện Kim Sơn
  phatDiem: '14620', // Thị trấn Phát Diệm
  binhMinh: '14623', // Thị trấn Bình Minh
  hoiNinh: '14629', // Xã Hồi Ninh
  kimDinh: '14635', // Xã Kim Định
  hungTien: '14641', // Xã Hùng Tiến
  nhuHoa: '14650', // Xã Như Hòa
  conThoi: '14689', // Xã Cồn Thoi
  kimTrung: '14695', // Xã Kim Trung
  // From 2025-07-01: the new Tỉnh Ninh Bình (the old Hà Nam, Nam Định and Ninh Bình) and Xã Phát
  // Diệm (the old Thị trấn Phát Diệm with Xã Kim Chính and Xã Thượng Kiệm), with no district between.
  ninhBinh2025: '37@2025-07-01',
  phatDiem2025: '14620@2025-07-01',
} as const;
type UnitCode = (typeof UNIT)[keyof typeof UNIT];

const SOURCES = [
  { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn' },
  { name: 'Cổng Thông tin điện tử tỉnh Ninh Bình', url: 'https://ninhbinh.gov.vn' },
  { name: 'Báo Chính phủ', url: 'https://baochinhphu.vn' },
  { name: 'Đài Phát thanh và Truyền hình Ninh Bình', url: 'https://nbtv.vn' },
] as const;
type SourceName = (typeof SOURCES)[number]['name'];

/** When the sources were registered (Vietnam time, like every time below). */
const SOURCES_ADDED = '2023-10-01 08:00';

const TOPICS = [
  'Cải cách hành chính',
  'Chính phủ số',
  'Dịch vụ công trực tuyến',
  'Chuyển đổi số',
  'Văn bản pháp luật',
  'Thông báo',
  'Kinh tế - xã hội',
  'Nông thôn mới',
  'Văn hóa - Du lịch',
] as const;
type Topic = (typeof TOPICS)[number];

/** One demo article. Times are Vietnam time (UTC+7) as 'YYYY-MM-DD HH:mm'; they are stored in UTC. */
interface DemoArticle {
  title: string;
  summary: string;
  /** Paragraphs of plain text (no markup characters); each becomes one <p>. */
  body: string[];
  kind: `${ArticleKind}`;
  origin: UnitCode;
  /** Absent: written by the portal itself. */
  source?: { name: SourceName; url: string };
  publishedAt: string;
  topics: Topic[];
  /** The units it was syndicated to (never its origin), each with the time that unit started showing it. */
  shownOn?: [unit: UnitCode, since: string][];
  /** A legal document's particulars: every LEGAL_DOCUMENT has them. */
  document?: LegalDocumentInput;
}

/** In publication order, so on an empty database article ids run 1, 2, 3 … with time. */
const ARTICLES: DemoArticle[] = [
  {
    title: 'Ninh Bình đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình',
    summary:
      'UBND tỉnh yêu cầu các sở, ngành và chính quyền cấp huyện, cấp xã rà soát thủ tục hành chính để đưa thêm dịch vụ công trực tuyến toàn trình lên Cổng Dịch vụ công, giảm số hồ sơ phải nộp bằng giấy.',
    body: [
      'Nhằm tạo thuận lợi cho người dân và doanh nghiệp, UBND tỉnh Ninh Bình yêu cầu các sở, ban, ngành và UBND các huyện, thành phố tiếp tục rà soát, chuẩn hóa quy trình nội bộ của từng thủ tục hành chính, ưu tiên những thủ tục có nhiều hồ sơ để cung cấp trực tuyến toàn trình.',
      'Bộ phận một cửa các cấp được giao hướng dẫn người dân tạo tài khoản, nộp hồ sơ và thanh toán phí, lệ phí trực tuyến; kết quả giải quyết được trả dưới dạng bản điện tử khi người dân có nhu cầu.',
      'Tỉnh cũng đề nghị các địa phương thường xuyên đo lường mức độ hài lòng của người dân khi sử dụng dịch vụ công trực tuyến để kịp thời tháo gỡ những khâu còn vướng mắc.',
    ],
    kind: 'NEWS',
    origin: UNIT.ninhBinh,
    source: { name: 'Cổng Thông tin điện tử tỉnh Ninh Bình', url: 'https://ninhbinh.gov.vn/tin-tuc/ninh-binh-day-manh-cung-cap-dich-vu-cong-truc-tuyen-toan-trinh.html' },
    publishedAt: '2023-10-05 08:00',
    topics: ['Dịch vụ công trực tuyến', 'Cải cách hành chính', 'Chuyển đổi số'],
    shownOn: [
      [UNIT.kimSon, '2023-10-05 15:00'],
      [UNIT.phatDiem, '2023-10-06 08:00'],
      [UNIT.kimTrung, '2023-10-06 09:30'],
    ],
  },
  {
    title: 'Thị trấn Bình Minh ra mắt tổ công nghệ số cộng đồng',
    summary:
      'Các tổ công nghệ số cộng đồng ở từng tổ dân phố sẽ giúp người dân cài đặt ứng dụng, kích hoạt tài khoản định danh điện tử và sử dụng dịch vụ công trực tuyến.',
    body: [
      'UBND thị trấn Bình Minh vừa ra mắt tổ công nghệ số cộng đồng tại các tổ dân phố. Thành viên của tổ là cán bộ tổ dân phố, đoàn viên thanh niên và những người dân có hiểu biết về công nghệ thông tin.',
      'Các tổ có nhiệm vụ đến từng hộ gia đình hướng dẫn cài đặt và sử dụng ứng dụng VNeID, thanh toán không dùng tiền mặt, tra cứu thông tin và nộp hồ sơ trên Cổng Dịch vụ công.',
      'Đây là một trong những việc làm cụ thể của thị trấn để đưa chuyển đổi số đến gần hơn với người dân, nhất là người cao tuổi.',
    ],
    kind: 'NEWS',
    origin: UNIT.binhMinh,
    source: { name: 'Đài Phát thanh và Truyền hình Ninh Bình', url: 'https://nbtv.vn/thi-tran-binh-minh-ra-mat-to-cong-nghe-so-cong-dong.html' },
    publishedAt: '2023-10-18 10:00',
    topics: ['Chuyển đổi số', 'Chính phủ số'],
    shownOn: [[UNIT.phatDiem, '2023-10-19 08:00']],
  },
  {
    title: 'Huyện Kim Sơn tập huấn sử dụng dịch vụ công trực tuyến cho cán bộ cấp xã',
    summary:
      'Công chức một cửa, tư pháp - hộ tịch và địa chính của các xã, thị trấn được hướng dẫn tiếp nhận, xử lý và trả kết quả hồ sơ trực tuyến trên hệ thống giải quyết thủ tục hành chính của tỉnh.',
    body: [
      'UBND huyện Kim Sơn đã mở lớp tập huấn về tiếp nhận và giải quyết hồ sơ trực tuyến cho công chức làm việc tại bộ phận một cửa, công chức tư pháp - hộ tịch và công chức địa chính của các xã, thị trấn trong huyện.',
      'Học viên thực hành trực tiếp trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh: tiếp nhận hồ sơ, luân chuyển, ký số và trả kết quả điện tử, cũng như cách hỗ trợ người dân nộp hồ sơ bằng điện thoại.',
      'Lãnh đạo huyện đề nghị các xã, thị trấn nâng tỷ lệ hồ sơ nộp trực tuyến và số hóa kết quả giải quyết, coi đây là tiêu chí quan trọng khi đánh giá công tác cải cách hành chính cuối năm.',
    ],
    kind: 'NEWS',
    origin: UNIT.kimSon,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/huyen-kim-son-tap-huan-su-dung-dich-vu-cong-truc-tuyen/d20231030140000000.htm' },
    publishedAt: '2023-10-30 14:00',
    topics: ['Dịch vụ công trực tuyến', 'Cải cách hành chính'],
    shownOn: [
      [UNIT.phatDiem, '2023-10-31 08:00'],
      [UNIT.hoiNinh, '2023-10-31 08:30'],
      [UNIT.hungTien, '2023-10-31 09:00'],
    ],
  },
  {
    title: 'Thủ tướng chủ trì phiên họp thứ 6 Ban Chỉ đạo cải cách hành chính của Chính phủ',
    summary:
      'Phiên họp trực tuyến chiều 14/11 đánh giá công tác cải cách hành chính 10 tháng năm 2023 và thống nhất những nhiệm vụ trọng tâm cho các tháng cuối năm.',
    body: [
      'Chiều 14/11, Thủ tướng Chính phủ Phạm Minh Chính, Trưởng Ban Chỉ đạo cải cách hành chính của Chính phủ, chủ trì phiên họp thứ 6 của Ban Chỉ đạo tại điểm cầu Hà Nội, kết nối trực tuyến với 63 tỉnh, thành phố.',
      'Các đại biểu thảo luận kết quả đạt được trên từng lĩnh vực cải cách, chỉ ra những vướng mắc còn tồn tại và đề xuất giải pháp cho thời gian tới, trong đó có việc bãi bỏ thủ tục, điều kiện kinh doanh không còn phù hợp và đẩy mạnh số hóa hồ sơ.',
      'Thủ tướng yêu cầu các bộ, ngành, địa phương thực hiện đồng bộ 6 nhiệm vụ trọng tâm của cải cách hành chính, lấy người dân và doanh nghiệp làm trung tâm.',
    ],
    kind: 'NEWS',
    origin: UNIT.ninhBinh,
    source: { name: 'Báo Chính phủ', url: 'https://baochinhphu.vn/thu-tuong-chu-tri-phien-hop-thu-6-ban-chi-dao-cai-cach-hanh-chinh-cua-chinh-phu-102231114193000000.htm' },
    publishedAt: '2023-11-14 19:30',
    topics: ['Cải cách hành chính', 'Chính phủ số'],
    shownOn: [[UNIT.kimSon, '2023-11-15 08:00']],
  },
  {
    title: 'Lịch tiếp công dân tháng 12 năm 2023 của UBND thị trấn Phát Diệm',
    summary:
      'Chủ tịch UBND thị trấn tiếp công dân định kỳ ngày 15/12 và 25/12/2023 tại trụ sở UBND thị trấn; các ngày làm việc khác, cán bộ tiếp công dân thường trực tiếp nhận đơn, kiến nghị.',
    body: [
      'UBND thị trấn Phát Diệm thông báo lịch tiếp công dân tháng 12 năm 2023: Chủ tịch UBND thị trấn tiếp công dân định kỳ vào thứ Sáu, ngày 15/12/2023 và thứ Hai, ngày 25/12/2023 tại phòng tiếp công dân, trụ sở UBND thị trấn.',
      'Ngoài các ngày trên, cán bộ tiếp công dân thường trực tiếp nhận đơn thư, kiến nghị, phản ánh của công dân trong giờ hành chính các ngày làm việc.',
      'Công dân đến làm việc đề nghị mang theo thẻ căn cước công dân và giấy tờ liên quan đến nội dung kiến nghị.',
    ],
    kind: 'ANNOUNCEMENT',
    origin: UNIT.phatDiem,
    publishedAt: '2023-11-28 08:00',
    topics: ['Thông báo'],
  },
  // The article of that real portal page, retold in our own words.
  {
    title: 'Hội nghị trực tuyến toàn quốc triển khai nhiệm vụ cải cách hành chính những tháng cuối năm 2023',
    summary:
      'Chiều 14/11/2023, Ban Chỉ đạo Cải cách hành chính của Chính phủ họp phiên thứ 6, trực tuyến tới 63 điểm cầu, để đánh giá kết quả 10 tháng và bàn nhiệm vụ những tháng cuối năm. Tại điểm cầu Ninh Bình, Chủ tịch UBND tỉnh Phạm Quang Ngọc chủ trì.',
    body: [
      'Phiên họp thứ 6 của Ban Chỉ đạo Cải cách hành chính (CCHC) của Chính phủ diễn ra chiều 14/11 dưới sự chủ trì của Thủ tướng Chính phủ Phạm Minh Chính, Trưởng Ban Chỉ đạo, tại điểm cầu Hà Nội. Phiên họp được kết nối trực tuyến với 63 điểm cầu trong cả nước, nhằm nhìn lại kết quả 10 tháng năm 2023 và thống nhất những việc cần làm trong thời gian còn lại của năm.',
      'Ở điểm cầu Ninh Bình, đồng chí Phạm Quang Ngọc, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo CCHC tỉnh chủ trì; tham dự có các thành viên Ban Chỉ đạo CCHC tỉnh cùng lãnh đạo một số sở, ngành, cơ quan, đơn vị liên quan.',
      'Theo báo cáo tại phiên họp, từ đầu năm Chính phủ và Thủ tướng Chính phủ đã ban hành nhiều nghị quyết, chỉ thị, công điện để tạo chuyển biến mạnh hơn trong CCHC: cải cách thủ tục hành chính (TTHC), cải thiện môi trường đầu tư kinh doanh, sắp xếp tổ chức bộ máy và siết chặt kỷ luật, kỷ cương hành chính. Hàng trăm quy định kinh doanh nằm trong 30 văn bản quy phạm pháp luật đã được cắt giảm, đơn giản hóa.',
      'Việc số hóa hồ sơ có bước tiến rõ rệt: hồ sơ TTHC được trả kết quả điện tử đạt gần 27% ở các bộ, ngành và hơn 40% ở các địa phương; tỷ lệ chuyển hồ sơ giấy sang hồ sơ điện tử đạt trên 82% ở cấp bộ và hơn 70% ở địa phương, cao hơn cùng kỳ năm 2022 trên 30%. Trong 10 tháng, khoảng 6,2 triệu văn bản điện tử đã được gửi, nhận qua Trục liên thông văn bản quốc gia.',
      'Xây dựng Chính phủ điện tử, Chính phủ số tiếp tục được chú trọng. Đến ngày 10/10/2023, cả nước đã cấp gần 84 triệu thẻ căn cước công dân gắn chíp và tiếp nhận hơn 64,3 triệu hồ sơ định danh điện tử.',
      'Kết luận phiên họp, Thủ tướng ghi nhận kết quả các bộ, ngành, địa phương đã đạt được và yêu cầu thực hiện đồng bộ, toàn diện 6 nhiệm vụ trọng tâm của CCHC, trong đó cải cách thể chế là nền tảng, cải cách TTHC là động lực. Công tác CCHC phải hướng mạnh về cơ sở, coi người dân và doanh nghiệp là trung tâm, là chủ thể; người đứng đầu cấp ủy, chính quyền các cấp phải lắng nghe và giải quyết kịp thời kiến nghị của người dân, doanh nghiệp, bãi bỏ những thủ tục, điều kiện kinh doanh không còn phù hợp.',
      'Thủ tướng cũng đề nghị đẩy nhanh việc kiện toàn tổ chức bộ máy, tinh giản biên chế, sắp xếp đơn vị hành chính cấp huyện, cấp xã giai đoạn 2023 - 2025; chuẩn hóa quy trình, cung cấp dịch vụ công trực tuyến một cách thực chất và có chính sách khuyến khích người dân, doanh nghiệp sử dụng, gắn với triển khai hiệu quả Đề án 06 và tăng cường kết nối, chia sẻ dữ liệu khi giải quyết TTHC.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/hoi-nghi-truc-tuyen-toan-quoc-trien-khai-nhiem-vu-cai-cach-hanh-chinh/d20231114180000000.htm' },
    publishedAt: '2023-12-08 09:30',
    topics: ['Cải cách hành chính', 'Chính phủ số', 'Dịch vụ công trực tuyến'],
    shownOn: [
      [UNIT.kimSon, '2023-12-08 14:00'],
      [UNIT.binhMinh, '2023-12-09 08:00'],
      [UNIT.hoiNinh, '2023-12-09 08:30'],
    ],
  },
  {
    title: 'Kế hoạch cải cách hành chính năm 2024 của UBND huyện Kim Sơn',
    summary:
      'Kế hoạch đặt mục tiêu nâng chỉ số cải cách hành chính của huyện, tăng tỷ lệ hồ sơ trực tuyến và số hóa kết quả giải quyết thủ tục hành chính ở cả cấp huyện và cấp xã.',
    body: [
      'UBND huyện Kim Sơn ban hành Kế hoạch cải cách hành chính năm 2024, cụ thể hóa kế hoạch của UBND tỉnh Ninh Bình và phân công nhiệm vụ cho các phòng, ban chuyên môn và UBND các xã, thị trấn.',
      'Kế hoạch gồm sáu nhóm nội dung: cải cách thể chế; cải cách thủ tục hành chính; cải cách tổ chức bộ máy; cải cách chế độ công vụ; cải cách tài chính công; xây dựng chính quyền điện tử, chính quyền số.',
      'Các cơ quan, đơn vị báo cáo kết quả thực hiện hằng quý; kết quả này là căn cứ chấm điểm chỉ số cải cách hành chính và xét thi đua cuối năm.',
    ],
    kind: 'LEGAL_DOCUMENT',
    origin: UNIT.kimSon,
    publishedAt: '2023-12-20 15:00',
    document: {
      number: '215/KH-UBND',
      documentType: 'Kế hoạch',
      issuer: 'UBND huyện Kim Sơn',
      issuedOn: '2023-12-19',
      signer: 'Phó Chủ tịch UBND huyện',
      fileUrl: 'https://kimson.ninhbinh.gov.vn/van-ban/215-kh-ubnd-ke-hoach-cai-cach-hanh-chinh-nam-2024.pdf',
    },
    topics: ['Văn bản pháp luật', 'Cải cách hành chính'],
    shownOn: [
      [UNIT.phatDiem, '2023-12-21 08:00'],
      [UNIT.binhMinh, '2023-12-21 08:00'],
      [UNIT.kimTrung, '2023-12-21 08:30'],
    ],
  },
  {
    title: 'UBND tỉnh Ninh Bình ban hành Kế hoạch cải cách hành chính nhà nước năm 2024',
    summary:
      'Kế hoạch xác định các nhiệm vụ trọng tâm của năm, chú trọng cải cách thủ tục hành chính, phát triển chính quyền số và nâng cao mức độ hài lòng của người dân.',
    body: [
      'UBND tỉnh Ninh Bình vừa ban hành Kế hoạch cải cách hành chính nhà nước năm 2024, với mục tiêu tiếp tục cải thiện các chỉ số PAR INDEX, SIPAS và PAPI của tỉnh.',
      'Theo kế hoạch, các sở, ngành và địa phương rà soát, đơn giản hóa thủ tục hành chính, đẩy mạnh giải quyết hồ sơ trên môi trường điện tử và tái sử dụng dữ liệu đã số hóa để người dân không phải nộp lại giấy tờ.',
      'Kế hoạch cũng giao nhiệm vụ hoàn thiện nền tảng chia sẻ dữ liệu của tỉnh, kết nối với Cơ sở dữ liệu quốc gia về dân cư để phục vụ giải quyết thủ tục hành chính.',
    ],
    kind: 'LEGAL_DOCUMENT',
    origin: UNIT.ninhBinh,
    source: { name: 'Cổng Thông tin điện tử tỉnh Ninh Bình', url: 'https://ninhbinh.gov.vn/van-ban/ke-hoach-cai-cach-hanh-chinh-nha-nuoc-nam-2024.html' },
    publishedAt: '2023-12-28 10:00',
    document: {
      number: '180/KH-UBND',
      documentType: 'Kế hoạch',
      issuer: 'UBND tỉnh Ninh Bình',
      issuedOn: '2023-12-27',
      signer: 'Chủ tịch UBND tỉnh',
      fileUrl: 'https://ninhbinh.gov.vn/van-ban/180-kh-ubnd.pdf',
    },
    topics: ['Văn bản pháp luật', 'Cải cách hành chính', 'Chính phủ số'],
    shownOn: [
      [UNIT.kimSon, '2023-12-28 16:00'],
      [UNIT.phatDiem, '2023-12-29 08:00'],
    ],
  },
  {
    title: 'Xã Hồi Ninh hỗ trợ người dân nộp hồ sơ trực tuyến tại bộ phận một cửa',
    summary:
      'Xã bố trí máy tính và đoàn viên thanh niên tại bộ phận một cửa để hướng dẫn người dân tự nộp hồ sơ trên Cổng Dịch vụ công.',
    body: [
      'Từ đầu năm 2024, UBND xã Hồi Ninh bố trí khu vực có máy tính nối mạng tại bộ phận tiếp nhận và trả kết quả để người dân có thể tự nộp hồ sơ trực tuyến.',
      'Hằng ngày, đoàn viên thanh niên của xã thay phiên nhau hướng dẫn người dân đăng nhập bằng tài khoản định danh điện tử, điền tờ khai và theo dõi tình trạng hồ sơ.',
      'Nhờ cách làm này, nhiều thủ tục như đăng ký khai sinh, chứng thực bản sao hay xác nhận tình trạng hôn nhân đã được nộp trực tuyến thay vì nộp giấy như trước.',
    ],
    kind: 'NEWS',
    origin: UNIT.hoiNinh,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/xa-hoi-ninh-ho-tro-nguoi-dan-nop-ho-so-truc-tuyen/d20240110080000000.htm' },
    publishedAt: '2024-01-10 08:00',
    topics: ['Dịch vụ công trực tuyến', 'Cải cách hành chính'],
    shownOn: [[UNIT.phatDiem, '2024-01-11 08:00']],
  },
  {
    title: 'Thị trấn Phát Diệm tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024',
    summary:
      'Hội nghị đánh giá kết quả phát triển kinh tế - xã hội và cải cách hành chính năm 2023, thống nhất các chỉ tiêu chủ yếu của năm 2024.',
    body: [
      'UBND thị trấn Phát Diệm tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024, với sự tham dự của đại diện lãnh đạo huyện Kim Sơn, các ban, ngành, đoàn thể và các tổ dân phố.',
      'Năm 2023, hoạt động thương mại, dịch vụ trên địa bàn tiếp tục phát triển; công tác chỉnh trang đô thị, giữ gìn vệ sinh môi trường được duy trì; bộ phận một cửa giải quyết hồ sơ thủ tục hành chính đúng hạn.',
      'Năm 2024, thị trấn tập trung phát triển thương mại, dịch vụ gắn với du lịch, nâng tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến và tiếp tục xây dựng đô thị văn minh.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/thi-tran-phat-diem-tong-ket-cong-tac-nam-2023/d20240125160000000.htm' },
    publishedAt: '2024-01-25 16:00',
    topics: ['Kinh tế - xã hội', 'Cải cách hành chính'],
    shownOn: [[UNIT.kimSon, '2024-01-26 08:00']],
  },
  {
    title: 'Xã Kim Trung tập trung nâng chất lượng các tiêu chí nông thôn mới',
    summary:
      'Xã Kim Trung tiếp tục đầu tư giao thông, kênh mương nội đồng, phát triển nuôi trồng thủy sản và giữ gìn cảnh quan môi trường nông thôn.',
    body: [
      'Năm 2024, xã Kim Trung xác định nâng chất lượng các tiêu chí nông thôn mới là nhiệm vụ trọng tâm, huy động sức dân cùng nguồn hỗ trợ của Nhà nước để cứng hóa đường giao thông và kênh mương nội đồng.',
      'Xã khuyến khích các hộ nuôi trồng thủy sản áp dụng quy trình nuôi an toàn, liên kết tiêu thụ sản phẩm để nâng thu nhập.',
      'Các xóm duy trì phong trào trồng hoa, cây xanh ven đường và thu gom rác thải sinh hoạt đúng nơi quy định.',
    ],
    kind: 'NEWS',
    origin: UNIT.kimTrung,
    source: { name: 'Đài Phát thanh và Truyền hình Ninh Bình', url: 'https://nbtv.vn/xa-kim-trung-tap-trung-nang-chat-luong-cac-tieu-chi-nong-thon-moi.html' },
    publishedAt: '2024-02-27 09:00',
    topics: ['Nông thôn mới', 'Kinh tế - xã hội'],
    shownOn: [[UNIT.kimSon, '2024-02-27 15:00']],
  },
  {
    title: 'Thông báo tuyển dụng viên chức giáo dục huyện Kim Sơn năm 2024',
    summary:
      'UBND huyện Kim Sơn tuyển dụng viên chức làm giáo viên mầm non, tiểu học và trung học cơ sở; phiếu đăng ký dự tuyển nhận tại Phòng Nội vụ huyện trong 30 ngày kể từ ngày thông báo.',
    body: [
      'UBND huyện Kim Sơn thông báo tuyển dụng viên chức làm việc tại các trường mầm non, tiểu học và trung học cơ sở công lập trên địa bàn huyện năm 2024. Chỉ tiêu theo từng vị trí việc làm được niêm yết tại trụ sở UBND huyện và tại các trường.',
      'Người dự tuyển phải có trình độ đào tạo đáp ứng tiêu chuẩn chức danh nghề nghiệp giáo viên theo quy định. Phiếu đăng ký dự tuyển nộp trực tiếp hoặc gửi qua bưu điện đến Phòng Nội vụ huyện Kim Sơn trong thời hạn 30 ngày kể từ ngày thông báo.',
      'Thông tin chi tiết xin liên hệ Phòng Nội vụ huyện Kim Sơn trong giờ hành chính.',
    ],
    kind: 'ANNOUNCEMENT',
    origin: UNIT.kimSon,
    publishedAt: '2024-03-05 09:00',
    topics: ['Thông báo'],
    shownOn: [
      [UNIT.phatDiem, '2024-03-05 14:00'],
      [UNIT.binhMinh, '2024-03-05 14:00'],
      [UNIT.kimDinh, '2024-03-06 08:00'],
    ],
  },
  {
    title: 'Phát Diệm chỉnh trang đô thị, đón du khách đến với quần thể nhà thờ đá',
    summary:
      'Thị trấn ra quân làm sạch đường phố, bổ sung biển chỉ dẫn và vận động hộ kinh doanh niêm yết giá, phục vụ du khách tham quan Nhà thờ đá Phát Diệm.',
    body: [
      'Quần thể Nhà thờ đá Phát Diệm mỗi năm đón nhiều du khách trong và ngoài nước. Để chuẩn bị cho mùa du lịch, UBND thị trấn Phát Diệm phát động đợt ra quân chỉnh trang đô thị trên các tuyến phố chính.',
      'Các tổ dân phố dọn vệ sinh, trồng thêm cây xanh và sắp xếp lại nơi để xe; thị trấn bổ sung biển chỉ dẫn đến các điểm tham quan.',
      'Các hộ kinh doanh ăn uống, đồ lưu niệm được vận động niêm yết giá công khai, bảo đảm vệ sinh an toàn thực phẩm và ứng xử văn minh với du khách.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem,
    publishedAt: '2024-03-22 14:30',
    topics: ['Văn hóa - Du lịch', 'Kinh tế - xã hội'],
    shownOn: [[UNIT.kimSon, '2024-03-22 17:00']],
  },
  {
    title: 'Ninh Bình đẩy mạnh triển khai Đề án 06 đến cấp xã',
    summary:
      'Tỉnh tiếp tục làm sạch dữ liệu dân cư, hướng dẫn người dân kích hoạt tài khoản định danh điện tử và khai thác dữ liệu dân cư khi giải quyết thủ tục hành chính.',
    body: [
      'Ban Chỉ đạo triển khai Đề án 06 của tỉnh Ninh Bình yêu cầu các huyện, thành phố đưa nhiệm vụ của Đề án về tận cấp xã, gắn với trách nhiệm của người đứng đầu.',
      'Công an cấp xã phối hợp với bộ phận một cửa tiếp tục thu nhận hồ sơ định danh điện tử, hướng dẫn người dân kích hoạt tài khoản VNeID và làm sạch dữ liệu dân cư.',
      'Khi giải quyết thủ tục hành chính, cán bộ khai thác thông tin từ Cơ sở dữ liệu quốc gia về dân cư, không yêu cầu người dân nộp những giấy tờ mà dữ liệu đã có.',
    ],
    kind: 'NEWS',
    origin: UNIT.ninhBinh,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/ninh-binh-day-manh-trien-khai-de-an-06-den-cap-xa/d20240416100000000.htm' },
    publishedAt: '2024-04-16 10:00',
    topics: ['Chuyển đổi số', 'Chính phủ số', 'Dịch vụ công trực tuyến'],
    shownOn: [
      [UNIT.kimSon, '2024-04-16 15:00'],
      [UNIT.phatDiem, '2024-04-17 08:00'],
      [UNIT.binhMinh, '2024-04-17 08:00'],
      [UNIT.conThoi, '2024-04-17 09:00'],
    ],
  },
  {
    title: 'Xã Hùng Tiến vận động người dân thanh toán không dùng tiền mặt',
    summary:
      'Tiểu thương ở chợ và các hộ kinh doanh được hướng dẫn nhận tiền bằng mã QR; người dân được khuyến khích đóng học phí, tiền điện qua ứng dụng ngân hàng.',
    body: [
      'Hưởng ứng chủ trương phát triển thanh toán không dùng tiền mặt, UBND xã Hùng Tiến phối hợp với các ngân hàng trên địa bàn hướng dẫn tiểu thương ở chợ và các hộ kinh doanh mở tài khoản, in mã QR để nhận tiền.',
      'Các trường học, điểm thu tiền điện, nước cũng khuyến khích phụ huynh và khách hàng thanh toán qua ứng dụng ngân hàng.',
      'Tổ công nghệ số cộng đồng các xóm tiếp tục hỗ trợ người cao tuổi sử dụng điện thoại thông minh an toàn, cảnh giác với các thủ đoạn lừa đảo trên mạng.',
    ],
    kind: 'NEWS',
    origin: UNIT.hungTien,
    source: { name: 'Đài Phát thanh và Truyền hình Ninh Bình', url: 'https://nbtv.vn/xa-hung-tien-van-dong-nguoi-dan-thanh-toan-khong-dung-tien-mat.html' },
    publishedAt: '2024-05-09 08:30',
    topics: ['Chuyển đổi số', 'Kinh tế - xã hội'],
    shownOn: [
      [UNIT.phatDiem, '2024-05-09 14:00'],
      [UNIT.nhuHoa, '2024-05-10 08:00'],
    ],
  },
  {
    title: 'Sản phẩm cói Kim Sơn lên sàn thương mại điện tử',
    summary:
      'Nhiều cơ sở sản xuất hàng cói được hỗ trợ mở gian hàng trực tuyến, đưa sản phẩm làng nghề đến khách hàng trong và ngoài tỉnh.',
    body: [
      'Kim Sơn là vùng trồng và chế biến cói lâu đời của tỉnh Ninh Bình. Thời gian qua, huyện phối hợp với các doanh nghiệp viễn thông hỗ trợ cơ sở sản xuất, hợp tác xã đưa sản phẩm cói lên các sàn thương mại điện tử.',
      'Các cơ sở được hướng dẫn chụp ảnh sản phẩm, viết mô tả, quản lý đơn hàng và nhận thanh toán trực tuyến.',
      'Bán hàng qua mạng giúp các cơ sở mở rộng thị trường, bớt phụ thuộc vào thương lái và góp phần giữ gìn nghề truyền thống.',
    ],
    kind: 'NEWS',
    origin: UNIT.kimSon,
    source: { name: 'Đài Phát thanh và Truyền hình Ninh Bình', url: 'https://nbtv.vn/san-pham-coi-kim-son-len-san-thuong-mai-dien-tu.html' },
    publishedAt: '2024-06-12 15:00',
    topics: ['Chuyển đổi số', 'Kinh tế - xã hội'],
    shownOn: [
      [UNIT.ninhBinh, '2024-06-13 08:00'],
      [UNIT.phatDiem, '2024-06-13 08:00'],
      [UNIT.kimTrung, '2024-06-13 09:00'],
    ],
  },
  {
    title: 'Thông báo thời gian tiếp nhận hồ sơ tại Bộ phận một cửa thị trấn Phát Diệm',
    summary:
      'Bộ phận tiếp nhận và trả kết quả thủ tục hành chính làm việc từ thứ Hai đến thứ Sáu; hồ sơ trực tuyến được tiếp nhận cả ngoài giờ hành chính qua Cổng Dịch vụ công.',
    body: [
      'UBND thị trấn Phát Diệm thông báo: Bộ phận tiếp nhận và trả kết quả thủ tục hành chính của thị trấn làm việc từ thứ Hai đến thứ Sáu hằng tuần, buổi sáng từ 7 giờ 30 đến 11 giờ 30, buổi chiều từ 13 giờ 30 đến 17 giờ.',
      'Người dân có thể nộp hồ sơ trực tuyến bất kỳ lúc nào qua Cổng Dịch vụ công; hồ sơ nộp ngoài giờ hành chính được tiếp nhận vào ngày làm việc kế tiếp.',
      'Mọi thắc mắc, phản ánh về việc giải quyết thủ tục hành chính xin gửi trực tiếp tới bộ phận một cửa hoặc hòm thư góp ý đặt tại trụ sở UBND thị trấn.',
    ],
    kind: 'ANNOUNCEMENT',
    origin: UNIT.phatDiem,
    publishedAt: '2024-07-03 09:00',
    topics: ['Thông báo', 'Cải cách hành chính'],
  },
  {
    title: 'Quyết định công bố danh mục thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình tại tỉnh Ninh Bình',
    summary:
      'Chủ tịch UBND tỉnh công bố danh mục thủ tục hành chính thuộc thẩm quyền của cấp tỉnh, cấp huyện, cấp xã được cung cấp dưới hình thức dịch vụ công trực tuyến toàn trình và một phần.',
    body: [
      'Chủ tịch UBND tỉnh Ninh Bình đã ký Quyết định công bố danh mục thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình và dịch vụ công trực tuyến một phần trên địa bàn tỉnh.',
      'Danh mục được chia theo thẩm quyền giải quyết của cấp tỉnh, cấp huyện và cấp xã. Các cơ quan có trách nhiệm cấu hình quy trình điện tử trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh và công khai danh mục tại bộ phận một cửa.',
      'Quyết định có hiệu lực kể từ ngày ký.',
    ],
    kind: 'LEGAL_DOCUMENT',
    origin: UNIT.ninhBinh,
    source: { name: 'Cổng Thông tin điện tử tỉnh Ninh Bình', url: 'https://ninhbinh.gov.vn/van-ban/cong-bo-danh-muc-thu-tuc-hanh-chinh-dich-vu-cong-truc-tuyen-toan-trinh.html' },
    publishedAt: '2024-07-15 10:00',
    document: {
      number: '512/QĐ-UBND',
      documentType: 'Quyết định',
      issuer: 'UBND tỉnh Ninh Bình',
      issuedOn: '2024-07-12',
      effectiveOn: '2024-07-12',
      signer: 'Chủ tịch UBND tỉnh',
      fileUrl: 'https://ninhbinh.gov.vn/van-ban/512-qd-ubnd.pdf',
    },
    topics: ['Văn bản pháp luật', 'Dịch vụ công trực tuyến'],
    shownOn: [
      [UNIT.kimSon, '2024-07-15 15:00'],
      [UNIT.phatDiem, '2024-07-16 08:00'],
      [UNIT.binhMinh, '2024-07-16 08:00'],
    ],
  },
  {
    title: 'Kim Sơn công bố chỉ số cải cách hành chính năm 2023 của các xã, thị trấn',
    summary:
      'Bộ chỉ số đánh giá công tác chỉ đạo, điều hành, cải cách thủ tục hành chính, xây dựng chính quyền số và mức độ hài lòng của người dân tại từng xã, thị trấn.',
    body: [
      'UBND huyện Kim Sơn đã công bố kết quả chỉ số cải cách hành chính năm 2023 của UBND các xã, thị trấn trên địa bàn huyện.',
      'Việc chấm điểm dựa trên kết quả thực hiện các lĩnh vực: công tác chỉ đạo, điều hành; cải cách thủ tục hành chính; cải cách tổ chức bộ máy và chế độ công vụ; xây dựng chính quyền điện tử, chính quyền số; cùng kết quả khảo sát mức độ hài lòng của người dân.',
      'Huyện yêu cầu các xã, thị trấn có điểm số thấp phân tích nguyên nhân, xây dựng giải pháp khắc phục trong năm 2024.',
    ],
    kind: 'NEWS',
    origin: UNIT.kimSon,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/kim-son-cong-bo-chi-so-cai-cach-hanh-chinh-nam-2023/d20240820140000000.htm' },
    publishedAt: '2024-08-20 14:00',
    topics: ['Cải cách hành chính'],
    shownOn: [
      [UNIT.phatDiem, '2024-08-21 08:00'],
      [UNIT.binhMinh, '2024-08-21 08:00'],
      [UNIT.hoiNinh, '2024-08-21 08:00'],
      [UNIT.hungTien, '2024-08-21 08:00'],
    ],
  },
  {
    title: 'Xã Cồn Thoi khắc phục hậu quả bão số 3',
    summary:
      'Chính quyền, lực lượng vũ trang và người dân xã Cồn Thoi ra quân dọn cây đổ, kiểm tra đê điều và giúp các hộ bị thiệt hại sớm ổn định cuộc sống.',
    body: [
      'Ngay sau khi bão số 3 đi qua, UBND xã Cồn Thoi huy động lực lượng dân quân, công an xã và đoàn viên thanh niên dọn dẹp cây xanh gãy đổ, khơi thông cống rãnh trên các trục đường chính.',
      'Xã cử cán bộ kiểm tra các tuyến đê, cống và khu nuôi trồng thủy sản, thống kê thiệt hại để đề nghị cấp trên hỗ trợ.',
      'Các hộ có nhà bị tốc mái được bà con lối xóm và các đoàn thể giúp sửa chữa, sớm ổn định sinh hoạt.',
    ],
    kind: 'NEWS',
    origin: UNIT.conThoi,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/xa-con-thoi-khac-phuc-hau-qua-bao-so-3/d20240912160000000.htm' },
    publishedAt: '2024-09-12 16:00',
    topics: ['Kinh tế - xã hội'],
    shownOn: [
      [UNIT.kimSon, '2024-09-12 19:00'],
      [UNIT.kimTrung, '2024-09-13 07:30'],
    ],
  },
  {
    title: 'Kế hoạch hưởng ứng Ngày Chuyển đổi số quốc gia năm 2024 trên địa bàn huyện Kim Sơn',
    summary:
      'UBND huyện Kim Sơn tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia 10/10: tuyên truyền, hướng dẫn kỹ năng số cho người dân và rà soát dịch vụ công trực tuyến.',
    body: [
      'UBND huyện Kim Sơn ban hành Kế hoạch tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2024 trên địa bàn huyện.',
      'Theo kế hoạch, các xã, thị trấn tuyên truyền trên hệ thống truyền thanh cơ sở, tổ công nghệ số cộng đồng hướng dẫn người dân kỹ năng số cơ bản; các cơ quan rà soát, khắc phục lỗi của dịch vụ công trực tuyến đang cung cấp.',
      'Các đơn vị báo cáo kết quả thực hiện về Phòng Văn hóa và Thông tin huyện trước ngày 20/10/2024.',
    ],
    kind: 'LEGAL_DOCUMENT',
    origin: UNIT.kimSon,
    publishedAt: '2024-09-25 10:00',
    document: {
      number: '146/KH-UBND',
      documentType: 'Kế hoạch',
      issuer: 'UBND huyện Kim Sơn',
      issuedOn: '2024-09-24',
    },
    topics: ['Văn bản pháp luật', 'Chuyển đổi số'],
    shownOn: [
      [UNIT.phatDiem, '2024-09-25 15:00'],
      [UNIT.binhMinh, '2024-09-25 15:00'],
      [UNIT.hoiNinh, '2024-09-26 08:00'],
    ],
  },
  {
    title: 'Đẩy mạnh cung cấp dịch vụ công trực tuyến thực chất, lấy người dân làm trung tâm',
    summary:
      'Các bộ, ngành, địa phương được yêu cầu tái cấu trúc quy trình, nâng chất lượng dịch vụ công trực tuyến và tăng tỷ lệ hồ sơ được giải quyết trên môi trường điện tử.',
    body: [
      'Nhiều dịch vụ công trực tuyến đã được cung cấp nhưng tỷ lệ hồ sơ nộp trực tuyến ở một số nơi vẫn thấp, chủ yếu do quy trình còn phức tạp và người dân chưa quen sử dụng.',
      'Các bộ, ngành, địa phương được yêu cầu tái cấu trúc quy trình theo hướng đơn giản, dễ dùng; tái sử dụng dữ liệu đã có trong các cơ sở dữ liệu quốc gia, chuyên ngành và kết quả số hóa để người dân không phải khai báo lại.',
      'Việc cung cấp dịch vụ công trực tuyến gắn với triển khai Đề án 06, bảo đảm người dân và doanh nghiệp được phục vụ nhanh hơn, chi phí thấp hơn.',
    ],
    kind: 'NEWS',
    origin: UNIT.ninhBinh,
    source: { name: 'Báo Chính phủ', url: 'https://baochinhphu.vn/day-manh-cung-cap-dich-vu-cong-truc-tuyen-thuc-chat-102241008090000000.htm' },
    publishedAt: '2024-10-08 09:00',
    topics: ['Dịch vụ công trực tuyến', 'Cải cách hành chính', 'Chính phủ số'],
    shownOn: [[UNIT.kimSon, '2024-10-08 14:00']],
  },
  {
    title: 'Thị trấn Phát Diệm đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính',
    summary:
      'Bộ phận một cửa thị trấn số hóa hồ sơ, trả kết quả điện tử và hướng dẫn người dân nộp hồ sơ trực tuyến, góp phần rút ngắn thời gian giải quyết thủ tục.',
    body: [
      'Thời gian qua, UBND thị trấn Phát Diệm đẩy mạnh ứng dụng công nghệ thông tin trong tiếp nhận và giải quyết thủ tục hành chính. Hồ sơ nộp trực tiếp được bộ phận một cửa số hóa ngay khi tiếp nhận, kết quả được ký số và trả bản điện tử cho người dân.',
      'Cán bộ thị trấn và tổ công nghệ số cộng đồng hướng dẫn người dân dùng tài khoản định danh điện tử để nộp hồ sơ trên Cổng Dịch vụ công, đặc biệt với các thủ tục về hộ tịch và chứng thực.',
      'Thị trấn cũng khai thác dữ liệu dân cư khi giải quyết hồ sơ, giúp người dân không phải xuất trình lại những giấy tờ đã có trong cơ sở dữ liệu.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem,
    source: { name: 'Báo Ninh Bình', url: 'https://baoninhbinh.org.vn/thi-tran-phat-diem-day-manh-chuyen-doi-so-trong-giai-quyet-thu-tuc-hanh-chinh/d20241025140000000.htm' },
    publishedAt: '2024-10-25 14:00',
    topics: ['Chuyển đổi số', 'Cải cách hành chính', 'Dịch vụ công trực tuyến', 'Chính phủ số'],
    shownOn: [
      [UNIT.kimSon, '2024-10-25 17:00'],
      [UNIT.binhMinh, '2024-10-26 08:00'],
    ],
  },
  // No topics: its related articles are the newest from the same origin.
  {
    title: 'Thị trấn Phát Diệm tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2024',
    summary:
      'Các tổ dân phố tổ chức ngày hội nhân kỷ niệm 94 năm Ngày thành lập Mặt trận Dân tộc Thống nhất Việt Nam (18/11/1930 - 18/11/2024).',
    body: [
      'Hướng tới kỷ niệm 94 năm Ngày thành lập Mặt trận Dân tộc Thống nhất Việt Nam, các tổ dân phố của thị trấn Phát Diệm đồng loạt tổ chức Ngày hội Đại đoàn kết toàn dân tộc.',
      'Ngày hội gồm phần lễ ôn lại truyền thống của Mặt trận, biểu dương các gia đình văn hóa tiêu biểu và phần hội với các hoạt động văn nghệ, thể thao.',
      'Dịp này, các tổ dân phố trao quà cho hộ nghèo, hộ có hoàn cảnh khó khăn trên địa bàn.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem,
    publishedAt: '2024-11-15 10:00',
    topics: [],
  },
  // The map from 2025-07-01: written by the new units, after the old ones ended.
  {
    title: 'Xã Phát Diệm chính thức vận hành chính quyền địa phương hai cấp',
    summary:
      'Từ ngày 1/7/2025, xã Phát Diệm được thành lập trên cơ sở thị trấn Phát Diệm, xã Kim Chính và xã Thượng Kiệm, trực thuộc tỉnh Ninh Bình; trung tâm phục vụ hành chính công của xã tiếp nhận hồ sơ ngay trong ngày đầu.',
    body: [
      'Ngày 1/7/2025, xã Phát Diệm tổ chức lễ công bố nghị quyết thành lập xã và các quyết định về tổ chức bộ máy. Xã mới được sắp xếp từ toàn bộ thị trấn Phát Diệm, xã Kim Chính và xã Thượng Kiệm của huyện Kim Sơn cũ.',
      'Ngay sau lễ công bố, Trung tâm phục vụ hành chính công xã tiếp nhận và trả kết quả hồ sơ cho người dân. Các thủ tục về hộ tịch, chứng thực và đất đai tiếp tục được giải quyết liên thông, không để gián đoạn.',
      'Người dân có thể tra cứu tin bài của thị trấn Phát Diệm, xã Kim Chính và xã Thượng Kiệm trước đây ngay trên cổng thông tin của xã.',
    ],
    kind: 'ANNOUNCEMENT',
    origin: UNIT.phatDiem2025,
    publishedAt: '2025-07-01 10:00',
    topics: ['Cải cách hành chính', 'Thông báo'],
    shownOn: [[UNIT.ninhBinh2025, '2025-07-01 15:00']],
  },
  {
    title: 'Tỉnh Ninh Bình mới rà soát thủ tục hành chính sau sắp xếp đơn vị hành chính',
    summary:
      'UBND tỉnh Ninh Bình yêu cầu các xã, phường công khai lại danh mục thủ tục hành chính và địa chỉ tiếp nhận hồ sơ sau khi hợp nhất ba tỉnh Hà Nam, Nam Định và Ninh Bình.',
    body: [
      'Sau khi tỉnh Ninh Bình được sắp xếp trên cơ sở tỉnh Hà Nam, tỉnh Nam Định và tỉnh Ninh Bình cũ, UBND tỉnh yêu cầu các xã, phường rà soát, công khai danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của cấp xã.',
      'Các địa phương phải niêm yết địa chỉ, số điện thoại đường dây nóng của trung tâm phục vụ hành chính công và bảo đảm người dân nộp hồ sơ trực tuyến được ở bất cứ nơi nào trong tỉnh.',
    ],
    kind: 'NEWS',
    origin: UNIT.ninhBinh2025,
    source: { name: 'Cổng Thông tin điện tử tỉnh Ninh Bình', url: 'https://ninhbinh.gov.vn/ra-soat-thu-tuc-hanh-chinh-sau-sap-xep-don-vi-hanh-chinh.html' },
    publishedAt: '2025-08-12 09:00',
    topics: ['Cải cách hành chính', 'Dịch vụ công trực tuyến'],
    shownOn: [[UNIT.phatDiem2025, '2025-08-12 14:00']],
  },
  {
    title: 'Xã Phát Diệm hướng dẫn người dân cập nhật địa chỉ sau sắp xếp',
    summary:
      'Công an xã và bộ phận một cửa hướng dẫn người dân cập nhật địa chỉ mới trên ứng dụng định danh điện tử; giấy tờ đã cấp theo địa chỉ cũ vẫn có giá trị sử dụng.',
    body: [
      'Sau sắp xếp, địa chỉ của người dân thị trấn Phát Diệm, xã Kim Chính và xã Thượng Kiệm cũ được ghi theo xã Phát Diệm, tỉnh Ninh Bình. Công an xã phối hợp với bộ phận một cửa hướng dẫn người dân cập nhật thông tin trên ứng dụng định danh điện tử.',
      'Các giấy tờ đã cấp theo địa chỉ cũ vẫn có giá trị sử dụng; người dân không bắt buộc phải làm thủ tục đổi giấy tờ chỉ vì thay đổi địa giới hành chính.',
    ],
    kind: 'NEWS',
    origin: UNIT.phatDiem2025,
    publishedAt: '2026-03-10 08:30',
    topics: ['Chuyển đổi số', 'Dịch vụ công trực tuyến'],
  },
];

/** 'YYYY-MM-DD HH:mm' in Vietnam time (UTC+7, no daylight saving) → the UTC DATETIME the columns hold. */
function utc(vietnamTime: string): string {
  return new Date(`${vietnamTime.replace(' ', 'T')}:00+07:00`).toISOString().slice(0, 19).replace('T', ' ');
}

/** Loads the demo sources, topics and articles with their publications and SUBTREE feed rows. */
export async function seedDemoContent(db: EntityManager): Promise<{ articles: number }> {
  await db.query('INSERT INTO sources (name, url, created_at) VALUES ?', [SOURCES.map((s) => [s.name, s.url, utc(SOURCES_ADDED)])]);
  await growDataBounds(db, { sources: SOURCES.length });
  await db.query('INSERT INTO topics (name, slug) VALUES ?', [TOPICS.map((t) => [t, slugify(t)])]);
  const sourceRows: { id: number; name: string }[] = await db.query('SELECT id, name FROM sources WHERE name IN (?)', [SOURCES.map((s) => s.name)]);
  const topicRows: { id: number; slug: string }[] = await db.query('SELECT id, slug FROM topics WHERE slug IN (?)', [TOPICS.map(slugify)]);
  const sourceId = new Map(sourceRows.map((r) => [r.name, r.id]));
  const topicId = new Map(topicRows.map((r) => [r.slug, r.id]));

  const taken = new Set<string>();
  const slugs = ARTICLES.map(({ title }) => {
    let slug = slugify(title);
    for (let n = 2; taken.has(slug); n++) slug = `${slugify(title)}-${n}`;
    taken.add(slug);
    return slug;
  });
  await db.query(
    'INSERT INTO articles (slug, title, summary, body, kind, origin_id, source_id, source_url, published_at, created_at, updated_at, views) VALUES ?',
    [
      ARTICLES.map((a, i) => {
        const at = utc(a.publishedAt);
        const body = a.body.map((p) => `<p>${p}</p>`).join('\n');
        return [slugs[i], a.title, a.summary, body, a.kind, a.origin, a.source ? sourceId.get(a.source.name) : null, a.source?.url ?? null, at, at, at, 0];
      }),
    ],
  );
  await countNewArticles(db, ARTICLES.map((a) => (a.source ? sourceId.get(a.source.name)! : null)));
  const articleRows: { id: number; slug: string }[] = await db.query('SELECT id, slug FROM articles WHERE slug IN (?)', [slugs]);
  const articleId = new Map(articleRows.map((r) => [r.slug, r.id]));
  const ids = slugs.map((slug) => articleId.get(slug)!);

  await insertTopicFilings(
    db,
    ARTICLES.flatMap((a, i) => a.topics.map((t) => topicFiling(ids[i], topicId.get(slugify(t))!, utc(a.publishedAt)))),
  );
  await insertPublications(
    db,
    ARTICLES.flatMap((a, i) => {
      const at = utc(a.publishedAt);
      return [originPublication(ids[i], a.origin, at), ...(a.shownOn ?? []).map(([unit, since]) => syndicatedPublication(ids[i], unit, utc(since), at))];
    }),
  );
  const documents = ARTICLES.flatMap((a, i) => {
    if ((a.kind === 'LEGAL_DOCUMENT') !== (a.document !== undefined)) throw new Error(`demo article "${a.title}": particulars go with LEGAL_DOCUMENT, and only with it`);
    return a.document ? [{ articleId: ids[i], document: legalDocument(a.document) }] : [];
  });
  await insertLegalDocuments(db, documents);
  await completePublishing(db, ids);
  return { articles: ARTICLES.length };
}
