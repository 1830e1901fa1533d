/**
 * The HTTP service (hono): POST /extract, GET /health, GET /model, and the web page at /.
 * Every error is JSON {"error": {"code", "message"}} with a 4xx/5xx status; one bad request
 * never stops the server. Small concurrent requests share model calls (batcher.ts); large ones
 * yield to the event loop between chunks of sentences, so requests interleave and one past its
 * time limit is stopped.
 */
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { UserError } from '../data/types.ts';
import { type Extractor, TimeLimitError } from '../extract/extractor.ts';
import { modelCard } from '../extract/load.ts';
import { Batcher } from './batcher.ts';
import { codeVersion } from '../version.ts';

export interface ServiceOptions {
  /** Largest request body accepted, in bytes (default 100 000). */
  maxBytes?: number;
  /** Most texts in one batch request (default 100). */
  maxTexts?: number;
  /** Time a request may take, in ms (default 10 000). */
  timeLimitMs?: number;
}

type Status = 400 | 404 | 413 | 415 | 500 | 503;

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

function fail(c: Context, status: Status, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Request body → list of texts, or a [code, message] for a 400. */
function readRequest(body: unknown, maxTexts: number): { texts: string[]; batch: boolean; threshold?: number } | [string, string] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['bad_request', 'the body must be a JSON object: {"text": "..."} or {"texts": ["...", ...]}'];
  const b = body as Record<string, unknown>;
  if (('text' in b) === ('texts' in b)) return ['bad_request', 'give exactly one of "text" (a string) or "texts" (a list of strings)'];
  const threshold = b.threshold;
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))) return ['bad_request', '"threshold" must be a number between 0 and 1'];
  const batch = 'texts' in b;
  const texts = batch ? b.texts : [b.text];
  if (!Array.isArray(texts)) return ['bad_request', '"texts" must be a list of strings'];
  if (batch && !texts.length) return ['empty_text', '"texts" is an empty list'];
  if (texts.length > maxTexts) return ['too_many_texts', `${texts.length} texts in one request; at most ${maxTexts}`];
  for (let k = 0; k < texts.length; k++) {
    const where = batch ? `texts[${k}]` : '"text"';
    if (typeof texts[k] !== 'string') return ['bad_request', `${where} must be a string, got ${texts[k] === null ? 'null' : typeof texts[k]}`];
    if (!(texts[k] as string).trim()) return ['empty_text', `${where} is empty or only whitespace`];
  }
  return { texts: texts as string[], batch, threshold: threshold as number | undefined };
}

export function createApp(x: Extractor, o: ServiceOptions = {}): Hono {
  const maxBytes = o.maxBytes ?? 100_000;
  const maxTexts = o.maxTexts ?? 100;
  const timeLimitMs = o.timeLimitMs ?? 10_000;
  const card = modelCard(x);
  const batcher = new Batcher(x, 2000, Math.min(32, maxTexts));
  const app = new Hono();

  app.get('/', (c) => c.html(page));
  app.get('/health', (c) => c.json({ status: 'ok', version: codeVersion(), model: card.path }));
  app.get('/model', (c) => c.json(card));

  app.post(
    '/extract',
    bodyLimit({ maxSize: maxBytes, onError: (c) => fail(c, 413, 'body_too_large', `the request body is over ${maxBytes} bytes`) }),
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
      try {
        const results = await batcher.extract(req.texts, { threshold: req.threshold, deadline: Date.now() + timeLimitMs });
        return c.json(req.batch ? { results } : { result: results[0] });
      } catch (e) {
        if (e instanceof TimeLimitError) return fail(c, 503, 'time_limit', `the request took longer than ${timeLimitMs} ms (${e.message}); send less text per request`);
        if (e instanceof UserError) return fail(c, 400, 'bad_request', e.message);
        throw e;
      }
    },
  );

  app.notFound((c) => fail(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}; try POST /extract, GET /health, GET /model or GET /`));
  app.onError((e, c) => fail(c, 500, 'internal', `internal error: ${e.message}`));
  return app;
}
