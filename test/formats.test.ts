/**
 * Users' own data: the SpERT and JSONL readers, format detection, the record checks (every
 * problem names its record or line), the writers and round trips, and the convert and
 * validate commands (called in-process; a UserError is what the CLI turns into exit status 2).
 * Fixtures: test/data/formats/ for the well-formed files, a fresh temporary folder for the broken ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempFolders } from './helpers.ts';
import { gunzipSync } from 'node:zlib';
import { describeReport, loadDataset, type LoadedDataset } from '../src/dataset/load.ts';
import { readText } from '../src/core/files.ts';
import { findTypesFile, type KindedProblem } from '../src/dataset/spert.ts';
import type { Sentence } from '../src/core/types.ts';
import { UserError } from '../src/core/errors.ts';
import { writeCasrel, writeJsonl, writeSpert } from '../src/dataset/write.ts';
import { sentenceEntities } from '../src/core/types.ts';
import { describeValidation, validateDataset } from '../src/dataset/validate.ts';
import { convertCommand } from '../src/cli/convert.ts';
import { validateCommand } from '../src/cli/validate.ts';
import { FORMATS } from '../src/dataset/load.ts';

const fixtures = fileURLToPath(new URL('./data/formats/', import.meta.url));
const SPERT = join(fixtures, 'spert', 'tiny_dev.json');
const JSONL = join(fixtures, 'users.jsonl');

const { fresh: freshDir, write } = tempFolders('rin-formats-test-');
const jsonArray = (records: unknown[]) => '[\n' + records.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
const jsonl = (records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const kinds = (ds: LoadedDataset) => ds.report.problems.map((p) => [p.record, (p as KindedProblem).kind, p.action]);
const TYPES = { entities: { Drug: {}, Effect: {} }, relations: { Causes: { symmetric: false }, Similar: { symmetric: true } } };

/** Entities and relations as text, independent of token positions (tokenisation may differ between formats). */
function surface(s: Sentence) {
  const words = (e: { start: number; end: number }) => s.tokens.slice(e.start, e.end).join('');
  return {
    entities: sentenceEntities(s)
      .map((e) => `${words(e)}/${e.type}`)
      .sort(),
    relations: s.triples.map((t) => `${words(t.subject)}/${t.subject.type} ${t.relation} ${words(t.object)}/${t.object.type}`).sort(),
  };
}

/** Run a command with stdout and stderr captured. */
async function run(cmd: (argv: string[]) => Promise<void>, argv: string[]): Promise<{ out: string; err: string; error?: unknown }> {
  const [ow, ew] = [process.stdout.write, process.stderr.write];
  let out = '',
    err = '';
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    await cmd(argv);
    return { out, err };
  } catch (error) {
    return { out, err, error };
  } finally {
    [process.stdout.write, process.stderr.write] = [ow, ew];
  }
}

// ---------------------------------------------------------------------------------------------
// Readers on well-formed files

test('SpERT: typed spans, relations on the typed entities, and the types file order and symmetric relations', () => {
  const ds = loadDataset(SPERT);
  assert.equal(ds.format, 'spert');
  assert.equal(ds.spans, 'full');
  assert.deepEqual(ds.report, { file: SPERT, records: 3, kept: 3, skipped: 0, problems: [], notes: [`entity and relation types from ${join(fixtures, 'spert', 'tiny_types.json')}`] });
  const [s0, s1, s2] = ds.sentences;
  assert.deepEqual(s0.tokens, ['Aspirin', 'caused', 'a', 'severe', 'rash', 'in', 'John', 'Smith', '.']);
  assert.deepEqual(s0.entities, [
    { start: 0, end: 1, type: 'Drug' },
    { start: 3, end: 5, type: 'Effect' },
    { start: 6, end: 8, type: 'Person' },
  ]);
  assert.deepEqual(s0.triples, [{ subject: { start: 0, end: 1, type: 'Drug' }, relation: 'Causes', object: { start: 3, end: 5, type: 'Effect' } }]);
  assert.deepEqual(s1.triples, [{ subject: { start: 0, end: 1, type: 'Drug' }, relation: 'Compare', object: { start: 2, end: 3, type: 'Drug' } }]);
  assert.deepEqual([s2.entities, s2.triples, s2.source], [[], [], { file: SPERT, record: 2 }]);
  assert.deepEqual(ds.entityTypes, ['Effect', 'Drug', 'Person'], 'the types file order, not sorted');
  assert.deepEqual(ds.relations, ['Causes', 'Compare']);
  assert.deepEqual(ds.symmetric, ['Compare']);
});

test('SpERT types file: the one sharing the prefix, else the only one; without one, the used types sorted', () => {
  const d = freshDir();
  write(d, 'ade_types.json', '{}');
  write(d, 'ade_split_types.json', '{}');
  write(d, 'other_types.json', '{}');
  assert.equal(findTypesFile(join(d, 'ade_split_0_test.json.gz')), join(d, 'ade_split_types.json'), 'the longest prefix wins');
  assert.equal(findTypesFile(join(d, 'ade.json')), join(d, 'ade_types.json'));
  assert.equal(findTypesFile(join(d, 'scierc_dev.json')), undefined, 'several, none matching: none');
  const e = freshDir();
  write(e, 'whatever_types.json', '{}');
  assert.equal(findTypesFile(join(e, 'mine.json')), join(e, 'whatever_types.json'), 'the only one in the folder');
  const f = write(
    freshDir(),
    'plain.json',
    jsonArray([
      {
        tokens: ['a', 'b'],
        entities: [
          { type: 'Z', start: 0, end: 1 },
          { type: 'A', start: 1, end: 2 },
        ],
        relations: [{ type: 'r', head: 0, tail: 1 }],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.deepEqual(ds.entityTypes, ['A', 'Z']);
  assert.equal(ds.relations, undefined);
  assert.equal(ds.symmetric, undefined);
  // A types file that is not one is a UserError naming it.
  const g = freshDir();
  const bad = write(g, 'x_types.json', '[1, 2]');
  assert.throws(
    () => loadDataset(write(g, 'x_dev.json', jsonArray([{ tokens: ['a'] }]))),
    (err: unknown) => err instanceof UserError && err.message.includes(bad),
  );
});

test('JSONL: character offsets → whole tokens, one token sequence per record, blank lines skipped, line numbers', () => {
  const ds = loadDataset(JSONL);
  assert.equal(ds.format, 'jsonl');
  assert.equal(ds.spans, 'full');
  assert.deepEqual([ds.report.records, ds.report.kept, ds.report.problems], [3, 3, []]);
  const [a, b, c] = ds.sentences;
  // Two sentences, one token sequence; "Corp." is cut at the entity's end into "Corp" and ".".
  assert.deepEqual(a.tokens, ['John', 'Smith', 'lives', 'in', 'Paris', '.', 'He', 'works', 'for', 'Acme', 'Corp', '.']);
  assert.deepEqual(a.entities, [
    { start: 0, end: 2, type: 'Person' },
    { start: 4, end: 5, type: 'Location' },
    { start: 9, end: 11, type: 'Organisation' },
  ]);
  assert.deepEqual(
    a.triples.map((t) => [t.subject.start, t.relation, t.object.start]),
    [
      [0, 'lives_in', 4],
      [0, 'works_for', 9],
    ],
  );
  assert.deepEqual(a.source, { file: JSONL, record: 1 });
  // Offsets count code points: the emoji is one character, as in Python.
  assert.deepEqual(b.tokens, ['😀', 'Lisa', 'met', 'Tom', '.']);
  assert.deepEqual(b.entities, [
    { start: 1, end: 2, type: 'Person' },
    { start: 3, end: 4, type: 'Person' },
  ]);
  assert.deepEqual(b.source.record, 3, 'line 3: the blank line 2 is skipped but counted');
  assert.deepEqual([c.tokens.length, c.entities, c.triples, c.source.record], [5, [], [], 4]);
  assert.deepEqual(ds.entityTypes, ['Location', 'Organisation', 'Person']);
  assert.equal(ds.relations, undefined);
  assert.equal(ds.report.notes.length, 1);
  assert.match(ds.report.notes[0], /^1 words? were cut at an entity boundary.*"Corp\."/);
});

test('JSONL: an entity boundary inside a word cuts the word; spaces around a span are trimmed and noted', () => {
  const f = write(
    freshDir(),
    'cut.jsonl',
    jsonl([
      {
        text: 'AcmeCorp hired Bob',
        entities: [
          { start: 0, end: 4 },
          { start: 14, end: 18 },
        ],
      },
    ]),
  );
  const ds = loadDataset(f);
  assert.deepEqual(ds.sentences[0].tokens, ['Acme', 'Corp', 'hired', 'Bob']);
  assert.deepEqual(ds.sentences[0].entities, [
    { start: 0, end: 1 },
    { start: 3, end: 4 },
  ]);
  assert.equal(ds.entityTypes, undefined, 'untyped data');
  assert.ok(
    ds.report.notes.some((n) => /^1 entity spans began or ended with spaces/.test(n)),
    ds.report.notes.join('\n'),
  );
});

test('format detection: auto by name, first character and first record; explicit formats; FORMATS lists them', () => {
  assert.deepEqual([...FORMATS], ['auto', 'casrel', 'zeng', 'spert', 'jsonl']);
  const d = freshDir();
  const line = {
    text: 'Bob met Ann .',
    entities: [
      { start: 0, end: 3 },
      { start: 8, end: 11 },
    ],
    relations: [{ head: 0, tail: 1, type: 'met' }],
  };
  assert.equal(loadDataset(write(d, 'a.json', jsonl([line]))).format, 'jsonl', 'first character {');
  assert.equal(loadDataset(write(d, 'b.jsonl', '\n\n' + jsonl([line]))).format, 'jsonl');
  const arr = loadDataset(write(d, 'c.json', jsonArray([line])));
  assert.equal(arr.format, 'jsonl', 'a JSON array of JSONL records');
  assert.deepEqual([arr.sentences[0].source.record, arr.byLine], [0, false]);
  assert.equal(loadDataset(write(d, 'd.json', jsonArray([{ tokens: ['x'], entities: [], relations: [] }]))).format, 'spert');
  assert.equal(loadDataset(write(d, 'e.json', jsonArray([{ text: 'x y', triple_list: [] }]))).format, 'casrel');
  assert.equal(loadDataset(write(d, 'f.json', jsonArray([{ text: 'x y' }]))).format, 'casrel', 'text alone stays CasRel, as before');
  assert.equal(loadDataset(SPERT, { format: 'spert' }).format, 'spert');
  assert.equal(loadDataset(JSONL, { format: 'jsonl' }).format, 'jsonl');
  // Forcing a JSON format on JSONL says what it looks like.
  assert.throws(
    () => loadDataset(JSONL, { format: 'spert' }),
    (e: unknown) => e instanceof UserError && /looks like JSONL/.test(e.message),
  );
});

// ---------------------------------------------------------------------------------------------
// Broken files: every message names its record or line

test('truncated JSON: a UserError with the file, line, column and record', () => {
  const d = freshDir();
  const text = jsonArray([
    { tokens: ['a'], entities: [], relations: [] },
    { tokens: ['b'], entities: [], relations: [] },
    { tokens: ['c'], entities: [] },
  ]);
  const f = write(d, 'cut.json', text.slice(0, text.length - 25));
  assert.throws(
    () => loadDataset(f),
    (e: unknown) => e instanceof UserError && e.message.includes(f) && /line 4, column \d+/.test(e.message) && /truncated/.test(e.message) && /record 2\b/.test(e.message),
  );
  // A syntax error in the middle names its record too.
  const g = write(d, 'mid.json', '[\n{"tokens": ["a"]},\n{"tokens" ["b"]},\n{"tokens": ["c"]}\n]');
  assert.throws(
    () => loadDataset(g),
    (e: unknown) => e instanceof UserError && /line 3, column 11/.test(e.message) && /record 1\b/.test(e.message),
  );
});

test('JSONL: a line that is not JSON is a skipped record with its line number and column', () => {
  const f = write(freshDir(), 'bad.jsonl', jsonl(['{"text": "Good one ."}', '{"text": "bad" "x"}', '', '{"text": "cut off', '[1, 2]']));
  const ds = loadDataset(f);
  assert.equal(ds.byLine, true);
  assert.deepEqual([ds.report.records, ds.report.kept, ds.report.skipped], [4, 1, 3]);
  assert.deepEqual(kinds(ds), [
    [2, 'not JSON', 'skipped'],
    [4, 'not JSON', 'skipped'],
    [5, 'not an object', 'skipped'],
  ]);
  assert.match(ds.report.problems[0].message, /column 16/);
  assert.match(ds.report.problems[1].message, /truncated/);
  const text = describeReport(ds);
  assert.match(text, /^ {2}line 2: not valid JSON at column 16/m);
  assert.match(text, /^ {2}line 5: record is not an object/m);
});

test('wrong field types: the record is skipped and the field named (SpERT and JSONL)', () => {
  const d = freshDir();
  const s = loadDataset(
    write(
      d,
      's.json',
      jsonArray([
        { tokens: 'a b', entities: [], relations: [] },
        { tokens: ['a', 3], entities: [], relations: [] },
        { tokens: ['a'], entities: {}, relations: [] },
        { tokens: ['a', 'b'], entities: [{ type: 'X', start: '0', end: 1 }], relations: [] },
        { tokens: ['a', 'b'], entities: [{ type: 7, start: 0, end: 1 }], relations: [] },
        {
          tokens: ['a', 'b'],
          entities: [
            { start: 0, end: 1 },
            { start: 1, end: 2 },
          ],
          relations: [{ type: 'r', head: 0, tail: 'one' }],
        },
        { tokens: ['a', 'b'], entities: [], relations: [{ head: 0, tail: 0 }] },
        'a string',
        { tokens: ['fine'] },
      ]),
    ),
    { format: 'spert' },
  );
  assert.deepEqual([s.report.kept, s.report.skipped], [1, 8]);
  assert.deepEqual(
    s.report.problems.map((p) => p.record),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  const msgs = s.report.problems.map((p) => p.message);
  for (const [k, field] of ['"tokens"', 'tokens[1]', '"entities"', 'entities[0].start', 'entities[0].type', 'relations[0].tail', 'relations[0].type', 'not an object'].entries())
    assert.ok(msgs[k].includes(field), `record ${k}: "${msgs[k]}" names ${field}`);
  const j = loadDataset(write(d, 'j.jsonl', jsonl([{ text: 5 }, { text: 'a b', entities: [{ start: 0, end: null }] }, { text: 'a b', relations: 'none' }])));
  assert.deepEqual(
    j.report.problems.map((p) => [p.record, p.action]),
    [
      [1, 'skipped'],
      [2, 'skipped'],
      [3, 'skipped'],
    ],
  );
  assert.match(j.report.problems[0].message, /"text"/);
  assert.match(j.report.problems[1].message, /entities\[0\]\.end/);
  assert.match(j.report.problems[2].message, /"relations"/);
});

test('spans outside the sentence or text, and start ≥ end, skip the record', () => {
  const d = freshDir();
  const s = loadDataset(
    write(
      d,
      's.json',
      jsonArray([
        { tokens: ['a', 'b'], entities: [{ start: 1, end: 3 }], relations: [] },
        { tokens: ['a', 'b'], entities: [{ start: -1, end: 1 }], relations: [] },
        { tokens: ['a', 'b'], entities: [{ start: 1, end: 1 }], relations: [] },
        { tokens: ['a', 'b'], entities: [{ start: 0, end: 2 }], relations: [] },
      ]),
    ),
  );
  assert.deepEqual(kinds(s), [
    [0, 'span out of range', 'skipped'],
    [1, 'span out of range', 'skipped'],
    [2, 'empty span', 'skipped'],
  ]);
  assert.match(s.report.problems[0].message, /entity 0: tokens 1-3 are outside the sentence \(2 tokens\)/);
  const j = loadDataset(
    write(
      d,
      'j.jsonl',
      jsonl([
        { text: 'Bob met Ann', entities: [{ start: 8, end: 12 }] },
        { text: 'Bob met Ann', entities: [{ start: 4, end: 2 }] },
        { text: 'Bob  met', entities: [{ start: 3, end: 5 }] },
      ]),
    ),
  );
  assert.deepEqual(kinds(j), [
    [1, 'span out of range', 'skipped'],
    [2, 'empty span', 'skipped'],
    [3, 'empty span', 'skipped'],
  ]);
  assert.match(j.report.problems[0].message, /characters 8-12 are outside the text \(11 characters\)/);
  assert.match(j.report.problems[2].message, /covers no word/);
});

test('overlapping and duplicate entities are kept and reported; relations use the entity kept', () => {
  const ds = loadDataset(
    write(
      freshDir(),
      'o.json',
      jsonArray([
        {
          tokens: ['acute', 'lead', 'poisoning', 'here'],
          entities: [
            { type: 'Effect', start: 0, end: 3 },
            { type: 'Drug', start: 1, end: 2 },
            { type: 'Drug', start: 1, end: 2 },
          ],
          relations: [
            { type: 'Causes', head: 2, tail: 0 },
            { type: 'Causes', head: 1, tail: 0 },
          ],
        },
      ]),
    ),
  );
  assert.deepEqual(kinds(ds), [
    [0, 'duplicate entity', 'kept'],
    [0, 'overlapping entities', 'kept'],
    [0, 'duplicate relation', 'kept'],
  ]);
  assert.match(ds.report.problems[0].message, /entity 2 .* repeats entity 1; kept once/);
  assert.match(ds.report.problems[1].message, /entity 0 \(Effect "acute lead poisoning", tokens 0-3\) and entity 1 \(Drug "lead", tokens 1-2\) overlap/);
  assert.deepEqual(ds.sentences[0].entities, [
    { type: 'Effect', start: 0, end: 3 },
    { type: 'Drug', start: 1, end: 2 },
  ]);
  assert.deepEqual(ds.sentences[0].triples, [{ subject: { type: 'Drug', start: 1, end: 2 }, relation: 'Causes', object: { type: 'Effect', start: 0, end: 3 } }]);
  const v = validateDataset(ds);
  assert.deepEqual([v.usable, v.overlaps, v.entities], [true, { pairs: 1, sentences: 1 }, 2]);
});

test('a relation to a missing entity is left out; the record is kept', () => {
  const ds = loadDataset(
    write(
      freshDir(),
      'm.jsonl',
      jsonl([
        {
          text: 'Bob met Ann',
          entities: [{ start: 0, end: 3 }],
          relations: [
            { head: 0, tail: 1, type: 'met' },
            { head: -1, tail: 0, type: 'met' },
          ],
        },
      ]),
    ),
  );
  assert.deepEqual(kinds(ds), [
    [1, 'missing entity', 'kept'],
    [1, 'missing entity', 'kept'],
  ]);
  assert.match(ds.report.problems[0].message, /relation 0 \(met\): tail 1 is not an entity index \(the record has 1 entities\)/);
  assert.deepEqual(ds.sentences[0].triples, []);
});

test('unknown entity or relation types (a types file exists): the part is left out, with its relations', () => {
  const d = freshDir();
  write(d, 'drugs_types.json', JSON.stringify(TYPES));
  const ds = loadDataset(
    write(
      d,
      'drugs_dev.json',
      jsonArray([
        {
          tokens: ['Aspirin', 'caused', 'rash', 'in', 'Bob'],
          entities: [
            { type: 'Drug', start: 0, end: 1 },
            { type: 'Effect', start: 2, end: 3 },
            { type: 'Person', start: 4, end: 5 },
          ],
          relations: [
            { type: 'Causes', head: 0, tail: 1 },
            { type: 'Treats', head: 0, tail: 1 },
            { type: 'Causes', head: 0, tail: 2 },
          ],
        },
      ]),
    ),
  );
  assert.deepEqual(kinds(ds), [
    [0, 'unknown entity type', 'kept'],
    [0, 'unknown relation type', 'kept'],
    [0, 'unknown entity type', 'kept'],
  ]);
  assert.match(ds.report.problems[0].message, /entity 2 \(Person "Bob", tokens 4-5\): type "Person" is not in .*drugs_types\.json; entity left out/);
  assert.match(ds.report.problems[1].message, /relation 1 \(Treats\): type "Treats" is not in/);
  assert.match(ds.report.problems[2].message, /relation 2 \(Causes\): its tail, entity 2 .* was left out/);
  assert.equal(ds.sentences[0].entities!.length, 2);
  assert.deepEqual(
    ds.sentences[0].triples.map((t) => t.relation),
    ['Causes'],
  );
  assert.deepEqual([ds.entityTypes, ds.relations, ds.symmetric], [['Drug', 'Effect'], ['Causes', 'Similar'], ['Similar']]);
});

test('mixed formats in one file: each odd record is skipped, saying which format it looks like', () => {
  const d = freshDir();
  const spert = { tokens: ['a', 'b'], entities: [], relations: [] };
  const casrel = { text: 'a b', triple_list: [['a', 'r', 'b']] };
  const line = { text: 'a b', entities: [{ start: 0, end: 1 }] };
  const s = loadDataset(write(d, 's.json', jsonArray([spert, casrel, spert, line])));
  assert.equal(s.format, 'spert');
  assert.deepEqual(kinds(s), [
    [1, 'other format', 'skipped'],
    [3, 'other format', 'skipped'],
  ]);
  assert.match(s.report.problems[0].message, /looks like CasRel/);
  assert.match(s.report.problems[1].message, /looks like JSONL/);
  const c = loadDataset(write(d, 'c.json', jsonArray([casrel, spert, casrel, line])));
  assert.equal(c.format, 'casrel');
  assert.deepEqual(kinds(c), [
    [1, 'other format', 'skipped'],
    [3, 'other format', 'skipped'],
  ]);
  assert.match(c.report.problems[0].message, /record looks like SpERT/);
  const j = loadDataset(write(d, 'j.jsonl', jsonl([line, spert, casrel])));
  assert.deepEqual(kinds(j), [
    [2, 'other format', 'skipped'],
    [3, 'other format', 'skipped'],
  ]);
  assert.match(describeReport(j), /line 2: record looks like SpERT/);
});

test('empty text or tokens: skipped, with the record number', () => {
  const d = freshDir();
  const s = loadDataset(write(d, 's.json', jsonArray([{ tokens: ['a'] }, { tokens: [], entities: [], relations: [] }])), { format: 'spert' });
  assert.deepEqual(kinds(s), [[1, 'empty', 'skipped']]);
  const j = loadDataset(write(d, 'j.jsonl', jsonl([{ text: '' }, { text: ' \t ' }, { text: 'ok' }])));
  assert.deepEqual(kinds(j), [
    [1, 'empty', 'skipped'],
    [2, 'empty', 'skipped'],
  ]);
});

test('non-UTF-8 bytes: readText turns them into U+FFFD; the loaders report the line instead of reading garbage', () => {
  const d = freshDir();
  const latin1 = Buffer.concat([Buffer.from('{"text": "fine"}\n{"text": "Medell'), Buffer.from([0xed]), Buffer.from('n is far"}\n')]);
  const f = write(d, 'latin1.jsonl', latin1);
  assert.ok(readText(f).includes('Medell\uFFFDn'), 'readText decodes leniently');
  const ds = loadDataset(f);
  assert.deepEqual(kinds(ds), [[2, 'not UTF-8', 'skipped']]);
  assert.match(ds.report.problems[0].message, /not valid UTF-8/);
  const g = write(d, 'latin1.json', Buffer.concat([Buffer.from('[\n{"text": "a b", "triple_list": []},\n{"text": "Medell'), Buffer.from([0xed]), Buffer.from('n"}\n]')]));
  assert.throws(
    () => loadDataset(g),
    (e: unknown) => e instanceof UserError && e.message.includes(g) && /not valid UTF-8 .*line 3/.test(e.message),
  );
  // A genuine U+FFFD in valid UTF-8 is just a character.
  assert.equal(loadDataset(write(d, 'ok.jsonl', jsonl([{ text: 'a \uFFFD b' }]))).report.kept, 1);
});

// ---------------------------------------------------------------------------------------------
// Writers and round trips

test('round trip SpERT → JSONL → SpERT keeps entities, types and relations', () => {
  const d = freshDir();
  const orig = loadDataset(SPERT);
  const viaJsonl = loadDataset(write(d, 'tiny.jsonl', writeJsonl(orig.sentences).text));
  const back = loadDataset(write(d, 'tiny_back.json', writeSpert(viaJsonl.sentences).text));
  assert.deepEqual(back.report.problems, []);
  assert.deepEqual(back.sentences.map(surface), orig.sentences.map(surface));
  assert.deepEqual(
    back.sentences.map((s) => s.tokens),
    orig.sentences.map((s) => s.tokens),
  );
  // JSONL offsets point into text = tokens joined by single spaces.
  const first = JSON.parse(writeJsonl(orig.sentences).text.split('\n')[0]);
  assert.equal(first.text, 'Aspirin caused a severe rash in John Smith .');
  assert.deepEqual(first.entities, [
    { start: 0, end: 7, type: 'Drug' },
    { start: 17, end: 28, type: 'Effect' },
    { start: 32, end: 42, type: 'Person' },
  ]);
  assert.deepEqual(first.relations, [{ type: 'Causes', head: 0, tail: 1 }]);
});

test('round trip JSONL → SpERT → JSONL keeps entities, types and relations', () => {
  const d = freshDir();
  const orig = loadDataset(JSONL);
  const viaSpert = loadDataset(write(d, 'u.json', writeSpert(orig.sentences).text));
  const back = loadDataset(write(d, 'u.jsonl', writeJsonl(viaSpert.sentences).text));
  assert.deepEqual(back.report.problems, []);
  assert.deepEqual(back.sentences.map(surface), orig.sentences.map(surface));
  // Offsets in code points survive the emoji.
  const line2 = JSON.parse(writeJsonl(viaSpert.sentences).text.split('\n')[1]);
  assert.equal(line2.text, '😀 Lisa met Tom .');
  assert.deepEqual(
    line2.entities.map((e: { start: number; end: number }) => [...line2.text].slice(e.start, e.end).join('')),
    ['Lisa', 'Tom'],
  );
});

test('CasRel writer: text and triples of words; lost types and unrelated entities are counted', () => {
  const w = writeCasrel(loadDataset(SPERT).sentences);
  assert.deepEqual(JSON.parse(w.text), [
    { text: 'Aspirin caused a severe rash in John Smith .', triple_list: [['Aspirin', 'Causes', 'severe rash']] },
    { text: 'Ibuprofen and aspirin were compared .', triple_list: [['Ibuprofen', 'Compare', 'aspirin']] },
    { text: 'No entities here .', triple_list: [] },
  ]);
  assert.equal(w.records, 3);
  assert.ok(
    w.warnings.some((x) => /types of 5 entities are lost/.test(x)),
    w.warnings.join('\n'),
  );
  assert.ok(
    w.warnings.some((x) => /1 entities in no relation are lost/.test(x)),
    w.warnings.join('\n'),
  );
});

// ---------------------------------------------------------------------------------------------
// rin convert

test('rin convert: spert → jsonl → spert files, a summary on stderr, gzip by name', async () => {
  const d = freshDir();
  const mid = join(d, 'mid.jsonl.gz');
  const r1 = await run(convertCommand, ['--to', 'jsonl', SPERT, mid]);
  assert.equal(r1.error, undefined, String(r1.error));
  assert.match(r1.err, /tiny_dev\.json \(spert\) → .*mid\.jsonl\.gz \(jsonl\): 3 records in, 3 out, 0 skipped, 0 problems/);
  assert.equal(gunzipSync(readFileSync(mid)).toString('utf8').split('\n').filter(Boolean).length, 3);
  const out = join(d, 'back.json');
  const r2 = await run(convertCommand, ['--from', 'jsonl', '--to', 'spert', mid, out]);
  assert.equal(r2.error, undefined, String(r2.error));
  assert.deepEqual(loadDataset(out).sentences.map(surface), loadDataset(SPERT).sentences.map(surface));
  const r3 = await run(convertCommand, ['--to', 'casrel', SPERT, join(d, 'c.json')]);
  assert.match(r3.err, /warning: CasRel has no entity types: the types of 5 entities are lost/);
});

test('rin convert: on any error no output file is left', async () => {
  const d = freshDir();
  const cut = write(d, 'cut.json', '[{"tokens": ["a"], "entities": [], "rel');
  const out = join(d, 'out.jsonl');
  const r1 = await run(convertCommand, ['--to', 'jsonl', cut, out]);
  assert.ok(r1.error instanceof UserError && /truncated/.test(r1.error.message), String(r1.error));
  const allBad = write(d, 'bad.jsonl', jsonl(['not json', '{"text": ""}']));
  const r2 = await run(convertCommand, ['--to', 'spert', allBad, out]);
  assert.ok(r2.error instanceof UserError && /no usable record/.test(r2.error.message), String(r2.error));
  assert.ok(!existsSync(out));
  // The target is a folder: the rename fails, and the temporary file is removed too.
  mkdirSync(join(d, 'adir'));
  write(join(d, 'adir'), 'keep', 'x');
  const r3 = await run(convertCommand, ['--to', 'jsonl', SPERT, join(d, 'adir')]);
  assert.ok(r3.error instanceof UserError && /cannot write/.test(r3.error.message), String(r3.error));
  assert.deepEqual(readdirSync(d).sort(), ['adir', 'bad.jsonl', 'cut.json']);
  // Usage errors.
  for (const argv of [
    ['--to', 'xml', SPERT, out],
    [SPERT, out],
    ['--to', 'spert', SPERT],
    ['--to', 'spert', SPERT, SPERT],
  ]) {
    const r = await run(convertCommand, argv);
    assert.ok(r.error instanceof UserError, `${argv.join(' ')}: ${String(r.error)}`);
  }
  assert.ok(!existsSync(out));
});

// ---------------------------------------------------------------------------------------------
// rin validate

test('rin validate: a usable file prints its counts and problems and succeeds', async () => {
  const r = await run(validateCommand, [SPERT]);
  assert.equal(r.error, undefined, String(r.error));
  assert.match(r.out, /tiny_dev\.json \(spert\): 3 records, 3 usable, 0 skipped/);
  assert.match(r.out, /entities 5, relations 2/);
  assert.match(r.out, /entity types \(3\): Drug 3, Effect 1, Person 1/);
  assert.match(r.out, /symmetric relations: Compare/);
  const j = await run(validateCommand, ['--json', JSONL]);
  const v = JSON.parse(j.out);
  assert.deepEqual([v.usable, v.format, v.sentences, v.entities, v.relations, v.entityTypes], [true, 'jsonl', 3, 5, 3, { Person: 3, Location: 1, Organisation: 1 }]);
});

test('rin validate: any skipped record, or none usable, is a UserError; every problem is printed', async () => {
  const d = freshDir();
  // 15 problems: all are printed (not only the first 10).
  const recs = Array.from({ length: 15 }, (_, k) => ({ text: 'Bob met Ann', entities: [{ start: 0, end: 3 }], relations: [{ head: 0, tail: 5, type: 'r' }], k }));
  const f = write(d, 'many.jsonl', jsonl([...recs, 'oops']));
  const r = await run(validateCommand, [f]);
  assert.ok(r.error instanceof UserError && /1 of 16 records skipped/.test(r.error.message), String(r.error));
  for (let line = 1; line <= 15; line++) assert.match(r.out, new RegExp(`^line ${line}: relation 0 \\(r\\): tail 5`, 'm'));
  assert.match(r.out, /^line 16: not valid JSON/m);
  assert.match(r.out, /problems \(16\): missing entity 15, not JSON 1/);
  assert.match(r.out, /NOT usable as is/);
  const none = await run(validateCommand, [write(d, 'none.json', '[]')]);
  assert.ok(none.error instanceof UserError && /no usable record/.test(none.error.message), String(none.error));
  const unreadable = await run(validateCommand, ['--json', join(d, 'nope.json')]);
  assert.ok(unreadable.error instanceof UserError);
  assert.equal(JSON.parse(unreadable.out).usable, false);
  const usage = await run(validateCommand, ['--format', 'xml', f]);
  assert.ok(usage.error instanceof UserError && /--format must be one of/.test(usage.error.message));
  assert.match(describeValidation(validateDataset(loadDataset(f))), /16 records, 15 usable, 1 skipped/);
});

// ---------------------------------------------------------------------------------------------
// The real data

const scierc = fileURLToPath(new URL('../../shared/data/scierc-spert/scierc_dev.json.gz', import.meta.url));
const ade = fileURLToPath(new URL('../../shared/data/ade-spert/ade_split_0_test.json.gz', import.meta.url));

test('real data: SciERC dev (275 sentences, 811 entities, 455 relations; Compare and Conjunction symmetric)', {
  skip: existsSync(scierc) ? false : `${scierc} is absent`,
}, () => {
  const ds = loadDataset(scierc);
  assert.equal(ds.format, 'spert');
  assert.deepEqual([ds.report.records, ds.report.kept, ds.report.skipped], [275, 275, 0]);
  const v = validateDataset(ds);
  assert.deepEqual([v.entities, v.relations, v.overlaps.pairs], [811, 455, 7]);
  assert.deepEqual(v.problemsByKind, { 'overlapping entities': 7 });
  assert.equal(ds.entityTypes?.length, 6);
  assert.equal(ds.relations?.length, 7);
  assert.deepEqual(ds.symmetric, ['Compare', 'Conjunction']);
  // Through JSONL and back: wink re-tokenises some words ("rigidly-moving"), the annotation survives.
  const d = freshDir();
  const back = loadDataset(write(d, 'back.json', writeSpert(loadDataset(write(d, 'dev.jsonl', writeJsonl(ds.sentences).text)).sentences).text));
  assert.deepEqual(back.sentences.map(surface), ds.sentences.map(surface));
});

test('real data: ADE fold 0 test (427 sentences, 2 entity types, 1070 entities, 666 relations)', {
  skip: existsSync(ade) ? false : `${ade} is absent`,
}, () => {
  const ds = loadDataset(ade);
  assert.deepEqual([ds.report.records, ds.report.kept, ds.report.skipped], [427, 427, 0]);
  assert.deepEqual(ds.entityTypes, ['Adverse-Effect', 'Drug']);
  assert.deepEqual(ds.relations, ['Adverse-Effect']);
  assert.equal(ds.symmetric, undefined);
  const v = validateDataset(ds);
  assert.deepEqual([v.entities, v.relations, v.overlaps.pairs], [1070, 666, 12]);
  assert.ok(v.usable);
});

test('symmetric relations are put in text order when read (training never sees one fact both ways); both directions become one', () => {
  const d = freshDir();
  write(d, 'drugs_types.json', JSON.stringify(TYPES));
  const ds = loadDataset(
    write(
      d,
      'drugs_train.json',
      jsonArray([
        {
          tokens: ['Aspirin', 'is', 'like', 'ibuprofen', 'and', 'naproxen', 'causes', 'rash'],
          entities: [
            { type: 'Drug', start: 0, end: 1 },
            { type: 'Drug', start: 3, end: 4 },
            { type: 'Drug', start: 5, end: 6 },
            { type: 'Effect', start: 7, end: 8 },
          ],
          relations: [
            { type: 'Similar', head: 1, tail: 0 }, // tail-first: becomes (Aspirin, Similar, ibuprofen)
            { type: 'Similar', head: 2, tail: 1 },
            { type: 'Similar', head: 1, tail: 2 }, // the same fact again, the other way
            { type: 'Causes', head: 3, tail: 2 }, // not symmetric: kept as it is
          ],
        },
      ]),
    ),
  );
  const words = (s: Sentence, sp: { start: number; end: number }) => s.tokens.slice(sp.start, sp.end).join(' ');
  const s = ds.sentences[0];
  assert.deepEqual(
    s.triples.map((t) => [words(s, t.subject), t.relation, words(s, t.object)]),
    [
      ['Aspirin', 'Similar', 'ibuprofen'],
      ['ibuprofen', 'Similar', 'naproxen'],
      ['rash', 'Causes', 'naproxen'],
    ],
  );
  assert.ok(
    ds.report.notes.some((n) => /2 triples of symmetric relations \(Similar\) put in text order; 1 duplicate dropped/.test(n)),
    ds.report.notes.join('\n'),
  );
});
