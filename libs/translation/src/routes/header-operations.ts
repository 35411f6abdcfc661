import { create } from '@bufbuild/protobuf';
import { coreV3 } from '@minipilot/envoy-api';
import type { Headers } from '@minipilot/config';
import { compareStrings } from './route-match.js';

/** Envoy header operations for an Istio `headers` block (route or per-destination). */
export interface HeaderOperations {
  readonly requestHeadersToAdd: coreV3.HeaderValueOption[];
  readonly requestHeadersToRemove: string[];
  readonly responseHeadersToAdd: coreV3.HeaderValueOption[];
  readonly responseHeadersToRemove: string[];
  /** The value a request `set`/`add` of `:authority` or `host` asks for (`set` wins); empty if none. */
  readonly authority: string;
}

/**
 * Translates Istio header operations as istiod does: `set` → OVERWRITE_IF_EXISTS_OR_ADD, `add` →
 * APPEND_IF_EXISTS_OR_ADD, each group sorted by key with `set` first; pseudo headers and `host` are
 * never added or removed (a `:authority`/`host` value becomes the route's host rewrite instead).
 */
export function translateHeaderOperations(h: Headers | undefined): HeaderOperations {
  const setReq = appendHeaders(h?.request?.set, false);
  const addReq = appendHeaders(h?.request?.add, true);
  return {
    requestHeadersToAdd: [...setReq.options, ...addReq.options],
    requestHeadersToRemove: dropInternal(h?.request?.remove ?? []),
    responseHeadersToAdd: [...appendHeaders(h?.response?.set, false).options, ...appendHeaders(h?.response?.add, true).options],
    responseHeadersToRemove: dropInternal(h?.response?.remove ?? []),
    authority: setReq.authority || addReq.authority,
  };
}

function appendHeaders(headers: Readonly<Record<string, string>> | undefined, append: boolean): { options: coreV3.HeaderValueOption[]; authority: string } {
  let authority = '';
  const options: coreV3.HeaderValueOption[] = [];
  for (const key of Object.keys(headers ?? {}).sort(compareStrings)) {
    const value = headers![key]!;
    if (isAuthority(key)) authority = value;
    if (isInternal(key)) continue;
    options.push(create(coreV3.HeaderValueOptionSchema, {
      header: { key, value },
      appendAction: append ? coreV3.HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD : coreV3.HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
    }));
  }
  return { options, authority };
}

function isInternal(key: string): boolean {
  return key.startsWith(':') || key.toLowerCase() === 'host';
}

function isAuthority(key: string): boolean {
  const k = key.toLowerCase();
  return k === ':authority' || k === 'host';
}

function dropInternal(keys: readonly string[]): string[] {
  return keys.filter((k) => !isInternal(k));
}
