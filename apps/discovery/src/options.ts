import * as path from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration, durationToMillis } from '@minipilot/config';

/** The embedded lab config served when no `--config-dir` is given (bookinfo-like, no cluster needed). */
export const EMBEDDED_LAB_DIR = path.resolve(__dirname, '..', 'lab');

/** Parsed command-line settings. */
export interface CliOptions {
  readonly configDir: string;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  readonly mesh?: string;
  readonly logLevel: string;
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
}

function durationOption(value: string, flag: string): number {
  const d = parseDuration(value);
  if (!d) throw new Error(`${flag}: invalid duration ${JSON.stringify(value)} (examples: 100ms, 10s, 1m)`);
  return durationToMillis(d);
}

/** The `minipilot-discovery` command: flags, their env vars and defaults (shown by --help). */
export function createDiscoveryCommand(run: (o: CliOptions) => Promise<void>): Command {
  return new Command('minipilot-discovery')
    .description('minipilot discovery server (pilot-discovery equivalent): Istio config in, Envoy xDS (ADS, SotW and delta) out.')
    .addOption(new Option('--config-dir <dir>', 'directory of Istio/Kubernetes YAML to serve (recursive, watched). Default: the embedded bookinfo lab config').env('MINIPILOT_CONFIG_DIR').default(EMBEDDED_LAB_DIR, 'embedded lab'))
    .addOption(new Option('--grpc-addr <addr>', 'address of the plaintext gRPC xDS server (istiod --grpcAddr)').env('MINIPILOT_GRPC_ADDR').default(':15010'))
    .addOption(new Option('--monitoring-addr <addr>', 'address of /ready, /metrics and /debug/* (istiod --monitoringAddr)').env('MINIPILOT_MONITORING_ADDR').default(':15014'))
    .addOption(new Option('--mesh <file>', "MeshConfig YAML (istiod's mesh ConfigMap format); defaults are istiod's").env('MINIPILOT_MESH_CONFIG'))
    .addOption(new Option('--log-level <level>', 'log level: debug, info, warn, error').env('LOG_LEVEL').default('info').choices(['debug', 'info', 'warn', 'error']))
    .addOption(new Option('--debounce-after <duration>', 'quiet time before a config change is pushed').env('PILOT_DEBOUNCE_AFTER').default('100ms'))
    .addOption(new Option('--debounce-max <duration>', 'longest a change waits under continuous updates').env('PILOT_DEBOUNCE_MAX').default('10s'))
    .action(async (opts: Record<string, string>) => {
      await run({
        configDir: path.resolve(opts['configDir']!),
        grpcAddr: opts['grpcAddr']!,
        monitoringAddr: opts['monitoringAddr']!,
        ...(opts['mesh'] ? { mesh: path.resolve(opts['mesh']) } : {}),
        logLevel: opts['logLevel']!,
        debounceAfterMs: durationOption(opts['debounceAfter']!, '--debounce-after'),
        debounceMaxMs: durationOption(opts['debounceMax']!, '--debounce-max'),
      });
    });
}
