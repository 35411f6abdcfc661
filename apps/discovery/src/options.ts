import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration, durationToMillis } from '@minipilot/config';

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
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
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
    .addOption(new Option('--mesh <file>', "MeshConfig YAML (istiod's mesh ConfigMap format); defaults are istiod's").env('MINIPILOT_MESH_CONFIG'))
    .addOption(new Option('--log-level <level>', 'log level: debug, info, warn, error').env('LOG_LEVEL').default('info').choices(['debug', 'info', 'warn', 'error']))
    .addOption(new Option('--debounce-after <duration>', 'quiet time before a config change is pushed').env('PILOT_DEBOUNCE_AFTER').default('100ms'))
    .addOption(new Option('--debounce-max <duration>', 'longest a change waits under continuous updates').env('PILOT_DEBOUNCE_MAX').default('10s'))
    .action(async (opts: Record<string, string>) => {
      await run({
        source: selectSource({
          source: opts['source'] as SourceChoice,
          ...(opts['configDir'] ? { configDir: opts['configDir'] } : {}),
          ...(opts['kubeconfig'] ? { kubeconfig: opts['kubeconfig'] } : {}),
          ...(opts['watchNamespace'] ? { watchNamespace: opts['watchNamespace'] } : {}),
        }),
        grpcAddr: opts['grpcAddr']!,
        monitoringAddr: opts['monitoringAddr']!,
        secureGrpcAddr: opts['secureGrpcAddr'] ?? '',
        httpsAddr: opts['httpsAddr'] ?? '',
        caDir: path.resolve(opts['caDir']!),
        ...(opts['labTokenFile'] ? { labTokenFile: path.resolve(opts['labTokenFile']) } : {}),
        istiodNamespace: opts['istiodNamespace']!,
        ...(opts['mesh'] ? { mesh: path.resolve(opts['mesh']) } : {}),
        logLevel: opts['logLevel']!,
        debounceAfterMs: durationOption(opts['debounceAfter']!, '--debounce-after'),
        debounceMaxMs: durationOption(opts['debounceMax']!, '--debounce-max'),
      });
    });
}
