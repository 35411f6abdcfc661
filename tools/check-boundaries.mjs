#!/usr/bin/env node
// Module-boundary check (the `lint` target of every project; it fails the build on a violation).
// Rules, by the tag in each project's package.json "nx.tags":
//   type:pure  - production code imports no gRPC, Kubernetes client, filesystem, network or process
//                modules, and depends only on other type:pure projects.
//   type:io    - may import pure and io projects, never an app.
//   type:app   - anything.
// Every project imports another project only by its package name, never by a relative path into it.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BANNED_IN_PURE = [
  /^@grpc\//, /^@kubernetes\//, /^(node:)?fs(\/promises)?$/, /^(node:)?net$/, /^(node:)?http2?$/,
  /^(node:)?https$/, /^(node:)?child_process$/, /^(node:)?dgram$/, /^(node:)?worker_threads$/, /^pino/,
];

function readProjects() {
  const out = new Map();
  for (const group of ['libs', 'apps']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const pj = path.join(dir, name, 'package.json');
      if (!fs.existsSync(pj)) continue;
      const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
      out.set(pkg.name, { name: pkg.name, dir: path.join(dir, name), tags: pkg.nx?.tags ?? [] });
    }
  }
  return out;
}

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'gen' || entry.name === 'testing' || entry.name === 'node_modules') continue;
      yield* sourceFiles(p);
    } else if (/\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name)) {
      yield p;
    }
  }
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

const projects = readProjects();
const kind = (tags) => (tags.includes('type:pure') ? 'pure' : tags.includes('type:io') ? 'io' : tags.includes('type:app') ? 'app' : 'none');
const only = process.argv[2] ? path.resolve(process.argv[2]) : null;
const errors = [];

for (const project of projects.values()) {
  if (only && project.dir !== only) continue;
  const k = kind(project.tags);
  if (k === 'none') errors.push(`${project.name}: package.json needs nx.tags with one of type:pure, type:io, type:app`);
  const src = path.join(project.dir, 'src');
  if (!fs.existsSync(src)) continue;
  for (const file of sourceFiles(src)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(project.dir + path.sep)) errors.push(`${rel}: relative import '${spec}' leaves ${project.name}; import the package instead`);
        continue;
      }
      const dep = [...projects.values()].find((p) => spec === p.name || spec.startsWith(p.name + '/'));
      if (dep) {
        const dk = kind(dep.tags);
        if (k === 'pure' && dk !== 'pure') errors.push(`${rel}: pure project ${project.name} imports ${dk} project ${dep.name}`);
        if (k === 'io' && dk === 'app') errors.push(`${rel}: io project ${project.name} imports app ${dep.name}`);
        continue;
      }
      if (k === 'pure' && BANNED_IN_PURE.some((re) => re.test(spec))) {
        errors.push(`${rel}: pure project ${project.name} imports '${spec}' (gRPC, Kubernetes, fs, network and process modules belong in io projects)`);
      }
    }
  }
}

if (errors.length) {
  console.error(`module boundaries: ${errors.length} violation(s)\n  ` + errors.join('\n  '));
  process.exit(1);
}
