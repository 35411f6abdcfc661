// DestinationRule rules (validation.go: ValidateDestinationRule, validateSubset).
import type { DestinationRuleConfig } from '../kinds.js';
import { at, type Collector } from './collector.js';
import { subsetNameError } from './destination.js';
import { wildcardDomainError } from './hostname.js';
import { checkExportTo, checkLabels, checkSelector } from './primitives.js';
import { checkTrafficPolicy } from './traffic-policy.js';

/** Reports every Istio rule for a DestinationRule, in Istio's order: host, traffic policy, subsets, exportTo, workload selector. */
export function checkDestinationRule(c: Collector, dr: DestinationRuleConfig): void {
  const spec = dr.spec;
  const ns = dr.metadata.namespace;
  const selector = spec.workloadSelector;
  const hostErr = wildcardDomainError(spec.host);
  if (hostErr) c.error('spec.host', hostErr);
  checkTrafficPolicy(c, 'spec.trafficPolicy', spec.trafficPolicy, ns);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((s, i) => {
    const f = at('spec.subsets', i);
    if (names.has(s.name)) c.error(at(f, 'name'), `duplicate subset names: ${s.name}`);
    names.add(s.name);
    const err = subsetNameError(s.name);
    if (err) c.error(at(f, 'name'), err);
    checkLabels(c, at(f, 'labels'), s.labels);
    checkTrafficPolicy(c, at(f, 'trafficPolicy'), s.trafficPolicy, ns);
  });
  checkExportTo(c, 'spec.exportTo', ns, spec.exportTo, { destinationRuleWithSelector: selector !== undefined });
  if (selector) checkSelector(c, 'spec.workloadSelector.matchLabels', selector.matchLabels ?? selector.labels);
}
