/**
 * The HTTP service (hono): POST /extract (JSON, or RDF with "format"), GET /health, GET /model,
 * and the web page at / (with its graph library at /vendor/cytoscape.min.js).
 * Every error is JSON {"error": {"code", "message"}} with a 4xx/5xx status; one bad request
 * never stops the server. Small concurrent requests share model calls (batcher.ts); large ones
 * run one at a time, chunked, with small ones between their chunks; one past its time limit is
 * stopped. Work is admitted up to a budget of characters (admission.ts); beyond it, 503 overloaded
 * with Retry-After at once. Small requests have a budget of their own, so large ones never crowd
 * them out. The model is named by its directory's name (card.ts). Model calls run in this thread
 * (an Extractor) or in worker threads (an ExtractorPool); a request whose worker died gets 500
 * worker_crashed and the worker is replaced.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { TimeLimitError, UserError, WorkerCrashError } from '../core/errors.ts';
import { checkThreshold } from '../eval/decode.ts';
import { type OffsetUnit, checkOffsetUnit, withUtf16Offsets } from '../extract/extractor.ts';
import { checkBaseIri } from '../rdf/iris.ts';
import { type RdfFormat, checkRdfFormat, toRdf } from '../rdf/write.ts';
import { Admission } from './admission.ts';
import { Batcher } from './batcher.ts';
import { publicCard } from './card.ts';
import type { ExtractionService } from '../extract/service.ts';
import { codeVersion } from '../core/version.ts';

export interface ServiceOptions {
  /** Largest request body accepted, in bytes (default 100 000). */
  maxBytes?: number;
  /** Most texts in one batch request (default 100). */
  maxTexts?: number;
  /** Time a request may take, in ms (default 10 000). */
  timeLimitMs?: number;
  /** Characters of text queued or running at once before requests are refused (default 200 000). */
  maxQueueChars?: number;
}

type Status = 400 | 404 | 405 | 413 | 415 | 500 | 503;

const FIELDS = ['text', 'texts', 'threshold', 'offsets', 'format', 'baseIri'];
/** Media types of the RDF formats a request may ask for ("format"). */
const RDF_TYPES: Record<RdfFormat, string> = { turtle: 'text/turtle', ntriples: 'application/n-triples', jsonld: 'application/ld+json' };

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
let cytoscapeJs: string | undefined;
/** cytoscape's browser build (MIT), read once when the page first asks for it. */
const cytoscape = () => (cytoscapeJs ??= readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'), 'utf8'));
/** The browser asks for /favicon.ico on every page load: a tiny icon rather than a 404 in its console. */
const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M3 12 Q8 1 13 12" fill="none" stroke="#36c" stroke-width="2"/><circle cx="3" cy="12" r="2.5" fill="#c63"/><circle cx="13" cy="12" r="2.5" fill="#c63"/></svg>';

function fail(c: Context, status: Status, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

interface ExtractRequest {
  texts: string[];
  batch: boolean;
  threshold?: number;
  offsets: OffsetUnit;
  /** Reply with RDF instead of JSON (src/rdf/). */
  rdf?: { format: RdfFormat; baseIri?: string };
}

/** Request body → list of texts and options, or a [code, message] for a 400. */
function readRequest(body: unknown, maxTexts: number): ExtractRequest | [string, string] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['bad_request', 'the body must be a JSON object: {"text": "..."} or {"texts": ["...", ...]}'];
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !FIELDS.includes(k));
  if (unknown.length) return ['bad_request', `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; the fields are ${FIELDS.map((k) => `"${k}"`).join(', ')}`];
  if ('text' in b === 'texts' in b) return ['bad_request', 'give exactly one of "text" (a string) or "texts" (a list of strings)'];
  const threshold = b.threshold;
  let offsets: OffsetUnit = 'codepoint';
  let rdf: ExtractRequest['rdf'];
  try {
    if (threshold !== undefined) checkThreshold(threshold as number); // the library's rules: 0 and 1 are meaningful (everything, certainty only)
    if (b.offsets !== undefined) offsets = checkOffsetUnit(b.offsets);
    if (b.format !== undefined) rdf = { format: checkRdfFormat(b.format), baseIri: b.baseIri === undefined ? undefined : checkBaseIri(b.baseIri as string) };
    else if (b.baseIri !== undefined) return ['bad_request', '"baseIri" names IRIs of RDF replies: give it with "format" ("turtle", "ntriples" or "jsonld")'];
  } catch (e) {
    return ['bad_request', (e as Error).message];
  }
  const batch = 'texts' in b;
  const texts = batch ? b.texts : [b.text];
  if (!Array.isArray(texts)) return ['bad_request', '"texts" must be a list of strings'];
  if (texts.length > maxTexts) return ['too_many_texts', `${texts.length} texts in one request; at most ${maxTexts}`];
  // An empty (or whitespace) text has an empty result, as in the library and the CLI.
  for (let k = 0; k < texts.length; k++) {
    const where = batch ? `texts[${k}]` : '"text"';
    if (typeof texts[k] !== 'string') return ['bad_request', `${where} must be a string, got ${texts[k] === null ? 'null' : typeof texts[k]}`];
  }
  return { texts: texts as string[], batch, threshold: threshold as number | undefined, offsets, rdf };
}

/** @param x the model: an Extractor (this thread) or an ExtractorPool (worker threads). */
export function createApp(x: ExtractionService, o: ServiceOptions = {}): Hono {
  const maxBytes = o.maxBytes ?? 100_000;
  const maxTexts = o.maxTexts ?? 100;
  const timeLimitMs = o.timeLimitMs ?? 10_000;
  const maxQueueChars = o.maxQueueChars ?? 200_000;
  if (!(maxQueueChars >= 1)) throw new UserError(`the queue budget (--max-queue-chars) must be at least 1 character, got ${maxQueueChars}`);
  const card = publicCard(x.card);
  const batcher = new Batcher(x, 2000, Math.min(32, maxTexts));
  const lanes = { large: new Admission(maxQueueChars, timeLimitMs), small: new Admission(Math.max(2000, maxQueueChars / 10)) };
  const app = new Hono();

  app.get('/', (c) => c.html(page));
  // The graph view's library, from the installed package (the page works offline).
  app.get('/vendor/cytoscape.min.js', (c) => c.body(cytoscape(), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=86400' }));
  app.get('/favicon.ico', (c) => c.body(icon, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }));
  app.get('/health', (c) => c.json({ status: 'ok', version: codeVersion(), model: card.name }));
  app.get('/model', (c) => c.json(card));

  app.post(
    '/extract',
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) => {
        c.header('connection', 'close'); // the rest of the body is not read: the socket cannot carry another request
        return fail(c, 413, 'body_too_large', `the request body is over ${maxBytes} bytes`);
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) return fail(c, 415, 'unsupported_media_type', `send JSON with Content-Type: application/json (got "${type || 'none'}")`);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (!bytes.length) return fail(c, 400, 'empty_body', 'the request body is empty');
      let raw: string;
      try {
        raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        return fail(c, 400, 'invalid_utf8', 'the request body is not valid UTF-8');
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (e) {
        return fail(c, 400, 'malformed_json', `the request body is not valid JSON: ${(e as Error).message}`);
      }
      const req = readRequest(body, maxTexts);
      if (Array.isArray(req)) return fail(c, 400, req[0], req[1]);
      const chars = req.texts.reduce((n, t) => n + t.length, 0);
      const lane = batcher.isSmall(req.texts) ? lanes.small : lanes.large;
      if (!lane.enter(chars)) {
        c.header('retry-after', String(lane.retryAfter()));
        return fail(
          c,
          503,
          'overloaded',
          `the service is busy: ${lane.load} characters of text are queued (at most ${lane.maxChars}) and this request has ${chars}; retry later (Retry-After) or send less text per request`,
        );
      }
      let done = false;
      try {
        const found = await batcher.extract(req.texts, { threshold: req.threshold, deadline: Date.now() + timeLimitMs });
        done = true;
        if (req.rdf) return c.body(toRdf(found, req.rdf), 200, { 'content-type': `${RDF_TYPES[req.rdf.format]}; charset=utf-8` });
        const results = req.offsets === 'utf16' ? found.map(withUtf16Offsets) : found; // the batcher's results count code points
        return c.json(req.batch ? { results } : { result: results[0] });
      } catch (e) {
        if (e instanceof TimeLimitError) return fail(c, 503, 'time_limit', `the request took longer than ${timeLimitMs} ms (${e.message}); send less text per request`);
        if (e instanceof UserError) return fail(c, 400, 'bad_request', e.message);
        if (e instanceof WorkerCrashError) return fail(c, 500, 'worker_crashed', `internal error: ${e.message}`);
        throw e;
      } finally {
        lane.leave(chars, done);
      }
    },
  );

  for (const path of ['/extract', '/health', '/model', '/']) {
    const allow = path === '/extract' ? 'POST' : 'GET, HEAD';
    app.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path, (c) => {
      c.header('allow', allow);
      return fail(c, 405, 'method_not_allowed', `${c.req.method} ${path} is not served; use ${allow.replace(', HEAD', '')} ${path}`);
    });
  }

  app.notFound((c) => fail(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}; try POST /extract, GET /health, GET /model or GET /`));
  app.onError((e, c) => fail(c, 500, 'internal', `internal error: ${e.message}`));
  return app;
}
