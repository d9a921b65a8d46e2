// `node dist/bench/heap-top.js <file.heapprofile> [count]`: what a sampling heap profile (BENCH_HEAP, see
// memory.bench.ts) holds, by the engine's own function that allocated it (the innermost frame in dist/src or
// dist/projections) and by allocating frame, so the holders of memory can be read without DevTools.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: heap-top <file.heapprofile> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  head: Node;
  samples: Array<{ size: number; nodeId: number }>;
};

const short = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/').slice(-60);
const label = (node: Node) =>
  `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const ownCode = (node: Node) => /\/dist\/(src|projections)\//.test(node.callFrame.url);

const bySelf = new Map<string, number>();
const byOwn = new Map<string, number>();
let total = 0;
const walk = (node: Node, innermostOwn: string | undefined) => {
  const own = ownCode(node) ? label(node) : innermostOwn;
  if (node.selfSize > 0) {
    total += node.selfSize;
    bySelf.set(label(node), (bySelf.get(label(node)) ?? 0) + node.selfSize);
    const key = own ?? '(outside the engine)';
    byOwn.set(key, (byOwn.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, own);
};
walk(profile.head, undefined);

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1).padStart(7);
const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, bytes] of [...table].sort((a, b) => b[1] - a[1]).slice(0, count))
    console.log(`${mib(bytes)} MiB ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${key}`);
};
console.log(`live (sampled): ${mib(total)} MiB`);
print("By the engine's innermost allocating function", byOwn);
print('By allocating frame', bySelf);
