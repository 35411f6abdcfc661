import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryServer } from '../discovery-server.js';
import { createLogger } from '../logger.js';

/** A discovery server on 127.0.0.1 port 0 serving a temporary config directory (see {@link startFileLab}). */
export interface FileLab {
  readonly dir: string;
  readonly server: DiscoveryServer;
  /** Writes (or replaces) one YAML file of the directory; the file source picks it up. */
  write(file: string, yaml: string): void;
  /** Stops the server and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts the real discovery server (xDS and monitoring on 127.0.0.1, port 0) on a new temporary
 * directory holding `files` (name -> YAML), watched with a short debounce, for e2e specs.
 */
export async function startFileLab(prefix: string, files: Readonly<Record<string, string>>): Promise<FileLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `minipilot-${prefix}-`));
  const write = (file: string, yaml: string): void => fs.writeFileSync(path.join(dir, file), yaml);
  for (const [file, yaml] of Object.entries(files)) write(file, yaml);
  const server = await startDiscoveryServer({
    source: createFileSource({ dir, debounceMs: 50, maxDelayMs: 1000 }), sourceName: dir, grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0',
    logger: createLogger('warn'),
  });
  return {
    dir, server, write,
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
