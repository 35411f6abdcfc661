// Test-only: loads Istio's iptables goldens from ../shared/cases/iptables (beside the repository) at run time.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Directory of the shared iptables cases, resolved from this file (repo/libs/iptables/src/testing). */
export const SHARED_CASES_DIR = path.resolve(__dirname, '../../../../../shared/cases/iptables');

/** Reads one of the shared case files (capture-cases.json, builder-cases.json, derived-cases.json). */
export function loadSharedCases<T>(file: string): T[] {
  return JSON.parse(fs.readFileSync(path.join(SHARED_CASES_DIR, file), 'utf8')) as T[];
}
