import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createPortal } from '../examples/portal/portal';
import { seedIfEmpty } from '../seeds';
import { seedVisits } from '../seeds/visits';
import { vietnamDay } from '../src/common/vietnamDay';
import { openDatabase } from '../src/db/database';
import { createServer } from '../src/server';
import { launchChromium } from './chromium';

/**
 * `npm run portal:screenshots`: the README's pictures of the reference portal, taken on the demo data
 * with Debian's chromium. Makes a throwaway database on DATABASE_URL's server (default the local
 * root), serves a gateway and the portal on free ports, saves docs/screenshots/portal-home.png
 * (Xã Phát Diệm's home), portal-article.png (the seed page's article) and portal-phone.png (that
 * article on a phone), and drops the database.
 */

const SEED_ARTICLE_SLUG = 'hoi-nghi-truc-tuyen-toan-quoc-trien-khai-nhiem-vu-cai-cach-hanh-chinh-nhung-thang-cuoi-nam-2023';
const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');

async function main(): Promise<void> {
  const server = new URL(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/lienthong');
  server.pathname = `/lt_portal_screenshots_${randomBytes(4).toString('hex')}`;
  const databaseUrl = server.toString();
  const dataSource = await openDatabase(databaseUrl, 4);
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await seedIfEmpty(dataSource, (line) => console.error(line));
    // A year of visits up to yesterday, so that "Thống kê truy cập" looks like a portal's that has run a while.
    await seedVisits(dataSource, { days: 365, end: vietnamDay(Date.now() - 24 * 3600 * 1000) });

    // The gateway is created before the portal's port is known: any origin may call this throwaway one.
    const gateway = await createServer({ config: { production: false, corsOrigins: ['*'] }, dataSource });
    closers.unshift(() => gateway.close());
    const gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
    const portal = await createPortal({ gatewayUrl });
    closers.unshift(() => portal.close());
    const portalUrl = await portal.listen({ port: 0, host: '127.0.0.1' });

    const browser = await launchChromium('the portal screenshots');
    closers.unshift(() => browser.close());
    mkdirSync(OUT, { recursive: true });
    /** A page, and the element to take alone (else the viewport, or the full page). */
    const shots: { path: string; file: string; width: number; height: number; fullPage: boolean; element?: string }[] = [
      { path: '/14620', file: 'portal-home.png', width: 1280, height: 900, fullPage: true },
      { path: `/14620/bai-viet/${SEED_ARTICLE_SLUG}`, file: 'portal-article.png', width: 1280, height: 900, fullPage: true },
      // What a reader sees first on a phone.
      { path: `/14620/bai-viet/${SEED_ARTICLE_SLUG}`, file: 'portal-phone.png', width: 390, height: 844, fullPage: false },
      // The "Văn bản mới" block alone: number, type, issuer and day of each legal document.
      { path: '/14620', file: 'portal-documents.png', width: 1280, height: 900, fullPage: false, element: '.documents' },
    ];
    for (const { path, file, width, height, fullPage, element } of shots) {
      const page = await browser.newPage({ viewport: { width, height } });
      const response = await page.goto(`${portalUrl}${path}`, { waitUntil: 'networkidle' });
      if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
      if (element) await page.locator(element).screenshot({ path: join(OUT, file) });
      else await page.screenshot({ path: join(OUT, file), fullPage });
      await page.close();
      console.error(`saved docs/screenshots/${file}`);
    }
  } finally {
    for (const close of closers) await close();
    await dataSource.destroy();
    const connection = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
    await connection.query(`DROP DATABASE IF EXISTS \`${server.pathname.slice(1)}\``);
    await connection.end();
  }
}

main().catch((error: Error) => {
  console.error(`portal:screenshots: ${error.message}`);
  process.exit(1);
});
