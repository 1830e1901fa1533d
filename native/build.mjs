// Builds rin's optional native addon (native/rin_native.c) with node-gyp at install. A machine
// without a C compiler or Node's headers still installs rin: the build failure is reported here
// and rin runs on WebAssembly alone (`rin --version` says which). RIN_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (process.env.RIN_NATIVE === '0') {
  console.log('rin: RIN_NATIVE=0, native addon not built');
  process.exit(0);
}
// npm gives its own node-gyp to install scripts (npm_config_node_gyp); else one on the PATH.
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp && existsSync(gyp) ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
// A time limit: node-gyp may try to download Node's headers, and an offline install must not hang.
const r = spawnSync(cmd, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
if (r.status === 0 && existsSync(join(here, 'build/Release/rin_native.node'))) {
  console.log('rin: native addon built (OpenBLAS is used at run time when installed)');
} else {
  const why = r.error ? r.error.message : (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ');
  console.warn(`rin: the native addon was not built, so rin runs on WebAssembly only (slower training). Reason: ${why}`);
}
