/**
 * Raw text → triples (src/text/split.ts, src/extract/): tokens and sentences with character
 * offsets on tricky text; the Extractor's contracts (one text or many, offsets that point at the
 * mention, triples among the entities, batching and streaming that do not change results, long
 * sentences cut with a warning, time limits, bad input as UserError, no tensor leaks); loadModel
 * errors; and a tiny model overfitted on TINY_CORPUS that must give back its training triples
 * with whole entity spans at the right character offsets when fed the sentences as raw text.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../src/core/errors.ts';
import { type Extraction, type Extractor, type Mention, TimeLimitError, withUtf16Offsets } from '../src/extract/extractor.ts';
import { loadModel } from '../src/extract/load.ts';
import { FORMAT_VERSION } from '../src/io/modelDir.ts';
import { loadDataset } from '../src/dataset/load.ts';
import { splitText } from '../src/text/split.ts';
import { TINY_CORPUS, rawText, tinyExtractor } from './fixtures.ts';
import { setup } from './helpers.ts';
import { assertSameResults } from './tolerance.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rin-extract-'));
let x: Extractor;
let modelDir: string;

before(async () => {
  await setup();
  // One engine for extract() and extract(), so they agree exactly; onnxruntime against tfjs is test/onnx.test.ts.
  ({ dir: modelDir, x } = await tinyExtractor(join(tmp, 'train'), { engine: 'tfjs' }));
});
after(() => {
  x?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------- splitText

/** Offsets point at the token text; tokens hold no whitespace, increase, and do not overlap; sentences span their tokens. */
function checkSplit(text: string) {
  const sents = splitText(text);
  let last = 0;
  for (const s of sents) {
    assert.ok(s.tokens.length > 0, `empty sentence in ${JSON.stringify(text)}`);
    assert.equal(s.start, s.tokens[0].start);
    assert.equal(s.end, s.tokens[s.tokens.length - 1].end);
    for (const t of s.tokens) {
      assert.equal(text.slice(t.start, t.end), t.text, `token at ${t.start} of ${JSON.stringify(text)}`);
      assert.ok(t.start >= last && t.end > t.start, `tokens in order at ${t.start} of ${JSON.stringify(text)}`);
      assert.ok(t.text.trim() === t.text && t.text.length > 0, `token ${JSON.stringify(t.text)} has no surrounding whitespace`);
      last = t.end;
    }
  }
  // Nothing but whitespace (and zero-width joiners and the like) is left out.
  const covered = new Uint8Array(text.length);
  for (const s of sents) for (const t of s.tokens) covered.fill(1, t.start, t.end);
  const lost = text
    .split('')
    .filter((c, k) => !covered[k] && c.trim() !== '')
    .join('');
  assert.equal(lost, '', `non-space characters missing from the tokens of ${JSON.stringify(text)}`);
  return sents;
}

const words = (text: string) => splitText(text).map((s) => s.tokens.map((t) => t.text));

test('splitText: offsets point at the token text on tricky input', () => {
  const tricky = [
    'Hello  world.\n\nNew\tline here.',
    '  Leading and trailing spaces.   ',
    'Line one.\r\nLine two.\r\n',
    'Café Zürich 🎉 is "great". Really?',
    'Cafe\u0301 (decomposed accent) and naïve façade.',
    "Mr. O'Neil’s “quoted” text — ok… 👨‍👩‍👧 family.",
    'A.C. Cesena is a football club. Dr. Smith went to Washington D.C. yesterday. He e.g. likes it.',
    "He can't go to the U.S.A. today; price $5.00, see https://x.com/a?b=1 or mail a@b.com.",
    'state-of-the-art, non\u00a0breaking space and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters.',
    '日本語の文です。',
    'a\r\rb\t\t\tc',
    'x',
  ];
  for (const t of tricky) checkSplit(t);
});

test('splitText: tokens and sentence boundaries', () => {
  const t = 'Hello  world.\n\nNew\tline here.';
  const s = checkSplit(t);
  assert.deepEqual(words(t), [
    ['Hello', 'world', '.'],
    ['New', 'line', 'here', '.'],
  ]);
  assert.deepEqual(
    s.map(({ start, end }) => [start, end]),
    [
      [0, 13],
      [15, 29],
    ],
  );
  assert.deepEqual(
    s[1].tokens.map((k) => [k.start, k.end]),
    [
      [15, 18],
      [19, 23],
      [24, 28],
      [28, 29],
    ],
  );

  // Abbreviations do not end sentences; the sentence-final period does.
  assert.deepEqual(words('A.C. Cesena is a club. Dr. Smith lives in Washington D.C. today. He left.'), [
    ['A.C.', 'Cesena', 'is', 'a', 'club', '.'],
    ['Dr.', 'Smith', 'lives', 'in', 'Washington', 'D.C.', 'today', '.'],
    ['He', 'left', '.'],
  ]);
  // Quotes and punctuation are tokens of their own; offsets count UTF-16 code units (as String.slice does).
  const u = 'Café Zürich 🎉 is "great".';
  assert.deepEqual(
    checkSplit(u)[0].tokens.map((k) => [k.text, k.start, k.end]),
    [
      ['Café', 0, 4],
      ['Zürich', 5, 11],
      ['🎉', 12, 14],
      ['is', 15, 17],
      ['"', 18, 19],
      ['great', 19, 24],
      ['"', 24, 25],
      ['.', 25, 26],
    ],
  );
  const d = 'Cafe\u0301 ok';
  assert.deepEqual(
    checkSplit(d)[0].tokens.map((k) => [k.text, k.start, k.end]),
    [
      ['Cafe\u0301', 0, 5],
      ['ok', 6, 8],
    ],
  );
  // A question mark ends a sentence; a text without final punctuation is still a sentence.
  assert.equal(splitText('Is it? Yes it is').length, 2);
});

test('splitText: empty and whitespace-only text give no sentences', () => {
  for (const t of ['', ' ', '   ', '\n', '\n\n\t \r\n', '\t']) assert.deepEqual(splitText(t), [], JSON.stringify(t));
});

// Characters wink-nlp drops from its token stream, so offsets computed as a running sum of token
// and space lengths would drift: a byte order mark at the start of a file, form feeds from PDF
// text, the ideographic space of CJK text, the Unicode line/paragraph separators, a few other spaces.
const DROPPED = ['\ufeff', '\v', '\f', '\u1680', '\u2000', '\u2001', '\u2006', '\u2007', '\u2008', '\u2028', '\u2029', '\u3000'];

test('splitText: BOM, form feed, ideographic space and other Unicode spaces keep offsets right', () => {
  for (const c of DROPPED) {
    const t = `${c}John Smith${c}was born in London.${c}Acme Corp is based in Berlin.`;
    const s = checkSplit(t);
    assert.deepEqual(
      s.flatMap((k) => k.tokens.map((w) => w.text)),
      ['John', 'Smith', 'was', 'born', 'in', 'London', '.', 'Acme', 'Corp', 'is', 'based', 'in', 'Berlin', '.'],
      `U+${c.charCodeAt(0).toString(16)}`,
    );
  }
});

// ---------------------------------------------------------------- Extractor contracts

/** Code points start to end of `text`: what extraction offsets count (not UTF-16 units). */
const cpSlice = (text: string, start: number, end: number) => [...text].slice(start, end).join('');

/** Every contract of one Extraction for its input text. */
function checkExtraction(text: string, r: Extraction, threshold = 0.5) {
  assert.equal(r.text, text);
  assert.equal(r.offsetUnit, 'codepoint');
  assert.deepEqual(
    r.sentences.map((s) => cpSlice(text, s.start, s.end)),
    splitText(text).map((s) => text.slice(s.start, s.end)),
  );
  const key = (m: Mention) => `${m.start}:${m.end}`;
  const inSentence = (m: Mention) => r.sentences.some((s) => s.start <= m.start && m.end <= s.end);
  for (const m of r.entities) {
    assert.equal(cpSlice(text, m.start, m.end), m.text, `mention at ${m.start}`);
    assert.ok(m.end > m.start && m.text.trim() === m.text, `mention ${JSON.stringify(m.text)} is not empty and not padded`);
    assert.ok(inSentence(m), `mention ${JSON.stringify(m.text)} lies inside one sentence`);
    assert.ok(m.score > 0 && m.score <= 1, `mention ${JSON.stringify(m.text)} has a probability as its score: ${m.score}`);
  }
  assert.equal(new Set(r.entities.map(key)).size, r.entities.length, 'no entity listed twice');
  for (let k = 1; k < r.entities.length; k++) assert.ok(r.entities[k - 1].end <= r.entities[k].start, 'entities in text order, none overlapping another');
  const byKey = new Map(r.entities.map((m) => [key(m), m]));
  for (const t of r.triples) {
    for (const m of [t.subject, t.object]) {
      assert.equal(cpSlice(text, m.start, m.end), m.text);
      assert.deepEqual(byKey.get(key(m)), m, `triple mention ${JSON.stringify(m.text)} is among the entities`);
    }
    assert.ok(t.subject.end <= t.object.start || t.object.end <= t.subject.start, `subject and object do not overlap: ${JSON.stringify(t)}`);
    assert.ok(x.model.vocabs.relations.includes(t.relation), `relation ${t.relation}`);
    assert.ok(t.score >= threshold && t.score <= 1, `score ${t.score} ≥ threshold ${threshold}`);
    assert.ok(
      r.sentences.some((s) => s.start <= Math.min(t.subject.start, t.object.start) && Math.max(t.subject.end, t.object.end) <= s.end),
      'a triple stays within a sentence',
    );
  }
}

const RAW = TINY_CORPUS.map(([t]) => rawText(t));
const TEXTS = [
  RAW[0],
  'The weather is nice today.',
  `${RAW[2]} ${RAW[3]}\n\n${RAW[4]}`,
  'Café Zürich 🎉 hired "Anna Lee", who lives in Vienna.\tBob works for Globex!',
  '  \n\tPeter lives in  Oslo and   was born in Rome.  ',
  'A.C. Cesena is based in Cesena. Dr. Smith was born in Washington D.C. and works for Initech.',
  RAW[6],
];

test('extract(string) gives one Extraction, extract(array) an array in the same order; every mention points at its text', () => {
  const one = x.extractSync(RAW[0]);
  assert.ok(!Array.isArray(one));
  checkExtraction(RAW[0], one);
  assert.ok(one.triples.length > 0, 'the tiny model finds its training triple');
  const many = x.extractSync(TEXTS);
  assert.ok(Array.isArray(many));
  assert.deepEqual(
    many.map((r) => r.text),
    TEXTS,
  );
  many.forEach((r, k) => checkExtraction(TEXTS[k], r));
  // With a very low threshold nearly every pair is a triple: the offset checks run on many mentions.
  const low = x.extractSync(TEXTS, { threshold: 0.001 });
  low.forEach((r, k) => checkExtraction(TEXTS[k], r, 0.001));
  assert.ok(low.reduce((n, r) => n + r.triples.length, 0) > 20, 'a low threshold gives many triples');
  // A higher threshold keeps a subset.
  const high = x.extractSync(TEXTS, { threshold: 0.9 });
  high.forEach((r, k) => {
    checkExtraction(TEXTS[k], r, 0.9);
    const kept = new Set(many[k].triples.map((t) => JSON.stringify(t)));
    for (const t of r.triples) assert.ok(kept.has(JSON.stringify(t)), 'threshold 0.9 triples are among the 0.5 ones');
  });
});

test('empty and whitespace-only text give an empty result without throwing', () => {
  for (const t of ['', ' ', '\n\t  \r\n']) {
    assert.deepEqual(x.extractSync(t), { text: t, offsetUnit: 'codepoint', sentences: [], entities: [], triples: [], warnings: [] });
  }
  const mixed = x.extractSync(['', RAW[0], '   ']);
  assert.deepEqual(mixed[0].entities, []);
  assert.deepEqual(mixed[2].triples, []);
  assertSameResults(mixed[1], x.extractSync(RAW[0]));
  assert.deepEqual(x.extractSync([]), []);
});

test('a text with no entities gives empty lists', () => {
  // Words the model only ever saw outside entities.
  for (const t of ['was in and is .', 'The weather is nice today.']) {
    const r = x.extractSync(t);
    assert.deepEqual([r.entities, r.triples, r.warnings], [[], [], []], t);
    assert.equal(r.sentences.length, 1);
  }
});

test('non-string input is a UserError naming the index', () => {
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test((e as Error).message), String(re));
  bad(() => x.extractSync(['ok', 42 as unknown as string]), /text 1\b.*number/);
  bad(() => x.extractSync(['ok', 'fine', null as unknown as string]), /text 2\b.*null/);
  bad(() => x.extractSync(undefined as unknown as string), /text 0\b.*undefined/);
  bad(() => x.extractSync({ text: 'a' } as unknown as string), /text 0\b.*object/);
});

test('extract([a, b, ...]) equals [extract(a), extract(b), ...]: batching across texts changes nothing', () => {
  for (const threshold of [0.5, 0.01]) {
    const together = x.extractSync(TEXTS, { threshold });
    const alone = TEXTS.map((t) => x.extractSync(t, { threshold }));
    assertSameResults(together, alone, `threshold ${threshold}`);
    assertSameResults(x.extractSync(TEXTS, { threshold, batchSize: 1 }), alone, `batchSize 1, threshold ${threshold}`);
    assertSameResults(x.extractSync([...TEXTS].reverse(), { threshold, batchSize: 3 }), [...alone].reverse(), `reversed, threshold ${threshold}`);
  }
});

test('maxTokens: a longer sentence is cut with a warning, offsets stay right, nothing crosses a cut', () => {
  const text = `${RAW[0]} ${RAW[3]}`; // 7 + 10 tokens
  const second = splitText(text)[1];
  assert.equal(second.tokens.length, 10);
  const r = x.extractSync(text, { maxTokens: 5, threshold: 0.001 });
  checkExtraction(text, r, 0.001);
  assert.equal(r.warnings.length, 2, r.warnings.join('\n'));
  assert.match(r.warnings[0], /7 tokens at character 0\b/);
  assert.match(r.warnings[1], new RegExp(`10 tokens at character ${second.start}\\b`));
  // Pieces of 5 tokens ("Peter was born in Rome" is one): no mention and no triple spans two pieces.
  const pieceOf = new Map<number, number>();
  for (const s of splitText(text))
    s.tokens.forEach((t, k) => {
      pieceOf.set(t.start, s.start * 1000 + Math.floor(k / 5));
      pieceOf.set(t.end, s.start * 1000 + Math.floor(k / 5));
    });
  const piece = (m: Mention) => {
    const a = pieceOf.get(m.start),
      b = pieceOf.get(m.end);
    assert.ok(a !== undefined && b !== undefined, `mention ${JSON.stringify(m.text)} is on token boundaries`);
    assert.equal(a, b, `mention ${JSON.stringify(m.text)} stays within one piece`);
    return a;
  };
  for (const m of r.entities) piece(m);
  assert.ok(r.triples.length > 0);
  for (const t of r.triples) assert.equal(piece(t.subject), piece(t.object), 'a triple stays within one piece');
  // No cut, no warning, same as the default.
  const whole = x.extractSync(text, { maxTokens: 10 });
  assert.deepEqual(whole.warnings, []);
  assertSameResults(whole, x.extractSync(text));
  assert.equal(x.extractSync(text, { maxTokens: 9 }).warnings.length, 1);
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test('extractStream over sync and async iterables yields what extract(array) gives, in order', async () => {
  const expected = x.extractSync(TEXTS);
  assertSameResults(await collect(x.extractStream(TEXTS)), expected, 'array');
  assertSameResults(await collect(x.extractStream(TEXTS, { group: 2 })), expected, 'array, groups of 2');
  function* gen() {
    yield* TEXTS;
  }
  assertSameResults(await collect(x.extractStream(gen(), { group: 3 })), expected, 'generator');
  async function* agen() {
    for (const t of TEXTS) {
      await new Promise((r) => setTimeout(r, 1));
      yield t;
    }
  }
  assertSameResults(await collect(x.extractStream(agen(), { group: 2 })), expected, 'async generator');
  assertSameResults(await collect(x.extractStream(agen(), { group: 1, threshold: 0.01 })), x.extractSync(TEXTS, { threshold: 0.01 }), 'options pass through');
  assert.deepEqual(await collect(x.extractStream([])), []);
});

test('extractStream: a non-string names its index in the whole stream', async () => {
  const texts = [RAW[0], RAW[1], RAW[2], 7 as unknown as string];
  await assert.rejects(collect(x.extractStream(texts, { group: 2 })), (e: unknown) => e instanceof UserError && /text 3\b/.test((e as Error).message));
});

test('extract equals extract (a string gives one result, a list a list), and a deadline in the past is a TimeLimitError', async () => {
  assertSameResults(await x.extract(TEXTS, { chunk: 1 }), x.extractSync(TEXTS));
  assertSameResults(await x.extract(RAW[0]), x.extractSync(RAW[0]));
  assertSameResults(await x.extract(TEXTS, { deadline: Date.now() + 60_000, threshold: 0.01 }), x.extractSync(TEXTS, { threshold: 0.01 }));
  await assert.rejects(x.extract(TEXTS, { deadline: Date.now() - 1 }), (e: unknown) => e instanceof TimeLimitError && e.name === 'TimeLimitError' && /time limit/.test(e.message));
  await assert.rejects(x.extract(['ok', 3 as unknown as string]), (e: unknown) => e instanceof UserError && /text 1\b/.test((e as Error).message));
});

test('extract yields to the event loop at least every chunkTokens tokens, with the same results', async () => {
  const text = TEXTS.join(' ');
  const tokens = splitText(text).reduce((n, s) => n + s.tokens.length, 0);
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const r = await x.extract(text, { chunkTokens: 8 });
  running = false;
  assertSameResults(r, x.extractSync(text));
  assert.ok(ticks >= Math.floor(tokens / 8) - 1, `${ticks} turns of the event loop for ${tokens} tokens in chunks of at most 8 (or one sentence)`);
});

test('no tensors leak across extract, extract and extractStream', async () => {
  const before = tf.memory().numTensors;
  for (let k = 0; k < 3; k++) {
    x.extractSync(TEXTS);
    x.extractSync(RAW[1], { threshold: 0.01, maxTokens: 3 });
    await x.extract(TEXTS, { chunk: 2 });
    await collect(x.extractStream(TEXTS, { group: 2 }));
  }
  await assert.rejects(x.extract(TEXTS, { deadline: 0 }), TimeLimitError);
  assert.equal(tf.memory().numTensors, before);
});

test('control characters separate words, end a sentence, and never end up inside an entity', () => {
  const text = `${RAW[0].replace(' ', ' \u0000\u0001\u0002 ')}\u0007\u001b[0m ${RAW[2]}\u0085`;
  const r = x.extractSync(text, { threshold: 0.01 });
  checkExtraction(text, r, 0.01);
  assert.ok(r.entities.length > 0);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  for (const m of [...r.entities, ...r.triples.flatMap((t) => [t.subject, t.object])]) assert.doesNotMatch(m.text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/, JSON.stringify(m));
  assert.ok(r.sentences.length >= 3, 'the control characters between words end a sentence');
});

test('a misspelt option is a UserError naming it and the option it was probably meant to be', async () => {
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test((e as Error).message), String(re));
  bad(() => x.extractSync(RAW[0], { treshold: 0.1 } as never), /unknown option "treshold" \(did you mean "threshold"\?\)/);
  bad(() => x.extractSync(RAW[0], { batchsize: 2 } as never), /unknown option "batchsize" \(did you mean "batchSize"\?\)/);
  await assert.rejects(x.extract(RAW[0], { deadlin: 5 } as never), (e: unknown) => e instanceof UserError && /unknown option "deadlin"/.test((e as Error).message));
  await assert.rejects(collect(x.extractStream([RAW[0]], { groups: 2 } as never)), (e: unknown) => e instanceof UserError && /unknown option "groups"/.test((e as Error).message));
});

test('extractStream of one string is a UserError (it would yield one result per character), and a type error', async () => {
  // @ts-expect-error one string is not a stream of texts
  const stream = x.extractStream('Aarhus is in Denmark.');
  await assert.rejects(collect(stream), (e: unknown) => e instanceof UserError && /not one string: use extract\(text\)/.test((e as Error).message));
  assert.equal((await collect(x.extractStream(['Aarhus is in Denmark.']))).length, 1);
});

test('triples come most likely first', () => {
  for (const r of x.extractSync(TEXTS, { threshold: 0.01 })) for (let k = 1; k < r.triples.length; k++) assert.ok(r.triples[k - 1].score >= r.triples[k].score, `${r.text}: sorted at ${k}`);
});

test('Extractor on text with a BOM, form feed or ideographic space does not throw', () => {
  for (const c of DROPPED) {
    const t = `${c}${RAW[0]}${c}${RAW[2]}`;
    checkExtraction(t, x.extractSync(t));
  }
});

/**
 * Run `call` (an expression on `x`, the tiny model loaded from `modelDir`) in a child process, so
 * that an endless loop is a timeout here and not a hung test run. → "ok", "hang", or the last
 * line of output (the error's "name: message").
 */
function inChild(call: string, timeoutMs = 20_000): Promise<string> {
  const code = `
    import { loadModel } from ${JSON.stringify(pathToFileURL(join(REPO, 'src/extract/load.ts')).href)};
    const x = await loadModel(${JSON.stringify(modelDir)});
    try { await (${call}); console.log('ok'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) => {
    // A small heap: an endless loop that allocates dies soon instead of eating the machine's memory.
    const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hang');
    }, timeoutMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out.trim().split('\n').pop() ?? '');
    });
  });
}

test('options out of range (maxTokens not a positive integer, threshold outside [0, 1]) are a UserError naming the option', () => {
  for (const [opts, name] of [
    [{ maxTokens: NaN }, 'maxTokens'],
    [{ maxTokens: 2.5 }, 'maxTokens'],
    [{ threshold: NaN }, 'threshold'],
    [{ threshold: 1.5 }, 'threshold'],
    [{ threshold: -0.1 }, 'threshold'],
  ] as const) {
    assert.throws(
      () => x.extractSync(RAW[0], opts),
      (e: unknown) => e instanceof UserError && e.message.includes(name),
      JSON.stringify(opts),
    );
  }
});

test('options of 0 (maxTokens, batchSize, chunk) are a UserError, not an endless loop', async () => {
  const t = JSON.stringify(RAW[0]);
  const calls: [string, string][] = [
    [`x.extractSync(${t}, { maxTokens: 0 })`, 'maxTokens'],
    [`x.extractSync(${t}, { batchSize: 0 })`, 'batchSize'],
    [`x.extract([${t}], { chunk: 0 })`, 'chunk'],
  ];
  const got = await Promise.all(calls.map(([c]) => inChild(c)));
  const wrong = calls.map(([c, name], k) => [c, got[k], name]).filter(([, g, name]) => !(g.startsWith('UserError: ') && g.includes(name)));
  assert.deepEqual(wrong, [], 'each call must end with a UserError naming the option');
});

// ---------------------------------------------------------------- loadModel errors

test('loadModel: a missing directory or a future format version is a UserError that says so', async () => {
  const missing = join(tmp, 'no-such-model');
  await assert.rejects(loadModel(missing), (e: unknown) => e instanceof UserError && e.message.includes(missing) && /no such model directory/.test(e.message));
  const emptyDir = join(tmp, 'empty-dir');
  mkdirSync(emptyDir);
  await assert.rejects(loadModel(emptyDir), (e: unknown) => e instanceof UserError && /not a rin model directory \(missing model\.json\)/.test(e.message));
  const future = join(tmp, 'future');
  cpSync(modelDir, future, { recursive: true });
  const head = JSON.parse(readFileSync(join(future, 'model.json'), 'utf8'));
  assert.equal(head.formatVersion, FORMAT_VERSION);
  writeFileSync(join(future, 'model.json'), JSON.stringify({ ...head, formatVersion: FORMAT_VERSION + 1 }));
  await assert.rejects(
    loadModel(future),
    (e: unknown) => e instanceof UserError && new RegExp(`format version ${FORMAT_VERSION + 1} is not supported.*reads version ${FORMAT_VERSION}`).test(e.message),
  );
});

// ---------------------------------------------------------------- the overfitted model gives back its training data

/** A mention without its score: what gold data says. */
type Place = Omit<Mention, 'score'>;

interface Gold {
  entities: Place[];
  triples: { subject: Place; relation: string; object: Place }[];
}

/** The gold entities and triples of TINY_CORPUS sentence k, as mentions in `text` placed at `offset`. */
function gold(k: number, offset = 0): Gold {
  const raw = RAW[k];
  const at = (name: string): Place => {
    const start = raw.indexOf(name);
    assert.ok(start >= 0 && raw.lastIndexOf(name) === start, `fixture: "${name}" occurs once in "${raw}"`);
    return { text: name, start: offset + start, end: offset + start + name.length };
  };
  const triples = TINY_CORPUS[k][1].map(([s, relation, o]) => ({ subject: at(s), relation, object: at(o) }));
  const entities = [...new Map(triples.flatMap((t) => [t.subject, t.object]).map((m) => [m.start, m])).values()];
  return { entities, triples };
}

function sortGold(g: Gold): Gold {
  return {
    entities: [...g.entities].sort((a, b) => a.start - b.start),
    triples: [...g.triples].sort((a, b) => a.subject.start - b.subject.start || a.object.start - b.object.start || a.relation.localeCompare(b.relation)),
  };
}

/** What was extracted, in text order (results list triples most likely first), to compare with the gold. */
const place = ({ score: _, ...m }: Mention): Place => m;
const got = (r: Extraction): Gold =>
  sortGold({ entities: r.entities.map(place), triples: r.triples.map(({ subject, relation, object }) => ({ subject: place(subject), relation, object: place(object) })) });

/** Corpus sentences whose raw text tokenizes to the training tokens (wink reads "Corp." as one abbreviation). */
const SAME_TOKENS = TINY_CORPUS.map((_, k) => k).filter((k) => words(RAW[k]).flat().join(' ') === TINY_CORPUS[k][0]);

test('the overfitted model gives back its training sentences, typed as raw text: full spans, char offsets, triples', () => {
  assert.ok(SAME_TOKENS.length >= 7, `raw text tokenizes as in training for sentences ${SAME_TOKENS}`);
  for (const k of SAME_TOKENS) {
    const r = x.extractSync(RAW[k]);
    checkExtraction(RAW[k], r);
    assert.deepEqual(got(r), sortGold(gold(k)), RAW[k]);
    assert.ok(r.entities.some((m) => m.text.includes(' ')) || !TINY_CORPUS[k][1].flat().some((w) => w.includes(' ')), 'multi-word entities come back whole');
  }
});

test('the overfitted model: offsets are right after leading whitespace, tabs, newlines and across sentences', () => {
  const parts = [2, 3, 0, 6];
  const seps = ['\n  \t', ' ', '\t\t', '\n\n  '];
  let text = '';
  const expected: Gold = { entities: [], triples: [] };
  parts.forEach((k, n) => {
    text += seps[n];
    const g = gold(k, text.length);
    expected.entities.push(...g.entities);
    expected.triples.push(...g.triples);
    text += RAW[k];
  });
  text += ' \n';
  const r = x.extractSync(text);
  checkExtraction(text, r);
  assert.equal(r.sentences.length, parts.length);
  assert.deepEqual(got(r), sortGold(expected));
  // Runs of spaces inside an entity stay in the mention's text, which is the input's own.
  const spaced = 'John   Smith was born in\tLondon.';
  const s = x.extractSync(spaced);
  assert.deepEqual(got(s), {
    entities: [
      { text: 'John   Smith', start: 0, end: 12 },
      { text: 'London', start: 25, end: 31 },
    ],
    triples: [{ subject: { text: 'John   Smith', start: 0, end: 12 }, relation: 'born_in', object: { text: 'London', start: 25, end: 31 } }],
  });
});

test("offsets: 'utf16' counts JavaScript's string indices, so text.slice(start, end) is the mention; withUtf16Offsets recounts a result", () => {
  const text = `😀😀 ${RAW[0]} 🎉 ${RAW[2]}`;
  const u = x.extractSync(text, { offsets: 'utf16' });
  assert.equal(u.offsetUnit, 'utf16');
  assert.ok(u.entities.length >= 3 && u.triples.length > 0);
  for (const m of [...u.entities, ...u.triples.flatMap((t) => [t.subject, t.object])]) assert.equal(text.slice(m.start, m.end), m.text);
  for (const s of u.sentences) assert.equal(text.slice(s.start, s.end).trim(), text.slice(s.start, s.end));
  const john = u.entities.find((m) => m.text === 'John Smith');
  assert.deepEqual(john && [john.start, john.end], [5, 15]);
  // The same result recounted from code points (what workers send) is the same.
  assert.deepEqual(withUtf16Offsets(x.extractSync(text)), u);
  assert.throws(
    () => x.extractSync(text, { offsets: 'bytes' as 'utf16' }),
    (err: Error) => err instanceof UserError && /"offsets" must be "codepoint" or "utf16", got "bytes"/.test(err.message),
  );
});

test('every entity carries its NER score, and a triple names its entities with the same scores', () => {
  const r = x.extractSync(RAW[0]);
  assert.ok(r.entities.length >= 2);
  for (const m of r.entities) assert.ok(m.score > 0.5 && m.score <= 1, `the overfitted model is sure of ${m.text}: ${m.score}`);
  for (const t of r.triples) for (const m of [t.subject, t.object]) assert.equal(m.score, r.entities.find((e) => e.start === m.start)?.score);
  const low = x.extractSync('Blorp zingle quax the fribble.', { threshold: 0 });
  for (const m of low.entities) assert.ok(Number.isFinite(m.score) && m.score > 0 && m.score <= 1);
});

test('offsets count code points both ways: an extraction after emoji, written as a JSONL record, reads back to the same mentions', () => {
  const text = `😀😀 ${RAW[0]}`; // two astral characters: 2 code points, 4 UTF-16 units
  const r = x.extractSync(text);
  checkExtraction(text, r);
  assert.equal(r.offsetUnit, 'codepoint');
  const john = r.entities.find((m) => m.text === 'John Smith');
  assert.deepEqual(john && [john.start, john.end], [3, 13], 'code points, not UTF-16 units (5, 15)');
  // The same offsets as training data: rin's JSONL format counts code points too.
  const record = {
    text,
    entities: r.entities.map(({ start, end }) => ({ start, end })),
    relations: r.triples.map((t) => ({ head: r.entities.findIndex((m) => m.start === t.subject.start), tail: r.entities.findIndex((m) => m.start === t.object.start), type: t.relation })),
  };
  const file = join(tmp, 'astral.jsonl');
  writeFileSync(file, JSON.stringify(record) + '\n');
  const [s] = loadDataset(file).sentences;
  const words = (sp: { start: number; end: number }) => s.tokens.slice(sp.start, sp.end).join(' ');
  assert.deepEqual(
    s.triples.map((t) => [words(t.subject), t.relation, words(t.object)]),
    r.triples.map((t) => [t.subject.text, t.relation, t.object.text]),
  );
  assert.ok(r.triples.length > 0);
});
