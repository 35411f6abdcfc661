import { create } from '@bufbuild/protobuf';
import { discoveryV3, isWildcardType, TypeUrl } from '@minipilot/envoy-api';
import { classifyRequest } from './classify-request.js';
import { checkNewType, checkRequestNames, truncate } from './limits.js';
import { changedOnResend, flushInOrder } from './push-order.js';
import { planSotwResponse } from './sotw-plan.js';
import { createTracker, trackerStatus, type StreamCore, type TypeTracker } from './stream-core.js';
import { addedNames, applySotwNames, removedNames, subscriptionChanged } from './subscription.js';
import type { TypeStatus } from './types.js';

/** One protocol flavour (SotW or delta) running on one stream. */
export interface StreamProtocol<Req> {
  /** Applies one client request (the node has already been taken from the first one). */
  onRequest(request: Req): void;
  /** Sends whatever is due for every requested type, in push order, respecting one response in flight per type. */
  flush(): void;
  /** Returns the status of every requested type. */
  types(): TypeStatus[];
}

interface SotwTracker extends TypeTracker {
  /** name -> version last sent to this stream. */
  sent: Map<string, string>;
}

/**
 * Returns the state-of-the-world protocol for one StreamAggregatedResources stream.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#ack-nack-and-resource-type-instance-version
 */
export function createSotwProtocol(core: StreamCore<discoveryV3.DiscoveryResponse>): StreamProtocol<discoveryV3.DiscoveryRequest> {
  const trackers = new Map<string, SotwTracker>();

  function onRequest(req: discoveryV3.DiscoveryRequest): void {
    const t = trackers.get(req.typeUrl);
    checkRequestNames(req.resourceNames.length, req.typeUrl, core.limits);
    if (!t) checkNewType(trackers.size, req.typeUrl, core.limits);
    const kind = classifyRequest(
      { known: t !== undefined, lastNonce: t?.lastNonce ?? '' },
      { responseNonce: req.responseNonce, hasError: req.errorDetail !== undefined, delta: false },
    );
    if (kind === 'stale') {
      core.logger.debug({ streamId: core.streamId, typeUrl: req.typeUrl, nonce: req.responseNonce }, 'xds: ignoring stale request');
      return;
    }
    if (!t) {
      trackers.set(req.typeUrl, { ...createTracker(req.typeUrl, applySotwNames(undefined, req.typeUrl, req.resourceNames)), sent: new Map() });
      core.requested(req.typeUrl, req.resourceNames);
      return;
    }
    if (kind === 'ack' || kind === 'nack') core.answered(t, kind, req.versionInfo, req.errorDetail?.message ?? '');
    const prev = t.sub;
    t.sub = applySotwNames(prev, req.typeUrl, req.resourceNames); // also ends legacy wildcard
    if (!subscriptionChanged(prev, t.sub)) return;
    core.requested(req.typeUrl, req.resourceNames);
    // Newly named resources are always sent, even if unchanged and sent before.
    for (const name of [...addedNames(prev, t.sub), ...removedNames(prev, t.sub)]) t.sent.delete(name);
    if (isWildcardType(req.typeUrl)) t.force = true; // LDS/CDS: a changed name set gets a full response
  }

  function flush(): void {
    const snapshot = core.snapshot();
    if (!snapshot) return;
    flushInOrder(
      trackers,
      (typeUrl, t) => planSotwResponse(typeUrl, t, snapshot.resources.get(typeUrl)),
      (typeUrl, t, plan) => {
        const eds = trackers.get(TypeUrl.ClusterLoadAssignment);
        if (typeUrl === TypeUrl.Cluster && eds) for (const name of changedOnResend(t.sent, plan.sent)) eds.sent.delete(name);
        const version = snapshot.version(typeUrl);
        t.sent = new Map(plan.sent);
        if (!snapshot.resources.has(typeUrl)) core.logger.debug({ streamId: core.streamId, node: truncate(core.nodeId(), core.limits.maxLoggedNodeIdLength), typeUrl }, 'xds: type URL not served here: answered with an empty response');
        core.send(t, { version, resources: plan.resources }, (nonce) =>
          create(discoveryV3.DiscoveryResponseSchema, {
            versionInfo: version,
            typeUrl,
            nonce,
            resources: plan.resources.map((r) => ({ typeUrl, value: r.value })),
          }),
        );
      },
      core.canSend,
    );
  }

  return { onRequest, flush, types: () => [...trackers.values()].map(trackerStatus) };
}
