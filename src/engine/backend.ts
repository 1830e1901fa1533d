/**
 * Chooses the tfjs backend once per process.
 * `auto`: @tensorflow/tfjs-node when the user has it installed (native, fastest), else wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { patchWasmKernels } from './kernels.ts';
import { registerNativeKernels } from './native.ts';

export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow';

let ready: Promise<string> | undefined;

async function tryNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node'; // a variable, so bundlers and tsc do not require it
    await import(name);
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}

async function select(name: BackendName): Promise<string> {
  if (name === 'tensorflow' || name === 'auto') {
    if (await tryNode()) {
      await tf.setBackend('tensorflow');
      return 'tensorflow';
    }
    if (name === 'tensorflow') throw new Error('backend "tensorflow" requested but @tensorflow/tfjs-node is not installed');
  }
  if (name === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  // The wasm backend's Emscripten runtime adds process-wide uncaughtException and
  // unhandledRejection handlers that rethrow (a user's bug would exit 7 behind a tfjs frame,
  // a closed pipe too): the host process is not ours to change, so they are taken off again.
  const host: NodeJS.EventEmitter = process;
  const hooks = ['uncaughtException', 'unhandledRejection'];
  const before = hooks.map((h) => host.listeners(h));
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the wasm backend');
  await tf.ready();
  hooks.forEach((h, k) => {
    for (const l of host.listeners(h)) if (!before[k].includes(l)) host.removeListener(h, l as (...a: unknown[]) => void);
  });
  patchWasmKernels();
  registerNativeKernels();
  return 'wasm';
}

/** Initialise the backend (idempotent; the first call decides). Env RIN_BACKEND overrides `auto`. */
export function initBackend(name: BackendName = 'auto'): Promise<string> {
  if (!ready) {
    const env = process.env.RIN_BACKEND as BackendName | undefined;
    ready = select(name === 'auto' && env ? env : name);
  }
  return ready;
}
