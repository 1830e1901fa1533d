/**
 * RDF output (src/rdf/): every format parses back (N-Triples and Turtle with n3's parser,
 * JSON-LD with the jsonld processor) to the same statements; facts, labels and NIF provenance
 * offsets are right on awkward names (quotes, emoji, non-Latin scripts, spaces, <>); bad
 * options are clear errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import { UserError } from '../src/core/errors.ts';
import type { Extraction, Mention } from '../src/extract/extractor.ts';
import { withUtf16Offsets } from '../src/extract/extractor.ts';
import { DBO, entityIri, iriSegment } from '../src/rdf/iris.ts';
import { ITSRDF, NIF, RDF as RDF_NS, RDFS } from '../src/rdf/graph.ts';
import { GraphMerger, type MergeFilter, SKOS } from '../src/rdf/merge.ts';
import { formatStatements, rdfStatements, toRdf } from '../src/rdf/write.ts';
import { assertOneLineError, rin, show } from './cli-run.ts';
import { tempFolders } from './helpers.ts';

const tmp = tempFolders('rin-rdf-');

/** A result as extraction makes it: mentions found by their text, offsets in code points. */
function result(text: string, triples: [string, string, string][]): Extraction {
  const cps = [...text];
  const at = (name: string): Mention => {
    const u = text.indexOf(name);
    assert.ok(u >= 0, `fixture: ${name} in ${text}`);
    const start = [...text.slice(0, u)].length;
    return { text: name, start, end: start + [...name].length, score: 0.9 };
  };
  const ts = triples.map(([s, relation, o]) => ({ subject: at(s), relation, object: at(o), score: 0.75 }));
  const entities = [...new Map(ts.flatMap((t) => [t.subject, t.object]).map((m) => [m.start, m])).values()].sort((a, b) => a.start - b.start);
  return { text, offsetUnit: 'codepoint', sentences: [{ start: 0, end: cps.length }], entities, triples: ts, warnings: [] };
}

const BASE = 'https://example.org/kg/';
const docs = [
  result('Aarhus Airport serves the city of Aarhus in Denmark.', [
    ['Aarhus Airport', 'cityServed', 'Aarhus'],
    ['Aarhus', 'country', 'Denmark'],
  ]),
  result('😀 The "Big <Apple>" café is in 東京 and was a crew member of Zürich 1.', [
    ['"Big <Apple>" café', 'location', '東京'],
    ['東京', 'was a crew member of', 'Zürich 1'],
  ]),
  result('Aarhus is in Denmark.', [['Aarhus', 'country', 'Denmark']]),
];

const DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
/** A statement as one string; a double by its value (the JSON-LD processor writes 0.9 as "9.0E-1", its canonical form). */
const literal = (value: string, datatype: string) => JSON.stringify([datatype === DOUBLE ? String(Number(value)) : value, datatype]);
const key = (q: Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType === 'Literal' ? literal(q.object.value, q.object.datatype.value) : q.object.value}`;
const parse = (text: string, format: string) => new Parser({ format }).parse(text).map(key).sort();
const expected = () =>
  rdfStatements(docs, { baseIri: BASE })
    .map((s) => `${s.subject} ${s.predicate} ${'iri' in s.object ? s.object.iri : literal(s.object.value, s.object.datatype ?? 'http://www.w3.org/2001/XMLSchema#string')}`)
    .sort();

test('N-Triples, Turtle and JSON-LD all parse back to the same statements', async () => {
  const want = expected();
  assert.ok(want.length > 40);
  assert.deepEqual(parse(toRdf(docs, { format: 'ntriples', baseIri: BASE }), 'N-Triples'), want);
  assert.deepEqual(parse(toRdf(docs, { format: 'turtle', baseIri: BASE }), 'Turtle'), want);
  const nquads = (await jsonld.toRDF(JSON.parse(toRdf(docs, { format: 'jsonld', baseIri: BASE })), { format: 'application/n-quads' })) as unknown as string;
  assert.deepEqual(parse(nquads, 'N-Quads'), want);
});

test('facts link entity IRIs; DBpedia-style relation names map to dbo:, others under the base; one node per name', () => {
  const quads = new Parser({ format: 'N-Triples' }).parse(toRdf(docs, { format: 'ntriples', baseIri: BASE }));
  const facts = (p: string) => quads.filter((q) => q.predicate.value === p).map((q) => [q.subject.value, q.object.value]);
  assert.deepEqual(facts(`${DBO}country`), [[`${BASE}entity/Aarhus`, `${BASE}entity/Denmark`]], 'the same fact from two documents is one triple');
  assert.deepEqual(facts(`${DBO}location`), [[`${BASE}entity/%22Big_%3CApple%3E%22_café`, `${BASE}entity/東京`]]);
  assert.deepEqual(facts(`${BASE}relation/was_a_crew_member_of`), [[`${BASE}entity/東京`, `${BASE}entity/Zürich_1`]]);
  const labels = quads.filter((q) => q.predicate.value === `${RDFS}label`).map((q) => q.object.value);
  assert.equal(labels.filter((l) => l === 'Aarhus').length, 1, 'one label per surface form');
  assert.ok(labels.includes('"Big <Apple>" café'));
});

test('provenance: each mention is a NIF phrase with code-point offsets into its document, linked to its entity; each triple a statement with its score', () => {
  const quads = new Parser({ format: 'N-Triples' }).parse(toRdf(docs, { format: 'ntriples', baseIri: BASE }));
  const of = (s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);
  const text = docs[1].text;
  for (const m of docs[1].entities) {
    const iri = `${BASE}doc/2#char=${m.start},${m.end}`;
    const [begin, end] = [Number(of(iri, `${NIF}beginIndex`)[0]), Number(of(iri, `${NIF}endIndex`)[0])];
    assert.equal([...text].slice(begin, end).join(''), m.text, `${m.text}: code points, as NIF counts`);
    assert.deepEqual(of(iri, `${NIF}anchorOf`), [m.text]);
    assert.deepEqual(of(iri, `${ITSRDF}taIdentRef`), [entityIri(BASE, m.text)]);
  }
  const st = `${BASE}doc/2#triple-0`;
  assert.deepEqual(of(st, 'https://rin.invalid/ns#score'), ['0.75']);
  assert.deepEqual(of(st, 'https://rin.invalid/ns#subjectMention'), [`${BASE}doc/2#char=6,24`]);
  // A result asked for in UTF-16 units gives the same graph: offsets are recounted to code points.
  const utf16 = docs.map(withUtf16Offsets);
  assert.notDeepEqual(utf16[1].entities, docs[1].entities);
  assert.equal(toRdf(utf16, { format: 'ntriples', baseIri: BASE }), toRdf(docs, { format: 'ntriples', baseIri: BASE }));
});

test('IRIs stay valid for any name: spaces, quotes, <>, control characters, emoji, lone surrogates', () => {
  for (const name of ['a b', 'q"uote', '<x>', 'tab\tand\u0001', '😀', 'half \ud800 pair', '#?/%', "O'Brien", '']) {
    const seg = iriSegment(name);
    assert.ok(![...seg].some((ch) => ch.charCodeAt(0) < 0x20 || /[\s<>"{}|\\^`#?/']/u.test(ch)), `${JSON.stringify(name)} → ${seg}`);
    const nt = `<${BASE}entity/${seg}> <${RDFS}label> "x" .\n`;
    assert.equal(new Parser({ format: 'N-Triples' }).parse(nt).length, 1, `${JSON.stringify(name)} parses`);
  }
  assert.equal(iriSegment('Zürich 東京'), 'Zürich_東京', 'letters of every script stay readable');
});

test('document ids name the documents; bad options are clear UserErrors', () => {
  const nt = toRdf(docs.slice(0, 1), { format: 'ntriples', baseIri: BASE, documentIds: ['line 7'] });
  assert.match(nt, /<https:\/\/example\.org\/kg\/doc\/line_7#char=0,52>/);
  const bad = (f: () => unknown, message: RegExp) => assert.throws(f, (e: Error) => e instanceof UserError && message.test(e.message));
  bad(() => toRdf(docs, { baseIri: 'example.org/kg' }), /absolute IRI/);
  bad(() => toRdf(docs, { baseIri: 'https://exa mple.org/' }), /absolute IRI/);
  bad(() => toRdf(docs, { format: 'rdfxml' as 'turtle' }), /ntriples, turtle, jsonld; got "rdfxml"/);
  bad(() => toRdf(docs, { documentIds: ['a'] }), /1 document ids for 3 results/);
  assert.match(toRdf(docs, { baseIri: 'https://example.org/kg' }), /example\.org\/kg\/entity\/Aarhus/, 'a base without a trailing slash gets one');
});

test('rin extract --jsonl --format ntriples: one graph, a document per input line, every line parsed back; a bad base IRI is a one-line error', { timeout: 120_000 }, () => {
  const dir = tmp.fresh();
  const lines = ['{"text": "Spotify was founded in Stockholm."}', '', 'not json', '{"text": "Lionel Messi plays for Inter Miami."}'];
  const file = tmp.write(dir, 'in.jsonl', `${lines.join('\n')}\n`);
  const r = rin(['extract', '--jsonl', '--workers', '1', '--file', file, '--format', 'ntriples', '--base-iri', BASE]);
  assert.equal(r.code, 2, show(r)); // the unreadable line fails the run, after the graph is written
  assert.match(r.stderr, /line 3: .*left out of the graph/);
  const quads = new Parser({ format: 'N-Triples' }).parse(r.stdout);
  const contexts = quads.filter((q) => q.object.value === `${NIF}Context`).map((q) => q.subject.value);
  assert.deepEqual(contexts, [`${BASE}doc/line-1#char=0,33`, `${BASE}doc/line-4#char=0,35`]);
  assert.ok(quads.some((q) => q.predicate.value === `${DBO}foundationPlace` && q.subject.value === `${BASE}entity/Spotify`));
  assertOneLineError(rin(['extract', '--format', 'turtle', '--base-iri', 'not an iri', 'Aarhus is in Denmark.']), /^rin extract: error: the base IRI must be an absolute IRI/);
});

test('a corpus graph: one node per normalised name with its surface forms, each fact once with its support and best score, filters', () => {
  const m = new GraphMerger(BASE);
  const twice = result('Aarhus is in Denmark, and Aarhus  is in Denmark.', [['Aarhus', 'country', 'Denmark']]);
  twice.triples.push({ ...twice.triples[0], score: 0.95 }); // the same fact twice in one document
  m.add(twice);
  m.add(result('Aarhus is in Denmark.', [['Aarhus', 'country', 'Denmark']]));
  m.add(result('Aarhus is served by Aarhus  Airport.', [['Aarhus  Airport', 'cityServed', 'Aarhus']]));
  m.add(result('Denmark is home to Aarhus Airport.', [['Aarhus Airport', 'location', 'Denmark']]));
  const quads = new Parser({ format: 'N-Triples' }).parse(formatStatements(m.graph().statements, 'ntriples'));
  const support = (p: string) => {
    const fact = quads.find((q) => q.predicate.value === `${RDF_NS}predicate` && q.object.value === p)!.subject.value;
    return ['support', 'bestScore'].map((k) => Number(quads.find((q) => q.subject.value === fact && q.predicate.value === `https://rin.invalid/ns#${k}`)!.object.value));
  };
  assert.deepEqual(support(`${DBO}country`), [2, 0.95], 'two documents, the best score of the three statements');
  assert.deepEqual(support(`${DBO}cityServed`), [1, 0.75]);
  const airport = `${BASE}entity/Aarhus_Airport`;
  const labels = (p: string) => quads.filter((q) => q.subject.value === airport && q.predicate.value === p).map((q) => q.object.value);
  assert.deepEqual(labels(`${RDFS}label`), ['Aarhus  Airport'], 'the first of equally common forms');
  assert.deepEqual(labels(`${SKOS}altLabel`), ['Aarhus Airport'], 'one node for both spellings, the other form an alternative label');
  const kept = (f: MergeFilter) => new Parser({ format: 'N-Triples' }).parse(formatStatements(m.graph(f).statements, 'ntriples')).filter((q) => q.predicate.value.startsWith(DBO)).length;
  assert.deepEqual([kept({}), kept({ minSupport: 2 }), kept({ minScore: 0.9 }), kept({ minSupport: 3 })], [3, 1, 1, 0]);
  assert.deepEqual([m.graph({}).facts, m.graph({ minSupport: 2 }).facts], [3, 1], 'the count rin graph reports');
});

test('rin graph: reads rin extract --jsonl results line by line, skips error records, names a bad line; the graph parses back', { timeout: 120_000 }, () => {
  const dir = tmp.fresh();
  const lines = [JSON.stringify({ line: 1, ...docs[0] }), JSON.stringify({ line: 2, error: 'line 2: not JSON' }), JSON.stringify({ line: 3, ...docs[2] })];
  const file = tmp.write(dir, 'results.jsonl', `${lines.join('\n')}\n`);
  const out = join(dir, 'graph.ttl');
  const r = rin(['graph', '--jsonl', file, '--out', out, '--base-iri', BASE, '--min-support', '2']);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /2 results read, 1 error records skipped; 1 facts kept/);
  const quads = new Parser({ format: 'Turtle' }).parse(readFileSync(out, 'utf8'));
  assert.deepEqual(
    quads.filter((q) => q.predicate.value.startsWith(DBO)).map((q) => [q.subject.value, q.predicate.value, q.object.value]),
    [[`${BASE}entity/Aarhus`, `${DBO}country`, `${BASE}entity/Denmark`]],
  );
  const bad = tmp.write(dir, 'bad.jsonl', `${lines[0]}\n{"text": "cut\n`);
  assertOneLineError(rin(['graph', '--jsonl', bad]), /^rin graph: error: .*bad\.jsonl, line 2: not JSON/);
  assertOneLineError(rin(['graph', '--jsonl', file, '--min-score', '2']), /^rin graph: error: --min-score must be a number from 0 to 1, got "2"$/);
});
