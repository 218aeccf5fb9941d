// The service benchmark's profile summary (bench/service.ts --profile <folder>): the service runs
// under `node --cpu-prof`, and each .cpuprofile it writes is summarised here as its top functions
// by self time, and its top files, so a run says where the service spends its time.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame { readonly functionName: string; readonly url: string; readonly lineNumber: number }
interface ProfileNode { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly milliseconds: number;
  /** Share of the busy time (idle excluded). */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMilliseconds: number;
  readonly idleMilliseconds: number;
  readonly functions: readonly ProfileLine[];
  readonly files: readonly ProfileLine[];
  /** The project's own functions (dist/) by inclusive time: what the self time is spent under. */
  readonly inclusive: readonly ProfileLine[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function place(url: string): string {
  if (url === '') return '(native)';
  if (!url.startsWith('file://')) return url;
  const path = fileURLToPath(url);
  const within = relative(ROOT, path);
  return within.startsWith('..') ? path : within.replace(/^.*node_modules\//, '');
}

/** A file's group: a package as one (its name), else the file. */
function groupOf(where: string): string {
  if (where.startsWith('dist/') || where.startsWith('node:') || where.startsWith('/')) return where;
  return /^((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? where;
}

/** Self time by function (name, file and line) and by file, the top `top` of each. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const nameOf = (frame: CallFrame): string => `${frame.functionName || '(anonymous)'} ${place(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  // Each sample's time is the delta to the next sample.
  for (let index = 0; index < profile.samples.length; index++) {
    const node = byId.get(profile.samples[index] as number);
    const microseconds = profile.timeDeltas[index + 1] ?? 0;
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') {
      idle += microseconds;
      continue;
    }
    busy += microseconds;
    const where = place(url);
    const name = nameOf(node.callFrame);
    functions.set(name, (functions.get(name) ?? 0) + microseconds);
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parents.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !place(frame.url).startsWith('dist/')) continue;
      const each = nameOf(frame);
      if (seen.has(each)) continue;
      seen.add(each);
      inclusive.set(each, (inclusive.get(each) ?? 0) + microseconds);
    }
    const group = url ? groupOf(where) : functionName;
    files.set(group, (files.get(group) ?? 0) + microseconds);
  }
  const lines = (totals: Map<string, number>): ProfileLine[] => [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, microseconds]) => ({ name, milliseconds: Math.round(microseconds / 1000), share: busy ? microseconds / busy : 0 }));
  return {
    busyMilliseconds: Math.round(busy / 1000), idleMilliseconds: Math.round(idle / 1000),
    functions: lines(functions), files: lines(files), inclusive: lines(inclusive),
  };
}

/** The summary as text: a heading, then the functions and the files with their shares of the busy time. */
export function profileText(title: string, summary: ProfileSummary): string {
  const row = (line: ProfileLine): string => `  ${(line.share * 100).toFixed(1).padStart(5)} %  ${String(line.milliseconds).padStart(7)} ms  ${line.name}`;
  return [
    `${title}: ${summary.busyMilliseconds} ms busy, ${summary.idleMilliseconds} ms idle`,
    ' top functions by self time:',
    ...summary.functions.map(row),
    ' by file (packages as one):',
    ...summary.files.map(row),
    " the project's functions by inclusive time:",
    ...summary.inclusive.map(row),
  ].join('\n');
}
