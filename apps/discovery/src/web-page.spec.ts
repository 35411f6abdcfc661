import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TypeUrl } from '@minipilot/envoy-api';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import { createFileSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';

// The web page at / on the monitoring port, in headless Chromium (Debian's chromium package, driven by
// playwright-core), against the real server on a copy of the lab with a real proxy connected: it shows
// the proxy and its sync state, follows a VirtualService edit live, shows a broken file, and renders.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`\n!!! WEB PAGE TEST SKIPPED: ${CHROMIUM} not found. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; the page was NOT tested in a browser.\n`);
}
const browserIt = haveChromium ? it : it.skip;
const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const REVIEWS = (subset: string): string => `outbound|9080|${subset}|reviews.default.svc.cluster.local`;
const WAIT = { timeout: 20_000 };

let dir: string;
let server: DiscoveryServer;
let client: AdsClient;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!haveChromium) return;
  const app = path.resolve(__dirname, '../dist/web/app.js');
  if (!fs.existsSync(app)) throw new Error(`${app} is missing: build first (npx nx run @minipilot/discovery:build)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-web-'));
  fs.cpSync(EMBEDDED_LAB_DIR, dir, { recursive: true });
  const logger = createLogger('warn');
  server = await startDiscoveryServer({
    source: createFileSource({ dir, debounceMs: 20, maxDelayMs: 200, logger }), sourceName: dir, grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger,
  });
  client = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: PRODUCTPAGE, metadata: { NAMESPACE: 'default' } } });
  await client.requestResponseAck(TypeUrl.Cluster, ['*']);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`http://127.0.0.1:${server.monitoringPort}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  client?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the web page of the mesh', () => {
  browserIt('shows the connected proxy with its sync state per type, and its routing', async () => {
    const row = page.locator(`tr.proxy[data-proxy="${PRODUCTPAGE}"]`);
    await row.waitFor(WAIT);
    await page.locator(`tr.proxy[data-proxy="${PRODUCTPAGE}"] td.SYNCED`).first().waitFor(WAIT); // CDS was ACKed
    expect(await row.locator('td').nth(0).textContent()).toBe('productpage-v1-0.default');
    expect(await page.locator('[data-testid="selected"]').textContent()).toBe(PRODUCTPAGE);
    await page.locator(`li.cluster[data-cluster="${REVIEWS('v1')}"][data-weight="100"]`).first().waitFor(WAIT);
  }, 60_000);

  browserIt('follows a VirtualService edit live: the weights change on the page', async () => {
    fs.writeFileSync(path.join(dir, 'virtual-services.yaml'), fs.readFileSync(path.join(dir, 'virtual-services.yaml'), 'utf8').replace(
      '  name: reviews\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n',
      '  name: reviews\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n      weight: 80\n    - destination:\n        host: reviews\n        subset: v2\n      weight: 20\n'));
    await page.locator(`li.cluster[data-cluster="${REVIEWS('v2')}"][data-weight="20"]`).first().waitFor(WAIT);
    expect(await page.locator(`li.cluster[data-cluster="${REVIEWS('v1')}"][data-weight="80"]`).count()).toBeGreaterThan(0);
  }, 60_000);

  browserIt('shows a broken file\'s problem (also in /debug/configz and /debug/push_status)', async () => {
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: half\n');
    const problem = page.locator('[data-testid="problems"] li.error', { hasText: 'broken.yaml' });
    await problem.waitFor(WAIT);
    expect(await problem.textContent()).toMatch(/broken\.yaml:1: YAML syntax error/);
    const status = await (await fetch(`http://127.0.0.1:${server.monitoringPort}/debug/push_status`)).json() as { configErrors: string[] };
    expect(status.configErrors).toEqual([expect.stringMatching(/broken\.yaml:1: YAML syntax error/)]);
  }, 60_000);

  browserIt('renders: a full-page screenshot', async () => {
    const file = path.join(dir, 'page.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(20_000);
    if (process.env['MINIPILOT_SCREENSHOT']) fs.copyFileSync(file, process.env['MINIPILOT_SCREENSHOT']);
  }, 60_000);
});
