import { create } from '@bufbuild/protobuf';
import { discoveryV3, TypeUrl } from '@minipilot/envoy-api';
import { classifyRequest } from './classify-request.js';
import { checkNewType, checkRequestNames, checkSubscribed, truncate } from './limits.js';
import { planDeltaResponse } from './delta-plan.js';
import { changedOnResend, flushInOrder } from './push-order.js';
import type { StreamProtocol } from './sotw-stream.js';
import { createTracker, trackerStatus, type StreamCore, type TypeTracker } from './stream-core.js';
import { applyDeltaChange, covers } from './subscription.js';

interface DeltaTracker extends TypeTracker {
  /** name -> version the client holds. */
  clientHas: Map<string, string>;
  /** Names subscribed since the last response of the type. */
  forced: Set<string>;
}

/**
 * Returns the incremental (delta) protocol for one DeltaAggregatedResources stream.
 * Subscription changes apply even when the nonce is stale; the nonce only correlates ACK/NACK.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#incremental-xds
 */
export function createDeltaProtocol(
  core: StreamCore<discoveryV3.DeltaDiscoveryResponse>,
): StreamProtocol<discoveryV3.DeltaDiscoveryRequest> {
  const trackers = new Map<string, DeltaTracker>();

  function onRequest(req: discoveryV3.DeltaDiscoveryRequest): void {
    const { typeUrl, resourceNamesSubscribe: subscribe, resourceNamesUnsubscribe: unsubscribe } = req;
    const t = trackers.get(typeUrl);
    checkRequestNames(subscribe.length + unsubscribe.length + Object.keys(req.initialResourceVersions).length, typeUrl, core.limits);
    if (!t) checkNewType(trackers.size, typeUrl, core.limits);
    const kind = classifyRequest(
      { known: t !== undefined, lastNonce: t?.lastNonce ?? '' },
      { responseNonce: req.responseNonce, hasError: req.errorDetail !== undefined, delta: true },
    );
    if (!t) {
      // initial_resource_versions: the client already holds these; do not resend matching versions.
      const clientHas = new Map(Object.entries(req.initialResourceVersions));
      const forced = new Set(subscribe.filter((n) => n !== '*' && !clientHas.has(n)));
      const sub = applyDeltaChange(undefined, typeUrl, subscribe, unsubscribe);
      trackers.set(typeUrl, { ...createTracker(typeUrl, sub), clientHas, forced });
      core.requested(typeUrl, subscribe);
      return;
    }
    if (kind === 'ack' || kind === 'nack') core.answered(t, kind, t.sentVersion, req.errorDetail?.message ?? '');
    if (kind === 'stale') core.logger.debug({ streamId: core.streamId, typeUrl, nonce: req.responseNonce }, 'xds: stale delta nonce');
    if (subscribe.length === 0 && unsubscribe.length === 0) return;
    core.requested(typeUrl, subscribe);
    t.sub = applyDeltaChange(t.sub, typeUrl, subscribe, unsubscribe);
    checkSubscribed(t.sub.names.size, typeUrl, core.limits);
    for (const name of unsubscribe) {
      t.forced.delete(name);
      t.clientHas.delete(name); // if wildcard still covers it, it is sent again
    }
    for (const name of subscribe) {
      if (name === '*') continue;
      t.forced.add(name); // always answered, even if the client seems to hold it
      t.clientHas.delete(name);
    }
    for (const name of t.clientHas.keys()) if (!covers(t.sub, name)) t.clientHas.delete(name);
  }

  function flush(): void {
    const snapshot = core.snapshot();
    if (!snapshot) return;
    flushInOrder(
      trackers,
      (typeUrl, t) => planDeltaResponse(t, snapshot.resources.get(typeUrl)),
      (typeUrl, t, plan) => {
        const eds = trackers.get(TypeUrl.ClusterLoadAssignment);
        if (typeUrl === TypeUrl.Cluster && eds) for (const name of changedOnResend(t.clientHas, plan.clientHas)) eds.clientHas.delete(name);
        const version = snapshot.version(typeUrl);
        t.clientHas = new Map(plan.clientHas);
        if (!snapshot.resources.has(typeUrl)) core.logger.debug({ streamId: core.streamId, node: truncate(core.nodeId(), core.limits.maxLoggedNodeIdLength), typeUrl }, 'xds: type URL not served here: answered with an empty response');
        t.forced.clear();
        core.send(t, { version, resources: plan.resources, removed: plan.removed }, (nonce) =>
          create(discoveryV3.DeltaDiscoveryResponseSchema, {
            systemVersionInfo: version,
            typeUrl,
            nonce,
            resources: plan.resources.map((r) => ({ name: r.name, version: r.version, resource: { typeUrl, value: r.value } })),
            removedResources: [...plan.removed],
          }),
        );
      },
      core.canSend,
    );
  }

  return { onRequest, flush, types: () => [...trackers.values()].map(trackerStatus) };
}
