/**
 * Data layer: file reading, CasRel / Zeng loaders, GloVe vectors, vocabularies and the encoder.
 * Every fixture is written to a fresh temporary folder; expected values are worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { tempFolders } from './helpers.ts';
import { describeReport, loadDataset } from '../src/dataset/load.ts';
import { parseRel2id, tokenize } from '../src/dataset/casrel.ts';
import { isZeng } from '../src/dataset/zeng.ts';
import { readJson, readText } from '../src/core/files.ts';
import { loadVectors, vocabVectors } from '../src/features/embeddings.ts';
import { Encoder, describeStats, newStats } from '../src/features/encode.ts';
import { Index, NER_TAGS, PAD, UNK, buildVocabs, wordId, type Vocabs } from '../src/features/vocab.ts';
import { posTags } from '../src/features/pos.ts';
import type { Sentence, Triple } from '../src/core/types.ts';
import { UserError } from '../src/core/errors.ts';

const { fresh: freshDir, write } = tempFolders('rin-data-test-');
const json = (x: unknown) => JSON.stringify(x, null, 1);
const span = (start: number, end: number) => ({ start, end });
const tri = (s: [number, number], relation: string, o: [number, number]): Triple => ({ subject: span(...s), relation, object: span(...o) });
const sent = (tokens: string[], triples: Triple[] = []): Sentence => ({ tokens, triples, source: { file: 'mem', record: 0 } });

// ---------------------------------------------------------------------------------------------
// files.ts

test('readText: missing file is a UserError that names the path', () => {
  const f = join(freshDir(), 'no', 'such', 'file.json');
  assert.throws(
    () => readText(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f),
  );
});

test('readText: gzipped and plain files give the same text', () => {
  const d = freshDir();
  const text = 'héllo wörld\nline two\n';
  const plain = write(d, 'a.txt', text);
  const gz = write(d, 'a.txt.gz', gzipSync(Buffer.from(text, 'utf8')));
  assert.equal(readText(plain), text);
  assert.equal(readText(gz), text);
});

test('readText: gzip magic bytes followed by garbage is a UserError naming the file', () => {
  const d = freshDir();
  const f = write(d, 'broken.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5]));
  assert.throws(
    () => readText(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f) && /gzip/i.test(e.message),
  );
});

test('readJson: malformed JSON names the file, the line and the column', () => {
  const d = freshDir();
  // Line 3 is `{"text" "b"}`: the missing ':' is detected at the '"' of "b", column 9.
  const f = write(d, 'bad.json', '[\n{"text": "a", "triple_list": []},\n{"text" "b"}\n]\n');
  assert.throws(
    () => readJson(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f) && e.message.includes('line 3') && e.message.includes('column 9'),
  );
});

test('loadDataset: malformed JSON error propagates as a UserError naming the file and line', () => {
  const d = freshDir();
  const f = write(d, 'bad2.json', '[\n {"text": "a b", "triple_list": []},\n {"text": "c d", "triple_list": [["c", "r" "d"]]}\n]');
  assert.throws(
    () => loadDataset(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f) && e.message.includes('line 3'),
  );
});

test('readJson: a trailing comma (no "position" in the V8 message) still reports the line', {}, () => {
  const d = freshDir();
  const f = write(d, 'trailing.json', '[\n{"text": "a", "triple_list": []},\n]\n');
  assert.throws(
    () => readJson(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f) && /line 3\b/.test(e.message),
  );
});

// ---------------------------------------------------------------------------------------------
// CasRel JSON

test('tokenize splits on any whitespace and trims', () => {
  assert.deepEqual(tokenize('  a  b\tc\nd '), ['a', 'b', 'c', 'd']);
  assert.deepEqual(tokenize('   '), []);
});

test('CasRel head-only data: spans are the last words, spans auto-detected as head', () => {
  const d = freshDir();
  const f = write(
    d,
    'head.json',
    json([
      { text: 'Tim Brooke-Taylor starred in Bananaman .', triple_list: [['Bananaman', 'starring', 'Brooke-Taylor']] },
      {
        text: 'Paris is the capital of France .',
        triple_list: [
          ['France', 'capital', 'Paris'],
          ['Paris', 'country', 'France'],
        ],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.spans, 'head');
  assert.equal(ds.sentences.length, 2);
  assert.deepEqual(ds.sentences[0].tokens, ['Tim', 'Brooke-Taylor', 'starred', 'in', 'Bananaman', '.']);
  assert.deepEqual(ds.sentences[0].triples, [tri([4, 5], 'starring', [1, 2])]);
  assert.deepEqual(ds.sentences[1].triples, [tri([5, 6], 'capital', [0, 1]), tri([0, 1], 'country', [5, 6])]);
  assert.deepEqual(ds.sentences[1].source, { file: f, record: 1 });
  assert.deepEqual(ds.report, { file: f, records: 2, kept: 2, skipped: 0, problems: [], notes: [] });
  assert.equal(ds.relations, undefined, 'no rel2id.json beside the file');
});

test('CasRel full spans: multi-word entities located, spans auto-detected as full', () => {
  const d = freshDir();
  const f = write(
    d,
    'full.json',
    json([
      {
        text: 'A.C. Cesena , in the Serie B League , play in Cesena .',
        triple_list: [
          ['A.C. Cesena', 'ground', 'Cesena'],
          ['A.C. Cesena', 'league', 'Serie B'],
        ],
      },
      { text: 'Bob sleeps .', triple_list: [] },
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.spans, 'full');
  // tokens: A.C.(0) Cesena(1) ,(2) in(3) the(4) Serie(5) B(6) League(7) ,(8) play(9) in(10) Cesena(11) .(12)
  // "Cesena" occurs at 1 and 11; the subject ends at 2. Object at 1 would end at 2 too (same head word,
  // cost 1e9), so the object is the one at 11.
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 2], 'ground', [11, 12]), tri([0, 2], 'league', [5, 7])]);
  assert.deepEqual(ds.sentences[1].triples, []);
  // "Cesena" occurs twice: one ambiguous triple is noted.
  assert.equal(ds.report.notes.length, 1);
  assert.match(ds.report.notes[0], /^1 triples? /);
});

test('CasRel: the spans option overrides auto-detection', () => {
  const d = freshDir();
  const f = write(d, 'full.json', json([{ text: 'New York is big .', triple_list: [['New York', 'is', 'big']] }]));
  assert.equal(loadDataset(f).spans, 'full');
  assert.equal(loadDataset(f, { spans: 'auto' }).spans, 'full');
  assert.equal(loadDataset(f, { spans: 'head' }).spans, 'head');
  const g = write(d, 'head.json', json([{ text: 'York is big .', triple_list: [['York', 'is', 'big']] }]));
  assert.equal(loadDataset(g).spans, 'head');
  assert.equal(loadDataset(g, { spans: 'full' }).spans, 'full');
});

test('CasRel gzipped file loads exactly like the plain one', () => {
  const d = freshDir();
  const records = [
    {
      text: 'Alan Bean was born in Wheeler , Texas .',
      triple_list: [
        ['Bean', 'birthPlace', 'Texas'],
        ['Bean', 'birthPlace', 'Wheeler'],
      ],
    },
    { text: 'Texas is in the USA .', triple_list: [['Texas', 'country', 'USA']] },
  ];
  const plain = loadDataset(write(d, 'x.json', json(records)));
  const gz = loadDataset(write(d, 'x.json.gz', gzipSync(Buffer.from(json(records)))));
  assert.deepEqual(
    gz.sentences.map((s) => [s.tokens, s.triples]),
    plain.sentences.map((s) => [s.tokens, s.triples]),
  );
  assert.deepEqual(gz.sentences[0].triples, [tri([1, 2], 'birthPlace', [7, 8]), tri([1, 2], 'birthPlace', [5, 6])]);
  assert.equal(gz.report.kept, 2);
  assert.equal(gz.spans, 'head');
});

test('CasRel: a triple whose word is not in the sentence is left out, the record kept, the problem names the record', () => {
  const d = freshDir();
  const f = write(
    d,
    'missing-word.json',
    json([
      { text: 'Rome is in Italy .', triple_list: [['Italy', 'capital', 'Rome']] },
      {
        text: 'Berlin is in Germany .',
        triple_list: [
          ['Germany', 'capital', 'Berlin'],
          ['Munich', 'country', 'Germany'],
          ['Berlin', 'country', 'Deutschland'],
        ],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.sentences.length, 2);
  assert.equal(ds.report.kept, 2);
  assert.equal(ds.report.skipped, 0);
  assert.deepEqual(ds.sentences[1].triples, [tri([3, 4], 'capital', [0, 1])]);
  assert.equal(ds.report.problems.length, 2);
  const [p1, p2] = ds.report.problems;
  assert.equal(p1.record, 1);
  assert.equal(p1.file, f);
  assert.equal(p1.action, 'kept');
  assert.match(p1.message, /Munich/);
  assert.match(p1.message, /triple 1/);
  assert.equal(p2.record, 1);
  assert.match(p2.message, /Deutschland/);
  assert.match(p2.message, /triple 2/);
  const text = describeReport(ds);
  assert.match(text, /2 records, 2 kept, 0 skipped, 2 problems/);
  assert.match(text, /record 1: .*Munich.*\(kept\)/);
});

test('CasRel: empty sentences are skipped and counted', () => {
  const d = freshDir();
  const f = write(
    d,
    'empty.json',
    json([
      { text: '', triple_list: [] },
      { text: 'Cats purr .', triple_list: [] },
      { text: '   \t ', triple_list: [['a', 'r', 'b']] },
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.report.records, 3);
  assert.equal(ds.report.kept, 1);
  assert.equal(ds.report.skipped, 2);
  assert.deepEqual(
    ds.sentences.map((s) => s.tokens),
    [['Cats', 'purr', '.']],
  );
  assert.deepEqual(ds.sentences[0].source, { file: f, record: 1 });
  assert.deepEqual(
    ds.report.problems.map((p) => [p.record, p.action]),
    [
      [0, 'skipped'],
      [2, 'skipped'],
    ],
  );
  for (const p of ds.report.problems) assert.match(p.message, /empty/);
});

test('CasRel: wrong field types are reported, never silently accepted', () => {
  const d = freshDir();
  const f = write(
    d,
    'types.json',
    json([
      { text: 42, triple_list: [] }, // 0: skipped
      { text: 'ok one .', triple_list: 'not a list' }, // 1: skipped
      'just a string', // 2: skipped
      null, // 3: skipped
      ['text', 'triple_list'], // 4: skipped
      { text: 'no triples at all .' }, // 5: kept, no triples
      { text: 'a b c', triple_list: [['a', 'r'], ['a', 1, 'b'], 'a r b', ['a', 'r', 'c']] }, // 6: kept, 3 triples dropped
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.report.records, 7);
  assert.equal(ds.report.skipped, 5);
  assert.equal(ds.report.kept, 2);
  assert.deepEqual(
    ds.sentences.map((s) => s.source.record),
    [5, 6],
  );
  assert.deepEqual(ds.sentences[0].triples, []);
  assert.deepEqual(ds.sentences[1].triples, [tri([0, 1], 'r', [2, 3])]);
  const skipped = ds.report.problems.filter((p) => p.action === 'skipped').map((p) => p.record);
  const kept = ds.report.problems.filter((p) => p.action === 'kept').map((p) => p.record);
  assert.deepEqual(skipped, [0, 1, 2, 3, 4]);
  assert.deepEqual(kept, [6, 6, 6]);
  assert.match(ds.report.problems[0].message, /text/);
  assert.match(ds.report.problems[1].message, /triple_list/);
});

test('CasRel: a top-level value that is not an array is a UserError', () => {
  const d = freshDir();
  const f = write(d, 'obj.json', json({ text: 'a', triple_list: [] }));
  assert.throws(
    () => loadDataset(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f),
  );
});

test('loadDataset: a missing file is a UserError with the path', () => {
  const f = join(freshDir(), 'does-not-exist', 'train.json');
  assert.throws(
    () => loadDataset(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f),
  );
});

test('CasRel: entities are matched after folding accents and case, and the fold is noted', () => {
  const d = freshDir();
  const f = write(
    d,
    'accents.json',
    json([
      { text: 'Medellín is a city in colombia .', triple_list: [['Medellin', 'country', 'Colombia']] },
      { text: 'Sao Paulo is in Brazil .', triple_list: [['São Paulo', 'country', 'Brazil']] },
      {
        text: 'Bogota is here .',
        triple_list: [
          ['Bogotá', 'is', 'here'],
          ['Quito', 'is', 'here'],
        ],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.spans, 'full');
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 1], 'country', [5, 6])]);
  assert.deepEqual(ds.sentences[1].triples, [tri([0, 2], 'country', [4, 5])]);
  assert.deepEqual(ds.sentences[2].triples, [tri([0, 1], 'is', [2, 3])]);
  // Folded entities: Medellin, Colombia, São Paulo, Bogotá = 4. Quito is not found at all.
  assert.equal(ds.report.problems.length, 1);
  assert.match(ds.report.problems[0].message, /Quito/);
  const note = ds.report.notes.find((n) => /accent/.test(n));
  assert.ok(note, `a note about folding, got ${JSON.stringify(ds.report.notes)}`);
  assert.match(note, /^4 entities/);
});

test('CasRel: an exact match is preferred over a folded one', () => {
  const d = freshDir();
  // "Paris" exactly at 4; "paris" (folded) at 0.
  const f = write(d, 'exact-first.json', json([{ text: 'paris hilton is in Paris .', triple_list: [['hilton', 'in', 'Paris']] }]));
  const ds = loadDataset(f);
  assert.deepEqual(ds.sentences[0].triples, [tri([1, 2], 'in', [4, 5])]);
  assert.equal(ds.report.notes.filter((n) => /accent/.test(n)).length, 0);
});

test('CasRel: repeated words take the closest subject-object pair', () => {
  const d = freshDir();
  const f = write(
    d,
    'closest.json',
    json([
      // Smith at 0 and 5, Jones at 3: |1-4| = 3 versus |6-4| = 2 -> Smith at 5.
      { text: 'Smith said that Jones met Smith today .', triple_list: [['Smith', 'met', 'Jones']] },
      // Texas at 2 and 7, Austin at 0 and 6: pairs (0,2)=2, (0,7)=7, (6,2)=4, (6,7)=1 -> Austin 6, Texas 7.
      { text: 'Austin , Texas is far from Austin Texas .', triple_list: [['Austin', 'in', 'Texas']] },
      // Subject and object the same word, twice in the sentence: two different occurrences beat the same one.
      { text: 'Texas borders New Texas .', triple_list: [['Texas', 'near', 'Texas']] },
      // Same word once: the only pair is the word with itself (a self pair).
      { text: 'Pennsylvania is Pennsylvania-like .', triple_list: [['Pennsylvania', 'same', 'Pennsylvania']] },
    ]),
  );
  const ds = loadDataset(f);
  assert.deepEqual(ds.sentences[0].triples, [tri([5, 6], 'met', [3, 4])]);
  assert.deepEqual(ds.sentences[1].triples, [tri([6, 7], 'in', [7, 8])]);
  assert.deepEqual(ds.sentences[2].triples, [tri([0, 1], 'near', [3, 4])]);
  assert.deepEqual(ds.sentences[3].triples, [tri([0, 1], 'same', [0, 1])]);
  // Ambiguous: sentences 0, 1 and 2 (a word that occurs more than once); sentence 3 is not.
  const note = ds.report.notes.find((n) => /more than once/.test(n));
  assert.ok(note);
  assert.match(note, /^3 triples/);
});

test('CasRel: closest pair with multi-word spans compares the end (head) positions', () => {
  const d = freshDir();
  // "New York" at 0-2 and 5-7, "Albany" at 3: ends 2 vs 4 -> 2, 7 vs 4 -> 3: the first New York.
  // "Buffalo" at 8: ends 2 vs 9 -> 7, 7 vs 9 -> 2: the second New York.
  const f = write(
    d,
    'closest-multi.json',
    json([
      {
        text: 'New York has Albany , New York also Buffalo',
        triple_list: [
          ['New York', 'capital', 'Albany'],
          ['New York', 'city', 'Buffalo'],
        ],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 2], 'capital', [3, 4]), tri([5, 7], 'city', [8, 9])]);
});

test('rel2id.json beside a CasRel file gives the relation order by id', () => {
  const d = freshDir();
  // [id2rel, rel2id] with ids that are not alphabetical.
  write(
    d,
    'rel2id.json',
    json([
      { 0: 'zeta', 1: 'alpha', 2: 'mid' },
      { zeta: 0, alpha: 1, mid: 2 },
    ]),
  );
  const f = write(d, 'dev.json', json([{ text: 'a b', triple_list: [['a', 'mid', 'b']] }]));
  assert.deepEqual(loadDataset(f).relations, ['zeta', 'alpha', 'mid']);
  // The plain {rel: id} layout; ids out of insertion order.
  const d2 = freshDir();
  write(d2, 'rel2id.json', json({ b: 2, c: 0, a: 1 }));
  const g = write(d2, 'dev.json', json([{ text: 'a b', triple_list: [] }]));
  assert.deepEqual(loadDataset(g).relations, ['c', 'a', 'b']);
});

test('parseRel2id handles both layouts and rejects non-objects', () => {
  assert.deepEqual(
    parseRel2id([
      { 0: 'x', 1: 'y' },
      { y: 1, x: 0 },
    ]),
    ['x', 'y'],
  );
  assert.deepEqual(parseRel2id({ r2: 5, r1: 3, r3: 10 }), ['r1', 'r2', 'r3']);
  assert.equal(parseRel2id(null), undefined);
  assert.equal(parseRel2id(7), undefined);
});

// ---------------------------------------------------------------------------------------------
// Zeng id format

function zengDir(opts: { gzWords?: boolean; noRelations?: boolean } = {}): string {
  const d = freshDir();
  const words = { PAD: 0, UNK: 1, Alice: 2, lives: 3, in: 4, Paris: 5, '.': 6, Bob: 7, visits: 8, Rome: 9 };
  if (opts.gzWords) write(d, 'words2id.json.gz', gzipSync(Buffer.from(json(words))));
  else write(d, 'words2id.json', json(words));
  if (!opts.noRelations) write(d, 'relations2id.json', json({ None: 0, visits: 2, lives_in: 1 }));
  return d;
}

test('Zeng id format: words and relations are read from the files beside it', () => {
  const d = zengDir();
  const f = write(
    d,
    'valid.json',
    json([
      [
        [2, 3, 4, 5, 6],
        [7, 8, 9, 6],
        [7, 8, 5],
      ],
      [
        [0, 3, 1],
        [0, 2, 2, 0, 2, 2],
        [0, 2, 1, 0, 2, 2],
      ],
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.spans, 'head');
  assert.equal(ds.report.records, 3);
  assert.equal(ds.report.kept, 3);
  assert.deepEqual(ds.sentences[0].tokens, ['Alice', 'lives', 'in', 'Paris', '.']);
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 1], 'lives_in', [3, 4])]);
  // The duplicate (0, 2, visits) is kept once.
  assert.deepEqual(ds.sentences[1].triples, [tri([0, 1], 'visits', [2, 3])]);
  // Same positions, two relations: two triples.
  assert.deepEqual(ds.sentences[2].triples, [tri([0, 1], 'lives_in', [2, 3]), tri([0, 1], 'visits', [2, 3])]);
  // Relations by id, without "None".
  assert.deepEqual(ds.relations, ['lives_in', 'visits']);
  assert.deepEqual(ds.report.problems, []);
});

test('Zeng id format: a gzipped words2id.json.gz is found too', () => {
  const d = zengDir({ gzWords: true });
  const f = write(d, 'train.json', json([[[7, 8, 9]], [[0, 2, 2]]]));
  const ds = loadDataset(f);
  assert.deepEqual(ds.sentences[0].tokens, ['Bob', 'visits', 'Rome']);
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 1], 'visits', [2, 3])]);
});

test('Zeng id format: bad ids, positions and relations are reported', () => {
  const d = zengDir();
  const f = write(
    d,
    'test.json',
    json([
      [[2, 3, 99], [2, 3, 4, 5], [], [7, 8, 9], 'abc'],
      [[], [0, 3, 1, 0, 3, 0, 0, 9, 1, 0, 3, 77], [], [0, 2], []],
    ]),
  );
  const ds = loadDataset(f);
  assert.equal(ds.report.records, 5);
  // 0: unknown word id 99 -> skipped; 2: empty -> skipped; 3: triple list length 2 -> skipped; 4: not a list -> skipped.
  assert.equal(ds.report.kept, 1);
  assert.equal(ds.report.skipped, 4);
  assert.deepEqual(ds.sentences[0].source.record, 1);
  assert.deepEqual(ds.sentences[0].triples, [tri([0, 1], 'lives_in', [3, 4])]);
  const byRecord = ds.report.problems.map((p) => [p.record, p.action]);
  assert.deepEqual(byRecord, [
    [0, 'skipped'],
    [1, 'kept'],
    [1, 'kept'],
    [1, 'kept'],
    [2, 'skipped'],
    [3, 'skipped'],
    [4, 'skipped'],
  ]);
  assert.match(ds.report.problems[0].message, /99/);
  // Triple 1 has relation id 0 ("None"), triple 2 position 9 (sentence has 4 words), triple 3 relation 77.
  assert.match(ds.report.problems[1].message, /triple 1/);
  assert.match(ds.report.problems[2].message, /triple 2/);
  assert.match(ds.report.problems[3].message, /triple 3.*77/);
});

test('Zeng id format: auto-detection, missing side files and mismatched lengths', () => {
  assert.equal(isZeng([[[1, 2]], [[0, 1, 1]]]), true);
  assert.equal(isZeng([[], []]), true);
  assert.equal(isZeng([{ text: 'a' }, { text: 'b' }]), false);
  assert.equal(isZeng([[['a']], [[]]]), false);
  const d = zengDir({ noRelations: true });
  const f = write(d, 'valid.json', json([[[2]], [[]]]));
  assert.throws(
    () => loadDataset(f),
    (e: unknown) => e instanceof UserError && e.message.includes('relations2id.json') && e.message.includes(f),
  );
  const d2 = zengDir();
  const g = write(d2, 'valid.json', json([[[2], [3]], [[]]]));
  assert.throws(
    () => loadDataset(g),
    (e: unknown) => e instanceof UserError && /2 sentences but 1 triple/.test(e.message),
  );
  // Forcing the Zeng format on a CasRel file is a UserError.
  const h = write(d2, 'casrel.json', json([{ text: 'a', triple_list: [] }]));
  assert.throws(() => loadDataset(h, { format: 'zeng' }), UserError);
});

// ---------------------------------------------------------------------------------------------
// GloVe vectors

const GLOVE = ['the 0.1 0.2 0.3', 'Paris 1 2 3', 'paris -1 -2 -3', 'of 4e-1 5e-01 -6.5', 'unused 9 9 9', ''].join('\n');

test('loadVectors: plain and gzipped GloVe text, only wanted words kept', () => {
  const d = freshDir();
  const plain = write(d, 'g.txt', GLOVE);
  const gz = write(d, 'g.txt.gz', gzipSync(Buffer.from(GLOVE)));
  for (const f of [plain, gz]) {
    const v = loadVectors(f, new Set(['the', 'paris', 'of', 'absent']));
    assert.equal(v.dim, 3);
    assert.deepEqual([...v.vectors.keys()].sort(), ['of', 'paris', 'the']);
    assert.deepEqual([...v.vectors.get('paris')!], [-1, -2, -3]);
    assert.deepEqual([...v.vectors.get('of')!], [Math.fround(0.4), Math.fround(0.5), -6.5]);
    assert.deepEqual(v.badLines, []);
  }
});

test('loadVectors: a malformed line is reported with its 1-based line number', () => {
  const d = freshDir();
  const f = write(d, 'bad-line.txt', ['a 1 2 3', 'b 1 2 3', 'c 1 2', 'd 1 2 3', 'lonely', 'e 1 x 3', 'f 4 5 6'].join('\n') + '\n');
  const v = loadVectors(f, new Set(['a', 'b', 'c', 'd', 'e', 'f', 'lonely']));
  assert.equal(v.dim, 3);
  assert.deepEqual(
    v.badLines.map((b) => b.line),
    [3, 5, 6],
  );
  assert.match(v.badLines[0].message, /2 values, expected 3/);
  assert.deepEqual([...v.vectors.keys()].sort(), ['a', 'b', 'd', 'f']);
});

test('loadVectors: CRLF line ends and a word2vec "count dim" header', () => {
  const d = freshDir();
  const f = write(d, 'w2v.txt', '2 3\r\nx 1 2 3\r\ny 4 5 6\r\n');
  const v = loadVectors(f, new Set(['x', 'y']));
  assert.equal(v.dim, 3);
  assert.deepEqual([...v.vectors.get('y')!], [4, 5, 6]);
  assert.deepEqual(v.badLines, []);
});

test('loadVectors: lines of a different dimension are reported; a mostly-garbage file throws', () => {
  const d = freshDir();
  // 5 good lines of dim 4, 1 line of dim 3 (line 4).
  const ok = write(d, 'ok.txt', ['a 1 2 3 4', 'b 1 2 3 4', 'c 1 2 3 4', 'd 1 2 3', 'e 1 2 3 4', 'f 1 2 3 4'].join('\n'));
  const v = loadVectors(ok, new Set(['d', 'e']));
  assert.equal(v.dim, 4);
  assert.deepEqual(
    v.badLines.map((b) => b.line),
    [4],
  );
  assert.deepEqual([...v.vectors.keys()], ['e']);
  // Not a GloVe file: most lines have no vector.
  const garbage = write(d, 'garbage.txt', ['hello 1 2', 'this is not', 'a', 'vector', 'file', 'at', 'all'].join('\n'));
  assert.throws(
    () => loadVectors(garbage, new Set(['hello'])),
    (e: unknown) => e instanceof UserError && e.message.includes(garbage) && /malformed/.test(e.message),
  );
  const empty = write(d, 'empty.txt', '\n\n');
  assert.throws(
    () => loadVectors(empty, new Set()),
    (e: unknown) => e instanceof UserError && e.message.includes(empty),
  );
  assert.throws(() => loadVectors(join(d, 'nope.txt'), new Set()), UserError);
});

test('loadVectors: one short FIRST line is reported as the bad line, not every later line', {}, () => {
  const d = freshDir();
  const f = write(d, 'short-first.txt', ['the 0.1 0.2', 'a 1 2 3', 'b 1 2 3', 'c 1 2 3'].join('\n'));
  const v = loadVectors(f, new Set(['a', 'b', 'c']));
  assert.equal(v.dim, 3);
  assert.deepEqual(
    v.badLines.map((b) => b.line),
    [1],
  );
});

test('vocabVectors: exact word first, then lowercase (when allowed); rows 0 and 1 stay null', () => {
  const d = freshDir();
  const f = write(d, 'g.txt', GLOVE);
  const v = loadVectors(f, new Set(['the', 'Paris', 'paris', 'of']));
  const words = [PAD, UNK, 'Paris', 'The', 'xyz', 'of'];
  const lower = vocabVectors(words, v, true);
  assert.equal(lower.found, 3);
  assert.equal(lower.rows[0], null);
  assert.equal(lower.rows[1], null);
  assert.deepEqual([...lower.rows[2]!], [1, 2, 3]); // exact "Paris", not "paris"
  assert.deepEqual([...lower.rows[3]!], [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)]);
  assert.equal(lower.rows[4], null);
  const exact = vocabVectors(words, v, false);
  assert.equal(exact.found, 2);
  assert.equal(exact.rows[3], null);
});

// ---------------------------------------------------------------------------------------------
// Vocabularies and the encoder

function vocabsFor(words: string[], relations: string[]): Vocabs {
  return { words: [PAD, UNK, ...words], pos: [PAD, UNK, 'NNP', 'NN', 'DT', 'IN', 'VBD', 'NNS', '.'], ner: [...NER_TAGS], relations };
}

test('wordId: exact, then lowercase, then <unk> = 1', () => {
  const idx = new Index([PAD, UNK, 'paris', 'John']);
  assert.equal(wordId(idx, 'John'), 3);
  assert.equal(wordId(idx, 'Paris'), 2);
  assert.equal(wordId(idx, 'PARIS'), 2);
  assert.equal(wordId(idx, 'john'), 1);
  assert.equal(wordId(idx, 'Rome'), 1);
});

test('buildVocabs: PAD/UNK first, words sorted, relations in inventory order then the rest', () => {
  const train = [sent(['b', 'a', 'b'], [tri([0, 1], 'r2', [1, 2]), tri([0, 1], 'zz', [1, 2])]), sent(['c'], [tri([0, 1], 'r1', [0, 1]), tri([0, 1], 'aa', [0, 1])])];
  const v = buildVocabs(train, (s) => s.tokens.map(() => 'NN'), { inventory: ['r0', 'r1', 'r2'] });
  assert.deepEqual(v.words, [PAD, UNK, 'a', 'b', 'c']);
  assert.deepEqual(v.pos, [PAD, UNK, 'NN']);
  assert.deepEqual(v.ner, ['O', 'B', 'I', 'E', 'S']);
  // r0 never occurs in training: left out; aa and zz are not in the inventory: appended sorted.
  assert.deepEqual(v.relations, ['r1', 'r2', 'aa', 'zz']);
  assert.deepEqual(buildVocabs(train, () => ['NN', 'NN', 'NN']).relations, ['aa', 'r1', 'r2', 'zz']);
});

test('Encoder: BIESO tags of full spans (O=0 B=1 I=2 E=3 S=4) and relation cells on the head words', () => {
  const tokens = ['The', 'New', 'York', 'Times', 'reported', 'on', 'Paris', ',', 'Le', 'Monde', '.'];
  const enc = new Encoder(vocabsFor(tokens, ['about', 'rival']));
  const s = sent(tokens, [tri([1, 4], 'about', [6, 7]), tri([1, 4], 'rival', [8, 10])]);
  const stats = newStats();
  const e = enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, stats);
  assert.deepEqual(e.ner, [0, 1, 2, 3, 0, 0, 4, 0, 1, 3, 0]);
  assert.deepEqual(e.cells, [
    { i: 3, t: 0, j: 6 },
    { i: 3, t: 1, j: 9 },
  ]);
  assert.deepEqual(
    e.words,
    tokens.map((_, k) => k + 2),
  );
  assert.equal(e.pos.length, tokens.length);
  assert.deepEqual(stats, newStats());
});

test('Encoder: head-only data tags the last word S; partialNer "chunk" extends it over a noun phrase', () => {
  const tokens = ['John', 'Smith', 'lives', 'in', 'Paris', '.'];
  const tags = posTags(tokens);
  const NP = ['NNP', 'NNPS', 'NN', 'NNS', 'JJ', 'CD', 'FW', 'POS', 'HYPH'];
  // Preconditions on the tagger, so the expectation below is computed from its tags.
  assert.ok(NP.includes(tags[0]) && NP.includes(tags[1]) && NP.includes(tags[4]), `tags ${tags}`);
  assert.ok(!NP.includes(tags[3]), `tags ${tags}`);
  const enc = new Encoder(vocabsFor(tokens, ['lives_in']));
  const s = sent(tokens, [tri([1, 2], 'lives_in', [4, 5])]);
  const head = enc.encode(s, { spans: 'head', partialNer: 'head', selfPairs: false }, newStats());
  assert.deepEqual(head.ner, [0, 4, 0, 0, 4, 0]);
  const chunk = enc.encode(s, { spans: 'head', partialNer: 'chunk', selfPairs: false }, newStats());
  assert.deepEqual(chunk.ner, [1, 3, 0, 0, 4, 0]);
  assert.deepEqual(chunk.cells, [{ i: 1, t: 0, j: 4 }]);
  // 'chunk' only applies to head data: full spans are used as given.
  const full = enc.encode(s, { spans: 'full', partialNer: 'chunk', selfPairs: false }, newStats());
  assert.deepEqual(full.ner, [0, 4, 0, 0, 4, 0]);
});

test('Encoder: self pairs (same head word) are counted when off, encoded when on', () => {
  const tokens = ['Greater', 'Pennsylvania', 'and', 'Pennsylvania', 'agree'];
  const enc = new Encoder(vocabsFor(tokens, ['same', 'other']));
  // Triple 0: the same word. Triple 1: two spans with the same last word (0-2 and 1-2). Triple 2: a normal pair.
  const s = sent(tokens, [tri([1, 2], 'same', [1, 2]), tri([0, 2], 'other', [1, 2]), tri([1, 2], 'other', [3, 4])]);
  const off = newStats();
  const e1 = enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, off);
  assert.equal(off.selfPairs, 2);
  assert.deepEqual(e1.cells, [{ i: 1, t: 1, j: 3 }]);
  const on = newStats();
  const e2 = enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: true }, on);
  assert.equal(on.selfPairs, 0);
  assert.deepEqual(e2.cells, [
    { i: 1, t: 0, j: 1 },
    { i: 1, t: 1, j: 1 },
    { i: 1, t: 1, j: 3 },
  ]);
  assert.match(describeStats(off, 'train').join('\n'), /train: 2 gold triples relate a word to itself/);
});

test('Encoder: unknown relations are counted per name and leave no cell', () => {
  const tokens = ['a', 'b', 'c', 'd'];
  const enc = new Encoder(vocabsFor(tokens, ['known']));
  const s = sent(tokens, [tri([0, 1], 'known', [1, 2]), tri([0, 1], 'new1', [2, 3]), tri([1, 2], 'new1', [3, 4]), tri([2, 3], 'new2', [3, 4])]);
  const stats = newStats();
  const e = enc.encode(s, { spans: 'head', partialNer: 'head', selfPairs: false }, stats);
  assert.deepEqual(e.cells, [{ i: 0, t: 0, j: 1 }]);
  assert.deepEqual([...stats.unknownRelations].sort(), [
    ['new1', 2],
    ['new2', 1],
  ]);
  // Entities are still tagged for NER, whatever the relation.
  assert.deepEqual(e.ner, [4, 4, 4, 4]);
  const lines = describeStats(stats, 'dev');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /dev: 3 gold triples have a relation the model does not know/);
  // Counts accumulate over sentences.
  enc.encode(s, { spans: 'head', partialNer: 'head', selfPairs: false }, stats);
  assert.equal(stats.unknownRelations.get('new1'), 4);
});

test('Encoder: overlapping spans keep the longer one and count the others', () => {
  const tokens = ['New', 'York', 'City', 'and', 'York', 'Minster'];
  const enc = new Encoder(vocabsFor(tokens, ['r']));
  // "New York City" (0-3) contains "York" (1-2) and overlaps "City" (2-3); "York Minster" (4-6) is free.
  // The same span named twice ("New York City" in two triples) is one entity, not an overlap.
  const s = sent(tokens, [tri([0, 3], 'r', [1, 2]), tri([0, 3], 'r', [4, 6]), tri([2, 3], 'r', [4, 6])]);
  const stats = newStats();
  const e = enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: true }, stats);
  assert.equal(stats.overlapping, 2);
  assert.deepEqual(e.ner, [1, 2, 3, 0, 1, 3]);
  assert.deepEqual(enc.entitySpans(s, posTags(tokens), { spans: 'full', partialNer: 'head', selfPairs: true }, newStats()), [span(0, 3), span(4, 6)]);
  assert.match(describeStats(stats, 'train').join('\n'), /2 entity spans overlap/);
  assert.deepEqual(describeStats(newStats(), 'train'), []);
});

test('Encoder.encodeInput: unknown words map to <unk> = 1, unknown POS tags to 1', () => {
  const enc = new Encoder({ words: [PAD, UNK, 'paris'], pos: [PAD, UNK], ner: [...NER_TAGS], relations: [] });
  const { enc: e, tags } = enc.encodeInput(sent(['Paris', 'Zzyzx']));
  assert.deepEqual(e.words, [2, 1]);
  assert.deepEqual(e.pos, [1, 1]);
  assert.equal(tags.length, 2);
  assert.equal(e.ner, undefined);
});

// ---------------------------------------------------------------------------------------------
// The real data

const webnlgDev = fileURLToPath(new URL('../../shared/data/webnlg-star/dev_triples.json.gz', import.meta.url));
const webnlgDir = fileURLToPath(new URL('../../shared/data/webnlg-star/', import.meta.url));

test('real data: WebNLG* dev has the counts the data README states (500 records, 1118 triples, 171 relations)', {
  skip: existsSync(webnlgDir) ? false : `shared data folder ${webnlgDir} is absent`,
}, () => {
  const ds = loadDataset(webnlgDev);
  assert.equal(ds.report.records, 500);
  assert.equal(ds.report.kept, 500);
  assert.equal(ds.report.skipped, 0);
  assert.deepEqual(ds.report.problems, []);
  assert.equal(
    ds.sentences.reduce((n, s) => n + s.triples.length, 0),
    1118,
  );
  assert.equal(ds.spans, 'head', 'WebNLG* names the last word of each entity');
  assert.equal(ds.relations?.length, 171);
  assert.equal(new Set(ds.sentences.flatMap((s) => s.triples.map((t) => t.relation))).size, 110);
  for (const s of ds.sentences)
    for (const t of s.triples) {
      assert.equal(t.subject.end - t.subject.start, 1);
      assert.ok(t.object.end <= s.tokens.length);
    }
});
