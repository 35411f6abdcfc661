import { LOG_LEVELS, setLogLevel, type AppLogger, type LogLevel } from '../logger.js';
import { versionInfo } from '../version.js';
import type { Handler } from './monitoring-server.js';

/** The operator endpoints and what `/debug/list` says about them. */
export const OPERATOR_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/debug': 'this index as an HTML page with links',
  '/version': 'the server version, Node.js and grpc-js versions',
  '/debug/loglevel': 'the log level; ?level=debug|info|warn|error changes it at run time for every subsystem (istiod ControlZ)',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The `/debug` index page: every endpoint with its description, as links. */
export function debugIndexHtml(descriptions: Readonly<Record<string, string>>): string {
  const rows = Object.entries(descriptions).sort(([a], [b]) => a.localeCompare(b))
    .map(([p, d]) => `<tr><td><a href="${escapeHtml(p)}">${escapeHtml(p)}</a></td><td>${escapeHtml(d)}</td></tr>`).join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>minipilot debug</title></head>\n<body><h1>minipilot debug endpoints</h1>\n<table>\n${rows}\n</table></body></html>\n`;
}

/**
 * `/debug` (an HTML index of `descriptions`), `/version`, and `/debug/loglevel`, which shows the
 * level and, given `?level=`, changes it for the root logger and all its children.
 */
export function operatorRoutes(logger: AppLogger | undefined, descriptions: Readonly<Record<string, string>>): Map<string, Handler> {
  return new Map<string, Handler>([
    ['/debug', () => ({ status: 200, body: debugIndexHtml(descriptions), contentType: 'text/html; charset=utf-8' })],
    ['/version', () => versionInfo()],
    ['/debug/loglevel', (url) => {
      if (!logger) return { status: 404, body: { error: 'this server has no adjustable logger' } };
      const wanted = url.searchParams.get('level');
      if (wanted === null) return { level: logger.level };
      if (!(LOG_LEVELS as readonly string[]).includes(wanted)) return { status: 400, body: { error: `level ${JSON.stringify(wanted)}: expected one of ${LOG_LEVELS.join(', ')}` } };
      const previous = setLogLevel(logger, wanted as LogLevel);
      logger.warn({ scope: 'debug', level: wanted, previous }, `log level changed from ${previous} to ${wanted}`);
      return { level: wanted, previous };
    }],
  ]);
}
