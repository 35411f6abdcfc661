import { fromBinary } from '@bufbuild/protobuf';
import { statusV3, TypeUrl } from '@minipilot/envoy-api';
import { createStaticSource, loadConfigFiles } from '@minipilot/config-sources';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';
import { DEBUG_SYNCZ } from './debug-xds/debug-requests.js';

// istioctl proxy-status against the real server over gRPC: istioctl's node (GENERATOR=event, an id
// that is no sidecar or router) is served istiod's debug types instead of being refused.

const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const ISTIOCTL = { id: 'istioctl~10.0.0.1~istioctl-0.istio-system~istio-system.svc.cluster.local', metadata: { GENERATOR: 'event' } };

describe('istioctl proxy-status over xDS (real server)', () => {
  let server: DiscoveryServer;
  const clients: AdsClient[] = [];
  beforeAll(async () => {
    server = await startDiscoveryServer({
      source: createStaticSource({ objects: loadConfigFiles([EMBEDDED_LAB_DIR]).objects }), sourceName: 'lab',
      grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger: createLogger('warn'),
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('lists a connected proxy with SYNCED per type, and ignores the debug client\'s ACK', async () => {
    const address = `127.0.0.1:${server.xdsPort}`;
    const proxy = createAdsClient(address, { node: { id: PRODUCTPAGE } });
    clients.push(proxy);
    await proxy.requestResponseAck(TypeUrl.Cluster, ['*']);
    const istioctl = createAdsClient(address, { node: ISTIOCTL });
    clients.push(istioctl);
    istioctl.request({ typeUrl: DEBUG_SYNCZ });
    const res = await istioctl.expectResponse(DEBUG_SYNCZ);
    const configs = res.resources.map((r) => fromBinary(statusV3.ClientConfigSchema, r.value));
    expect(configs.map((c) => c.node?.id)).toEqual([PRODUCTPAGE]);
    const cds = configs[0]!.genericXdsConfigs.find((g) => g.typeUrl === TypeUrl.Cluster)!;
    expect(statusV3.ConfigStatus[cds.configStatus]).toBe('SYNCED');
    istioctl.ack(res);
    await istioctl.expectNoResponse(200);
  });
});
