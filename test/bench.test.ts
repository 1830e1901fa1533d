/**
 * The side-by-side benchmark's plumbing (bench/sideBySide.ts, peers.ts, torch.ts), with fake
 * children: ratios, "not available" rows, a skipped or failing reference, thread pinning. The
 * real figures come from `npm run bench`; nothing here times anything.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPeer } from '../bench/peers.ts';
import { compare, formatComparison, plan, type Runners } from '../bench/sideBySide.ts';
import { lastJson, probeTorch, runTorch, type Shape } from '../bench/torch.ts';

const SHAPE: Shape = { name: 'NYT-like', B: 50, n: 40, relations: 24, K: 3 };
const tmp = () => mkdtempSync(join(tmpdir(), 'rin-bench-test-'));

test('compare: ratio rin/reference per row, the reference run once per (shape, mode, threads)', () => {
  const calls: string[] = [];
  const run: Runners = {
    torch: (_s, mode, threads) => {
      calls.push(`${mode}/${threads}`);
      return { ok: true, value: { engine: 'torch-x', sent_per_s: mode === 'train' ? 200 : 1000, med_ms: 1, peakRSS_MB: 300 } };
    },
    peer: (script, _s, threads, flag) =>
      script === 'onnx.ts' ? { ok: true, value: { sentencesPerSec: (flag === 'workers' ? 1600 : 1500) * threads } } : { ok: false, reason: 'bench/train-threads.ts not present' },
  };
  const rows = compare(plan(SHAPE, { train: 100, infer: 500 }), null, run);
  assert.deepEqual(calls, ['train/1', 'train/2', 'infer/1', 'infer/2']);
  assert.deepEqual(
    rows.map((r) => [r.mode, r.threads, r.rin.engine, r.rin.sentencesPerSec, r.reference.sentencesPerSec, r.ratio]),
    [
      ['train', 1, 'wasm', 100, 200, 0.5],
      ['train', 2, 'wasm, 2 workers', null, 200, null],
      ['infer', 1, 'wasm', 500, 1000, 0.5],
      ['infer', 1, 'onnx', 1500, 1000, 1.5],
      ['infer', 2, 'onnx', 3000, 1000, 3],
      ['infer', 2, 'onnx, 2 workers', 3200, 1000, 3.2],
    ],
  );
  assert.match(rows[1].rin.note!, /^not available: bench\/train-threads.ts not present/);
  const table = formatComparison(rows);
  assert.match(table, /train\s+2\s+wasm, 2 workers\s+n\/a\s+200\s+n\/a/);
  assert.match(table, /rin: not available: bench\/train-threads.ts not present/);
});

test('compare: a skipped reference runs nothing, gives no ratio, and says why once', () => {
  const run: Runners = { torch: () => assert.fail('must not run'), peer: () => ({ ok: false, reason: 'absent' }) };
  const rows = compare(plan(SHAPE, { train: 100, infer: 500 }), 'skipped: no torch', run);
  assert.ok(rows.every((r) => r.ratio === null && r.reference.note === 'skipped: no torch'));
  assert.equal(formatComparison(rows).match(/reference: skipped: no torch/g)?.length, 1);
});

test('runPeer: a missing script, a failing one and one without its figure are "not available"; a good one is read', () => {
  const dir = tmp();
  assert.deepEqual(runPeer('onnx.ts', SHAPE, 2, 'threads', dir), { ok: false, reason: 'bench/onnx.ts not present' });
  writeFileSync(join(dir, 'onnx.ts'), 'console.error("boom"); process.exit(3);\n');
  assert.deepEqual(runPeer('onnx.ts', SHAPE, 2, 'threads', dir), { ok: false, reason: 'bench/onnx.ts exit 3: boom' });
  writeFileSync(join(dir, 'onnx.ts'), 'console.log(JSON.stringify({ trainSentencesPerSec: 1 }));\n');
  assert.deepEqual(runPeer('onnx.ts', SHAPE, 2, 'threads', dir), { ok: false, reason: 'bench/onnx.ts printed no inferSentencesPerSec' });
  // The script gets the shape and thread count as flags, and the thread pools pinned in its environment.
  writeFileSync(
    join(dir, 'train-threads.ts'),
    'console.log("progress");\nconsole.log(JSON.stringify({ trainSentencesPerSec: Number(process.env.OMP_NUM_THREADS) * 100, peakRssMiB: Number(process.argv[process.argv.indexOf("--relations") + 1]) + Number(process.argv[process.argv.indexOf("--threads") + 1]) }));\n',
  );
  assert.deepEqual(runPeer('train-threads.ts', SHAPE, 2, 'threads', dir), { ok: true, value: { sentencesPerSec: 200, peakRssMiB: 26 } });
  // --workers N in place of --threads N.
  writeFileSync(join(dir, 'onnx.ts'), 'console.log(JSON.stringify({ inferSentencesPerSec: Number(process.argv[process.argv.indexOf("--workers") + 1]) * 1000 }));\n');
  assert.deepEqual(runPeer('onnx.ts', SHAPE, 2, 'workers', dir), { ok: true, value: { sentencesPerSec: 2000 } });
});

test("runTorch: reads the reference line, sets torch's threads (OMP) to the thread count and OpenBLAS to one, reports a failure", () => {
  const dir = tmp();
  const fake = join(dir, 'ref.py');
  writeFileSync(
    fake,
    'import os, sys, json\nprint("loss0 1", file=sys.stderr)\nprint(json.dumps({"sent_per_s": int(os.environ["OMP_NUM_THREADS"]) * 10 + int(os.environ["OPENBLAS_NUM_THREADS"]), "med_ms": 5, "args": sys.argv[1:]}))\n',
  );
  const r = runTorch(SHAPE, 'train', 1, { vocab: 5000, steps: 3, script: fake, python: '/usr/bin/python3' });
  assert.ok(r.ok);
  assert.equal(r.value.sent_per_s, 11);
  const two = runTorch(SHAPE, 'train', 2, { vocab: 5000, steps: 3, script: fake, python: '/usr/bin/python3' });
  assert.ok(two.ok && two.value.sent_per_s === 21, 'two torch threads, OpenBLAS at one inside them');
  assert.deepEqual((r.value as unknown as { args: string[] }).args, ['B=50', 'n=40', 'l=24', 'K=3', 'mode=train', 'variant=sep', 'threads=1', 'V=5000', 'steps=3']);
  writeFileSync(fake, 'import sys\nprint("no torch here", file=sys.stderr)\nsys.exit(1)\n');
  assert.deepEqual(runTorch(SHAPE, 'infer', 2, { vocab: 5000, script: fake, python: '/usr/bin/python3' }), { ok: false, reason: 'exit 1: no torch here' });
});

test('probeTorch: a missing python or reference script is a reason to skip, not an error', () => {
  const script = join(tmp(), 'ref.py'); // present, so that the missing python is the reason
  writeFileSync(script, '');
  const r = probeTorch(join(tmp(), 'no-python'), script);
  assert.ok(!r.ok && /no-python/.test(r.reason));
  const s = probeTorch('/usr/bin/python3', join(tmp(), 'absent.py'));
  assert.ok(!s.ok && /reference script not found/.test(s.reason));
});

test('lastJson: the last JSON line after progress lines', () => {
  assert.deepEqual(lastJson('step 1\n{"a": 1}\nwarning\n{"b": 2}\n'), { b: 2 });
  assert.equal(lastJson('nothing\n{broken'), null);
});
