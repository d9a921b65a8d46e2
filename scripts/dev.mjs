// `npm run dev` (after `npm run build`): the compiler in watch mode (incremental, into dist) and the service
// restarted by `node --watch` whenever its compiled files change. Both stop together on Ctrl-C or when
// either exits.
import { spawn } from 'node:child_process';

const tsc = spawn('tsc', ['-b', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
  stdio: 'inherit',
});
const service = spawn(process.execPath, ['--watch', 'dist/src/main.js'], { stdio: 'inherit' });

let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  tsc.kill('SIGTERM');
  service.kill('SIGTERM');
  process.exitCode = code;
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
tsc.on('exit', (code) => stop(code ?? 1));
service.on('exit', (code) => stop(code ?? 1));
