import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { proxyConfigTable, resourcesToJson, type EnvoyResourcesJson } from '@minipilot/translation';
import { addProxyConfigOptions, resolveCliInputs, translateInputs, withUsageErrors, type ProxyConfigFlags } from './cli-inputs.js';

/** `--type` values and the resource lists they select (Envoy's four; istio-agent's NDS table is not printed). */
const TYPES: Readonly<Record<string, readonly Exclude<keyof EnvoyResourcesJson, 'nameTables'>[]>> = {
  lds: ['listeners'], rds: ['routes'], cds: ['clusters'], eds: ['endpoints'], all: ['listeners', 'routes', 'clusters', 'endpoints'],
};

interface TranslateFlags extends ProxyConfigFlags {
  readonly type: string;
  readonly output: string;
}

/**
 * `minipilot translate`: prints the Envoy resources a proxy would receive for the given config,
 * from files alone (no cluster, no server): `{"listeners":[...],"routes":[...],"clusters":[...],"endpoints":[...]}`
 * in Envoy's proto3 JSON form (as in a config dump), restricted to one list by `--type`; `-o table`
 * prints the summaries of `istioctl proxy-config listeners|routes|clusters|endpoints` instead, one
 * table per selected type.
 */
export function translateCommand(): Command {
  const cmd = new Command('translate')
    .description('Print the Envoy resources (LDS/RDS/CDS/EDS) a proxy would receive for the given config')
    .showHelpAfterError('(minipilot translate --help lists the flags)')
    .exitOverride();
  addProxyConfigOptions(cmd)
    .addOption(new Option('--type <type>', 'which resources to print').choices(Object.keys(TYPES)).default('all'))
    .addOption(new Option('-o, --output <format>', 'output format: JSON or YAML resources, or the tables of istioctl proxy-config listeners|routes|clusters|endpoints').choices(['json', 'yaml', 'table']).default('json'))
    .action((_opts: unknown, self: Command) => withUsageErrors(self, () => {
      const flags = self.opts<TranslateFlags>();
      const report = (line: string): void => { process.stderr.write(`${line}\n`); };
      const resources = translateInputs(resolveCliInputs(flags, report), report);
      if (flags.output === 'table') {
        process.stdout.write(TYPES[flags.type]!.map((k) => proxyConfigTable(resources, k)).join('\n'));
        return;
      }
      const json = resourcesToJson(resources);
      const out = Object.fromEntries(TYPES[flags.type]!.map((k) => [k, json[k]]));
      process.stdout.write(flags.output === 'yaml' ? stringify(out, { aliasDuplicateObjects: false }) : `${JSON.stringify(out, null, 2)}\n`);
    }));
  return cmd;
}
