import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Handler } from './monitoring-server.js';
import type { PushHistory } from './push-history.js';

/** Where the build puts the bundled page: the package's dist/web (this file runs from dist/http, or src/http under jest). */
export const WEB_DIR = path.resolve(__dirname, '..', '..', 'dist', 'web');

/** The web page endpoints and what `/debug/list` says about them. */
export const WEB_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/': 'the web page of the mesh: proxies and their sync state, config and its problems, a proxy\'s routing and recent pushes (live)',
  '/debug/pushz': 'recent pushes, ACKs and NACKs of a connected proxy (?proxyID=<node id>)',
};

function staticFile(file: string, contentType: string): Handler {
  return () => {
    try {
      return { status: 200, body: fs.readFileSync(path.join(WEB_DIR, file), 'utf8'), contentType };
    } catch {
      return { status: 404, body: { error: `${file} is not built: run the discovery build (npx nx run @minipilot/discovery:build)` } };
    }
  };
}

/** `/` (the page), `/web/app.js` (its bundle, built with esbuild from web/src) and `/debug/pushz`. */
export function webRoutes(history: PushHistory | undefined): Map<string, Handler> {
  return new Map<string, Handler>([
    ['/', staticFile('index.html', 'text/html; charset=utf-8')],
    ['/web/app.js', staticFile('app.js', 'text/javascript; charset=utf-8')],
    ['/debug/pushz', (url) => {
      const id = url.searchParams.get('proxyID');
      if (!id) return { status: 400, body: { error: 'proxyID is required (a node id from /debug/syncz)' } };
      return history?.forProxy(id) ?? [];
    }],
  ]);
}
