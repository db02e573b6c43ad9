import { FastifyInstance } from 'fastify';
import { GRAPHIQL_PATH } from './graphiql';

/** What GET / says: what this endpoint is and where to try it, in Vietnamese and English. */
function landingPage(production: boolean): string {
  const sandbox = production
    ? `<li>Apollo Sandbox: tắt trong môi trường production. / Turned off in production.</li>`
    : `<li><a href="/graphql">Apollo Sandbox</a> (cần Internet: tải từ CDN của Apollo / needs internet: it loads from Apollo's CDN)</li>`;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Liên Thông · GraphQL</title>
<link rel="icon" href="data:,">
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; } code { background: #f3f3f3; padding: 0 .2em; }</style>
</head>
<body>
<h1>Liên Thông</h1>
<p>Một điểm cuối GraphQL cho cổng thông tin điện tử cấp tỉnh, huyện, xã: đơn vị hành chính, bài viết, nguồn tin, lượt truy cập.<br>
<span lang="en">One GraphQL endpoint for provincial, district and commune portals: administrative units, articles, sources, visit counters.</span></p>
<p>Điểm cuối / Endpoint: <code>POST /graphql</code> (JSON <code>{"query": …, "variables": …}</code>), hoặc / or <code>GET /graphql?query=…</code>.
Đọc và <code>recordVisit</code> không cần khóa; các mutation khác cần / Reads and <code>recordVisit</code> need no key; other mutations send <code>Authorization: Bearer &lt;key&gt;</code>.</p>
<h2>Thử truy vấn / Try a query</h2>
<ul>
<li><a href="${GRAPHIQL_PATH}">GraphiQL</a> (ngoại tuyến: chạy hoàn toàn từ máy chủ này / offline: served entirely by this gateway, no internet needed)</li>
${sandbox}
</ul>
</body>
</html>
`;
}

/** Serves the landing page at GET /. */
export function registerLandingPage(app: FastifyInstance, { production }: { production: boolean }): void {
  const html = landingPage(production);
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html));
}
