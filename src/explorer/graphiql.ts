import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { EXAMPLE_QUERY } from '../exampleQuery';

/** Where the offline explorer is served. */
export const GRAPHIQL_PATH = '/graphiql';

/** One file a browser needs, read from its npm package and served from memory. */
interface Asset {
  /** e.g. /graphiql/assets/react@18.3.1/react.production.min.js: the version in the path lets browsers keep it forever. */
  url: string;
  contentType: string;
  body: Buffer;
}

/**
 * The prebuilt browser files (UMD) that GraphiQL 3 and React 18 ship in their packages: no bundler,
 * no CDN. GraphiQL 4 deprecated this build and 5 dropped it, which is why graphiql stays at 3.x.
 * GraphiQL's stylesheet carries its fonts inline (data: URLs), so nothing else is fetched.
 */
const ASSET_FILES = [
  { pkg: 'react', file: 'umd/react.production.min.js' },
  { pkg: 'react-dom', file: 'umd/react-dom.production.min.js' },
  { pkg: 'graphiql', file: 'graphiql.min.js' },
  { pkg: 'graphiql', file: 'graphiql.min.css' },
] as const;

function readAsset({ pkg, file }: (typeof ASSET_FILES)[number]): Asset {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return {
    url: `${GRAPHIQL_PATH}/assets/${pkg}@${version}/${file.split('/').pop()}`,
    contentType: file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    body: readFileSync(join(dirname(manifest), file)),
  };
}

/** A string as a JavaScript literal that cannot end the <script> element it sits in. */
function scriptLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The page: GraphiQL opening with the portal example Sandbox opens with, querying this gateway's
 * /graphql. Headers typed in GraphiQL (an API key) are not kept in the browser's storage (GraphiQL's
 * default); the query tabs are, so an edited query survives a reload.
 */
function graphiqlPage(assets: readonly Asset[]) {
  const scripts = assets.filter((asset) => asset.contentType.startsWith('text/javascript'));
  const styles = assets.filter((asset) => asset.contentType.startsWith('text/css'));
  const start = `
const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).href });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: ${scriptLiteral(EXAMPLE_QUERY)}, defaultEditorToolsVisibility: false }),
);
`;
  const html = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Liên Thông · GraphiQL</title>
<link rel="icon" href="data:,">
${styles.map((style) => `<link rel="stylesheet" href="${style.url}">`).join('\n')}
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Đang tải GraphiQL… / Loading GraphiQL…</div>
${scripts.map((script) => `<script src="${script.url}"></script>`).join('\n')}
<script>${start}</script>
</body>
</html>
`;
  // The browser itself refuses anything but this gateway: no script, style, font or request elsewhere.
  const startHash = createHash('sha256').update(start).digest('base64');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${startHash}'`,
    // React and CodeMirror set style attributes; the stylesheet's fonts and icons are data: URLs.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

let assets: readonly Asset[] | undefined;

/** Serves GraphiQL at /graphiql with its files beside it. */
export function registerGraphiQL(app: FastifyInstance): void {
  // Read once per process (1.4 MB), and at startup: a missing package fails here, not in a browser.
  assets ??= ASSET_FILES.map(readAsset);
  const page = graphiqlPage(assets);
  for (const asset of assets) {
    app.get(asset.url, (_request, reply) =>
      reply.type(asset.contentType).header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').send(asset.body),
    );
  }
  app.get(GRAPHIQL_PATH, (_request, reply) =>
    // no-cache: after an upgrade the page names the new files at once.
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', page.contentSecurityPolicy).send(page.html),
  );
}
