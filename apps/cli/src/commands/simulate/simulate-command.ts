import { Command, Option } from 'commander';
import { parseSimulationRequest, simulateRequest, type SimulationRequest } from '@minipilot/translation';
import { addProxyConfigOptions, resolveCliInputs, translateInputs, UsageError, withUsageErrors, type ProxyConfigFlags } from '../translate/cli-inputs.js';

interface SimulateFlags extends ProxyConfigFlags {
  readonly request: string;
}

function parseRequest(text: string): SimulationRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--request: invalid JSON: ${(e as Error).message}`);
  }
  const r = parseSimulationRequest(value);
  if (!r.ok) throw new UsageError(`--request: ${r.errors.join('; ')}`);
  return r.request;
}

/**
 * `minipilot simulate`: runs one request through the config a proxy would receive, the way Envoy
 * matches it, and prints one JSON object
 * `{"listener","filterChain","routeConfig","virtualHost","route","cluster"|"clusters","error"}`.
 * The exit code is 0 whenever the simulation ran, whatever `error` says.
 */
export function simulateCommand(): Command {
  const cmd = new Command('simulate')
    .description('Run one request through the Envoy config a proxy would receive and print where it goes')
    .showHelpAfterError('(minipilot simulate --help lists the flags)')
    .exitOverride();
  addProxyConfigOptions(cmd)
    .addOption(new Option('--request <json>', 'the request: {"address","port","protocol":"http|http2|grpc|tcp","tls":"none|tls|mtls","host","path","method","headers","sni","alpn","mode":"outbound|inbound"}').makeOptionMandatory())
    .action((_opts: unknown, self: Command) => withUsageErrors(self, () => {
      const flags = self.opts<SimulateFlags>();
      const request = parseRequest(flags.request);
      const report = (line: string): void => { process.stderr.write(`${line}\n`); };
      const result = simulateRequest(translateInputs(resolveCliInputs(flags, report), report), request);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }));
  return cmd;
}
