import { register as registerXds } from '@grpc/grpc-js-xds';
import { startFileLab, type FileLab } from './testing/file-lab.js';
import { startGreeterBackend, createXdsGreeterClient } from './testing/greeter.js';
import { greeterRegistry } from './testing/greeter-registry.js';

// Locality failover seen by a real @grpc/grpc-js-xds client: two backends on 127.0.0.1 in two
// regions, a DestinationRule with outlier detection (istiod applies locality failover only then,
// loadbalancer.go ApplyLocalityLoadBalancer), and clients whose bootstrap node.locality differs.
// The EDS priorities minipilot computes per client send every RPC to the client's own region.
registerXds();

function registry(eastPort: number, westPort: number): string {
  const at = (region: string): Record<string, string> => ({ 'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': `${region}-a` });
  return `${greeterRegistry([{ name: 'east', port: eastPort, labels: at('us-east') }, { name: 'west', port: westPort, labels: at('us-west') }])}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter}
spec:
  host: greeter
  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 5, interval: 10s}}
`;
}

describe('end to end: locality failover priorities reach a grpc-js-xds client', () => {
  let lab: FileLab;
  let backends: { port: number; stop: () => Promise<void> }[];
  const clients: ReturnType<typeof createXdsGreeterClient>[] = [];

  beforeAll(async () => {
    backends = [await startGreeterBackend('us-east'), await startGreeterBackend('us-west')];
    lab = await startFileLab('locality', { 'registry.yaml': registry(backends[0]!.port, backends[1]!.port) });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await lab?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  // The node ids carry an IP no Pod has (it is only an id; all traffic stays on 127.0.0.1): a
  // registry Pod at the proxy's IP would lend the proxy its labels and so its locality, as istiod does.
  const callsFrom = async (pod: string, ip: string, region: string): Promise<Set<string>> => {
    const client = createXdsGreeterClient(lab.server.xdsPort, `sidecar~${ip}~${pod}.default~default.svc.cluster.local`, region ? { region, zone: `${region}-a` } : {});
    clients.push(client);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(await client.call());
    return seen;
  };

  it('a client in us-east only reaches the us-east backend (priority 0), the us-west one standing by at priority 1', async () => {
    expect([...await callsFrom('client-east', '10.1.0.1', 'us-east')]).toEqual(['us-east']);
  }, 30_000);

  it('a client in us-west gets its own priorities and only reaches the us-west backend', async () => {
    expect([...await callsFrom('client-west', '10.1.0.2', 'us-west')]).toEqual(['us-west']);
  }, 30_000);

  it('a client without a locality sees both regions at priority 0 and is balanced across them', async () => {
    expect([...await callsFrom('client-nowhere', '10.1.0.3', '')].sort()).toEqual(['us-east', 'us-west']);
  }, 30_000);
});
