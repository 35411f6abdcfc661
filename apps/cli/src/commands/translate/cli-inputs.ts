import * as fs from 'node:fs';
import { Option, type Command } from 'commander';
import { formatProblem, parseMeshConfig, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { loadConfigFiles } from '@minipilot/config-sources';
import { formatViolation, parseProxy, ProxyIdError, translateWithReport, type EnvoyResources, type Proxy } from '@minipilot/translation';

/** A bad invocation (flag, missing path): the command reports it and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A config file that cannot be read or parsed (without `--keep-going`): the command prints nothing on
 * stdout, since a partial answer would look complete, and exits 1.
 */
export class BrokenConfigError extends Error {
  override readonly name = 'BrokenConfigError';
}

/** The flags `translate` and `simulate` share. */
export interface ProxyConfigFlags {
  readonly file: readonly string[];
  readonly node: string;
  readonly labels?: string;
  readonly nodeMeta?: string;
  readonly mesh?: string;
  /** Go on without a file that cannot be read or parsed (it is still reported); default: exit 1. */
  readonly keepGoing?: boolean;
}

/** What the flags resolve to: the config objects, the proxy and the mesh config. */
export interface CliInputs {
  readonly configs: readonly ConfigObject[];
  readonly proxy: Proxy;
  readonly mesh?: MeshConfig;
}

/** Parses `--labels k=v,k2=v2` into a map; throws UsageError on an entry without `=` or key. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--labels: ${JSON.stringify(entry)} is not key=value (e.g. --labels app=reviews,version=v1)`);
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return labels;
}

/** Parses `--node-meta` (a JSON object of Envoy node metadata); throws UsageError otherwise. */
export function parseNodeMeta(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--node-meta: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--node-meta: must be a JSON object, e.g. {"ISTIO_VERSION":"1.23"}');
  return value as Record<string, unknown>;
}

function readMesh(file: string, report: (line: string) => void): MeshConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--mesh ${file}: cannot read: ${(e as Error).message}`);
  }
  const r = parseMeshConfig(text, file);
  const errors = r.problems.filter((p) => p.severity === 'error');
  r.problems.filter((p) => p.severity !== 'error').forEach((p) => report(formatProblem(p)));
  if (errors.length) throw new UsageError(`--mesh ${file}: invalid MeshConfig:\n  ${errors.map(formatProblem).join('\n  ')}`);
  return r.mesh;
}

/**
 * Resolves the shared flags: reads every `-f` path with the shared loader (config problems are
 * reported through `report`, one line each, and the bad objects skipped), the proxy from `--node`,
 * `--labels` and `--node-meta`, and `--mesh`. Missing paths, a bad node id and a bad mesh file throw
 * UsageError; a file that cannot be read or parsed throws BrokenConfigError unless `keepGoing`.
 */
export function resolveCliInputs(flags: ProxyConfigFlags, report: (line: string) => void): CliInputs {
  if (flags.file.length === 0) throw new UsageError('no config given: pass -f PATH (a YAML file or a directory), repeatable');
  const metadata = flags.nodeMeta !== undefined ? parseNodeMeta(flags.nodeMeta) : {};
  const labels = flags.labels !== undefined ? parseLabels(flags.labels) : {};
  let proxy: Proxy;
  try {
    proxy = parseProxy({ id: flags.node, metadata, labels });
  } catch (e) {
    if (e instanceof ProxyIdError) throw new UsageError(`--node: ${e.message}`);
    throw e;
  }
  const mesh = flags.mesh !== undefined ? readMesh(flags.mesh, report) : undefined;
  const loaded = loadConfigFiles(flags.file);
  if (loaded.missing.length) throw new UsageError(`-f: no such file or directory: ${loaded.missing.join(', ')}`);
  for (const p of loaded.problems) report(formatProblem(p));
  const broken = [...new Set([...loaded.syntaxErrors, ...loaded.problems.filter((p) => p.message.startsWith('cannot read')).map((p) => p.origin?.file ?? '?')])];
  if (broken.length > 0 && !flags.keepGoing) {
    throw new BrokenConfigError(`${broken.length} config file(s) could not be read or parsed: ${broken.join(', ')} (see above; --keep-going uses the rest)`);
  }
  return { configs: loaded.objects, proxy, ...(mesh ? { mesh } : {}) };
}

/** Appends a repeatable option's values (`-f a -f b`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * Adds the flags `translate` and `simulate` share to `cmd`: `-f PATH` (repeatable), `--node`,
 * `--labels`, `--node-meta`, `--mesh`.
 */
export function addProxyConfigOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --file <path>', 'YAML file or directory of Istio/Kubernetes config (repeatable; directories are read recursively)').argParser(collect).default([]))
    .addOption(new Option('--node <id>', 'Envoy node id, e.g. sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local or router~...').makeOptionMandatory())
    .addOption(new Option('--labels <k=v,...>', 'workload labels of the proxy (over node metadata LABELS; registry pod labels win)'))
    .addOption(new Option('--node-meta <json>', 'Envoy node metadata as a JSON object, e.g. {"ISTIO_VERSION":"1.23","GENERATOR":"grpc"}'))
    .addOption(new Option('--mesh <file>', "MeshConfig YAML (istiod's mesh ConfigMap format); istiod's defaults when absent"))
    .addOption(new Option('--keep-going', 'use the rest of the config when a file cannot be read or parsed (default: exit 1 and print nothing)'));
}

/**
 * Runs `action` and turns a UsageError into commander's exit-2 error on `cmd` (with the help hint), a
 * BrokenConfigError into one line on stderr and exit status 1.
 */
export function withUsageErrors(cmd: Command, action: () => void): void {
  try {
    action();
  } catch (e) {
    if (e instanceof UsageError) cmd.error(`error: ${e.message}`, { exitCode: 2, code: 'minipilot.usage' });
    if (!(e instanceof BrokenConfigError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  }
}

/**
 * Translates the resolved inputs through the server's pipeline and reports, one line each, every
 * generated resource the Envoy acceptance check withheld. Returns what the proxy would receive.
 */
export function translateInputs(inputs: CliInputs, report: (line: string) => void): EnvoyResources {
  const r = translateWithReport(inputs.configs, inputs.proxy, inputs.mesh ? { mesh: inputs.mesh } : {});
  for (const v of r.violations) report(`Withheld (Envoy would reject it): ${formatViolation(v)}`);
  return r.resources;
}
