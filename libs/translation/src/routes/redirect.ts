import { create } from '@bufbuild/protobuf';
import { routeV3, coreV3 } from '@minipilot/envoy-api';
import type { HTTPRedirect, HTTPDirectResponse } from '@minipilot/config';
import type { ProblemSink } from './problem.js';

const RESPONSE_CODES: Readonly<Record<number, routeV3.RedirectAction_RedirectResponseCode>> = {
  301: routeV3.RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: routeV3.RedirectAction_RedirectResponseCode.FOUND,
  303: routeV3.RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: routeV3.RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: routeV3.RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

/**
 * The RedirectAction for an Istio HTTPRedirect, as istiod builds it: `host_redirect` = authority,
 * `path_redirect` = uri (always set, possibly empty), `scheme_redirect`, `port_redirect` from `port`
 * or `derivePort: FROM_REQUEST_PORT` (the listener port) but omitted for http:80 and https:443
 * (scheme defaults to https on TLS servers), response code 301 (default), 302, 303, 307 or 308.
 * Returns undefined for any other code (istiod emits a route without an action, which Envoy rejects).
 */
export function translateRedirect(r: HTTPRedirect, listenerPort: number, isTls: boolean): routeV3.RedirectAction | undefined {
  const code = RESPONSE_CODES[r.redirectCode ?? 301];
  if (code === undefined) return undefined;
  const out = create(routeV3.RedirectActionSchema, {
    hostRedirect: r.authority ?? '',
    pathRewriteSpecifier: { case: 'pathRedirect', value: r.uri ?? '' },
    responseCode: code,
  });
  if (r.scheme) out.schemeRewriteSpecifier = { case: 'schemeRedirect', value: r.scheme };
  if (r.port !== undefined || r.derivePort !== undefined) {
    if (r.port !== undefined) out.portRedirect = r.port;
    else if (r.derivePort === 'FROM_REQUEST_PORT') out.portRedirect = listenerPort;
    const scheme = r.scheme || (isTls ? 'https' : 'http');
    if ((out.portRedirect === 80 && scheme === 'http') || (out.portRedirect === 443 && scheme === 'https')) out.portRedirect = 0;
  }
  return out;
}

/**
 * The DirectResponseAction for an Istio HTTPDirectResponse: status and an inline string or
 * (base64-decoded) bytes body. A body that is not base64 is left out and reported to `onProblem`.
 */
export function translateDirectResponse(d: HTTPDirectResponse, onProblem: ProblemSink = () => {}): routeV3.DirectResponseAction {
  const out = create(routeV3.DirectResponseActionSchema, { status: d.status });
  if (d.body?.string !== undefined) {
    out.body = create(coreV3.DataSourceSchema, { specifier: { case: 'inlineString', value: d.body.string } });
  } else if (d.body?.bytes !== undefined) {
    const bytes = base64Decode(d.body.bytes);
    if (bytes) out.body = create(coreV3.DataSourceSchema, { specifier: { case: 'inlineBytes', value: bytes } });
    else onProblem('directResponse.body.bytes', 'is not base64; body left out');
  }
  return out;
}

function base64Decode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
