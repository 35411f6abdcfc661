import { Command, Option } from 'commander';
import { loadConfigFiles } from '@minipilot/config-sources';
import { buildValidationReport, formatValidationReport } from './validation-report.js';

interface ValidateFlags {
  readonly filename: string[];
  readonly output: 'text' | 'json';
  readonly analysis: boolean;
}

/**
 * `minipilot validate -f PATH [-f PATH...]`: checks Istio config files or directories with the same
 * loader and rules the discovery server uses (schema, Istio's validation, cross-resource checks) and
 * prints each problem as `Error [Kind namespace/name] file:line: field: message` (or `Warning ...`),
 * the line being the object's, and a summary. Findings that are `istioctl analyze` messages carry
 * their code and analyze's level (`Error [IST0101] [VirtualService default/b] b.yaml:3: ...`: a
 * route to a missing subset is an Error, as in analyze). Istio and Gateway API kinds minipilot does
 * not check (Sidecar, AuthorizationPolicy, HTTPRoute...) are each warned about. Exits 0 when nothing
 * is at error level (warnings allowed), 1 otherwise, 2 when input cannot be read (missing path,
 * YAML syntax error). `-o json` prints the same report as JSON. `--no-analysis` skips the cross-resource checks and judges each resource alone
 * (`istioctl validate`; by default the command also does what `istioctl analyze` and the server do).
 */
export function validateCommand(): Command {
  return new Command('validate')
    .description('Validate Istio config files or directories (errors and warnings in Istio\'s words)')
    .showHelpAfterError('(minipilot validate --help lists the flags)')
    .exitOverride()
    .requiredOption('-f, --filename <path>', 'a YAML file or a directory of them (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-analysis', 'skip the cross-resource checks (missing subsets and gateways, conflicting hosts): check each resource alone')
    .action((_opts: unknown, self: Command) => {
      const flags = self.opts<ValidateFlags>();
      const report = buildValidationReport(loadConfigFiles(flags.filename, { crossResourceChecks: flags.analysis }));
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatValidationReport(report));
      process.exitCode = report.exitCode;
    });
}
