import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** What `helm template` would pass a template: the release namespace and the chart's values. */
export interface ChartContext {
  readonly Release: { readonly Namespace: string; readonly Name: string };
  readonly Values: unknown;
}

/**
 * Renders a template of deploy/helm/minipilot the way Helm would, for the only construct the chart
 * uses: `{{ .Path.To.Value }}` substitutions (no helm binary can be installed here). Throws on any
 * other template action, or a value that does not exist, so the chart stays within what this checks.
 */
export function renderTemplate(text: string, ctx: ChartContext): string {
  return text.replace(/\{\{(.*?)\}\}/g, (_m, expr: string) => {
    const m = /^\s*\.([A-Za-z][\w.]*)\s*$/.exec(expr);
    if (!m) throw new Error(`unsupported template action {{${expr}}}: keep the chart to plain value substitutions`);
    let cur: unknown = ctx;
    for (const part of m[1]!.split('.')) {
      if (cur === null || typeof cur !== 'object' || !(part in cur)) throw new Error(`{{${expr}}}: no such value`);
      cur = (cur as Record<string, unknown>)[part];
    }
    if (typeof cur === 'object' && cur !== null) throw new Error(`{{${expr}}} is a map; substitute scalars only`);
    return String(cur);
  });
}

/** Loads the chart's values.yaml and returns the context for `helm template -n <namespace>`. */
export function chartContext(chartDir: string, namespace: string): ChartContext {
  return { Release: { Namespace: namespace, Name: 'minipilot' }, Values: parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) };
}
