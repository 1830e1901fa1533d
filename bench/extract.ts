/**
 * Raw-text extraction speed with a real model (npm run bench): in-process sentences/s
 * (sentence splitting, tokenisation, POS tags, model, decoding, offsets), and the HTTP
 * service's requests/s with 8 concurrent clients on localhost. Writes bench/extract-results.json.
 * Text: the WebNLG dev sentences, detokenised ("Aarhus , Denmark ." → "Aarhus, Denmark.").
 * BENCH_MODEL=DIR picks the model (default: the shipped one).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { readJson } from '../src/data/files.ts';
import { loadModel } from '../src/extract/load.ts';
import { startServer } from '../src/serve/server.ts';
import { codeVersion } from '../src/core/version.ts';

const data = process.env.BENCH_DATA ?? join(import.meta.dirname, '../../shared/data/webnlg-exact/dev_triples.json.gz');
const records = readJson(data) as { text: string }[];
const texts = records.map((r) => r.text.replace(/ ([.,;:!?)'])/g, '$1').replace(/\( /g, '('));
const x = await loadModel(process.env.BENCH_MODEL);

// In-process: all texts in one call (the library batches sentences by length), best of 3.
x.extract(texts.slice(0, 50)); // warm-up
let sentences = 0;
const runs: number[] = [];
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const res = x.extract(texts);
  runs.push(performance.now() - t0);
  sentences = res.reduce((s, r) => s + r.sentences.length, 0);
}
const inMs = Math.min(...runs);

// One text at a time, as an application calling extract() per request would.
const t1 = performance.now();
for (const t of texts.slice(0, 200)) x.extract(t);
const singleMs = (performance.now() - t1) / 200;

// HTTP: 8 clients, each sending one text per request, back to back.
const server = await startServer(x, { port: 0 });
const clients = 8;
const perClient = Math.ceil(400 / clients);
let errors = 0;
const post = async (text: string) => {
  const r = await fetch(`${server.url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  if (r.status !== 200) errors++;
  await r.arrayBuffer();
};
await post(texts[0]);
const t2 = performance.now();
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    for (let k = 0; k < perClient; k++) await post(texts[(c * perClient + k) % texts.length]);
  }),
);
const httpMs = performance.now() - t2;
await server.close();

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, code: codeVersion() };
const result = {
  date: new Date().toISOString(),
  machine,
  model: x.path,
  texts: texts.length,
  sentences,
  inProcessSentencesPerSec: +((sentences * 1000) / inMs).toFixed(1),
  oneTextPerCallMs: +singleMs.toFixed(2),
  http: { clients, requests: clients * perClient, requestsPerSec: +((clients * perClient * 1000) / httpMs).toFixed(1), errors },
  peakRssMiB: +(process.memoryUsage().rss / 2 ** 20).toFixed(0),
};
console.log(`raw-text extraction — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, rin ${machine.code}, model ${x.path}`);
console.log(`in-process: ${result.inProcessSentencesPerSec} sentences/s (${texts.length} texts, ${sentences} sentences, all in one call; tokenisation included)`);
console.log(`one text per call: ${result.oneTextPerCallMs} ms`);
console.log(`HTTP, ${clients} concurrent clients: ${result.http.requestsPerSec} requests/s (${result.http.requests} requests, ${errors} errors)`);
writeFileSync(new URL('./extract-results.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
