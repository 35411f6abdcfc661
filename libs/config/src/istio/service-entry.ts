import { z } from 'zod';
import { message, stringMap, int } from '../schema-helpers.js';
import { Port, WorkloadSelector } from './common.js';

/** istio.networking.v1.WorkloadEntry (as ServiceEntry endpoints). */
export const WorkloadEntry = message({
  address: z.string().optional(),
  ports: z.record(z.string(), int).optional(),
  labels: stringMap.optional(),
  network: z.string().optional(),
  locality: z.string().optional(),
  weight: int.optional(),
  serviceAccount: z.string().optional(),
});
export type WorkloadEntry = z.infer<typeof WorkloadEntry>;

/** istio.networking.v1.ServiceEntry (the spec). */
export const ServiceEntry = message({
  hosts: z.array(z.string()).optional(),
  addresses: z.array(z.string()).optional(),
  ports: z.array(Port).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']).optional(),
  endpoints: z.array(WorkloadEntry).optional(),
  workloadSelector: WorkloadSelector.optional(),
  exportTo: z.array(z.string()).optional(),
  subjectAltNames: z.array(z.string()).optional(),
});
export type ServiceEntry = z.infer<typeof ServiceEntry>;
