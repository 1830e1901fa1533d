/** Writes test/golden/untyped.json from test/golden.ts (see there why). */
import { writeFileSync } from 'node:fs';
import { initBackend } from '../src/engine/backend.ts';
import { untypedRun } from '../test/golden.ts';

await initBackend('wasm');
writeFileSync(new URL('../test/golden/untyped.json', import.meta.url), JSON.stringify(untypedRun(), null, 1) + '\n');
