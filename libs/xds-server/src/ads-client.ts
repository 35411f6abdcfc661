import { create, fromBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { coreV3, discoveryV3 } from '@minipilot/envoy-api';
import { adsServiceDefinition } from './ads-service.js';
import { resourceNameOf } from './resource-name.js';

/** The node a client sends on its first request (a `coreV3.Node` init object). */
export type NodeInit = MessageInitShape<typeof coreV3.NodeSchema>;

/** One request to send; fields that do not apply to the stream's flavour are ignored. */
export interface AdsRequestInit {
  readonly typeUrl: string;
  /** SotW resource_names (default: the names last requested for the type, else none). */
  readonly names?: readonly string[];
  /** Delta resource_names_subscribe. */
  readonly subscribe?: readonly string[];
  /** Delta resource_names_unsubscribe. */
  readonly unsubscribe?: readonly string[];
  /** Delta initial_resource_versions (name -> version). */
  readonly initialVersions?: Readonly<Record<string, string>>;
  /** SotW version_info (default: the last version ACKed for the type). */
  readonly version?: string;
  /** response_nonce (default: SotW the latest nonce received for the type, delta ''). */
  readonly nonce?: string;
  /** Sets error_detail with this message, making the request a NACK. */
  readonly errorMessage?: string;
}

/** A resource of a decoded response. */
export interface AdsResource {
  readonly name: string;
  /** Delta: the per-resource version; SotW: ''. */
  readonly version: string;
  readonly value: Uint8Array;
}

/** A response as the client saw it, the same shape for SotW and delta. */
export interface AdsResponse {
  readonly typeUrl: string;
  /** SotW version_info, delta system_version_info. */
  readonly version: string;
  readonly nonce: string;
  readonly resources: readonly AdsResource[];
  /** Delta removed_resources (always empty for SotW). */
  readonly removed: readonly string[];
}

/** A small real-gRPC ADS client for tests, benchmarks and debugging (like Istio's AdsTest). */
export interface AdsClient {
  readonly delta: boolean;
  /** Sends one request (the node goes on the first request of the stream only). */
  request(init: AdsRequestInit): void;
  /** Returns the next response; rejects on timeout, stream end, or (if given) another type URL. */
  expectResponse(typeUrl?: string, timeoutMs?: number): Promise<AdsResponse>;
  /** Resolves if no response arrives within `ms`, else rejects naming what arrived. */
  expectNoResponse(ms?: number): Promise<void>;
  /** Returns the status the stream ended with; rejects if it is still open after `timeoutMs`. */
  expectError(timeoutMs?: number): Promise<grpc.StatusObject>;
  /** ACKs a response (SotW: same names, its version and nonce). */
  ack(response: AdsResponse): void;
  /** NACKs a response: error_detail with `message`, SotW version_info = the last ACKed version. */
  nack(response: AdsResponse, message: string): void;
  /** Requests `names` (delta: subscribes to them), then returns the response after ACKing it. */
  requestResponseAck(typeUrl: string, names?: readonly string[]): Promise<AdsResponse>;
  /** Requests `names` (delta: subscribes to them), then returns the response after NACKing it. */
  requestResponseNack(typeUrl: string, names: readonly string[], message: string): Promise<AdsResponse>;
  /** Cancels the stream and closes the channel. */
  close(): void;
}

interface Waiter {
  resolve(response: AdsResponse): void;
  reject(error: Error): void;
}

type AnyRequest = discoveryV3.DiscoveryRequest | discoveryV3.DeltaDiscoveryRequest;
type AnyResponse = discoveryV3.DiscoveryResponse | discoveryV3.DeltaDiscoveryResponse;

/** Returns a client with one open ADS stream (SotW, or delta with `delta: true`) to `address`. */
export function createAdsClient(address: string, options: { node: NodeInit; delta?: boolean }): AdsClient {
  const delta = options.delta ?? false;
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const method = delta ? adsServiceDefinition.DeltaAggregatedResources : adsServiceDefinition.StreamAggregatedResources;
  const call = client.makeBidiStreamRequest<AnyRequest, AnyResponse>(
    method.path,
    method.requestSerialize as (value: AnyRequest) => Buffer,
    method.responseDeserialize,
  );
  const queue: AdsResponse[] = [];
  const waiters: Waiter[] = [];
  const statusWaiters: ((status: grpc.StatusObject) => void)[] = [];
  const lastNonce = new Map<string, string>();
  const lastNames = new Map<string, readonly string[]>();
  const ackedVersion = new Map<string, string>();
  let nodeSent = false;
  let ended: grpc.StatusObject | undefined;

  call.on('data', (message: AnyResponse) => {
    const response = toAdsResponse(message);
    lastNonce.set(response.typeUrl, response.nonce);
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(response);
    else queue.push(response);
  });
  const finish = (status: grpc.StatusObject) => {
    if (ended) return;
    ended = status;
    for (const w of waiters.splice(0)) w.reject(new Error(`ADS stream ended: ${status.code} ${status.details}`));
    for (const s of statusWaiters.splice(0)) s(status);
  };
  call.on('error', (err: grpc.ServiceError) => finish({ code: err.code, details: err.details, metadata: err.metadata }));
  call.on('status', finish);

  function request(init: AdsRequestInit): void {
    const node = nodeSent ? {} : { node: options.node };
    nodeSent = true;
    const errorDetail = init.errorMessage === undefined ? {} : { errorDetail: { code: grpc.status.INVALID_ARGUMENT, message: init.errorMessage } };
    if (delta) {
      call.write(
        create(discoveryV3.DeltaDiscoveryRequestSchema, {
          ...node,
          ...errorDetail,
          typeUrl: init.typeUrl,
          resourceNamesSubscribe: [...(init.subscribe ?? [])],
          resourceNamesUnsubscribe: [...(init.unsubscribe ?? [])],
          initialResourceVersions: { ...init.initialVersions },
          responseNonce: init.nonce ?? '',
        }),
      );
      return;
    }
    const names = init.names ?? lastNames.get(init.typeUrl) ?? [];
    lastNames.set(init.typeUrl, names);
    call.write(
      create(discoveryV3.DiscoveryRequestSchema, {
        ...node,
        ...errorDetail,
        typeUrl: init.typeUrl,
        resourceNames: [...names],
        versionInfo: init.version ?? ackedVersion.get(init.typeUrl) ?? '',
        responseNonce: init.nonce ?? lastNonce.get(init.typeUrl) ?? '',
      }),
    );
  }

  function expectResponse(typeUrl?: string, timeoutMs = 2000): Promise<AdsResponse> {
    const next = new Promise<AdsResponse>((resolve, reject) => {
      const queued = queue.shift();
      if (queued) return resolve(queued);
      if (ended) return reject(new Error(`ADS stream ended: ${ended.code} ${ended.details}`));
      const waiter: Waiter = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no ${typeUrl ?? 'ADS'} response within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
    return next.then((response) => {
      if (typeUrl !== undefined && response.typeUrl !== typeUrl) {
        throw new Error(`expected a ${typeUrl} response, got ${describe(response)}`);
      }
      return response;
    });
  }

  async function expectNoResponse(ms = 100): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (queue.length > 0) throw new Error(`expected no response, got ${queue.map(describe).join('; ')}`);
  }

  function expectError(timeoutMs = 2000): Promise<grpc.StatusObject> {
    if (ended) return Promise.resolve(ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ADS stream still open after ${timeoutMs} ms`)), timeoutMs);
      statusWaiters.push((status) => (clearTimeout(timer), resolve(status)));
    });
  }

  function ack(response: AdsResponse): void {
    ackedVersion.set(response.typeUrl, response.version);
    request({ typeUrl: response.typeUrl, version: response.version, nonce: response.nonce });
  }

  function nack(response: AdsResponse, message: string): void {
    request({ typeUrl: response.typeUrl, nonce: response.nonce, errorMessage: message });
  }

  async function requestAndAnswer(typeUrl: string, names: readonly string[] | undefined, answer: (r: AdsResponse) => void) {
    request(delta ? { typeUrl, subscribe: names ?? [] } : { typeUrl, names: names ?? [] });
    const response = await expectResponse(typeUrl);
    answer(response);
    return response;
  }

  return {
    delta,
    request,
    expectResponse,
    expectNoResponse,
    expectError,
    ack,
    nack,
    requestResponseAck: (typeUrl, names) => requestAndAnswer(typeUrl, names, ack),
    requestResponseNack: (typeUrl, names, message) => requestAndAnswer(typeUrl, names, (r) => nack(r, message)),
    close() {
      finish({ code: grpc.status.CANCELLED, details: 'closed by client', metadata: new grpc.Metadata() });
      call.cancel();
      client.close();
    },
  };
}

/** Returns the resources of a response decoded with `schema` (e.g. `clusterV3.ClusterSchema`). */
export function decodeResources<S extends DescMessage>(response: AdsResponse, schema: S): MessageShape<S>[] {
  return response.resources.map((r) => fromBinary(schema, r.value));
}

function toAdsResponse(message: AnyResponse): AdsResponse {
  if (message.$typeName === 'envoy.service.discovery.v3.DiscoveryResponse') {
    return {
      typeUrl: message.typeUrl,
      version: message.versionInfo,
      nonce: message.nonce,
      resources: message.resources.map((any) => ({ name: resourceNameOf(any.value, message.typeUrl), version: '', value: any.value })),
      removed: [],
    };
  }
  return {
    typeUrl: message.typeUrl,
    version: message.systemVersionInfo,
    nonce: message.nonce,
    resources: message.resources.map((r) => ({ name: r.name, version: r.version, value: r.resource?.value ?? new Uint8Array() })),
    removed: message.removedResources,
  };
}

function describe(response: AdsResponse): string {
  const names = response.resources.map((r) => r.name).join(',');
  const removed = response.removed.length > 0 ? ` removed=[${response.removed.join(',')}]` : '';
  return `${response.typeUrl} v=${response.version} nonce=${response.nonce} [${names}]${removed}`;
}
