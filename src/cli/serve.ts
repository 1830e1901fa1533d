/** `rin serve`: the HTTP service and web page, until interrupted. */
import { availableParallelism } from 'node:os';
import type { ExtractionService } from '../extract/service.ts';
import { loadModel } from '../extract/load.ts';
import { ExtractorPool } from '../extract/pool.ts';
import { type RunningServer, startServer } from '../serve/server.ts';
import { int, num, parse } from './args.ts';
import { workerCount } from './workers.ts';

export const serveHelp = `rin serve — an HTTP service and a web page for extraction

usage: rin serve [--port 8080] [--host 127.0.0.1] [--model DIR] [--workers N] [--max-queue-chars 200000]

  --model DIR         a model directory (default: the model shipped with rin)
  --embeddings FILE   the word vectors an open-vocabulary model was trained with, if not
                      the npm package or the file its model.json names
  --host H            interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port N            port (default 8080; 0 = any free port)
  --workers N         worker threads running the model (default: one per core, here ${availableParallelism()});
                      each holds its own copy of the model (about 400 MB for the default
                      model); 1 = everything in the server's own thread
  --max-bytes N       largest request body (default 100000)
  --max-texts N       most texts in one batch request (default 100)
  --time-limit-ms N   time one request may take (default 10000)
  --max-queue-chars N characters of text queued or running at once (default 200000); a
                      request beyond it gets 503 "overloaded" at once, with Retry-After.
                      Small requests (up to 2000 characters) have a tenth of it again of
                      their own, so they are served while large ones run. Lower it if
                      admitted requests hit the time limit under load

routes
  GET  /           the web page: type text, see entities and relation arcs
  POST /extract    {"text": "..."} → {"result": ...}; {"texts": [...]} → {"results": [...]}
                   optional "threshold"; errors are {"error": {"code", "message"}} with a 4xx/503
                   (503 "time_limit" or "overloaded")
  GET  /health     {"status": "ok", ...}
  GET  /model      the model card: relations, configuration, training facts, README
`;

export async function serveCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('serve', argv, {
    model: { type: 'string' },
    embeddings: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'max-bytes': { type: 'string' },
    'max-texts': { type: 'string' },
    'time-limit-ms': { type: 'string' },
    'max-queue-chars': { type: 'string' },
    workers: { type: 'string' },
  });
  if (v.help) return void process.stdout.write(serveHelp);
  const n = (name: string) => num(name, v[name]);
  const workers = workerCount(v.workers);
  const log = (l: string) => process.stderr.write(l + '\n');
  const x: ExtractionService = workers > 1 ? await ExtractorPool.start(v.model, { workers, embeddings: v.embeddings, log }) : await loadModel(v.model, { embeddings: v.embeddings, log });
  const opts = { host: v.host, port: int('port', v.port, 0, 65535), maxBytes: n('max-bytes'), maxTexts: n('max-texts'), timeLimitMs: n('time-limit-ms'), maxQueueChars: n('max-queue-chars') };
  let server: RunningServer;
  try {
    server = await startServer(x, opts);
  } catch (e) {
    await x.close(); // a pool's workers would keep the process alive
    throw e;
  }
  const threads = x.parallel > 1 ? `${x.parallel} worker threads` : 'one thread';
  process.stderr.write(`rin serve: listening on ${server.url} (model ${x.card.path}, engine ${x.engine === 'onnx' ? 'onnxruntime' : 'tfjs'}, ${threads}); Ctrl+C stops\n`);
  await new Promise<void>((done) => {
    const stop = () => void server.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await x.close();
}
