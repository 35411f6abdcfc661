import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import {
  applyHostInputs, buildCapturePlan, buildDryRunTranscript, IPTABLES_FLAGS, resolveIptablesFlags, validateIptablesConfig,
  type IptablesConfig, type IptablesFlagSpec,
} from '@minipilot/iptables';
import { applyPlan, cleanupPlan } from './apply-plan.js';
import { lookupEnvoyUserUid, resolveDnsServers, resolveEnableIpv6 } from './host-inputs.js';
import { detectIptablesBinaries } from './iptables-binaries.js';
import { normalizeIptablesArgv } from './normalize-argv.js';
import { createRunner, logLine } from './run-process.js';
import { runRedirectValidation, VALIDATION_FAILED_EXIT } from './validate-redirect.js';

/** pilot-agent logging flags the sidecar injector passes; accepted and ignored. */
const LOG_FLAGS = ['log_output_level', 'log_target', 'log_caller', 'log_stacktrace_level', 'log_rotate'];

/** A command that accepts pflag spellings (`--bool=false`, `-p=15001`) by rewriting them before commander parses. */
class PflagCommand extends Command {
  override parseOptions(argv: string[]): ReturnType<Command['parseOptions']> {
    const normalized = normalizeIptablesArgv(argv);
    if (normalized.errors.length) {
      this.error(`error: ${normalized.errors.join('; ')}`, { exitCode: 2, code: 'minipilot.iptables.usage' });
    }
    return super.parseOptions(normalized.argv);
  }
}

function helpText(spec: IptablesFlagSpec): string {
  const env = spec.env.length ? `; env ${spec.env.join(', then ')}` : '';
  return `${spec.description} (default ${spec.defaultText}${env})`;
}

function optionFor(spec: IptablesFlagSpec): Option[] {
  const names = `${spec.short ? `-${spec.short}, ` : ''}--${spec.long}`;
  if (spec.kind === 'string') return [new Option(`${names} <value>`, helpText(spec))];
  return [new Option(names, helpText(spec)), new Option(`--no-${spec.long}`).hideHelp()];
}

/** An invalid invocation: reported on stderr by main() with exit code 2, before anything is touched. */
class UsageError extends Error {}

/** Flags, env and host inputs → a validated config, or a UsageError naming every bad flag. */
function resolveConfig(cmd: Command): IptablesConfig {
  const flags: Record<string, string | boolean> = {};
  for (const spec of IPTABLES_FLAGS) {
    const attr = spec.long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value: unknown = cmd.getOptionValue(attr);
    if (typeof value === 'string' || typeof value === 'boolean') flags[spec.long] = value;
  }
  const resolved = resolveIptablesFlags(flags, process.env);
  if (!resolved.ok) throw new UsageError(`iptables: invalid flags:\n  ${resolved.errors.join('\n  ')}`);
  const base = resolved.config;
  if (base.nativeNftables) throw new UsageError('iptables: --native-nftables is not supported by minipilot (iptables only)');
  const opts = cmd.opts<{ ipv6: string; dnsServers?: string }>();
  const wantsDns = base.redirectDns && !base.captureAllDns;
  const envoyUserUid = base.proxyUid === '' ? lookupEnvoyUserUid(process.env) : undefined;
  const config = applyHostInputs(base, {
    enableIpv6: resolveEnableIpv6(opts.ipv6, base.dualStack),
    dnsServers: wantsDns ? resolveDnsServers(opts.dnsServers) : [],
    ...(envoyUserUid === undefined ? {} : { envoyUserUid }),
  });
  const errors = validateIptablesConfig(config);
  if (errors.length) throw new UsageError(`iptables: invalid flags:\n  ${errors.join('\n  ')}`);
  if (wantsDns && config.dnsServersV4.length + config.dnsServersV6.length === 0) {
    logLine('--redirect-dns: no name servers found and no --capture-all-dns; DNS capture is disabled');
  }
  return config;
}

async function runIptables(cmd: Command): Promise<void> {
  const config = resolveConfig(cmd);
  const plan = buildCapturePlan(config);
  if (config.dryRun) {
    const transcript = buildDryRunTranscript(plan);
    process.stdout.write(transcript);
    const file = process.env['DRY_RUN_FILE_PATH'];
    if (file) fs.writeFileSync(file, transcript);
    return;
  }
  try {
    if (!config.skipRuleApply) {
      const run = createRunner(config.networkNamespace);
      const bins = detectIptablesBinaries(run, config.forceIptablesBinary);
      logLine(`using ${bins.flavour} iptables (${bins.iptables})`);
      if (config.cleanupOnly) cleanupPlan(run, plan, bins);
      else applyPlan(run, plan, bins);
    }
    if (config.runValidation && !config.cleanupOnly && !(await runRedirectValidation(config))) {
      logLine('iptables validation failed; workload is not ready for Istio');
      process.exitCode = VALIDATION_FAILED_EXIT;
    }
  } catch (err) {
    logLine(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

/**
 * `minipilot iptables`: istio-iptables (`pilot-agent istio-iptables`) — redirect a pod's traffic to the sidecar.
 * Same flags, short forms, env vars and defaults; `--dry-run` prints Istio's dry-run transcript on stdout.
 */
export function iptablesCommand(): Command {
  const cmd = new PflagCommand('iptables')
    .description("Set up a pod's traffic capture to the sidecar (istio-iptables): outbound to -p, inbound to -z")
    .showHelpAfterError('(minipilot iptables --help lists the flags)')
    .exitOverride()
    .helpOption('-h, --help', 'Show this help');
  for (const spec of IPTABLES_FLAGS) for (const o of optionFor(spec)) cmd.addOption(o);
  cmd.addOption(new Option('--ipv6 <mode>', 'IPv6 rules: on, off, or auto (detect from the host addresses as Istio does)')
    .choices(['auto', 'on', 'off']).default('auto'));
  cmd.addOption(new Option('--dns-servers <list>',
    'Comma-separated name servers for --redirect-dns (default: the nameserver lines of /etc/resolv.conf)'));
  for (const name of LOG_FLAGS) cmd.addOption(new Option(`--${name} <value>`).hideHelp());
  cmd.addOption(new Option('--log_as_json').hideHelp());
  cmd.action(async (_opts: unknown, self: Command) => {
    try {
      await runIptables(self);
    } catch (err) {
      if (err instanceof UsageError) {
        self.error(`error: ${err.message}`, { exitCode: 2, code: 'minipilot.iptables.usage' });
      }
      throw err;
    }
  });
  return cmd;
}
