import { analyzeConfig, createConfigSnapshot, withholdInvalid } from '@minipilot/config';
import type { ResolvedObjects } from './resolve-objects.js';

/**
 * Runs the cross-resource checks (`analyzeConfig`) over the objects about to be served and withholds
 * the ones with an error (`withholdInvalid`), so one resource's conflict never reaches Envoy and
 * never removes anyone else's config. Returns the served objects and every problem, the analysis's
 * appended.
 */
export function withCrossResourceChecks(resolved: ResolvedObjects): ResolvedObjects {
  const snapshot = createConfigSnapshot(resolved.objects.values());
  const found = analyzeConfig(snapshot);
  if (found.length === 0) return resolved;
  const kept = withholdInvalid(snapshot, found);
  const objects = kept === snapshot ? resolved.objects : new Map([...resolved.objects].filter(([key]) => kept.objects.has(key)));
  return { objects, problems: [...resolved.problems, ...found] };
}
