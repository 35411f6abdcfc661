import * as fs from 'node:fs';
import * as path from 'node:path';

/** What `--version` and `/version` report. */
export interface VersionInfo {
  /** The discovery app's version (its package.json). */
  readonly version: string;
  /** The Node.js version running it. */
  readonly node: string;
  /** The grpc-js version serving xDS. */
  readonly grpcJs: string;
}

function packageVersion(file: string): string {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads the versions from the installed package.json files (dist/ sits beside package.json). */
export function versionInfo(): VersionInfo {
  return {
    version: packageVersion(path.resolve(__dirname, '..', 'package.json')),
    node: process.version,
    grpcJs: packageVersion(require.resolve('@grpc/grpc-js/package.json')),
  };
}

/** One line for `--version`: `minipilot-discovery 0.1.0 (node v20.20.2, grpc-js 1.14.7)`. */
export function versionLine(v: VersionInfo = versionInfo()): string {
  return `minipilot-discovery ${v.version} (node ${v.node}, grpc-js ${v.grpcJs})`;
}
