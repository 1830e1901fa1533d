/**
 * The HTTP service (src/serve/), a real server on 127.0.0.1 and a free port, called with fetch():
 * the GET routes, POST /extract giving exactly what the library gives, a structured 4xx for every
 * kind of bad request (the server answering the next good one each time), the body and batch
 * limits, the time limit (503), 16 concurrent requests, a short request not waiting for a long
 * one, overload (503 overloaded at once), memory bounded per model call, a 413 closing its
 * keep-alive connection, and close(); with worker threads (an ExtractorPool): the same replies,
 * small requests served while large ones run, the time limit, overload, and a request whose worker
 * dies failing clearly while the next is served. The model is a tiny RIN overfitted on
 * TINY_CORPUS, so results are not empty.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, Server as HttpServer, request as httpRequest } from 'node:http';
import { type AddressInfo, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import type { ExtractOptions, Extraction, Extractor } from '../src/extract/extractor.ts';
import { Parser } from 'n3';
import { toRdf } from '../src/rdf/write.ts';
import { loadModel } from '../src/extract/load.ts';
import { ExtractorPool } from '../src/extract/pool.ts';
import { type RunningServer, startServer } from '../src/serve/server.ts';
import { splitText } from '../src/text/split.ts';
import { UserError } from '../src/core/errors.ts';
import { predict } from '../src/eval/predict.ts';
import { serveHelp } from '../src/cli/serve.ts';
import { Admission } from '../src/serve/admission.ts';
import { TINY_CORPUS, rawText, tinyExtractor } from './fixtures.ts';
import { setup } from './helpers.ts';
import { assertSameResults } from './tolerance.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rin-serve-'));
let x: Extractor;
let modelDir: string;
let srv: RunningServer;
const servers: RunningServer[] = [];
/** Two worker threads on the tiny model (rin serve --workers 2), started by the first test that needs them. */
let pool: ExtractorPool | undefined;
const workers = async () => (pool ??= await ExtractorPool.start(modelDir, { workers: 2 }));

async function start(o: Parameters<typeof startServer>[1] = {}, extractor: Extractor | ExtractorPool = x): Promise<RunningServer> {
  const s = await startServer(extractor, { port: 0, ...o });
  servers.push(s);
  return s;
}

before(async () => {
  await setup();
  ({ dir: modelDir, x } = await tinyExtractor(join(tmp, 'train')));
  srv = await start();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => {})));
  for (const s of servers) unrefListening(Number(new URL(s.url).port)); // in case close() did not close
  x?.dispose();
  await pool?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const RAW = TINY_CORPUS.map(([t]) => rawText(t));
/** What JSON makes of a value (drops undefined fields), to compare the library with a response body. */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/**
 * What the library gives, as JSON, on the path the server takes: extract, which runs the
 * model on onnxruntime when it is installed (extract() is always tfjs; scores differ in the 7th digit).
 */
async function lib(text: string, o?: ExtractOptions): Promise<Extraction>;
async function lib(texts: string[], o?: ExtractOptions): Promise<Extraction[]>;
async function lib(t: string | string[], o: ExtractOptions = {}): Promise<Extraction | Extraction[]> {
  return viaJson(typeof t === 'string' ? await x.extract(t, o) : await x.extract(t, o));
}

interface Reply {
  retryAfter?: string | null;
  status: number;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server sent
  body: any;
  text: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let body: unknown;
  if (/json/.test(type)) body = JSON.parse(text);
  return { status: res.status, type, body, text };
}

function post(base: string, body: BodyInit, type: string | null = 'application/json', extra: RequestInit = {}): Promise<Reply> {
  const headers: Record<string, string> = type === null ? {} : { 'content-type': type };
  return call(`${base}/extract`, { method: 'POST', headers, body, ...extra });
}

const postJson = (base: string, v: unknown) => post(base, JSON.stringify(v));

/** A structured error: the status, JSON {"error": {"code", "message"}} with a message that says something. */
function assertError(r: Reply, status: number, code: string, message?: RegExp) {
  const show = `${r.status} ${r.type} ${r.text.slice(0, 500)}`;
  assert.equal(r.status, status, show);
  assert.match(r.type, /^application\/json/, show);
  assert.equal(r.body?.error?.code, code, show);
  assert.equal(typeof r.body.error.message, 'string', show);
  assert.ok(r.body.error.message.length > 10, show);
  assert.deepEqual(Object.keys(r.body), ['error'], show);
  if (message) assert.match(r.body.error.message, message, show);
}

/** The server still does its job: a good request gives the library's result. */
async function assertServes(base: string, text = RAW[0]) {
  const r = await postJson(base, { text });
  assert.equal(r.status, 200, r.text);
  assertSameResults(r.body, { result: await lib(text) });
}

// ---------------------------------------------------------------- GET routes

test('GET /health, /model, /favicon.ico and / answer, naming the model without its path; an unknown route is a JSON 404, another method on a known one 405', async () => {
  assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(new URL(srv.url).port, '0');
  const h = await call(`${srv.url}/health`);
  assert.equal(h.status, 200);
  assert.match(h.type, /^application\/json/);
  assert.equal(h.body.status, 'ok');
  assert.equal(h.body.model, basename(modelDir), "the model's name, not where it lives");
  assert.ok(!h.text.includes(tmp), `no filesystem path in /health: ${h.text}`);

  const m = await call(`${srv.url}/model`);
  assert.equal(m.status, 200);
  assert.match(m.type, /^application\/json/);
  assert.deepEqual(m.body.relations, x.model.vocabs.relations);
  assert.deepEqual([...m.body.relations].sort(), ['based_in', 'born_in', 'lives_in', 'works_for']);
  assert.equal(m.body.readme, null, 'the trained model directory has no README.md');
  assert.deepEqual(m.body.config, x.model.config);
  assert.equal(m.body.name, basename(modelDir));
  assert.ok(!m.text.includes(tmp), 'no filesystem path in /model');

  // A model directory with a card: /model gives it as a string.
  const withCard = join(tmp, 'with-card');
  cpSync(modelDir, withCard, { recursive: true });
  const card = '# Tiny model\n\nTrained on 8 sentences; for tests only. Zürich ✓\n';
  writeFileSync(join(withCard, 'README.md'), card);
  const y = await loadModel(withCard);
  const s2 = await start({}, y);
  try {
    const m2 = await call(`${s2.url}/model`);
    assert.equal(m2.status, 200);
    assert.equal(m2.body.readme, card);
  } finally {
    await s2.close();
    y.dispose();
  }

  const icon = await call(`${srv.url}/favicon.ico`);
  assert.equal(icon.status, 200, "the browser's icon request is not a 404");
  assert.match(icon.type, /^image\/svg\+xml/);
  assert.match(icon.text, /^<svg[\s>]/);

  const page = await call(`${srv.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.match(page.text, /<html[\s>]/i);

  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/extract/x'],
  ]) {
    assertError(await call(`${srv.url}${path}`, { method }), 404, 'not_found', new RegExp(path.replace(/\//g, '\\/')));
  }
  // A route that exists, asked with another method: 405 (the next test).
  for (const [method, path] of [
    ['GET', '/extract'],
    ['POST', '/health'],
    ['DELETE', '/model'],
  ]) {
    assertError(await call(`${srv.url}${path}`, { method }), 405, 'method_not_allowed', new RegExp(path.replace(/\//g, '\\/')));
  }
  await assertServes(srv.url);
});

// ---------------------------------------------------------------- POST /extract

test('POST /extract {"text"} gives {result} and {"texts"} gives {results}, equal to the library', async () => {
  const one = await postJson(srv.url, { text: RAW[4] });
  assert.equal(one.status, 200, one.text);
  assert.match(one.type, /^application\/json/);
  assertSameResults(one.body, { result: await lib(RAW[4]) });
  assert.ok(one.body.result.triples.length >= 2, 'the tiny model finds its training triples');

  const texts = [RAW[6], 'Café Zürich 🎉 hired "Anna Lee".\n\nShe lives in Vienna.', RAW[0], `  ${RAW[2]}\t${RAW[3]}  `];
  const many = await postJson(srv.url, { texts });
  assert.equal(many.status, 200, many.text);
  assert.deepEqual(Object.keys(many.body), ['results']);
  assert.deepEqual(
    many.body.results.map((r: Extraction) => r.text),
    texts,
  );
  assertSameResults(many.body.results, await lib(texts));
  // Offsets in the response count code points of the text sent (an emoji is one).
  for (const r of many.body.results as Extraction[]) for (const m of r.entities) assert.equal([...r.text].slice(m.start, m.end).join(''), m.text);

  // A one-text batch is still a batch; the threshold is passed on; a charset parameter is fine.
  assertSameResults((await postJson(srv.url, { texts: [RAW[0]] })).body, { results: [await lib(RAW[0])] });
  const low = await postJson(srv.url, { text: RAW[3], threshold: 0.01 });
  assertSameResults(low.body, { result: await lib(RAW[3], { threshold: 0.01 }) });
  assert.ok(low.body.result.triples.length > x.extractSync(RAW[3]).triples.length, 'a lower threshold gives more triples');
  // "offsets": "utf16" counts JavaScript's string indices, as the library's option does.
  const utf16 = await postJson(srv.url, { texts, offsets: 'utf16' });
  assertSameResults(utf16.body, { results: await lib(texts, { offsets: 'utf16' }) });
  for (const r of utf16.body.results as Extraction[]) for (const m of r.entities) assert.equal(r.text.slice(m.start, m.end), m.text);
  // "format" asks for the result as RDF: the library's toRdf of the same results, with its media type.
  for (const [format, type] of [
    ['turtle', 'text/turtle'],
    ['ntriples', 'application/n-triples'],
    ['jsonld', 'application/ld+json'],
  ] as const) {
    const r = await fetch(`${srv.url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts, format, baseIri: 'https://example.org/kg/' }) });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', new RegExp(`^${type.replace('+', '\\+')}`));
    const want = toRdf(await lib(texts), { format, baseIri: 'https://example.org/kg/' });
    const text = await r.text();
    if (format === 'jsonld') assert.deepEqual(Object.keys(JSON.parse(text)), ['@context', '@graph']);
    else
      assert.deepEqual(
        new Parser({ format: format === 'turtle' ? 'Turtle' : 'N-Triples' }).parse(text).length,
        new Parser({ format: format === 'turtle' ? 'Turtle' : 'N-Triples' }).parse(want).length,
      );
  }
  const charset = await post(srv.url, JSON.stringify({ text: RAW[1] }), 'application/json; charset=utf-8');
  assert.equal(charset.status, 200, charset.text);
  assertSameResults(charset.body, { result: await lib(RAW[1]) });
});

test('bad requests get a structured 4xx, and the server answers the next good request', async (t) => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const cases: [string, () => Promise<Reply>, number, string, RegExp?][] = [
    ['empty body', () => post(srv.url, ''), 400, 'empty_body'],
    ['both text and texts', () => postJson(srv.url, { text: RAW[0], texts: [RAW[1]] }), 400, 'bad_request'],
    ['neither text nor texts', () => postJson(srv.url, { sentence: RAW[0] }), 400, 'bad_request'],
    ['non-string text', () => postJson(srv.url, { text: 42 }), 400, 'bad_request', /number/],
    ['null text', () => postJson(srv.url, { text: null }), 400, 'bad_request', /null/],
    ['non-string in texts', () => postJson(srv.url, { texts: [RAW[0], RAW[1], { t: 1 }] }), 400, 'bad_request', /texts\[2\]/],
    ['texts not a list', () => postJson(srv.url, { texts: RAW[0] }), 400, 'bad_request'],
    ['body a JSON list', () => postJson(srv.url, [RAW[0]]), 400, 'bad_request'],
    ['body a JSON string', () => postJson(srv.url, RAW[0]), 400, 'bad_request'],
    ['body JSON null', () => post(srv.url, 'null'), 400, 'bad_request'],
    ['truncated JSON', () => post(srv.url, '{"text": "John Smith was bo'), 400, 'malformed_json'],
    ['not JSON at all', () => post(srv.url, 'text=John'), 400, 'malformed_json'],
    ['text/plain', () => post(srv.url, JSON.stringify({ text: RAW[0] }), 'text/plain'), 415, 'unsupported_media_type', /text\/plain/],
    ['form content type', () => post(srv.url, 'text=John', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type'],
    ['no content type', () => post(srv.url, new Blob([JSON.stringify({ text: RAW[0] })]), null), 415, 'unsupported_media_type'],
    ['invalid UTF-8', () => post(srv.url, new Uint8Array([...enc('{"text": "John '), 0xff, 0xfe, 0xc3, ...enc(' Smith"}')])), 400, 'invalid_utf8'],
    ['truncated UTF-8 sequence', () => post(srv.url, new Uint8Array([...enc('{"text": "Z'), 0xc3, ...enc('rich"}')])), 400, 'invalid_utf8'],
    ['threshold 1.5', () => postJson(srv.url, { text: RAW[0], threshold: 1.5 }), 400, 'bad_request', /threshold/],
    ['a misspelt field', () => postJson(srv.url, { text: RAW[0], treshold: 0.1 }), 400, 'bad_request', /unknown field "treshold"/],
    ['threshold -0.5', () => postJson(srv.url, { text: RAW[0], threshold: -0.5 }), 400, 'bad_request', /threshold/],
    ['threshold as a string', () => postJson(srv.url, { text: RAW[0], threshold: '0.5' }), 400, 'bad_request', /threshold/],
    ['threshold null', () => postJson(srv.url, { text: RAW[0], threshold: null }), 400, 'bad_request', /threshold/],
    ['format "rdfxml"', () => postJson(srv.url, { text: RAW[0], format: 'rdfxml' }), 400, 'bad_request', /ntriples, turtle, jsonld; got "rdfxml"/],
    ['baseIri not absolute', () => postJson(srv.url, { text: RAW[0], format: 'turtle', baseIri: 'kg/' }), 400, 'bad_request', /absolute IRI/],
    ['baseIri without format', () => postJson(srv.url, { text: RAW[0], baseIri: 'https://example.org/' }), 400, 'bad_request', /give it with "format"/],
    ['offsets "bytes"', () => postJson(srv.url, { text: RAW[0], offsets: 'bytes' }), 400, 'bad_request', /"offsets" must be "codepoint" or "utf16", got "bytes"/],
  ];
  for (const [what, send, status, code, message] of cases) {
    await t.test(what, async () => {
      assertError(await send(), status, code, message);
      await assertServes(srv.url);
    });
  }
});

test("one rule for empty text, as in the library and the CLI: an empty or whitespace text has an empty result; threshold 0 and 1 are the library's", async () => {
  for (const text of ['', ' \n\t\r\n ']) {
    const r = await postJson(srv.url, { text });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { result: viaJson(x.extractSync(text)) });
    assert.deepEqual(r.body.result.entities, []);
  }
  const batch = await postJson(srv.url, { texts: [RAW[0], '  '] });
  assert.equal(batch.status, 200, batch.text);
  assertSameResults(batch.body, { results: await lib([RAW[0], '  ']) });
  assert.deepEqual((await postJson(srv.url, { texts: [] })).body, { results: [] });
  for (const threshold of [0, 1]) assertSameResults((await postJson(srv.url, { text: RAW[0], threshold })).body, { result: await lib(RAW[0], { threshold }) });
});

test('a route served for another method answers 405 with Allow', async () => {
  const get = await fetch(`${srv.url}/extract`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal((await get.json()).error.code, 'method_not_allowed');
  const del = await fetch(`${srv.url}/health`, { method: 'DELETE' });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET, HEAD');
  await assertServes(srv.url);
});

test('body and batch limits: 413 over maxBytes (bytes, not characters; with or without Content-Length), 400 too_many_texts', async () => {
  const small = await start({ maxBytes: 200, maxTexts: 3 });
  const sized = (bytes: number) => {
    const base = JSON.stringify({ text: RAW[0] + ' ' });
    return JSON.stringify({ text: RAW[0] + ' '.repeat(1 + bytes - base.length) });
  };
  assert.equal(Buffer.byteLength(sized(200)), 200);
  const at = await post(small.url, sized(200));
  assert.equal(at.status, 200, `a body of exactly maxBytes is accepted: ${at.text}`);
  assertError(await post(small.url, sized(201)), 413, 'body_too_large', /200 bytes/);
  await assertServes(small.url);
  // 100 characters of "é" are 200 bytes: over the limit with the JSON around them, though under 200 characters.
  const accents = JSON.stringify({ text: 'é'.repeat(100) });
  assert.ok(accents.length < 200 && Buffer.byteLength(accents) > 200);
  assertError(await post(small.url, accents), 413, 'body_too_large');
  // A streamed (chunked) body has no Content-Length: the limit must still hold.
  const chunks = [JSON.stringify({ text: '' }).slice(0, -2), ...Array.from({ length: 10 }, () => 'John Smith was born in London. '), '"}'];
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
      c.close();
    },
  });
  assertError(await post(small.url, stream, 'application/json', { duplex: 'half' } as RequestInit), 413, 'body_too_large');
  await assertServes(small.url);
  // The default limit (100 000 bytes) on the main server.
  assertError(await postJson(srv.url, { text: 'word '.repeat(20_001) }), 413, 'body_too_large', /100000 bytes/);

  assertError(await postJson(small.url, { texts: [RAW[0], RAW[1], RAW[2], RAW[3]] }), 400, 'too_many_texts', /4 texts.*at most 3/);
  const three = await postJson(small.url, { texts: [RAW[0], RAW[1], RAW[2]] });
  assert.equal(three.status, 200, three.text);
  assertSameResults(three.body.results, await lib([RAW[0], RAW[1], RAW[2]]));
  await assertServes(small.url);
});

test('the time limit: a long text gets 503 time_limit, stopped early, and the server serves on', async () => {
  // 50 ms: far too short for 500 sentences on any machine, long enough for one on a loaded one.
  const quick = await start({ timeLimitMs: 50 });
  const long = Array.from({ length: 1000 }, (_, k) => RAW[k % RAW.length]).join(' ');
  const sentences = splitText(long).length;
  assert.ok(Buffer.byteLength(long) < 100_000 && sentences > 500);
  const t0 = Date.now();
  const r = await postJson(quick.url, { text: long });
  const ms = Date.now() - t0;
  assertError(r, 503, 'time_limit', /50 ms/);
  const [, done, total] = (r.body.error.message.match(/after (\d+) of (\d+) sentences/) ?? []).map(Number);
  assert.equal(total, sentences, r.body.error.message);
  assert.ok(done < total, `stopped before the end: ${r.body.error.message} (${ms} ms)`);
  await assertServes(quick.url);
  const batch = await postJson(quick.url, { texts: [RAW[1], long] });
  assertError(batch, 503, 'time_limit');
  await assertServes(quick.url, RAW[5]);
});

test('16 concurrent requests each get the result the library gives for their text', async () => {
  const texts = Array.from({ length: 16 }, (_, k) => {
    const n = 1 + (k % 4) * 5; // 1 to 16 sentences, starting at a different one for each request
    return Array.from({ length: n }, (_, j) => RAW[(k + j * 3) % RAW.length]).join(k % 2 ? '\n' : '  ') + ' '.repeat(k);
  });
  assert.equal(new Set(texts).size, 16);
  const replies = await Promise.all(texts.map((text, k) => (k % 3 ? postJson(srv.url, { text }) : postJson(srv.url, { texts: [text, RAW[k % 8]] }))));
  for (const [k, r] of replies.entries()) {
    assert.equal(r.status, 200, r.text);
    if (k % 3) assertSameResults(r.body, { result: await lib(texts[k]) }, `request ${k}`);
    else assertSameResults(r.body, { results: await lib([texts[k], RAW[k % 8]]) }, `request ${k}`);
  }
});

test('a short request does not wait for a long one to finish', async () => {
  const long = Array.from({ length: 2000 }, (_, k) => RAW[k % RAW.length]).join(' ');
  const order: string[] = [];
  const slow = postJson(srv.url, { text: long }).then((r) => {
    order.push('long');
    return r;
  });
  await new Promise((r) => setTimeout(r, 20));
  const fast = postJson(srv.url, { text: RAW[0] }).then((r) => {
    order.push('short');
    return r;
  });
  const [a, b] = await Promise.all([slow, fast]);
  assert.equal(a.status, 200, a.text.slice(0, 300));
  assert.equal(a.body.result.sentences.length, splitText(long).length);
  assertSameResults(b.body, { result: await lib(RAW[0]) });
  assert.deepEqual(order, ['short', 'long']);
});

// ---------------------------------------------------------------- overload, memory, keep-alive

/** A text of about `chars` characters made of the tiny corpus's sentences. */
function textOf(chars: number, from = 0): string {
  let t = '';
  for (let k = from; t.length < chars; k++) t += RAW[k % RAW.length] + ' ';
  return t;
}

test('overload: beyond the queue budget a request gets 503 overloaded with Retry-After at once; the admitted ones and small ones are served', () => overload(x));

async function overload(model: Extractor | ExtractorPool) {
  const s = await start({ maxQueueChars: 50_000, timeLimitMs: 60_000 }, model);
  const large = Array.from({ length: 6 }, (_, k) => textOf(40_000, k));
  const t0 = Date.now();
  const timed = (p: Promise<Reply>, what: string) => p.then((r) => ({ ...r, what, ms: Date.now() - t0 }));
  const bigs = large.map((text, k) => timed(postWithHeaders(s.url, { text }), `large ${k}`));
  await new Promise((r) => setTimeout(r, 30));
  const small = timed(postWithHeaders(s.url, { text: RAW[0] }), 'small');
  const replies = await Promise.all([...bigs, small]);
  const ok = replies.filter((r) => r.status === 200 && r.what !== 'small');
  const refused = replies.filter((r) => r.status !== 200);
  const show = replies.map((r) => `${r.what}: ${r.status} ${r.ms} ms ${r.text.slice(0, 100)}`).join('\n');
  assert.ok(ok.length >= 1, `some large requests are served:\n${show}`);
  assert.ok(refused.length >= 1, `the rest are refused:\n${show}`);
  for (const r of refused) {
    assertError(r, 503, 'overloaded', /queue/);
    assert.ok(Number(r.retryAfter) >= 1, `Retry-After in whole seconds: ${r.retryAfter}`);
    assert.ok(r.ms < Math.max(...ok.map((o) => o.ms)), `refused at once, not after the work ahead of it:\n${show}`);
  }
  const served = ok[0];
  assertSameResults(served.body, { result: await lib(large[Number(served.what.split(' ')[1])]) });
  const tiny = replies[replies.length - 1];
  assert.equal(tiny.status, 200, `a small request is served while large ones run:\n${show}`);
  assertSameResults(tiny.body, { result: await lib(RAW[0]) });
  assert.ok(tiny.ms < Math.max(...ok.map((o) => o.ms)), `the small request did not wait for the large ones:\n${show}`);
  await assertServes(s.url);
  assert.match(serveHelp, /--max-queue-chars N/);
}

/** POST /extract, keeping the Retry-After header. */
async function postWithHeaders(base: string, v: unknown): Promise<Reply & { retryAfter: string | null }> {
  const res = await fetch(`${base}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, body: /json/.test(type) ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
}

test('memory: a model call is bounded by tokens, so a long text does not need more tensor memory than a medium one, and results do not change', async () => {
  const peak = async (text: string) => (await tf.profile(() => void x.extractSync(text))).peakBytes;
  const medium = await peak('word '.repeat(1000)); // 5 pieces of 200 tokens
  const long = await peak('word '.repeat(6400)); // 32 pieces of 200 tokens: one batch of 32 before the token budget
  assert.ok(long < 1.5 * medium, `peak tensor bytes: ${long} for 6400 tokens, ${medium} for 1000`);
  // The budget changes how sentences are grouped, not what is predicted (scores: up to float32 rounding).
  const sentences = splitText(textOf(3000) + ' ' + 'word '.repeat(450)).map((q, k) => ({ tokens: q.tokens.map((t) => t.text), triples: [], source: { file: 'text', record: k } }));
  const run = (maxBatchTokens: number) => predict(x.model, sentences, { maxBatchTokens, maxLength: Infinity }).predictions;
  const all = run(Infinity);
  assert.ok(
    all.some((p) => p.triples.length),
    'the text has triples to compare',
  );
  for (const maxBatchTokens of [1, 64, 300]) {
    const some = run(maxBatchTokens);
    assertSameResults(some, all, `maxBatchTokens ${maxBatchTokens}`);
  }
});

test("a 413 closes the connection it does not read (Connection: close), so a keep-alive client's next request succeeds", async () => {
  const s = await start({ maxBytes: 200 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(s.url);
  const send = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: hostname, port, method, path, agent, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (d) => (text += d))
            .on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    assert.equal((await send('GET', '/health')).status, 200);
    const big = await send('POST', '/extract', JSON.stringify({ text: 'word '.repeat(1000) }));
    assert.equal(big.status, 413, big.text);
    assert.equal(big.connection, 'close', 'the reply says the connection closes');
    const next = await send('GET', '/health');
    assert.equal(next.status, 200, 'the next request on the same agent succeeds');
    const good = await send('POST', '/extract', JSON.stringify({ text: RAW[0] }));
    assert.equal(good.status, 200, good.text);
    assert.equal(good.connection, 'keep-alive', 'a read body keeps the connection');
  } finally {
    agent.destroy();
  }
});

/**
 * When close() failed to close, let go of the server still listening on `port` (found among the
 * process's handles), so the failing test ends the run instead of keeping the process alive forever.
 */
function unrefListening(port: number) {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  for (const h of handles) {
    if (h instanceof HttpServer && (h.address() as AddressInfo | null)?.port === port) {
      h.closeAllConnections();
      h.unref();
    }
  }
}

test('close() resolves and the port then refuses connections', async () => {
  const s = await start();
  await assertServes(s.url); // leaves a keep-alive connection open
  const { hostname, port } = new URL(s.url);
  const closed = await Promise.race([s.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
  assert.equal(closed, 'closed', 'close() resolves even with an idle keep-alive connection');
  const refused = await new Promise<string>((resolve) => {
    const sock = createConnection({ host: hostname, port: Number(port) });
    sock.once('connect', () => {
      sock.destroy();
      resolve('connected');
    });
    sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  if (refused !== 'ECONNREFUSED') unrefListening(Number(port));
  assert.equal(refused, 'ECONNREFUSED');
  await assert.rejects(fetch(`${s.url}/health`));
  // The other servers are not affected.
  assert.equal((await call(`${srv.url}/health`)).status, 200);
});

test('text with a BOM, form feed or ideographic space is extracted, not a 500', async () => {
  for (const c of ['\ufeff', '\f', '\u3000', '\u2028']) {
    const text = `${c}${RAW[0]}${c}${RAW[2]}`;
    const r = await postJson(srv.url, { text });
    assert.equal(r.status, 200, `U+${c.charCodeAt(0).toString(16)}: ${r.text}`);
    assertSameResults(r.body, { result: await lib(text) });
  }
});

test('a port already in use is a UserError naming it, not an internal error', async () => {
  const port = Number(new URL(srv.url).port);
  await assert.rejects(startServer(x, { port }), (e: unknown) => e instanceof UserError && /already in use/.test((e as Error).message) && (e as Error).message.includes(String(port)));
  assert.equal((await fetch(`${srv.url}/health`)).status, 200, 'the first server still serves');
});

test('admission: once a rate is known, work that would not be done within the time limit is refused, and Retry-After follows the rate', () => {
  let now = 0;
  const slow = new Admission(100_000, 10_000, () => now);
  assert.ok(slow.enter(50_000) && slow.enter(40_000), 'no rate yet: the character budget alone');
  now += 11_000;
  slow.leave(50_000, false); // timed out: nothing done in 11 s
  assert.ok(!slow.enter(1000), 'only failures so far: one request at a time');
  assert.equal(slow.retryAfter(), 60);
  slow.leave(40_000, false);
  assert.ok(slow.enter(1000), 'idle: taken');
  const a = new Admission(100_000, 10_000, () => now);
  assert.ok(a.enter(5000), 'an idle queue takes a request');
  now += 1000;
  a.leave(5000, true); // 5000 characters a second
  assert.equal(a.retryAfter(), 1);
  assert.ok(a.enter(40_000), '8 s of work: within 10 s');
  assert.ok(!a.enter(20_000), '12 s of work: refused though under the character budget');
  assert.ok(a.enter(5000), '9 s of work: taken');
  assert.equal(a.retryAfter(), 9);
  assert.ok(!a.enter(60_000) && a.load === 45_000, 'over the character budget: refused');
  a.leave(45_000, false);
  assert.ok(a.enter(200_000), 'an idle queue takes even a request over the budget');
});

// ---------------------------------------------------------------- worker threads (rin serve --workers 2)

test('with worker threads: the same replies as in-process (concurrent requests of every size, bad ones, /model), the same card', async () => {
  const s = await start({}, await workers());
  assert.deepEqual((await call(`${s.url}/model`)).body, (await call(`${srv.url}/model`)).body);
  assert.deepEqual((await call(`${s.url}/health`)).body, (await call(`${srv.url}/health`)).body);
  const texts = Array.from({ length: 24 }, (_, k) => (k === 5 ? textOf(20_000, k) : Array.from({ length: 1 + (k % 6) }, (_, j) => RAW[(k + j) % RAW.length]).join(' ')));
  const replies = await Promise.all(texts.map((text, k) => (k % 4 ? postJson(s.url, { text }) : postJson(s.url, { texts: [text, RAW[k % 8]], threshold: 0.3 }))));
  for (const [k, r] of replies.entries()) {
    assert.equal(r.status, 200, r.text.slice(0, 300));
    if (k % 4) assertSameResults(r.body, { result: await lib(texts[k]) }, `request ${k}`);
    else assertSameResults(r.body, { results: await lib([texts[k], RAW[k % 8]], { threshold: 0.3 }) }, `request ${k}`);
  }
  for (const body of [{ text: 42 }, { texts: [RAW[0], ' '] }, { text: RAW[0], threshold: 1.5 }]) assert.deepEqual(await postJson(s.url, body), await postJson(srv.url, body));
});

test('with worker threads: short requests are served while long ones run; the time limit holds', async () => {
  // Long enough (about 300 kB each) that the short requests' margin does not depend on the machine's load.
  const s = await start({ maxBytes: 400_000, maxQueueChars: 1_000_000, timeLimitMs: 120_000 }, await workers());
  const long = (from: number, n = 8000) => Array.from({ length: n }, (_, k) => RAW[(k + from) % RAW.length]).join(' ');
  const order: string[] = [];
  const tagged = (what: string, p: Promise<Reply>) =>
    p.then((r) => {
      order.push(what);
      return r;
    });
  const slow = [tagged('long', postJson(s.url, { text: long(0) })), tagged('long', postJson(s.url, { text: long(1) }))]; // one on each worker
  await sleep(50);
  const shorts = RAW.slice(0, 4);
  const fast = await Promise.all(shorts.map((text) => tagged('short', postJson(s.url, { text }))));
  for (const [k, r] of fast.entries()) assertSameResults(r.body, { result: await lib(shorts[k]) });
  for (const r of await Promise.all(slow)) assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.deepEqual(order, ['short', 'short', 'short', 'short', 'long', 'long']);

  const quick = await start({ timeLimitMs: 5 }, await workers());
  assertError(await postJson(quick.url, { text: long(0, 2000) }), 503, 'time_limit', /after \d+ of \d+ sentences/);
  await overload(await workers());
});

test('with worker threads: a request whose worker dies gets 500 worker_crashed at once, the worker is replaced, and the next request is served', async () => {
  const p = await ExtractorPool.start(modelDir, { workers: 2 });
  try {
    const s = await start({}, p);
    const long = Array.from({ length: 2000 }, (_, k) => RAW[k % RAW.length]).join(' ');
    const reply = postJson(s.url, { text: long });
    for (let k = 0; k < 200 && !p.workers().some((w) => w.jobs); k++) await sleep(10);
    const busy = p.workers().findIndex((w) => w.jobs);
    assert.ok(busy >= 0, 'the long request reached a worker');
    await p.stopWorker(busy);
    const r = await reply;
    assertError(r, 500, 'worker_crashed', /stopped \(exit code 1\).*restarted/);
    assert.equal(p.restarts, 1);
    await assertServes(s.url);
  } finally {
    await p.close();
  }
});
