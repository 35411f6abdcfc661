// ServiceEntry rules (validation.go: ValidateServiceEntry, validateWorkloadEntry, ValidateAlphaWorkloadSelector;
// pilot/pkg/networking/serviceentry: ShouldV2AutoAllocateIPFromConfig).
import type { ServiceEntryConfig } from '../kinds.js';
import type { WorkloadEntry } from '../istio/service-entry.js';
import { at, atKey, type Collector } from './collector.js';
import { fqdnError, ipSubnetError, isIPAddress, partialWildcardError, wildcardDomainError } from './hostname.js';
import {
  checkExportTo, checkLabels, isHttpProtocol, isTlsProtocol, parseProtocolName, portError, portNameError, selectorErrors, unixAddressError,
} from './primitives.js';

const UNIX_PREFIX = 'unix://';
/** The label that opts a ServiceEntry out of istiod's address auto-allocation. */
const AUTOALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';

/**
 * Whether istiod allocates addresses for the ServiceEntry (ShouldV2AutoAllocateIPFromConfig, with
 * PILOT_ENABLE_IP_AUTOALLOCATE at its default, on): not for resolution NONE, not when opted out by
 * label, not when addresses are given.
 */
function autoAllocates(se: ServiceEntryConfig): boolean {
  const spec = se.spec;
  if ((spec.resolution ?? 'NONE') === 'NONE') return false;
  if ((se.metadata.labels[AUTOALLOCATE_LABEL] ?? '').toLowerCase() === 'false') return false;
  return (spec.addresses ?? []).length === 0;
}

/** Istio's protocol.IsTCP: TCP, HTTPS, TLS, Mongo, Redis, MySQL. */
function isTcpProtocol(protocol: string | undefined): boolean {
  const p = parseProtocolName(protocol);
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'MONGO' || p === 'REDIS' || p === 'MYSQL';
}

/** Reports every Istio rule for a ServiceEntry, in Istio's order. */
export function checkServiceEntry(c: Collector, se: ServiceEntryConfig): void {
  const spec = se.spec;
  const hosts = spec.hosts ?? [];
  const endpoints = spec.endpoints ?? [];
  const addresses = spec.addresses ?? [];
  const resolution = spec.resolution ?? 'NONE';
  const selector = spec.workloadSelector;
  if (selector) {
    const labels = selector.labels ?? selector.matchLabels ?? {};
    const errs = selectorErrors(labels);
    if (errs.length > 0) {
      // As Istio: a bad selector is reported alone; nothing else is checked.
      for (const [key, message] of errs) c.error(atKey('spec.workloadSelector.labels', key), message);
      return;
    }
    if (Object.keys(labels).length === 0) c.warn('spec.workloadSelector', 'service entry: workload selector specified without labels, will be applied to all services in namespace');
  }
  if (selector && endpoints.length > 0) c.error('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  if (hosts.length === 0) c.error('spec.hosts', 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') return c.error(at('spec.hosts', i), `invalid host ${h}`);
    const err = wildcardDomainError(h);
    if (err) c.error(at('spec.hosts', i), err);
    const partial = resolution === 'DYNAMIC_DNS' ? undefined : partialWildcardError(h);
    if (partial) c.warn(at('spec.hosts', i), partial);
  });
  let cidr = false;
  addresses.forEach((a, i) => {
    cidr ||= a.includes('/');
    const err = ipSubnetError(a);
    if (err) c.error(at('spec.addresses', i), err);
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') c.error('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  const portNames = checkPorts(c, se);
  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) c.error('spec.endpoints', 'no endpoints should be provided for resolution type none');
      if (selector) c.warn('spec.workloadSelector', 'workloadSelector should not be set when resolution mode is NONE');
      break;
    case 'STATIC':
      endpoints.forEach((e, i) => checkStaticEndpoint(c, at('spec.endpoints', i), e, portNames));
      break;
    case 'DNS': case 'DNS_ROUND_ROBIN':
      checkDnsEndpoints(c, se, portNames);
      break;
    case 'DYNAMIC_DNS':
      checkDynamicDns(c, se);
      break;
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    const i = (spec.ports ?? []).findIndex((p) => {
      const proto = parseProtocolName(p.protocol);
      return !isHttpProtocol(proto) && !isTlsProtocol(proto);
    });
    if (i >= 0) c.error(at('spec.ports', i), 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  checkExportTo(c, 'spec.exportTo', se.metadata.namespace, spec.exportTo, { serviceEntry: true });
}

/** Reports the rules for the service ports; returns the declared port names. */
function checkPorts(c: Collector, se: ServiceEntryConfig): Set<string> {
  const spec = se.spec;
  const names = new Set<string>();
  const numbers = new Set<number>();
  const autoAllocation = autoAllocates(se);
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
    if ((spec.addresses ?? []).length === 0 && !autoAllocation && (!p.protocol || p.protocol === 'TCP')) {
      c.warn(f, 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled');
    }
    const nameErr = portNameError(name);
    if (nameErr) c.error(at(f, 'name'), nameErr);
    if (p.protocol && !parseProtocolName(p.protocol)) c.error(at(f, 'protocol'), `unsupported protocol: ${p.protocol}`);
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

/** Istio's validateWorkloadEntry for a STATIC ServiceEntry's endpoint (addresses must be IPs or unix sockets). */
function checkStaticEndpoint(c: Collector, f: string, e: WorkloadEntry, portNames: ReadonlySet<string>): void {
  const address = e.address ?? '';
  if (address === '') {
    if (!e.network) return c.error(at(f, 'address'), 'address is required');
    c.warn(f, `address is unset with network ${JSON.stringify(e.network)}`);
  }
  const unix = address.startsWith(UNIX_PREFIX);
  if (unix) {
    const err = unixAddressError(address.slice(UNIX_PREFIX.length));
    if (err) c.error(at(f, 'address'), err);
    if (Object.keys(e.ports ?? {}).length > 0) c.error(at(f, 'ports'), `unix endpoint ${address} must not include ports`);
  } else if (address !== '' && !isIPAddress(address)) {
    c.error(at(f, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid IP address`);
  }
  checkEndpointPorts(c, f, e, portNames);
  checkLabels(c, at(f, 'labels'), e.labels);
  if (unix && portNames.size !== 1) c.error(f, 'exactly 1 service port required for unix endpoints');
}

function checkDnsEndpoints(c: Collector, se: ServiceEntryConfig, portNames: ReadonlySet<string>): void {
  const spec = se.spec;
  const resolution = spec.resolution ?? 'NONE';
  const endpoints = spec.endpoints ?? [];
  const hosts = spec.hosts ?? [];
  if (endpoints.length === 0) {
    // As Istio, only the first host that is not a fully qualified name is reported.
    const i = hosts.findIndex((h) => fqdnError(h) !== undefined);
    if (i >= 0) {
      c.error(at('spec.hosts', i), `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${fqdnError(hosts[i]!)}`);
    }
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) c.error('spec.endpoints', `there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
  endpoints.forEach((e, i) => {
    const f = at('spec.endpoints', i);
    const address = e.address ?? '';
    if (!isIPAddress(address) && fqdnError(address)) c.error(at(f, 'address'), `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`);
    checkLabels(c, at(f, 'labels'), e.labels);
    checkEndpointPorts(c, f, e, portNames);
  });
  if ((spec.addresses ?? []).length > 0 && hosts.length > 1 && (spec.ports ?? []).some((p) => isTcpProtocol(p.protocol))) {
    c.warn('spec', 'service entry can not have more than one host specified simultaneously with address and tcp port');
  }
}

function checkDynamicDns(c: Collector, se: ServiceEntryConfig): void {
  const spec = se.spec;
  const r = 'DYNAMIC_DNS';
  if ((spec.hosts ?? []).length === 0) c.error('spec.hosts', `at least one wildcard host must be provided for resolution type ${r}`);
  (spec.hosts ?? []).forEach((h, i) => {
    if (!h.startsWith('*')) c.error(at('spec.hosts', i), `host must be wildcarded for resolution mode ${r}`);
  });
  // Istio's messages lack the space before "from" and "field": kept word for word.
  if ((spec.addresses ?? []).length > 0) c.error('spec.addresses', `addresses cannot be set for resolution type ${r}. HTTP route domains will only be generatedfrom the hosts field values`);
  if ((spec.endpoints ?? []).length > 0) c.error('spec.endpoints', `endpoints cannot be set for resolution type ${r}. Destination IP address determined from hostsfield values`);
  (spec.ports ?? []).forEach((p, i) => {
    const proto = parseProtocolName(p.protocol);
    if (!(proto === 'HTTP' || proto === 'TLS' || proto === 'GRPC' || proto === 'HTTP2')) {
      c.error(at(at('spec.ports', i), 'protocol'), `only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${r}`);
    }
  });
  const waypoint = se.metadata.labels['istio.io/use-waypoint'] ?? '';
  if (spec.location === 'MESH_INTERNAL' && waypoint !== '' && waypoint.toLowerCase() !== 'none') {
    c.error('spec.location', `location MESH_INTERNAL with resolution type ${r} is not supported when using waypoints`);
  }
}
