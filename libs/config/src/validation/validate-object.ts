import type { ConfigObject } from '../kinds.js';
import type { ConfigProblem } from '../problem.js';
import { createCollector } from './collector.js';
import { checkDestinationRule } from './destination-rule.js';
import { checkGateway } from './gateway.js';
import { checkServiceEntry } from './service-entry.js';
import { checkPeerAuthentication } from './peer-authentication.js';
import { checkMetadata } from './metadata.js';
import { checkResourceLimits } from './resource-limits.js';
import { checkVirtualService } from './virtual-service.js';

/**
 * Returns every problem Istio's validation finds in one schema-checked object (stage `validation`):
 * errors make the object invalid (it is not served), warnings do not. All problems are reported at
 * once, with Istio's messages: first the metadata rules (the always-rejected annotations), then
 * the kind's rules. Kubernetes kinds have no rules here. Pure, never throws on any input
 * the schema accepted.
 */
export function validateConfigObject(obj: ConfigObject): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const c = createCollector({
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    ...(obj.origin ? { origin: obj.origin } : {}),
  }, problems);
  if (obj.kind !== 'VirtualService' && obj.kind !== 'DestinationRule' && obj.kind !== 'Gateway' && obj.kind !== 'ServiceEntry' && obj.kind !== 'PeerAuthentication') return problems;
  if (!checkMetadata(c, obj.metadata)) return problems;
  if (!checkResourceLimits(c, obj)) return problems;
  switch (obj.kind) {
    case 'VirtualService': checkVirtualService(c, obj); break;
    case 'DestinationRule': checkDestinationRule(c, obj); break;
    case 'Gateway': checkGateway(c, obj); break;
    case 'ServiceEntry': checkServiceEntry(c, obj); break;
    case 'PeerAuthentication': checkPeerAuthentication(c, obj); break;
    default: break;
  }
  return problems;
}
