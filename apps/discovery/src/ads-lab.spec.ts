import { fromBinary } from '@bufbuild/protobuf';
import { TypeUrl, clusterV3, listenerV3 } from '@minipilot/envoy-api';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import { rdsNamesOf, edsNameOf } from '@minipilot/translation';
import { createFileSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';

// An independent ADS client against the server on the embedded lab config (what `npm start` serves):
// wildcard LDS and CDS, then the RDS and EDS names they reference, in both protocol variants.
describe.each([false, true])('embedded lab over ADS (delta=%s)', (delta) => {
  let server: DiscoveryServer;
  let client: AdsClient;

  beforeAll(async () => {
    server = await startDiscoveryServer({
      source: createFileSource({ dir: EMBEDDED_LAB_DIR }), sourceName: EMBEDDED_LAB_DIR, grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0',
      logger: createLogger('warn'),
    });
    client = createAdsClient(`127.0.0.1:${server.xdsPort}`, {
      delta,
      node: { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc', NAMESPACE: 'default' } },
    });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('serves wildcard CDS and LDS, then the EDS and RDS names they reference, and answers ACKs with silence', async () => {
    const cds = await client.requestResponseAck(TypeUrl.Cluster, delta ? [] : ['*']);
    const clusters = cds.resources.map((r) => fromBinary(clusterV3.ClusterSchema, r.value));
    expect(clusters.map((c) => c.name)).toContain('outbound|9080|v1|reviews.default.svc.cluster.local');
    const edsNames = clusters.map(edsNameOf).filter((n): n is string => n !== undefined);
    expect(edsNames.length).toBeGreaterThan(10);

    const eds = await client.requestResponseAck(TypeUrl.ClusterLoadAssignment, edsNames);
    expect(eds.resources.map((r) => r.name).sort()).toEqual([...edsNames].sort());

    const lds = await client.requestResponseAck(TypeUrl.Listener, delta ? [] : ['*']);
    const listeners = lds.resources.map((r) => fromBinary(listenerV3.ListenerSchema, r.value));
    expect(listeners.map((l) => l.name)).toContain('reviews.default.svc.cluster.local:9080');
    const rdsNames = [...new Set(listeners.flatMap(rdsNamesOf))];
    const rds = await client.requestResponseAck(TypeUrl.RouteConfiguration, rdsNames);
    expect(rds.resources.map((r) => r.name).sort()).toEqual([...rdsNames].sort());

    await client.expectNoResponse(200);
    const status = server.xds.connections()[0]!.types;
    for (const t of status) expect(t.ackedVersion).toBe(t.sentVersion);
  });

  it('records a NACK, does not resend the rejected content, and answers unknown types cleanly', async () => {
    const other = createAdsClient(`127.0.0.1:${server.xdsPort}`, {
      delta,
      node: { id: 'sidecar~10.244.0.21~reviews-v1-0.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc' } },
    });
    try {
      // (istio.io/debug/* types are answered by the debug hook: see proxy-status.spec.ts)
      other.request({ typeUrl: 'type.googleapis.com/minipilot.test.Unknown', names: [] });
      expect((await other.expectResponse('type.googleapis.com/minipilot.test.Unknown')).resources).toEqual([]);
      const name = 'outbound|9080||reviews.default.svc.cluster.local';
      const resp = await other.requestResponseNack(TypeUrl.RouteConfiguration, [name], 'test: rejected');
      expect(resp.resources.map((r) => r.name)).toEqual([name]);
      await other.expectNoResponse(300);
      expect(server.xds.nacks().some((n) => n.message === 'test: rejected' && n.typeUrl === TypeUrl.RouteConfiguration)).toBe(true);
    } finally {
      other.close();
    }
  });
});
