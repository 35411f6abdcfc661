// PeerAuthentication rules (validation.go: ValidatePeerAuthentication, validateWorkloadSelector).
import type { PeerAuthenticationConfig } from '../kinds.js';
import { atKey, type Collector } from './collector.js';
import { checkSelector } from './primitives.js';

/**
 * Reports every Istio rule for a PeerAuthentication, in Istio's order: port-level mTLS only with a
 * selector, a defined `portLevelMtls` is not empty, its ports are 1..65535, then the selector.
 */
export function checkPeerAuthentication(c: Collector, pa: PeerAuthenticationConfig): void {
  const spec = pa.spec;
  const labels = spec.selector?.matchLabels ?? {};
  const ports = spec.portLevelMtls;
  if (Object.keys(labels).length === 0 && ports && Object.keys(ports).length > 0) {
    c.error('spec.portLevelMtls', 'mesh/namespace peer authentication cannot have port level mTLS');
  }
  if (ports && Object.keys(ports).length === 0) c.error('spec.portLevelMtls', 'port level mTLS, if defined, must have at least one element');
  for (const key of Object.keys(ports ?? {})) {
    const port = /^\d+$/.test(key) ? Number(key) : NaN;
    if (!(port >= 1 && port <= 65535)) c.error(atKey('spec.portLevelMtls', key), 'port must be in range 1..65535');
  }
  if (spec.selector) checkSelector(c, 'spec.selector.matchLabels', spec.selector.matchLabels);
}
