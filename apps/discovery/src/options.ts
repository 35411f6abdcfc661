import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration, durationToMillis } from '@minipilot/config';
import { checkListenAddress } from './listen-address.js';
import { versionLine } from './version.js';
import type { LogFormat } from './logger.js';

/** The embedded lab config served when no `--config-dir` is given (bookinfo-like, no cluster needed). */
export const EMBEDDED_LAB_DIR = path.resolve(__dirname, '..', 'lab');

/** Where the CA keeps its root and key without a cluster (`--ca-dir`), so the root survives restarts. */
export const DEFAULT_CA_DIR = path.join(os.homedir(), '.minipilot', 'ca');

/** Which config source `--source` asks for; `auto` decides from the other flags and the environment. */
export type SourceChoice = 'file' | 'kubernetes' | 'auto';

/** The config source to run: a YAML directory, or a Kubernetes API server. */
export type SourceSelection =
  | { readonly type: 'file'; readonly dir: string; readonly embedded: boolean }
  | { readonly type: 'kubernetes'; readonly kubeconfig: string | 'in-cluster'; readonly watchNamespace?: string };

/** The source-related flags, as given. */
export interface SourceFlags {
  readonly source: SourceChoice;
  readonly configDir?: string;
  readonly kubeconfig?: string;
  readonly watchNamespace?: string;
}

/** Parsed command-line settings. */
export interface CliOptions {
  readonly source: SourceSelection;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  /** istiod --secureGRPCAddr (xDS + CA over TLS); empty turns it off. */
  readonly secureGrpcAddr: string;
  /** istiod --httpsAddr: /inject and /validate over TLS; empty turns them off. */
  readonly httpsAddr: string;
  /** File mode: the CA directory (ca-cert.pem, ca-key.pem, root-cert.pem; optional cert-chain.pem). */
  readonly caDir: string;
  /** File mode: the one bearer token accepted on the secure port (lab token mode); off when absent. */
  readonly labTokenFile?: string;
  /** istiod's namespace (POD_NAMESPACE): istio-ca-secret and the serving certificate's names. */
  readonly istiodNamespace: string;
  readonly mesh?: string;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
  readonly limits: { pushThrottle: number; maxStreams: number; maxHeapFraction: number; stuckStreamTimeoutMs: number };
  /** `--debug-addr`: a separate listener for /debug/* (and the web page); unset: on the monitoring port. */
  readonly debugAddr?: string;
  /** `--debug-token`: bearer token required on /debug/* and /. */
  readonly debugToken?: string;
  readonly drainDurationMs: number;
  readonly grpc: GrpcFlags;
}

/** The gRPC server limits given by flags (see the README's limits table). */
export interface GrpcFlags {
  readonly maxRecvMsgSize: number;
  readonly maxStreamsPerConnection: number;
  readonly maxRequestsPerSecond: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveTimeoutMs: number;
  /** Shortest interval between a client's pings before they count as strikes; 0 disables enforcement. */
  readonly keepaliveMinTimeMs: number;
  readonly maxConnectionAgeMs: number;
}

function countOption(value: string, flag: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new Error(`${flag}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function numberOption(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${flag}: expected a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function durationOption(value: string, flag: string): number {
  const d = parseDuration(value);
  if (!d) throw new Error(`${flag}: invalid duration ${JSON.stringify(value)} (examples: 100ms, 10s, 1m)`);
  return durationToMillis(d);
}

/**
 * Decides the config source. `file`: `--config-dir`, else the embedded lab. `kubernetes`:
 * `--kubeconfig` (or KUBECONFIG; of a list of files the first is used), else the pod's service account
 * when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config. `auto`: `file` when `--config-dir` is
 * given, `kubernetes` when a kubeconfig is given or the process runs in a pod, else the embedded lab.
 * Throws when the flags contradict each other or no cluster can be found.
 */
export function selectSource(flags: SourceFlags, env: NodeJS.ProcessEnv = process.env): SourceSelection {
  const kubeconfig = flags.kubeconfig?.split(path.delimiter).find((p) => p !== '');
  const inPod = Boolean(env['KUBERNETES_SERVICE_HOST']);
  const file = (): SourceSelection => (flags.configDir ? { type: 'file', dir: path.resolve(flags.configDir), embedded: false } : { type: 'file', dir: EMBEDDED_LAB_DIR, embedded: true });
  const kube = (config: string | 'in-cluster'): SourceSelection => ({
    type: 'kubernetes', kubeconfig: config === 'in-cluster' ? config : path.resolve(config), ...(flags.watchNamespace ? { watchNamespace: flags.watchNamespace } : {}),
  });
  if (flags.source === 'file') return file();
  if (flags.source === 'kubernetes') {
    if (flags.configDir) throw new Error('--config-dir cannot be combined with --source kubernetes');
    if (kubeconfig) return kube(kubeconfig);
    if (inPod) return kube('in-cluster');
    const home = path.join(env['HOME'] ?? os.homedir(), '.kube', 'config');
    if (fs.existsSync(home)) return kube(home);
    throw new Error('--source kubernetes: no --kubeconfig, KUBECONFIG or ~/.kube/config, and not running in a pod');
  }
  if (flags.configDir) return file();
  if (kubeconfig) return kube(kubeconfig);
  if (inPod) return kube('in-cluster');
  return file();
}

/** The `minipilot-discovery` command: flags, their env vars and defaults (shown by --help). */
export function createDiscoveryCommand(run: (o: CliOptions) => Promise<void>): Command {
  return new Command('minipilot-discovery')
    .description('minipilot discovery server (pilot-discovery equivalent): Istio config in, Envoy xDS (ADS, SotW and delta) out.')
    .version(versionLine(), '--version', 'print the version and exit')
    .addOption(new Option('--source <source>', 'where config comes from: file (--config-dir, else the embedded lab), kubernetes (watch an API server), or auto: file if --config-dir is given, kubernetes if a kubeconfig is given or running in a pod (KUBERNETES_SERVICE_HOST), else the embedded lab').env('MINIPILOT_SOURCE').choices(['file', 'kubernetes', 'auto']).default('auto'))
    .addOption(new Option('--config-dir <dir>', 'directory of Istio/Kubernetes YAML to serve (recursive, watched). Default: the embedded bookinfo lab config').env('MINIPILOT_CONFIG_DIR'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig of the cluster to watch (its current context); in a pod the service account is used without it').env('KUBECONFIG'))
    .addOption(new Option('--watch-namespace <namespace>', 'watch only this namespace (default: all namespaces)').env('MINIPILOT_WATCH_NAMESPACE'))
    .addOption(new Option('--grpc-addr <addr>', 'address of the plaintext gRPC xDS server (istiod --grpcAddr)').env('MINIPILOT_GRPC_ADDR').default(':15010'))
    .addOption(new Option('--monitoring-addr <addr>', 'address of /ready, /metrics and /debug/* (istiod --monitoringAddr)').env('MINIPILOT_MONITORING_ADDR').default(':15014'))
    .addOption(new Option('--secure-grpc-addr <addr>', 'address of gRPC over TLS serving xDS and the CA (istiod --secureGRPCAddr); empty string: off').env('MINIPILOT_SECURE_GRPC_ADDR').default(':15012'))
    .addOption(new Option('--https-addr <addr>', 'address of the HTTPS webhooks /inject and /validate (istiod --httpsAddr; needs the secure port); empty string: off').env('MINIPILOT_HTTPS_ADDR').default(':15017'))
    .addOption(new Option('--ca-dir <dir>', 'without a cluster: directory of the CA root and key (ca-cert.pem, ca-key.pem; generated on first start; a plugged-in CA adds cert-chain.pem and root-cert.pem)').env('MINIPILOT_CA_DIR').default(DEFAULT_CA_DIR))
    .addOption(new Option('--lab-token-file <file>', 'without a cluster: accept the bearer token in this file on the secure port (lab token mode; off by default)').env('MINIPILOT_LAB_TOKEN_FILE'))
    .addOption(new Option('--istiod-namespace <namespace>', "minipilot's own namespace: istio-ca-secret lives there and the serving certificate names istiod.<namespace>.svc").env('POD_NAMESPACE').default('istio-system'))
    .addOption(new Option('--debug-addr <addr>', 'move /debug/* (and the web page) to their own listener, e.g. 127.0.0.1:8080 (as istiod keeps its debug on 8080); /ready and /metrics stay on --monitoring-addr. Default: everything on --monitoring-addr').env('MINIPILOT_DEBUG_ADDR'))
    .addOption(new Option('--debug-token <token>', 'require "Authorization: Bearer <token>" on /debug/* and / (wherever they are served)').env('MINIPILOT_DEBUG_TOKEN'))
    .addOption(new Option('--drain-duration <duration>', "on SIGTERM/SIGINT: how long clients get to go before what is left is closed by force (istiod's --shutdownDuration)").env('MINIPILOT_DRAIN_DURATION').default('10s'))
    .addOption(new Option('--grpc-max-recv-msg-size <bytes>', 'largest xDS request accepted; larger ones end the stream with RESOURCE_EXHAUSTED').env('ISTIO_GPRC_MAXRECVMSGSIZE').default('4194304'))
    .addOption(new Option('--grpc-max-streams <n>', 'most concurrent streams on one HTTP/2 connection (advertised as SETTINGS_MAX_CONCURRENT_STREAMS; clients queue the rest)').env('ISTIO_GPRC_MAXSTREAMS').default('100000'))
    .addOption(new Option('--max-requests-per-second <n>', 'new ADS streams admitted per second (1 s of burst; a stream waits up to 1 s, then RESOURCE_EXHAUSTED); 0 = unlimited').env('PILOT_MAX_REQUESTS_PER_SECOND').default('1000'))
    .addOption(new Option('--keepalive-interval <duration>', 'ping an idle gRPC connection after this long; 0 disables').env('GRPC_KEEPALIVE_INTERVAL').default('30s'))
    .addOption(new Option('--keepalive-timeout <duration>', 'close a gRPC connection whose ping goes unanswered this long').env('GRPC_KEEPALIVE_TIMEOUT').default('10s'))
    .addOption(new Option('--keepalive-min-time <duration>', "close a gRPC connection (GOAWAY too_many_pings) whose client pings more often than this, after 2 strikes, as grpc-go enforces for istiod; 0 disables. Default: half of --keepalive-interval (istiod's MinTime)").env('MINIPILOT_KEEPALIVE_MIN_TIME'))
    .addOption(new Option('--max-connection-age <duration>', 'ask gRPC connections older than this to reconnect (GOAWAY, 10 s grace) so clients rebalance; 0 = never').env('MINIPILOT_MAX_CONNECTION_AGE').default('0s'))
    .addOption(new Option('--mesh <file>', "MeshConfig YAML (istiod's mesh ConfigMap format); defaults are istiod's").env('MINIPILOT_MESH_CONFIG'))
    .addOption(new Option('--log-level <level>', 'log level: debug, info, warn, error (changeable at run time: /debug/loglevel?level=debug)').env('LOG_LEVEL').default('info').choices(['debug', 'info', 'warn', 'error']))
    .addOption(new Option('--log-format <format>', 'json: one JSON object per line (as istiod --log_as_json); text: one human-readable line per event').env('MINIPILOT_LOG_FORMAT').default('json').choices(['json', 'text']))
    .addOption(new Option('--debounce-after <duration>', 'quiet time before a config change is pushed').env('PILOT_DEBOUNCE_AFTER').default('100ms'))
    .addOption(new Option('--debounce-max <duration>', 'longest a change waits under continuous updates').env('PILOT_DEBOUNCE_MAX').default('10s'))
    .addOption(new Option('--push-throttle <n>', "proxies handed new config per event-loop turn (istiod's PILOT_PUSH_THROTTLE)").env('PILOT_PUSH_THROTTLE').default('25'))
    .addOption(new Option('--max-streams <n>', 'refuse new xDS streams (UNAVAILABLE) while this many are open; 0: no limit').env('MINIPILOT_MAX_STREAMS').default('10000'))
    .addOption(new Option('--max-heap-fraction <f>', 'refuse new xDS streams while the V8 heap in use is above this fraction of its limit').env('MINIPILOT_MAX_HEAP_FRACTION').default('0.85'))
    .addOption(new Option('--stuck-stream-timeout <duration>', 'close an xDS stream whose client has not read its responses for this long; 0s: never').env('MINIPILOT_STUCK_STREAM_TIMEOUT').default('120s'))
    .action(async (opts: Record<string, string>) => {
      await run({
        source: selectSource({
          source: opts['source'] as SourceChoice,
          ...(opts['configDir'] ? { configDir: opts['configDir'] } : {}),
          ...(opts['kubeconfig'] ? { kubeconfig: opts['kubeconfig'] } : {}),
          ...(opts['watchNamespace'] ? { watchNamespace: opts['watchNamespace'] } : {}),
        }),
        grpcAddr: checkListenAddress(opts['grpcAddr']!, '--grpc-addr'),
        monitoringAddr: checkListenAddress(opts['monitoringAddr']!, '--monitoring-addr'),
        secureGrpcAddr: opts['secureGrpcAddr'] ? checkListenAddress(opts['secureGrpcAddr'], '--secure-grpc-addr') : '',
        httpsAddr: opts['httpsAddr'] ? checkListenAddress(opts['httpsAddr'], '--https-addr') : '',
        caDir: path.resolve(opts['caDir']!),
        ...(opts['labTokenFile'] ? { labTokenFile: path.resolve(opts['labTokenFile']) } : {}),
        istiodNamespace: opts['istiodNamespace']!,
        ...(opts['mesh'] ? { mesh: path.resolve(opts['mesh']) } : {}),
        logLevel: opts['logLevel']!,
        logFormat: opts['logFormat'] as LogFormat,
        debounceAfterMs: durationOption(opts['debounceAfter']!, '--debounce-after'),
        debounceMaxMs: durationOption(opts['debounceMax']!, '--debounce-max'),
        limits: {
          pushThrottle: numberOption(opts['pushThrottle']!, '--push-throttle', 1, 100_000),
          maxStreams: numberOption(opts['maxStreams']!, '--max-streams', 0, 10_000_000),
          maxHeapFraction: numberOption(opts['maxHeapFraction']!, '--max-heap-fraction', 0.05, 1),
          stuckStreamTimeoutMs: opts['stuckStreamTimeout'] === '0s' ? 0 : durationOption(opts['stuckStreamTimeout']!, '--stuck-stream-timeout'),
        },
        ...(opts['debugAddr'] ? { debugAddr: opts['debugAddr'] } : {}),
        ...(opts['debugToken'] ? { debugToken: opts['debugToken'] } : {}),
        drainDurationMs: durationOption(opts['drainDuration']!, '--drain-duration'),
        grpc: {
          maxRecvMsgSize: countOption(opts['grpcMaxRecvMsgSize']!, '--grpc-max-recv-msg-size'),
          maxStreamsPerConnection: countOption(opts['grpcMaxStreams']!, '--grpc-max-streams'),
          maxRequestsPerSecond: countOption(opts['maxRequestsPerSecond']!, '--max-requests-per-second'),
          keepaliveIntervalMs: durationOption(opts['keepaliveInterval']!, '--keepalive-interval'),
          keepaliveTimeoutMs: durationOption(opts['keepaliveTimeout']!, '--keepalive-timeout'),
          keepaliveMinTimeMs: opts['keepaliveMinTime'] !== undefined ? durationOption(opts['keepaliveMinTime'], '--keepalive-min-time') : durationOption(opts['keepaliveInterval']!, '--keepalive-interval') / 2,
          maxConnectionAgeMs: durationOption(opts['maxConnectionAge']!, '--max-connection-age'),
        },
      });
    });
}
