// `node dist/bench/profile-top.js <file.cpuprofile> [count] [filter]`: the top frames of a V8 CPU profile
// by self time and by total (inclusive) time, with file:line, so hot paths can be read without DevTools.
// PROFILE_BUSY=1 prints instead how busy the process was in each second (not `(idle)`), on the monotonic
// clock every process's profile shares, so two processes' profiles can be set side by side; PROFILE_WINDOW=
// <from>,<to> (seconds of that clock) reads only the samples between them.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const [file, countArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top <file.cpuprofile> [count] [url filter for the inclusive table]');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Time per sample: the profile's deltas, attributed to the sampled node.
const selfTime = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
const [windowFrom, windowTo] = (process.env.PROFILE_WINDOW ?? '-Infinity,Infinity').split(',').map(Number);
const busyBySecond = new Map<number, { busy: number; all: number }>();
for (let i = 0, at = profile.startTime; i < samples.length; i++) {
  at += deltas[i] ?? 0;
  const seconds = at / 1e6;
  if (seconds < windowFrom! || seconds >= windowTo!) continue;
  const next = deltas[i + 1] ?? 0;
  selfTime.set(samples[i]!, (selfTime.get(samples[i]!) ?? 0) + next);
  const second = busyBySecond.get(Math.floor(seconds)) ?? { busy: 0, all: 0 };
  second.all += next;
  if (byId.get(samples[i]!)!.callFrame.functionName !== '(idle)') second.busy += next;
  busyBySecond.set(Math.floor(seconds), second);
}
if (process.env.PROFILE_BUSY) {
  console.log('second (monotonic clock)  busy');
  for (const [second, { busy, all }] of busyBySecond)
    console.log(`${second}  ${all > 0 ? (busy / all).toFixed(2) : '-'}`);
  process.exit(0);
}
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const short = (url: string) =>
  url
    .replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')
    .replace(/^node:/, 'node:')
    .slice(-70);
const label = (node: Node) =>
  `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

const selfByLabel = new Map<string, number>();
const inclusiveByLabel = new Map<string, number>();
for (const [id, time] of selfTime) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + time);
  // Inclusive: each distinct frame on the stack once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const key = label(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusiveByLabel.set(key, (inclusiveByLabel.get(key) ?? 0) + time);
  }
}

/**
 * Where the time goes by part of the engine: each sample is given to the outermost frame on its stack that
 * one of these rules recognises (after an await the stack starts at the resumed async function).
 */
const COMPONENTS: Array<[string, (node: Node) => boolean]> = [
  ['read models (projection runners + SQL)', (n) => /dist\/projections\//.test(n.callFrame.url)],
  [
    'timelines (planner, document issuer)',
    (n) => /dist\/src\/(timelines|application\/documents)\//.test(n.callFrame.url),
  ],
  [
    'log subscriptions (read + decode)',
    (n) => /sqlite-event-store/.test(n.callFrame.url) && n.callFrame.functionName === 'loop',
  ],
  [
    'event store append (transaction, fsync)',
    (n) => /sqlite-event-store/.test(n.callFrame.url) && /^(flush|append.*|)$/.test(n.callFrame.functionName),
  ],
  [
    'HTTP, validation, idempotency',
    (n) =>
      /node_modules\/(express|body-parser|class-validator|class-transformer|router|raw-body)|dist\/src\/http\/|_http_|node:net|consume-resource/.test(
        n.callFrame.url,
      ),
  ],
  [
    'command handling (load, decide, hash, evolve)',
    (n) => /dist\/src\/(application|domain|use-cases|event-store)\//.test(n.callFrame.url),
  ],
  ['Nest / CQRS / rxjs', (n) => /node_modules\/(@nestjs|rxjs)/.test(n.callFrame.url)],
  ['garbage collector', (n) => n.callFrame.functionName === '(garbage collector)'],
];
const byComponent = new Map<string, number>();
for (const [id, time] of selfTime) {
  const stack: Node[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.unshift(byId.get(at)!);
  let component = 'other (bench driver, runtime, idle)';
  outer: for (const node of stack) {
    for (const [name, matches] of COMPONENTS) {
      if (matches(node)) {
        component = name;
        break outer;
      }
    }
  }
  byComponent.set(component, (byComponent.get(component) ?? 0) + time);
}

const pct = (time: number) => `${((time / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
console.log('\nby component:');
for (const [key, time] of [...byComponent].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(time)}  ${key}`);
console.log('\nself time:');
for (const [key, time] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, count))
  console.log(`  ${pct(time)}  ${key}`);
console.log(`\ntotal time${filter ? ` (frames matching ${filter})` : ''}:`);
for (const [key, time] of [...inclusiveByLabel]
  .filter(([key]) => !filter || key.includes(filter))
  .sort((a, b) => b[1] - a[1])
  .slice(0, count))
  console.log(`  ${pct(time)}  ${key}`);
