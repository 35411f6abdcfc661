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
 * `{"listener","filterChain","routeConfig","virtualHost","route","match","virtualService","cluster"|"clusters","error"}`
 * (keys of unnamed or unreached steps are left out). Exit status: 0 when the request reached its end
 * (a cluster, a redirect or a direct response), 1 when it stopped with `error` (`no listener`,
 * `no route`, ...; the JSON is still printed, so scripts can test `$?` as with `curl -f`) or a config
 * file is broken, 2 on a bad invocation.
 */
export function simulateCommand(): Command {
  const cmd = new Command('simulate')
    .description('Run one request through the Envoy config a proxy would receive and print where it goes (exit 1 when it ends with an error such as "no listener" or "no route")')
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
      if (result.error) process.exitCode = 1;
    }));
  return cmd;
}
