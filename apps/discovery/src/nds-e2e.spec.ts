import { ndsV1, TypeUrl } from '@minipilot/envoy-api';
import { createAdsClient, decodeResources, type AdsClient, type AdsResponse } from '@minipilot/xds-server';
import { startFileLab, type FileLab } from './testing/file-lab.js';

// istio-agent's NDS over real gRPC, SotW and delta: a sidecar asks for the NameTable type with no
// names (a wildcard type, as istiod's IsWildcardTypeURL), gets the one table (resource name ''),
// and gets a new table when a Service is added (istiod's nds.go pushes on service changes).

const service = (name: string, ip: string): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec: {clusterIP: ${ip}, ports: [{name: http, port: 80}]}
`;

const table = (response: AdsResponse): Record<string, { ips: readonly string[]; namespace: string; shortname: string; registry: string }> => {
  expect(response.resources.map((r) => r.name)).toEqual(['']);
  const [nt] = decodeResources(response, ndsV1.NameTableSchema);
  return Object.fromEntries(Object.entries(nt!.table).map(([host, i]) => [host, { ips: i.ips, namespace: i.namespace, shortname: i.shortname, registry: i.registry }]));
};

describe('NDS name table through the real server', () => {
  let lab: FileLab;
  const clients: AdsClient[] = [];

  beforeAll(async () => {
    lab = await startFileLab('nds', { 'web.yaml': service('web', '10.96.1.1') });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await lab?.stop();
  });

  it('serves the table to SotW and delta sidecars and pushes a new one when a Service is added', async () => {
    const connect = (delta: boolean): AdsClient => {
      const client = createAdsClient(`127.0.0.1:${lab.server.xdsPort}`, { node: { id: `sidecar~10.9.0.${clients.length + 1}~client-0.shop~shop.svc.cluster.local`, metadata: { ISTIO_VERSION: '1.28.0' } }, delta });
      clients.push(client);
      return client;
    };
    const sotw = connect(false);
    const delta = connect(true);
    const web = { ips: ['10.96.1.1'], namespace: 'shop', shortname: 'web', registry: 'Kubernetes' };
    for (const c of [sotw, delta]) expect(table(await c.requestResponseAck(TypeUrl.NameTable))).toEqual({ 'web.shop.svc.cluster.local': web });

    lab.write('cart.yaml', service('cart', '10.96.1.2'));
    for (const c of [sotw, delta]) {
      const next = await c.expectResponse(TypeUrl.NameTable, 10_000);
      expect(table(next)).toEqual({ 'web.shop.svc.cluster.local': web, 'cart.shop.svc.cluster.local': { ips: ['10.96.1.2'], namespace: 'shop', shortname: 'cart', registry: 'Kubernetes' } });
      c.ack(next);
    }
  });
});
