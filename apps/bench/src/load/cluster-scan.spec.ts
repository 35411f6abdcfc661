import { create, toBinary } from '@bufbuild/protobuf';
import { clusterV3 } from '@minipilot/envoy-api';
import { edsNameOf } from '@minipilot/translation';
import { edsNameOfEncoded } from './cluster-scan.js';

describe('edsNameOfEncoded', () => {
  it.each([
    ['EDS with a service name', { name: 'a', clusterDiscoveryType: { case: 'type' as const, value: clusterV3.Cluster_DiscoveryType.EDS }, edsClusterConfig: { serviceName: 'svc-a' }, altStatName: 'a;' }],
    ['EDS without one', { name: 'outbound|80||b', clusterDiscoveryType: { case: 'type' as const, value: clusterV3.Cluster_DiscoveryType.EDS }, edsClusterConfig: {} }],
    ['STRICT_DNS', { name: 'dns', clusterDiscoveryType: { case: 'type' as const, value: clusterV3.Cluster_DiscoveryType.STRICT_DNS } }],
    ['ORIGINAL_DST', { name: 'PassthroughCluster', clusterDiscoveryType: { case: 'type' as const, value: clusterV3.Cluster_DiscoveryType.ORIGINAL_DST } }],
  ])('reads what edsNameOf reads: %s', (_name, init) => {
    const c = create(clusterV3.ClusterSchema, init);
    expect(edsNameOfEncoded(toBinary(clusterV3.ClusterSchema, c))).toBe(edsNameOf(c));
  });
});
