import { z } from 'zod';
import { message, stringMap, int } from '../schema-helpers.js';

/** istio.networking.v1.StringMatch: exactly one of exact, prefix, regex. */
export const StringMatch = message({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() });
export type StringMatch = z.infer<typeof StringMatch>;

/** istio.networking.v1.PortSelector. */
export const PortSelector = message({ number: int.optional() });
export type PortSelector = z.infer<typeof PortSelector>;

/** istio.networking.v1.Destination: a service host, optional subset and port. */
export const Destination = message({ host: z.string(), subset: z.string().optional(), port: PortSelector.optional() });
export type Destination = z.infer<typeof Destination>;

/** istio.networking.v1.Percent. */
export const Percent = message({ value: z.number().optional() });
export type Percent = z.infer<typeof Percent>;

/** istio.type.v1beta1.WorkloadSelector / networking WorkloadSelector. */
export const WorkloadSelector = message({ labels: stringMap.optional(), matchLabels: stringMap.optional() });
export type WorkloadSelector = z.infer<typeof WorkloadSelector>;

/** istio.networking.v1.Port (Gateway and ServiceEntry). */
export const Port = message({
  number: int.optional(),
  protocol: z.string().optional(),
  name: z.string().optional(),
  targetPort: int.optional(),
});
export type Port = z.infer<typeof Port>;

/** Header operations (set, add, remove) for requests or responses. */
export const HeaderOperations = message({
  set: stringMap.optional(),
  add: stringMap.optional(),
  remove: z.array(z.string()).optional(),
});
export type HeaderOperations = z.infer<typeof HeaderOperations>;

/** istio.networking.v1.Headers. */
export const Headers = message({ request: HeaderOperations.optional(), response: HeaderOperations.optional() });
export type Headers = z.infer<typeof Headers>;
