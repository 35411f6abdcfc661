// The mesh config is applied without a restart, as istiod applies edits of its mounted `istio`
// ConfigMap: editing the --mesh file pushes every proxy the new config; an invalid edit is reported
// and ignored, the last valid mesh config staying in force. Real server, real ADS client, 127.0.0.1.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TypeUrl } from '@minipilot/envoy-api';
import { createFileSource } from '@minipilot/config-sources';
import { createAdsClient, type AdsClient, type AdsResponse } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';
import { rawGet } from './testing/raw-http.js';

const NODE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const meshYaml = (mode: string): string => `outboundTrafficPolicy:\n  mode: ${mode}\n`;

/** The cluster the virtualOutbound listener's catch-all chain sends unknown destinations to. */
function catchAll(lds: AdsResponse): string {
  const vo = lds.resources.find((r) => r.name === 'virtualOutbound');
  if (!vo) throw new Error('no virtualOutbound listener');
  const text = Buffer.from(vo.value).toString('latin1');
  return text.includes('PassthroughCluster') ? 'PassthroughCluster' : 'BlackHoleCluster';
}

describe('mesh config reload', () => {
  let dir: string;
  let server: DiscoveryServer | undefined;
  let client: AdsClient | undefined;
  afterEach(async () => {
    client?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a changed outboundTrafficPolicy to connected proxies, and keeps the last valid mesh config on a bad edit', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-mesh-'));
    const file = path.join(dir, 'mesh');
    fs.writeFileSync(file, meshYaml('ALLOW_ANY'));
    server = await startDiscoveryServer({
      source: createFileSource({ dir: EMBEDDED_LAB_DIR, rescanMs: 0 }), sourceName: 'lab', grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0',
      logger: createLogger('error'), meshConfigFile: file, meshWatchIntervalMs: 50,
    });
    client = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: NODE } });
    const before = await client.requestResponseAck(TypeUrl.Listener);
    expect(catchAll(before)).toBe('PassthroughCluster');

    fs.writeFileSync(file, meshYaml('REGISTRY_ONLY'));
    const after = await client.expectResponse(TypeUrl.Listener, 10_000);
    client.ack(after);
    expect(after.version).not.toBe(before.version);
    expect(catchAll(after)).toBe('BlackHoleCluster');
    expect(JSON.parse((await rawGet(server.monitoringPort, '/debug/mesh')).body)).toMatchObject({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });

    fs.writeFileSync(file, meshYaml('SOMETIMES'));
    await client.expectNoResponse(500);
    expect(JSON.parse((await rawGet(server.monitoringPort, '/debug/mesh')).body)).toMatchObject({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });

    fs.writeFileSync(file, meshYaml('ALLOW_ANY'));
    const back = await client.expectResponse(TypeUrl.Listener, 10_000);
    expect(catchAll(back)).toBe('PassthroughCluster');
  });
});
