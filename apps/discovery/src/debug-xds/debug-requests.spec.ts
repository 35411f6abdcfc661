import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import type * as grpc from '@grpc/grpc-js';
import { adminV3, discoveryV3, listenerV3, statusV3, TypeUrl } from '@minipilot/envoy-api';
import { loadConfigFiles } from '@minipilot/config-sources';
import { createConfigSnapshot } from '@minipilot/config';
import { buildPushContext } from '@minipilot/translation';
import { createAdsClient, createXdsServer, listenXds, type AdsClient, type XdsServer } from '@minipilot/xds-server';
import { createPushPipeline, type PushPipeline } from '@minipilot/push';
import { EMBEDDED_LAB_DIR } from '../options.js';
import { answerDebugRequest, controlPlaneIdentifier, DEBUG_CONFIG_DUMP, DEBUG_SYNCZ, isDebugNode } from './debug-requests.js';

// istioctl proxy-status / proxy-config over xDS: the exact DiscoveryRequests istioctl sends (node
// metadata GENERATOR=event, type istio.io/debug/syncz or istio.io/debug/config_dump with one name),
// answered from a real xDS server with a real ADS client connected, and read back through the wire
// format with Envoy's protos, as istioctl reads them.

const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const ISTIOCTL_NODE = { id: 'istioctl~10.0.0.1~istioctl-0.istio-system~istio-system.svc.cluster.local', metadata: { GENERATOR: 'event', NAMESPACE: 'istio-system', SERVICE_ACCOUNT: 'default' } };
let xds: XdsServer;
let grpcServer: grpc.Server;
let snapshots: PushPipeline;
let client: AdsClient;
const push = buildPushContext(createConfigSnapshot(loadConfigFiles([EMBEDDED_LAB_DIR]).objects));
const state = () => ({ xds, snapshots, push: () => push });

/** What istioctl sends, through the wire format and back, then our answer through the wire format and back. */
function roundTrip(typeUrl: string, names: string[] = []): discoveryV3.DiscoveryResponse {
  const req = fromBinary(discoveryV3.DiscoveryRequestSchema, toBinary(discoveryV3.DiscoveryRequestSchema, create(discoveryV3.DiscoveryRequestSchema, { node: { id: ISTIOCTL_NODE.id, metadata: ISTIOCTL_NODE.metadata }, typeUrl, resourceNames: names })));
  const res = answerDebugRequest(req, state(), '0.1.0');
  if (!res) throw new Error(`no answer to ${typeUrl}`);
  return fromBinary(discoveryV3.DiscoveryResponseSchema, toBinary(discoveryV3.DiscoveryResponseSchema, res));
}

let xdsPort = 0;
beforeAll(async () => {
  snapshots = createPushPipeline(push);
  xds = createXdsServer({ source: snapshots });
  ({ grpcServer, port: xdsPort } = await listenXds(xds, '127.0.0.1:0'));
});

afterAll(() => {
  client?.close();
  grpcServer?.forceShutdown();
});

describe('istiod debug types over xDS', () => {
  it('recognises istioctl\'s node as a debug client, not a proxy', () => {
    expect(isDebugNode(ISTIOCTL_NODE)).toBe(true);
    expect(isDebugNode({ id: PRODUCTPAGE, metadata: { GENERATOR: 'event' } })).toBe(true);
    expect(isDebugNode({ id: PRODUCTPAGE, metadata: {} })).toBe(false);
    expect(isDebugNode({ id: 'router~10.0.0.2~gw-0.istio-system~istio-system.svc.cluster.local', metadata: {} })).toBe(false);
  });

  it('syncz lists each connected proxy as a ClientConfig with per-type status, and names the control plane', async () => {
    expect(roundTrip(DEBUG_SYNCZ).resources).toEqual([]);
    client = createAdsClient(`127.0.0.1:${xdsPort}`, { node: { id: PRODUCTPAGE, metadata: { NAMESPACE: 'default' } } });
    await client.requestResponseAck(TypeUrl.Cluster, ['*']);
    client.request({ typeUrl: TypeUrl.Listener, names: ['*'] });
    await client.expectResponse(TypeUrl.Listener); // sent, not ACKed yet
    const res = roundTrip(DEBUG_SYNCZ);
    expect(res.typeUrl).toBe(DEBUG_SYNCZ);
    expect(JSON.parse(res.controlPlane!.identifier)).toEqual({ Component: 'istiod', ID: expect.stringMatching(/^minipilot-/), Info: { version: '0.1.0' } });
    const configs = res.resources.map((a) => anyUnpack(a, statusV3.ClientConfigSchema)!);
    expect(configs.map((c) => c.node?.id)).toEqual([PRODUCTPAGE]);
    const byType = Object.fromEntries(configs[0]!.genericXdsConfigs.map((g) => [g.typeUrl, statusV3.ConfigStatus[g.configStatus]]));
    expect(byType).toEqual({
      [TypeUrl.Cluster]: 'SYNCED', [TypeUrl.Listener]: 'STALE', [TypeUrl.RouteConfiguration]: 'NOT_SENT', [TypeUrl.ClusterLoadAssignment]: 'NOT_SENT',
      'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig': 'NOT_SENT',
    });
  });

  it('config_dump for one proxy answers its ConfigDump configs (connected or translated on demand), none for a malformed request', () => {
    for (const name of ['productpage-v1-0.default', 'reviews-v1-0.default']) {
      const res = roundTrip(DEBUG_CONFIG_DUMP, [name]);
      expect(res.resources.map((a) => a.typeUrl)).toEqual(['Clusters', 'Listeners', 'Routes', 'Endpoints'].map((k) => `type.googleapis.com/envoy.admin.v3.${k}ConfigDump`));
      const listeners = anyUnpack(res.resources[1]!, adminV3.ListenersConfigDumpSchema)!;
      expect(listeners.dynamicListeners.map((l) => anyUnpack(l.activeState!.listener!, listenerV3.ListenerSchema)!.name)).toContain('0.0.0.0_9080');
    }
    expect(roundTrip(DEBUG_CONFIG_DUMP, []).resources).toEqual([]);
    expect(roundTrip(DEBUG_CONFIG_DUMP, ['a', 'b']).resources).toEqual([]);
    expect(answerDebugRequest(create(discoveryV3.DiscoveryRequestSchema, { typeUrl: TypeUrl.Cluster }), state(), '0.1.0')).toBeUndefined();
    expect(controlPlaneIdentifier('1.2.3', 'x')).toBe('{"Component":"istiod","ID":"x","Info":{"version":"1.2.3"}}');
  });
});
