/**
 * Peak resident memory of training alone (a child of bench.ts, so inference and the other rows do
 * not count): a few synthetic training steps at the NYT-like shape, then this process's VmHWM.
 *   node --import tsx bench/train-memory.ts [--preset paper|default] [--steps 4]
 * Prints one JSON line: {"preset", "shape", "steps", "peakRssMiB"}.
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend.ts';
import type { PresetName } from '../src/model/presets.ts';
import { procMemoryMiB } from './memory.ts';
import { NYT_LIKE, synthetic } from './synthetic.ts';

const { values: v } = parseArgs({ options: { preset: { type: 'string', default: 'paper' }, steps: { type: 'string', default: '4' } } });
await initBackend();
const s = synthetic(NYT_LIKE, v.preset as PresetName);
for (let k = 0; k < Number(v.steps); k++) s.step();
s.dispose();
const mem = procMemoryMiB() ?? { peak: Math.round(process.resourceUsage().maxRSS / 1024) };
console.log(JSON.stringify({ preset: v.preset, shape: NYT_LIKE.name, steps: Number(v.steps), peakRssMiB: mem.peak }));
