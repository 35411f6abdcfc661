// ServiceEntry rules (Istio's ValidateServiceEntry).
import type { ServiceEntryConfig } from '../kinds.js';
import type { ServiceEntry, WorkloadEntry } from '../istio/service-entry.js';
import { at, atKey, type Collector } from './collector.js';
import { fqdnError, ipSubnetError, isIPAddress, partialWildcardError, wildcardDomainError } from './hostname.js';
import { checkExportTo, checkSelector, isHttpProtocol, isTlsProtocol, parseProtocolName, portError, portNameError } from './primitives.js';

const UNIX_PREFIX = 'unix://';

/** Reports every Istio rule for a ServiceEntry. */
export function checkServiceEntry(c: Collector, se: ServiceEntryConfig): void {
  const spec = se.spec;
  const hosts = spec.hosts ?? [];
  const endpoints = spec.endpoints ?? [];
  const resolution = spec.resolution ?? 'NONE';
  if (spec.workloadSelector && endpoints.length > 0) c.error('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  if (spec.workloadSelector) checkSelector(c, 'spec.workloadSelector.labels', spec.workloadSelector.labels ?? spec.workloadSelector.matchLabels, false);
  if (hosts.length === 0) c.error('spec.hosts', 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') return c.error(at('spec.hosts', i), `invalid host ${h}`);
    const err = wildcardDomainError(h);
    if (err) c.error(at('spec.hosts', i), err);
    const partial = partialWildcardError(h);
    if (partial) c.warn(at('spec.hosts', i), partial);
  });
  let cidr = false;
  (spec.addresses ?? []).forEach((a, i) => {
    cidr ||= a.includes('/');
    const err = ipSubnetError(a);
    if (err) c.error(at('spec.addresses', i), err);
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') c.error('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  const portNames = checkPorts(c, spec);
  if (resolution === 'NONE') {
    if (endpoints.length > 0) c.error('spec.endpoints', 'no endpoints should be provided for resolution type none');
    if (spec.workloadSelector) c.warn('spec.workloadSelector', 'workloadSelector should not be set when resolution mode is NONE');
  } else if (resolution === 'STATIC') {
    checkStaticEndpoints(c, spec, endpoints, portNames);
  } else if (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') {
    if (endpoints.length === 0) {
      hosts.forEach((h, i) => {
        if (fqdnError(h)) {
          c.error(at('spec.hosts', i), `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, got ${h}`);
        }
      });
    }
    if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) c.error('spec.endpoints', 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN');
    endpoints.forEach((e, i) => {
      const f = at('spec.endpoints', i);
      const address = e.address ?? '';
      if (!isIPAddress(address) && fqdnError(address)) c.error(at(f, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`);
      checkEndpointPorts(c, f, e, portNames);
    });
  } else if (resolution === 'DYNAMIC_DNS') {
    checkDynamicDns(c, se);
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    const canTellApart = (spec.ports ?? []).every((p) => {
      const proto = parseProtocolName(p.protocol);
      return isHttpProtocol(proto) || isTlsProtocol(proto);
    });
    if (!canTellApart) c.error('spec.ports', 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  if (hosts.length > 1 && (spec.addresses ?? []).length > 0 && (spec.ports ?? []).some((p) => !isHttpProtocol(parseProtocolName(p.protocol)))) {
    c.warn('spec', 'service entry can not have more than one host specified simultaneously with address and tcp port');
  }
  checkExportTo(c, 'spec.exportTo', se.metadata.namespace, spec.exportTo, { serviceEntry: true });
}

/** Reports the rules for the service ports; returns the declared port names. */
function checkPorts(c: Collector, spec: ServiceEntry): Set<string> {
  const names = new Set<string>();
  const numbers = new Set<number>();
  (spec.ports ?? []).forEach((p, i) => {
    const f = at('spec.ports', i);
    const name = p.name ?? '';
    const number = p.number ?? 0;
    if (names.has(name)) c.error(at(f, 'name'), `service entry port name ${JSON.stringify(name)} already defined`);
    if (numbers.has(number)) c.error(at(f, 'number'), `service entry port ${number} already defined`);
    names.add(name);
    numbers.add(number);
    if (p.targetPort !== undefined && p.targetPort !== 0) {
      const err = portError(p.targetPort);
      if (err) c.error(at(f, 'targetPort'), err);
    }
    const proto = parseProtocolName(p.protocol);
    if ((spec.addresses ?? []).length === 0 && (p.protocol === undefined || p.protocol === '' || proto === 'TCP')) {
      c.warn(f, 'addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy');
    }
    const nameErr = portNameError(name);
    if (nameErr) c.error(at(f, 'name'), nameErr);
    if (p.protocol && !proto) c.error(at(f, 'protocol'), `unsupported protocol: ${p.protocol}`);
    const numErr = portError(number);
    if (numErr) c.error(at(f, 'number'), numErr);
  });
  return names;
}

function checkEndpointPorts(c: Collector, field: string, e: WorkloadEntry, portNames: ReadonlySet<string>): void {
  for (const [name, port] of Object.entries(e.ports ?? {})) {
    const f = atKey(at(field, 'ports'), name);
    if (!portNames.has(name)) c.error(f, `endpoint port ${port} is not defined by the service entry`);
    const nameErr = portNameError(name);
    if (nameErr) c.error(f, nameErr);
    const err = portError(port);
    if (err) c.error(f, err);
  }
}

function checkStaticEndpoints(c: Collector, spec: ServiceEntry, endpoints: readonly WorkloadEntry[], portNames: ReadonlySet<string>): void {
  let unix = false;
  endpoints.forEach((e, i) => {
    const f = at('spec.endpoints', i);
    const address = e.address ?? '';
    if (address.startsWith(UNIX_PREFIX)) {
      unix = true;
      const path = address.slice(UNIX_PREFIX.length);
      if (!path.startsWith('/') && !path.startsWith('@')) c.error(at(f, 'address'), `${path} is not an absolute path to a file`);
      if (Object.keys(e.ports ?? {}).length > 0) c.error(at(f, 'ports'), `unix endpoint ${address} must not include ports`);
      return;
    }
    if (address === '' && e.network) {
      c.warn(f, `address is unset with network ${JSON.stringify(e.network)}`);
    } else if (!isIPAddress(address)) {
      c.error(at(f, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid IP address`);
    }
    checkEndpointPorts(c, f, e, portNames);
  });
  if (unix && (spec.ports ?? []).length !== 1) c.error('spec.ports', 'exactly 1 service port required for unix endpoints');
}

function checkDynamicDns(c: Collector, se: ServiceEntryConfig): void {
  const spec = se.spec;
  (spec.hosts ?? []).forEach((h, i) => {
    if (!h.startsWith('*')) c.error(at('spec.hosts', i), 'host must be wildcarded for resolution mode DYNAMIC_DNS');
  });
  if ((spec.addresses ?? []).length > 0) c.error('spec.addresses', 'addresses cannot be set for resolution type DYNAMIC_DNS');
  if ((spec.endpoints ?? []).length > 0) c.error('spec.endpoints', 'endpoints cannot be set for resolution type DYNAMIC_DNS');
  if (spec.workloadSelector) c.error('spec.workloadSelector', 'workloadSelector cannot be set for resolution type DYNAMIC_DNS');
  (spec.ports ?? []).forEach((p, i) => {
    const proto = parseProtocolName(p.protocol);
    if (!(proto === 'HTTP' || proto === 'HTTP2' || proto === 'GRPC' || proto === 'TLS')) {
      c.error(at(at('spec.ports', i), 'protocol'), `only HTTP, HTTP2, GRPC and TLS protocols are supported for resolution type DYNAMIC_DNS, got ${p.protocol ?? ''}`);
    }
  });
  if (spec.location === 'MESH_INTERNAL' && se.metadata.labels['istio.io/use-waypoint']) {
    c.error('spec.location', 'location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints');
  }
}
