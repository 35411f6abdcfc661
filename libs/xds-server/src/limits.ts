import * as grpc from '@grpc/grpc-js';
import type { coreV3 } from '@minipilot/envoy-api';

/**
 * What one client may make the server hold or do. Every value is a count of UTF-16 characters or of
 * items; see the README's limits table for why each default is what it is.
 */
export interface XdsLimits {
  /** Longest node id accepted (a Kubernetes node id is well under 700: pod 253 + namespace 63 + domain + IP). */
  readonly maxNodeIdLength: number;
  /** Largest node metadata accepted, as JSON characters (pod labels and annotations fit in 256 KiB). */
  readonly maxNodeMetadataLength: number;
  /** Most resource names one request may carry (names, or subscribe + unsubscribe + initial versions). */
  readonly maxResourceNamesPerRequest: number;
  /** Most names one stream may subscribe to per type (delta subscriptions accumulate across requests). */
  readonly maxSubscribedNamesPerType: number;
  /** Most distinct type URLs one stream may request (Envoy uses 4 to about 8). */
  readonly maxTypeUrlsPerStream: number;
  /** Longest NACK message kept and logged; longer ones are cut with a marker. */
  readonly maxNackMessageLength: number;
  /** Longest node id written to a log line (the full id is logged once, at connect). */
  readonly maxLoggedNodeIdLength: number;
}

/** The defaults of {@link XdsLimits}. */
export const DEFAULT_XDS_LIMITS: XdsLimits = Object.freeze({
  maxNodeIdLength: 2048,
  maxNodeMetadataLength: 512 * 1024,
  maxResourceNamesPerRequest: 100_000,
  maxSubscribedNamesPerType: 100_000,
  maxTypeUrlsPerStream: 16,
  maxNackMessageLength: 4096,
  maxLoggedNodeIdLength: 256,
});

/** Which limit a client ran into (the `limit` label of the metric). */
export type LimitName =
  | 'node_id_length'
  | 'node_metadata_size'
  | 'resource_names_per_request'
  | 'subscribed_names_per_type'
  | 'type_urls_per_stream'
  | 'streams_per_connection'
  | 'new_streams_per_second';

/**
 * Thrown while handling a request to end the stream with `code` and `message` (a client error, not
 * a server fault: logged at warn, not error).
 */
export class StreamRefusal extends Error {
  override readonly name = 'StreamRefusal';
  constructor(readonly code: grpc.status, message: string, readonly limit?: LimitName) {
    super(message);
  }
}

/** Returns `text` cut to `max` characters with a marker saying how much was dropped. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [truncated, ${text.length - max} more characters]`;
}

/** Returns the size of node metadata as JSON characters, stopping early once past `max`. */
function metadataLength(metadata: unknown, max: number): number {
  let total = 0;
  const stack: unknown[] = [metadata];
  while (stack.length > 0 && total <= max) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 2;
    else if (Array.isArray(v)) { total += 2 + v.length; for (const x of v) stack.push(x); }
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) { total += k.length + 4; stack.push(x); }
    } else total += 5;
  }
  return total;
}

/** Throws a {@link StreamRefusal} when the node of a stream's first request is over a limit. */
export function checkNode(node: coreV3.Node, limits: XdsLimits): void {
  if (node.id.length > limits.maxNodeIdLength) {
    throw new StreamRefusal(grpc.status.INVALID_ARGUMENT, `node id is ${node.id.length} characters, more than the limit of ${limits.maxNodeIdLength}`, 'node_id_length');
  }
  if (node.metadata && metadataLength(node.metadata, limits.maxNodeMetadataLength) > limits.maxNodeMetadataLength) {
    throw new StreamRefusal(grpc.status.INVALID_ARGUMENT, `node metadata is larger than the limit of ${limits.maxNodeMetadataLength} characters`, 'node_metadata_size');
  }
}

/** Throws when one request names more resources than allowed. */
export function checkRequestNames(count: number, typeUrl: string, limits: XdsLimits): void {
  if (count > limits.maxResourceNamesPerRequest) {
    throw new StreamRefusal(grpc.status.RESOURCE_EXHAUSTED, `request for ${truncate(typeUrl, 200)} names ${count} resources, more than the limit of ${limits.maxResourceNamesPerRequest}`, 'resource_names_per_request');
  }
}

/** Throws when a type's subscription grew past the limit. */
export function checkSubscribed(size: number, typeUrl: string, limits: XdsLimits): void {
  if (size > limits.maxSubscribedNamesPerType) {
    throw new StreamRefusal(grpc.status.RESOURCE_EXHAUSTED, `stream subscribes to ${size} resources of ${truncate(typeUrl, 200)}, more than the limit of ${limits.maxSubscribedNamesPerType}`, 'subscribed_names_per_type');
  }
}

/** Throws when a stream that already tracks `known` type URLs asks for one more past the limit. */
export function checkNewType(known: number, typeUrl: string, limits: XdsLimits): void {
  if (known >= limits.maxTypeUrlsPerStream) {
    throw new StreamRefusal(grpc.status.RESOURCE_EXHAUSTED, `stream requested more than ${limits.maxTypeUrlsPerStream} distinct type URLs (the last: ${truncate(typeUrl, 200)})`, 'type_urls_per_stream');
  }
}
