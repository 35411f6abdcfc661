import { loadYaml } from '../load-yaml.js';

/**
 * Every validation rule with the message Istio gives for it, word for word, and the Istio source
 * file it was learned from (istio/istio pkg/config/validation/... and the files they call). Each
 * row is one resource that breaks one rule; the row passes when minipilot reports that message at
 * that level (and field, when given).
 */
const V = 'pkg/config/validation/validation.go';
const VSGO = 'pkg/config/validation/virtualservice.go';
const AGENT = 'pkg/config/validation/agent/validation.go';
const HDR = 'pkg/config/validation/header_value_validator.go';
const LABELS = 'pkg/config/labels/instance.go';
const VIS = 'pkg/config/visibility/visibility.go';

type Level = 'error' | 'warning';
interface Row {
  readonly rule: string;
  readonly source: string;
  readonly object: Record<string, unknown>;
  readonly message: string;
  readonly level?: Level;
  readonly field?: string;
}

const obj = (kind: string, spec: unknown, metadata: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'x', namespace: 'ns', ...metadata }, spec,
});
const vs = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) => obj('VirtualService', { hosts: ['a.example.com'], ...spec }, metadata);
/** A VirtualService with one HTTP route: `route` is merged into `{route: [{destination: {host: b}}]}`. */
const http = (route: Record<string, unknown>, spec: Record<string, unknown> = {}) => vs({ http: [{ route: [{ destination: { host: 'b' } }], ...route }], ...spec });
const dr = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) => obj('DestinationRule', { host: 'b', ...spec }, metadata);
const policy = (trafficPolicy: Record<string, unknown>) => dr({ trafficPolicy });
const gw = (server: Record<string, unknown>, metadata?: Record<string, unknown>) => obj('Gateway', {
  servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'], ...server }],
}, metadata);
const httpsGw = (tls: Record<string, unknown>) => gw({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls });
const se = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) => obj('ServiceEntry', {
  hosts: ['a.example.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS', ...spec,
}, metadata);
const pa = (spec: Record<string, unknown>) => ({ ...obj('PeerAuthentication', spec), apiVersion: 'security.istio.io/v1' });

const ROWS: Row[] = [
  // metadata (every kind)
  { rule: 'always-reject annotation', source: V, object: vs({ http: [{ route: [{ destination: { host: 'b' } }] }] }, { annotations: { 'internal.istio.io/webhook-always-reject': '' } }), message: '"internal.istio.io/webhook-always-reject" annotation found, rejecting' },
  { rule: 'internal parents annotation', source: V, object: dr({}, { annotations: { 'internal.istio.io/parents': 'x' } }), message: '"internal.istio.io/parents" annotation found, this may not be set by users' },
  { rule: 'internal parent-namespace annotation', source: V, object: dr({}, { annotations: { 'internal.istio.io/parent-namespace': 'x' } }), message: '"internal.istio.io/parent-namespace" annotation found, this may not be set by users' },
  { rule: 'dry-run only on AuthorizationPolicy', source: V, object: dr({}, { annotations: { 'istio.io/dry-run': 'true' } }), message: 'ns/x has unsupported annotation istio.io/dry-run, please remove the annotation' },

  // Gateway
  { rule: 'gateway name is a DNS label', source: V, object: gw({}, { name: 'a.b' }), message: 'invalid gateway name: "a.b"' },
  { rule: 'gateway needs a server', source: V, object: obj('Gateway', { servers: [] }), message: 'gateway must have at least one server' },
  { rule: 'server needs a host', source: V, object: gw({ hosts: [] }), message: 'server config must contain at least one host' },
  { rule: 'gateway host short name', source: AGENT, object: gw({ hosts: ['reviews'] }), message: 'short names (non FQDN) are not allowed', field: 'spec.servers[0].hosts[0]' },
  { rule: 'gateway host ns/short name', source: AGENT, object: gw({ hosts: ['ns1/reviews'] }), message: 'short names (non FQDN) are not allowed' },
  { rule: 'gateway host partial wildcard', source: AGENT, object: gw({ hosts: ['*bar.com'] }), message: 'partial wildcard "*bar.com" not allowed' },
  { rule: 'gateway host namespace', source: AGENT, object: gw({ hosts: ['b@d/a.example.com'] }), message: 'invalid namespace value "b@d" in gateway' },
  { rule: 'gateway host empty parts', source: AGENT, object: gw({ hosts: ['ns1/'] }), message: 'config namespace and dnsName in host entry cannot be empty' },
  { rule: 'gateway host label', source: AGENT, object: gw({ hosts: ['a.*.com'] }), message: 'domain name "*.com" invalid (label "*" invalid)' },
  { rule: 'port required', source: V, object: gw({ port: undefined }), message: 'port is required' },
  { rule: 'server protocol', source: V, object: gw({ port: { number: 80, name: 'k', protocol: 'kafka' } }), message: 'invalid protocol "kafka", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP' },
  { rule: 'port range', source: AGENT, object: gw({ port: { number: 70000, name: 'h', protocol: 'HTTP' } }), message: 'port number 70000 must be in the range 1..65535' },
  { rule: 'targetPort on a Gateway', source: V, object: gw({ port: { number: 80, name: 'h', protocol: 'HTTP', targetPort: 8080 } }), message: 'targetPort has no impact on Gateways' },
  { rule: 'port name required', source: V, object: gw({ port: { number: 80, protocol: 'HTTP' } }), message: 'port name must be set: number:80 protocol:"HTTP"' },
  { rule: 'unix bind needs port 0', source: V, object: gw({ bind: 'unix:///tmp/s' }), message: 'port number must be 0 for unix domain socket: number:80 protocol:"HTTP" name:"http"' },
  { rule: 'unix bind path', source: V, object: gw({ bind: 'unix://rel/path', port: { number: 0, name: 'h', protocol: 'HTTP' } }), message: 'rel/path is not an absolute path to a file' },
  { rule: 'bind is an IP', source: AGENT, object: gw({ bind: 'localhost' }), message: 'localhost is not a valid IP' },
  { rule: 'unique port names', source: V, object: obj('Gateway', { servers: [1, 2].map((n) => ({ port: { number: 80 + n, name: 'p', protocol: 'HTTP' }, hosts: ['*'] })) }), message: 'port names in servers must be unique: duplicate name p' },
  { rule: 'httpsRedirect on non-HTTP', source: V, object: gw({ port: { number: 443, name: 't', protocol: 'TCP' }, tls: { httpsRedirect: true } }), level: 'warning', message: 'tls.httpsRedirect should only be used with http servers' },
  { rule: 'HTTPS needs tls', source: V, object: gw({ port: { number: 443, name: 'https', protocol: 'HTTPS' } }), message: 'server must have TLS settings for HTTPS/TLS protocols' },
  { rule: 'tls on plain HTTP', source: V, object: gw({ tls: { mode: 'SIMPLE', credentialName: 'c' } }), message: 'server cannot have TLS settings for plain text HTTP ports' },
  { rule: 'tls on TCP', source: V, object: gw({ port: { number: 9000, name: 't', protocol: 'TCP' }, tls: { mode: 'SIMPLE', credentialName: 'c' } }), message: 'server cannot have TLS settings for non HTTPS/TLS ports' },
  { rule: 'SIMPLE TLS needs a certificate', source: V, object: httpsGw({ mode: 'SIMPLE' }), message: 'SIMPLE TLS requires a server certificate' },
  { rule: 'SIMPLE TLS needs a key', source: V, object: httpsGw({ mode: 'SIMPLE', serverCertificate: '/c' }), message: 'SIMPLE TLS requires a private key' },
  { rule: 'SIMPLE TLS per tlsCertificates entry', source: V, object: httpsGw({ mode: 'SIMPLE', tlsCertificates: [{ serverCertificate: '/c' }] }), message: 'SIMPLE TLS requires a private key' },
  { rule: 'at most 2 server certificates', source: V, object: httpsGw({ mode: 'SIMPLE', tlsCertificates: [1, 2, 3].map((n) => ({ serverCertificate: `/c${n}`, privateKey: `/k${n}` })) }), level: 'warning', message: 'SIMPLE TLS can support up to 2 server certificates' },
  { rule: 'MUTUAL TLS needs a CA', source: V, object: httpsGw({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k' }), message: 'MUTUAL TLS requires a client CA bundle' },
  { rule: 'OPTIONAL_MUTUAL checked as MUTUAL', source: V, object: httpsGw({ mode: 'OPTIONAL_MUTUAL' }), message: 'MUTUAL TLS requires a server certificate' },
  { rule: 'one certificate source', source: V, object: httpsGw({ mode: 'SIMPLE', credentialName: 'c', serverCertificate: '/c', privateKey: '/k' }), message: 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified' },
  { rule: 'ISTIO_MUTUAL has no files', source: V, object: httpsGw({ mode: 'ISTIO_MUTUAL', privateKey: '/k' }), message: 'ISTIO_MUTUAL TLS cannot have associated private key' },
  { rule: 'ISTIO_MUTUAL has no credential', source: V, object: httpsGw({ mode: 'ISTIO_MUTUAL', credentialName: 'c' }), message: 'ISTIO_MUTUAL TLS cannot have associated credentialName' },
  { rule: 'PASSTHROUGH ignores certificates', source: V, object: httpsGw({ mode: 'PASSTHROUGH', credentialName: 'c' }), level: 'warning', message: 'PASSTHROUGH mode does not use certificates, they will be ignored' },
  { rule: 'CRL with SIMPLE', source: V, object: httpsGw({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' }), message: 'CRL is not supported with SIMPLE TLS' },
  { rule: 'CRL with credentialName', source: V, object: httpsGw({ mode: 'PASSTHROUGH', credentialName: 'c', caCrl: '/crl' }), message: 'CRL is not supported with credentialName. CRL has to be specified in the credential' },
  { rule: 'invalid cipher suites', source: V, object: httpsGw({ mode: 'SIMPLE', credentialName: 'c', cipherSuites: ['zz', 'aa', 'zz'] }), level: 'warning', message: 'ignoring invalid cipher suites: [aa zz]' },
  { rule: 'duplicate cipher suites', source: V, object: httpsGw({ mode: 'SIMPLE', credentialName: 'c', cipherSuites: ['AES128-SHA', 'AES128-SHA'] }), level: 'warning', message: 'ignoring duplicate cipher suites: [AES128-SHA]' },
  { rule: 'old TLS versions need ciphers', source: V, object: httpsGw({ mode: 'SIMPLE', credentialName: 'c', minProtocolVersion: 'TLSV1_1' }), level: 'warning', message: 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.' },

  // VirtualService
  { rule: 'delegate has no gateways', source: V, object: obj('VirtualService', { gateways: ['g'], http: [{ route: [{ destination: { host: 'b' } }] }] }), message: 'delegate virtual service must have no gateways specified' },
  { rule: 'delegate has no tcp', source: V, object: obj('VirtualService', { tcp: [{ route: [{ destination: { host: 'b' } }] }] }), message: 'delegate virtual service must have no tcp route specified' },
  { rule: 'AUTO_PASSTHROUGH SNI host format', source: AGENT, object: vs({ hosts: ['outbound_.x_._.a.example.com'], gateways: ['g'], tls: [{ match: [{ sniHosts: ['outbound_.x_._.a.example.com'] }], route: [{ destination: { host: 'b' } }] }] }), message: 'domain name "outbound_.x_._.a.example.com" invalid (label "x" invalid). should follow outbound_.<PORT>_._.<HOSTNAME> format' },
  { rule: 'host label', source: AGENT, object: http({}, { hosts: ['ba!r.com'] }), message: 'domain name "ba!r.com" invalid (label "ba!r" invalid)' },
  { rule: 'empty host', source: AGENT, object: http({}, { hosts: [''] }), message: 'empty domain name not allowed' },
  { rule: '* host on the mesh', source: V, object: http({}, { hosts: ['*'] }), message: 'wildcard host * is not allowed for virtual services bound to the mesh gateway' },
  { rule: '* host on mesh and gateway', source: V, object: http({}, { hosts: ['*'], gateways: ['mesh', 'g'] }), message: 'wildcard host * is not allowed for virtual services bound to the mesh gateway' },
  { rule: 'duplicate hosts', source: V, object: http({}, { hosts: ['*.foo.com', 'a.foo.com'] }), message: 'duplicate hosts in virtual service: *.foo.com & a.foo.com' },
  { rule: 'routes required', source: V, object: vs({}), message: 'http, tcp or tls must be provided in virtual service' },
  { rule: 'gateway name', source: V, object: http({}, { gateways: ['b@d'] }), message: 'domain name "b@d" invalid (label "b@d" invalid)' },
  { rule: 'gateway namespace', source: V, object: http({}, { gateways: ['*/g'] }), message: 'invalid value for namespace: "*"' },
  { rule: 'legacy gateway name', source: V, object: http({}, { gateways: ['g.ns1'] }), level: 'warning', message: 'using legacy gatewayName format "g.ns1"; prefer the <namespace>/<name> format: "ns1/g"' },
  { rule: 'JWT claim routing needs a gateway', source: V, object: http({ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }] }), message: 'JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []' },
  { rule: 'root route must not redirect', source: VSGO, object: vs({ http: [{ name: 'r', delegate: { name: 'd' }, redirect: { uri: '/x' } }] }), message: 'root HTTP route r must not specify redirect' },
  { rule: 'delegate in a delegate', source: VSGO, object: obj('VirtualService', { http: [{ delegate: { name: 'd' }, route: [{ destination: { host: 'b' } }] }] }), message: 'delegate HTTP route cannot contain delegate' },
  { rule: 'route and redirect', source: VSGO, object: http({ redirect: { uri: '/x' } }), message: 'HTTP route cannot contain both route and redirect' },
  { rule: 'direct response and redirect', source: VSGO, object: vs({ http: [{ redirect: { uri: '/x' }, directResponse: { status: 200 } }] }), message: 'HTTP route rule cannot contain both direct_response and redirect' },
  { rule: 'fault and direct response', source: VSGO, object: vs({ http: [{ directResponse: { status: 200 }, fault: { abort: { httpStatus: 500 } } }] }), message: 'HTTP route cannot contain both fault and direct_response' },
  { rule: 'rewrite and direct response', source: VSGO, object: vs({ http: [{ directResponse: { status: 200 }, rewrite: { uri: '/' } }] }), message: 'HTTP route rule cannot contain both rewrite and direct_response' },
  { rule: 'route required', source: VSGO, object: vs({ http: [{}] }), message: 'HTTP route, redirect or direct_response is required' },
  { rule: 'mirror and mirrors', source: VSGO, object: http({ mirror: { host: 'm' }, mirrors: [{ destination: { host: 'm' } }] }), message: 'HTTP route cannot contain both mirror and mirrors' },
  { rule: 'match header name', source: V, object: http({ match: [{ headers: { 'a b': { exact: 'x' } } }] }), message: 'header name a b is not a valid header name' },
  { rule: 'match pseudo header', source: V, object: http({ match: [{ headers: { ':foo': { exact: 'x' } } }] }), message: 'header name :foo is not a valid header name' },
  { rule: 'withoutHeaders regex', source: VSGO, object: http({ match: [{ withoutHeaders: { h: { regex: '(' } } }] }), message: '"withoutHeaders": error parsing regexp: missing closing ): `(`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)' },
  { rule: 'empty prefix', source: V, object: http({ match: [{ method: { prefix: '' } }] }), message: '"method": prefix string match should not be empty' },
  { rule: 'empty regex', source: V, object: http({ match: [{ queryParams: { q: { regex: '' } } }] }), message: '"queryParams": regex string match should not be empty' },
  { rule: 'regex length', source: V, object: http({ match: [{ uri: { regex: 'a'.repeat(1025) } }] }), message: '"uri": regex is too large, max length allowed is 1024' },
  { rule: 'RE2 syntax', source: V, object: http({ match: [{ uri: { regex: 'a(?=b)' } }] }), message: '"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)' },
  { rule: 'match port', source: AGENT, object: http({ match: [{ port: 70000 }] }), message: 'port number 70000 must be in the range 1..65535' },
  { rule: 'source labels', source: LABELS, object: http({ match: [{ sourceLabels: { 'a/b/c': 'v', k: '-v' } }] }), message: 'invalid tag key: "a/b/c"' },
  { rule: 'source label value', source: LABELS, object: http({ match: [{ sourceLabels: { k: '-v' } }] }), message: 'invalid tag value: "-v"' },
  { rule: 'source namespace', source: VSGO, object: http({ match: [{ sourceNamespace: 'a_b' }] }), message: 'sourceNamespace match a_b is invalid' },
  { rule: 'request header name', source: V, object: http({ headers: { request: { set: { ':path': '/' } } } }), message: 'invalid header ":path": header cannot have ":" prefix' },
  { rule: 'response Host header', source: V, object: http({ headers: { response: { add: { Host: 'h' } } } }), message: 'invalid header "Host": cannot set Host header' },
  { rule: 'removed header name', source: V, object: http({ headers: { request: { remove: [''] } } }), message: 'header name cannot be empty' },
  { rule: 'header value %', source: HDR, object: http({ headers: { request: { set: { x: '%START_TIME%%' } } } }), message: 'header value configuration: invalid header configuration. Un-escaped %' },
  { rule: 'header value variable', source: HDR, object: http({ headers: { response: { set: { x: 'a %REQ(b' } } } }), message: "header value configuration: invalid header configuration. Un-terminated variable expression 'a %REQ(b'" },
  { rule: 'header value control characters', source: V, object: http({ headers: { response: { set: { x: 'a\u0001b' } } } }), message: 'header value configuration a\u0001b is invalid' },
  { rule: 'CORS origin', source: V, object: http({ corsPolicy: { allowOrigins: [{ exact: '' }] } }), message: "'' is not a valid match type for CORS allow origins" },
  { rule: 'CORS method', source: V, object: http({ corsPolicy: { allowMethods: ['GETS'] } }), message: '"GETS" is not a supported HTTP method' },
  { rule: 'CORS header', source: V, object: http({ corsPolicy: { exposeHeaders: [''] } }), message: 'header name cannot be empty' },
  { rule: 'CORS maxAge precision', source: V, object: http({ corsPolicy: { maxAge: '1.5s' } }), message: 'max_age duration is accurate only to seconds precision' },
  { rule: 'CORS maxAge duration and precision', source: V, object: http({ corsPolicy: { maxAge: '0.0005s' } }), message: 'duration must be greater than 1ms' },
  { rule: 'fault needs abort or delay', source: V, object: http({ fault: {} }), message: 'HTTP fault injection must have an abort and/or a delay' },
  { rule: 'fault percentage', source: V, object: http({ fault: { abort: { httpStatus: 500, percentage: { value: 101 } } } }), message: 'percentage 101 is neither 0.0, nor in range [0.0001, 100.0]' },
  { rule: 'abort status', source: V, object: http({ fault: { abort: { httpStatus: 199 } } }), message: 'HTTP status 199 is not in range 200-599' },
  { rule: 'abort gRPC status', source: V, object: http({ fault: { abort: { grpcStatus: 'NOPE' } } }), message: 'gRPC status "NOPE" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example \'NOT_FOUND\'' },
  { rule: 'abort without error type', source: V, object: http({ fault: { abort: { percentage: { value: 5 } } } }), level: 'warning', message: 'abort configured, but error type not set' },
  { rule: 'exponential delay', source: V, object: http({ fault: { delay: { exponentialDelay: '1s' } } }), message: 'exponentialDelay not supported yet' },
  { rule: 'mirror_percent', source: VSGO, object: http({ mirrorPercent: 101 }), message: 'mirror_percent must have a max value of 100 (it has 101)' },
  { rule: 'mirror_percentage', source: VSGO, object: http({ mirrorPercentage: { value: -1 } }), message: 'mirror_percentage must have a min value of 0 (it has -1.000000)' },
  { rule: 'mirrors percentage', source: V, object: http({ mirrors: [{ destination: { host: 'm' }, percentage: { value: 101 } }] }), message: 'mirror percentage must have a max value of 100 (it has 101.000000)' },
  { rule: 'redirect target', source: V, object: vs({ http: [{ redirect: {} }] }), message: 'redirect must specify URI, authority, scheme, or port' },
  { rule: 'redirect uri and prefix', source: V, object: vs({ http: [{ redirect: { uri: '/a', prefixRewrite: '/b' } }] }), message: 'redirect may only specify one of uri or prefix_rewrite' },
  { rule: 'redirect prefix needs prefix matches', source: V, object: vs({ http: [{ match: [{ uri: { exact: '/a' } }], redirect: { prefixRewrite: '/b' } }] }), message: 'redirect prefix_rewrite requires all URI matches to use prefix match type' },
  { rule: 'redirect code', source: V, object: vs({ http: [{ redirect: { uri: '/a', redirectCode: 200 } }] }), message: '200 is not a valid redirect code, must be 3xx' },
  { rule: 'redirect scheme', source: V, object: vs({ http: [{ redirect: { scheme: 'ftp' } }] }), message: 'invalid redirect scheme, must be "http" or "https"' },
  { rule: 'direct response status', source: V, object: vs({ http: [{ directResponse: { status: 601 } }] }), message: 'HTTP status 601 is not in range 200-599' },
  { rule: 'direct response size', source: V, object: vs({ http: [{ directResponse: { status: 200, body: { string: 'x'.repeat(1024 * 1024 + 1) } } }] }), message: 'large direct_responses may impact control plane performance, must be less than 1MB' },
  { rule: 'retry attempts', source: AGENT, object: http({ retries: { attempts: -1 } }), message: 'attempts cannot be negative' },
  { rule: 'retry disabled but configured', source: AGENT, object: http({ retries: { attempts: 0, retryOn: '5xx' } }), message: 'http retry policy configured when attempts are set to 0 (disabled)' },
  { rule: 'retryOn policy', source: AGENT, object: http({ retries: { attempts: 1, retryOn: '5xx,600' } }), message: '"600" is not a valid retryOn policy' },
  { rule: 'rewrite uri and regex', source: V, object: http({ rewrite: { uri: '/', uriRegexRewrite: { match: 'a', rewrite: 'b' } } }), message: 'rewrite may only contain one of URI or UriRegexRewrite' },
  { rule: 'rewrite target', source: V, object: http({ rewrite: {} }), message: 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified' },
  { rule: 'regex rewrite fields', source: V, object: http({ rewrite: { uriRegexRewrite: { match: 'a' } } }), message: 'UriRegexRewrite requires both Rewrite and Match fields to be specified' },
  { rule: 'authority set twice', source: VSGO, object: http({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } }), message: 'authority header cannot be set multiple times: have "a", attempting to set "b"' },
  { rule: 'destination host *', source: V, object: http({ route: [{ destination: { host: '*' } }] }), message: 'invalid destination host *' },
  { rule: 'subset name', source: V, object: http({ route: [{ destination: { host: 'b', subset: 'v1.0' } }] }), message: 'subset name is invalid: v1.0' },
  { rule: 'destination port', source: AGENT, object: http({ route: [{ destination: { host: 'b', port: {} } }] }), message: 'port number 0 must be in the range 1..65535' },
  { rule: 'negative weight', source: V, object: http({ route: [{ destination: { host: 'b' }, weight: -1 }] }), message: 'weight -1 < 0' },
  { rule: 'zero total weight', source: V, object: http({ route: [{ destination: { host: 'b' } }, { destination: { host: 'c' } }] }), message: 'total destination weight = 0' },
  { rule: 'timeout', source: AGENT, object: http({ timeout: '500us' }), message: 'duration must be greater than 1ms' },
  { rule: 'duration precision', source: AGENT, object: http({ timeout: '1.0005s' }), message: 'only durations to ms precision are supported' },
  { rule: 'TLS route match', source: V, object: vs({ tls: [{ route: [{ destination: { host: 'b' } }] }] }), message: 'TLS route must have at least one match condition' },
  { rule: 'TLS SNI host', source: V, object: vs({ tls: [{ match: [{ sniHosts: ['c.example.com'] }], route: [{ destination: { host: 'b' } }] }] }), message: 'SNI host "c.example.com" is not a compatible subset of any of the virtual service hosts: [a.example.com]' },
  { rule: 'TLS SNI IP', source: V, object: vs({ tls: [{ match: [{ sniHosts: ['1.1.1.1'] }], route: [{ destination: { host: 'b' } }] }] }), level: 'warning', message: 'using an IP address ("1.1.1.1") goes against SNI spec and most clients do not support this' },
  { rule: 'TCP route required', source: V, object: vs({ tcp: [{ match: [{ port: 80 }] }] }), message: 'TCP route is required' },
  { rule: 'destination subnet', source: AGENT, object: vs({ tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [{ destination: { host: 'b' } }] }] }), message: '10.0.0.0/33 is not a valid CIDR block' },
  { rule: 'exportTo ~', source: VIS, object: http({}, { exportTo: ['~'] }), message: 'exportTo ~ (none) is not allowed for Istio configuration objects' },
  { rule: 'exportTo name', source: VIS, object: http({}, { exportTo: ['a_b'] }), message: 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry' },
  { rule: 'exportTo . twice', source: V, object: http({}, { exportTo: ['ns', '.'] }), message: 'duplicate entries in exportTo: . and current namespace ns' },
  { rule: 'exportTo duplicate', source: V, object: http({}, { exportTo: ['a', 'a'] }), message: 'duplicate entries in exportTo for entry a' },
  { rule: 'exportTo * and more', source: V, object: http({}, { exportTo: ['*', 'a'] }), message: 'cannot have both public (*) and non-public exportTo values for a resource' },
  { rule: 'rule after a catch-all', source: V, object: vs({ http: [{ route: [{ destination: { host: 'b' } }] }, { name: 'late', match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 'b' } }] }] }), level: 'warning', message: 'virtualService rule "late" not used (route without matches defined before)' },
  { rule: 'two catch-alls', source: V, object: vs({ http: [{ route: [{ destination: { host: 'b' } }] }, { route: [{ destination: { host: 'c' } }] }] }), level: 'warning', message: 'virtualService rule #1 not used (only the last rule can have no matches)' },
  { rule: 'duplicate match', source: V, object: vs({ http: [0, 1].map((i) => ({ match: [{ name: `m${i}`, uri: { exact: '/a' } }], route: [{ destination: { host: 'b' } }] })) }), level: 'warning', message: 'virtualService rule #1 match "m1" is not used (duplicate/overlapping match in rule #0)' },
  { rule: 'all matches used before', source: V, object: vs({ tcp: [0, 1].map(() => ({ match: [{ port: 80 }], route: [{ destination: { host: 'b' } }] })) }), level: 'warning', message: 'virtualService rule #1 not used (all matches used by prior rules)' },
  { rule: 'overlapping prefix', source: V, object: vs({ http: ['/debug', '/debugs'].map((p) => ({ match: [{ uri: { prefix: p } }], route: [{ destination: { host: 'b' } }] })) }), level: 'warning', message: 'virtualService rule #1 match #0 of prefix /debugs is not used (duplicate/overlapping match in rule #0 of prefix /debug on #0)' },

  // DestinationRule
  { rule: 'DR host', source: AGENT, object: dr({ host: 'a.*' }), message: 'domain name "*" invalid (label "*" invalid)' },
  { rule: 'traffic policy empty', source: V, object: policy({}), message: 'traffic policy must have at least one field' },
  { rule: 'tunnel and proxyProtocol', source: V, object: policy({ tunnel: { targetHost: 'a.b', targetPort: 80 }, proxyProtocol: {} }), message: 'tunnel and proxyProtocol must not be set together' },
  { rule: 'tunnel target', source: V, object: policy({ tunnel: { targetHost: 'a_b', targetPort: 80 } }), message: 'tunnel target host must be valid FQDN or IP address: domain name "a_b" invalid (label "a_b" invalid); a_b is not a valid IP' },
  { rule: 'tunnel protocol', source: V, object: policy({ tunnel: { protocol: 'GET', targetHost: 'a.b', targetPort: 80 } }), message: 'tunnel protocol must be "CONNECT" or "POST"' },
  { rule: 'consecutiveErrors deprecated', source: V, object: policy({ outlierDetection: { consecutiveErrors: 5 } }), level: 'warning', message: 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead' },
  { rule: 'local origin failures', source: V, object: policy({ outlierDetection: { consecutiveLocalOriginFailures: 2 } }), message: 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false' },
  { rule: 'ejection percent', source: V, object: policy({ outlierDetection: { maxEjectionPercent: 105 } }), message: 'percentage 105 is not in range 0..100' },
  { rule: 'connection pool empty', source: V, object: policy({ connectionPool: {} }), message: 'connection pool must have at least one field' },
  { rule: 'max retries', source: V, object: policy({ connectionPool: { http: { maxRetries: -1 } } }), message: 'max retries must be non-negative' },
  { rule: 'h2 upgrade and client protocol', source: V, object: policy({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }), message: 'use client protocol must not be true when H2UpgradePolicy is UPGRADE' },
  { rule: 'http2 keepalive', source: V, object: policy({ connectionPool: { http: { http2KeepAlive: { interval: '1s' } } } }), message: 'http2 keepalive timeout is required' },
  { rule: 'connect timeout', source: AGENT, object: policy({ connectionPool: { tcp: { connectTimeout: '1.0001s' } } }), message: 'only durations to ms precision are supported' },
  { rule: 'cookie name', source: V, object: policy({ loadBalancer: { consistentHash: { httpCookie: { ttl: '1s' } } } }), message: 'name required for HttpCookie' },
  { rule: 'cookie attribute empty', source: V, object: policy({ loadBalancer: { consistentHash: { httpCookie: { name: 'c', attributes: [{ value: 'v' }] } } } }), message: 'cookie attribute name cannot be empty' },
  { rule: 'ring size deprecated', source: V, object: policy({ loadBalancer: { consistentHash: { httpHeaderName: 'h', minimumRingSize: 10 } } }), level: 'warning', message: "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead" },
  { rule: 'maglev table size 0', source: V, object: policy({ loadBalancer: { consistentHash: { httpHeaderName: 'h', maglev: {} } } }), message: 'tableSize must be set for maglev' },
  { rule: 'maglev table size 0 is not prime', source: V, object: policy({ loadBalancer: { consistentHash: { httpHeaderName: 'h', maglev: {} } } }), message: 'tableSize must be a prime number for maglev' },
  { rule: 'locality and zone aware', source: V, object: policy({ loadBalancer: { localityLbSetting: {}, zoneAwareLbSetting: {} } }), message: 'only one of localityLbSetting and zoneAwareLbSetting can be set' },
  { rule: 'distribute and failover', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { b: 100 } }], failover: [{ from: 'a', to: 'b' }] } } }), message: "can not simultaneously specify 'distribute' and 'failover'" },
  { rule: 'failover with region label', source: AGENT, object: policy({ outlierDetection: {}, loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['topology.kubernetes.io/region'] } } }), message: "can not simultaneously set 'failover' and topology label 'topology.kubernetes.io/region' in 'failover_priority'" },
  { rule: 'locality weight', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { b: 0 } }] } } }), message: 'locality weight must be in range [1, 100]' },
  { rule: 'locality total weight', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { b: 50 } }] } } }), message: 'total locality weight 50 != 100' },
  { rule: 'locality wildcard', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a/*/c', to: { b: 100 } }] } } }), message: "locality a/*/c wildcard '*' number can not exceed 1 and must be in the end" },
  { rule: 'locality empty part', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { 'b//c': 100 } }] } } }), message: 'locality b//c must not contain empty region/zone/subzone info' },
  { rule: 'locality overlap', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'a', to: { b: 50, 'b/z': 50 } }] } } }), message: 'locality b/z overlap with previous specified ones' },
  { rule: 'failover needs outlier detection', source: AGENT, object: policy({ loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }] } } }), level: 'warning', message: 'outlier detection policy must be provided for failover' },
  { rule: 'failover regions differ', source: AGENT, object: policy({ outlierDetection: {}, loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'a' }] } } }), message: 'locality lb failover settings must specify different regions' },
  { rule: 'failover regions only', source: AGENT, object: policy({ outlierDetection: {}, loadBalancer: { localityLbSetting: { failover: [{ from: 'a/z', to: 'b' }] } } }), message: 'locality lb failover only specify region' },
  { rule: 'zone aware priority labels', source: AGENT, object: policy({ outlierDetection: {}, loadBalancer: { zoneAwareLbSetting: { failoverPriority: ['topology.kubernetes.io/zone'] } } }), message: "'failover_priority' for zone aware lb must not use topology label 'topology.kubernetes.io/zone'; region- and zone-level routing are handled automatically" },
  { rule: 'warmup duration', source: V, object: policy({ loadBalancer: { warmup: {} } }), message: 'duration is required' },
  { rule: 'warmup minimum percent', source: V, object: policy({ loadBalancer: { warmup: { duration: '1s', minimumPercent: 101 } } }), message: 'minimumPercent value should be less than or equal to 100' },
  { rule: 'port policy port', source: V, object: policy({ portLevelSettings: [{ connectionPool: { tcp: { maxConnections: 1 } } }] }), message: 'portTrafficPolicy must have valid port' },
  { rule: 'port policy empty', source: V, object: policy({ portLevelSettings: [{ port: { number: 80 } }] }), message: 'port traffic policy must have at least one field' },
  { rule: 'client TLS skip verify', source: AGENT, object: policy({ tls: { mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/ca' } }), message: 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true' },
  { rule: 'client TLS credential and files', source: AGENT, object: policy({ tls: { mode: 'MUTUAL', credentialName: 'c', privateKey: '/k' } }), message: 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set' },
  { rule: 'client TLS mutual certificate', source: AGENT, object: policy({ tls: { mode: 'MUTUAL', privateKey: '/k' } }), message: 'client certificate required for mutual tls' },
  { rule: 'configmap credential namespace', source: AGENT, object: policy({ tls: { mode: 'SIMPLE', credentialName: 'configmap://other/ca' } }), message: 'invalid configmap:// credentialName: namespace must match the configuration namespace "ns"' },
  { rule: 'duplicate subsets', source: V, object: dr({ subsets: [{ name: 'v1' }, { name: 'v1' }] }), message: 'duplicate subset names: v1' },
  { rule: 'empty subset name', source: V, object: dr({ subsets: [{ name: '' }] }), message: 'subset name cannot be empty' },
  { rule: 'selector DR exportTo', source: V, object: dr({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['*'] }), message: 'destination rule with workload selector cannot have exportTo beyond current namespace' },
  { rule: 'selector wildcard', source: V, object: dr({ workloadSelector: { matchLabels: { app: 'a*' } } }), message: 'wildcard is not supported in selector: "app=a*"' },
  { rule: 'selector without labels', source: V, object: dr({ workloadSelector: {} }), level: 'warning', message: 'workload selector specified without labels' },

  // ServiceEntry
  { rule: 'SE needs hosts', source: V, object: se({ hosts: [] }), message: 'service entry must have at least one host' },
  { rule: 'SE host *', source: V, object: se({ hosts: ['*'] }), message: 'invalid host *' },
  { rule: 'SE partial wildcard', source: AGENT, object: se({ hosts: ['*x.example.com'], resolution: 'NONE' }), level: 'warning', message: 'partial wildcard "*x.example.com" not allowed' },
  { rule: 'SE address', source: AGENT, object: se({ addresses: ['300.0.0.1'], resolution: 'NONE' }), message: '300.0.0.1 is not a valid IP' },
  { rule: 'SE CIDR needs NONE/STATIC', source: V, object: se({ addresses: ['10.0.0.0/8'] }), message: 'CIDR addresses are allowed only for NONE/STATIC resolution types' },
  { rule: 'SE port name twice', source: V, object: se({ ports: [{ number: 80, name: 'a', protocol: 'HTTP' }, { number: 81, name: 'a', protocol: 'HTTP' }] }), message: 'service entry port name "a" already defined' },
  { rule: 'SE port number twice', source: V, object: se({ ports: [{ number: 80, name: 'a', protocol: 'HTTP' }, { number: 80, name: 'b', protocol: 'HTTP' }] }), message: 'service entry port 80 already defined' },
  { rule: 'SE port name', source: V, object: se({ ports: [{ number: 80, name: 'a_b', protocol: 'HTTP' }] }), message: 'invalid port name: a_b' },
  { rule: 'SE protocol', source: V, object: se({ ports: [{ number: 80, name: 'a', protocol: 'kafka' }] }), message: 'unsupported protocol: kafka' },
  { rule: 'SE addresses without auto-allocation', source: V, object: se({ ports: [{ number: 80, name: 'a', protocol: 'TCP' }] }, { labels: { 'networking.istio.io/enable-autoallocate-ip': 'false' } }), level: 'warning', message: 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled' },
  { rule: 'SE NONE endpoints', source: V, object: se({ resolution: 'NONE', endpoints: [{ address: '1.1.1.1' }] }), message: 'no endpoints should be provided for resolution type none' },
  { rule: 'SE selector with endpoints', source: V, object: se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'a' } }, endpoints: [{ address: '1.1.1.1' }] }), message: 'only one of WorkloadSelector or Endpoints is allowed in Service Entry' },
  { rule: 'SE selector without labels', source: V, object: se({ resolution: 'NONE', workloadSelector: {} }), level: 'warning', message: 'service entry: workload selector specified without labels, will be applied to all services in namespace' },
  { rule: 'SE STATIC address required', source: V, object: se({ resolution: 'STATIC', endpoints: [{ ports: { http: 80 } }] }), message: 'address is required' },
  { rule: 'SE STATIC IP', source: V, object: se({ resolution: 'STATIC', endpoints: [{ address: 'a.example.com' }] }), message: 'endpoint address "a.example.com" is not a valid IP address' },
  { rule: 'SE endpoint port declared', source: V, object: se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { other: 90 } }] }), message: 'endpoint port 90 is not defined by the service entry' },
  { rule: 'SE unix endpoint ports', source: V, object: se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///s', ports: { http: 80 } }] }), message: 'unix endpoint unix:///s must not include ports' },
  { rule: 'SE DNS wildcard host', source: V, object: se({ hosts: ['*.example.com'] }), message: 'hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "*.example.com" invalid (label "*" invalid)' },
  { rule: 'SE DNS_ROUND_ROBIN endpoints', source: V, object: se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.b' }, { address: 'c.d' }] }), message: 'there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN' },
  { rule: 'SE DNS endpoint address', source: V, object: se({ endpoints: [{ address: 'a_b' }] }), message: 'endpoint address "a_b" is not a valid FQDN or an IP address' },
  { rule: 'SE hosts with address and TCP', source: V, object: se({ hosts: ['a.example.com', 'b.example.com'], addresses: ['10.0.0.1'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] }), level: 'warning', message: 'service entry can not have more than one host specified simultaneously with address and tcp port' },
  { rule: 'SE DYNAMIC_DNS wildcard host', source: V, object: se({ resolution: 'DYNAMIC_DNS' }), message: 'host must be wildcarded for resolution mode DYNAMIC_DNS' },
  { rule: 'SE DYNAMIC_DNS addresses', source: V, object: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', addresses: ['10.0.0.1'] }), message: 'addresses cannot be set for resolution type DYNAMIC_DNS. HTTP route domains will only be generatedfrom the hosts field values' },
  { rule: 'SE DYNAMIC_DNS endpoints', source: V, object: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', endpoints: [{ address: '1.1.1.1' }] }), message: 'endpoints cannot be set for resolution type DYNAMIC_DNS. Destination IP address determined from hostsfield values' },
  { rule: 'SE DYNAMIC_DNS protocols', source: V, object: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }] }), message: 'only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS' },
  { rule: 'SE DYNAMIC_DNS internal with waypoint', source: V, object: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', location: 'MESH_INTERNAL' }, { labels: { 'istio.io/use-waypoint': 'wp' } }), message: 'location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints' },
  { rule: 'SE multiple hosts with TCP', source: V, object: se({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 9000, name: 'tcp', protocol: 'TCP' }] }), message: 'multiple hosts provided with non-HTTP, non-TLS ports' },
  { rule: 'SE exportTo ~ and more', source: V, object: se({ exportTo: ['~', 'a'] }), message: 'cannot export service entry to no one (~) and someone' },

  // PeerAuthentication (ValidatePeerAuthentication)
  { rule: 'PA port level without selector', source: V, object: pa({ mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), message: 'mesh/namespace peer authentication cannot have port level mTLS', field: 'spec.portLevelMtls' },
  { rule: 'PA empty port level', source: V, object: pa({ selector: { matchLabels: { app: 'a' } }, portLevelMtls: {} }), message: 'port level mTLS, if defined, must have at least one element' },
  { rule: 'PA port 0', source: V, object: pa({ selector: { matchLabels: { app: 'a' } }, portLevelMtls: { 0: { mode: 'DISABLE' } } }), message: 'port must be in range 1..65535', field: 'spec.portLevelMtls["0"]' },
  { rule: 'PA port above 65535', source: V, object: pa({ selector: { matchLabels: { app: 'a' } }, portLevelMtls: { 70000: { mode: 'DISABLE' } } }), message: 'port must be in range 1..65535' },
  { rule: 'PA selector wildcard', source: V, object: pa({ selector: { matchLabels: { app: 'a*' } } }), message: 'wildcard is not supported in selector: "app=a*"' },
  { rule: 'PA selector without labels', source: V, object: pa({ selector: {} }), level: 'warning', message: 'workload selector specified without labels' },
];

describe("Istio's validation rules and messages", () => {
  it.each(ROWS.map((r) => [r.rule, r] as const))('%s', (_rule, row) => {
    const result = loadYaml(JSON.stringify(row.object), 'x.yaml');
    const seen = result.problems.map((p) => ({ severity: p.severity, message: p.message, field: p.field }));
    expect(seen).toContainEqual({ severity: row.level ?? 'error', message: row.message, field: row.field ?? expect.anything() });
  });

  it('accepts the PeerAuthentication shapes of Istio\'s docs (mesh, namespace, workload with port-level mTLS), v1 and v1beta1', () => {
    const ok = [
      pa({ mtls: { mode: 'STRICT' } }),
      { ...pa({ mtls: { mode: 'PERMISSIVE' } }), apiVersion: 'security.istio.io/v1beta1' },
      pa({ selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' }, 9000: {} } }),
    ];
    for (const o of ok) {
      const result = loadYaml(JSON.stringify(o), 'x.yaml');
      expect(result.problems).toEqual([]);
      expect(result.objects.map((x) => x.kind)).toEqual(['PeerAuthentication']);
    }
    const bad = loadYaml(JSON.stringify(pa({ mtls: { mode: 'SOMETIMES' } })), 'x.yaml');
    expect(bad.problems.map((p) => [p.severity, p.field])).toEqual([['error', 'spec.mtls.mode']]);
  });

  it('names the Istio source of every rule', () => {
    const sources = new Set([V, VSGO, AGENT, HDR, LABELS, VIS]);
    expect(ROWS.filter((r) => !sources.has(r.source))).toEqual([]);
    expect(new Set(ROWS.map((r) => r.rule)).size).toBe(ROWS.length);
  });
});
