/** `rin extract`: raw text (arguments, a file, stdin, or JSONL) → triples, as text or JSON. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError, WorkerCrashError } from '../core/errors.ts';
import { decodeUtf8 } from '../core/files.ts';
import { readJsonl } from '../extract/input.ts';
import { type Extraction, checkOffsetUnit, withUtf16Offsets } from '../extract/extractor.ts';
import { checkBaseIri } from '../rdf/iris.ts';
import { checkRdfFormat, toRdf } from '../rdf/write.ts';
import { ExtractorPool } from '../extract/pool.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { Progress } from '../core/progress.ts';
import { parse, threshold } from './args.ts';
import { workerCount } from './workers.ts';

export const extractHelp = `rin extract — extract (subject, relation, object) triples from English text

usage: rin extract "TEXT" ...            one result per TEXT argument
       rin extract --file FILE           the whole file is one text (- = stdin)
       echo "TEXT" | rin extract         stdin, when there is no TEXT and no --file
       rin extract --jsonl --file in.jsonl --out out.jsonl
                                         a corpus: one {"text": "..."} (or "...") per line in,
                                         one JSON result per line out, in the same order, each
                                         with "line" (its input line number; blank lines are
                                         skipped, an unreadable line is an {"line", "error"} record)

  --model DIR       a model directory (default: the model shipped with rin, WebNLG 3.0, 364 relations)
  --embeddings FILE the word vectors an open-vocabulary model was trained with, if not
                    the npm package or the file its model.json names
  --json            print JSON (default: a readable view, also when piped)
  --jsonl           JSON Lines in and out (see above); input fields other than "text" are kept
  --out FILE        write the output here instead of standard output (written whole, atomically)
  --threshold X     report a triple when its probability is at least X (default 0.5)
  --offsets UNIT    what start/end count: codepoint (default) or utf16 (JavaScript's string indices)
  --format F        ntriples, turtle or jsonld: the triples as RDF, with NIF provenance (each
                    mention's document and code-point offsets, each triple's score), instead of
                    JSON; with --jsonl, one graph of every line (a document per line)
  --base-iri IRI    where the RDF's entities and documents live (default https://rin.invalid/)
  --workers N       with --jsonl: worker threads, each tokenising, tagging and running its own
                    copy of the model (about 400 MB and 2 s to start each, with the default
                    model); default: one per core, at most one per 200 lines; 1 = all in
                    this thread
  --no-progress     no progress line on long inputs

Each result: {"text", "offsetUnit": "codepoint", "sentences": [{"start","end"}],
"entities": [{"text","start","end","score"}], "triples": [{"subject": {"text","start","end","score"},
"relation", "object": {...}, "score"}], "warnings"}
start/end count Unicode code points into the text (as Python's str and rin's JSONL data do; an
emoji is 1, though JavaScript's String.length counts 2; --offsets utf16 counts 2), end exclusive.
An entity's score is the NER head's confidence in it; a triple's, the relation's probability.
`;

/** The bytes of --file, or of standard input. */
function inputBytes(file: string | undefined): { bytes: Buffer; where: string } {
  const where = !file || file === '-' ? 'standard input' : file;
  // Typed at a terminal with no text: say what rin waits for instead of seeming to hang.
  if (where === 'standard input' && process.stdin.isTTY)
    process.stderr.write('rin extract: reading text from standard input; end it with Ctrl-D (or give "TEXT" or --file FILE; rin extract --help)\n');
  try {
    return { bytes: readFileSync(!file || file === '-' ? 0 : file), where };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${where}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a file' : (e as Error).message}`);
  }
}

function readInput(file: string | undefined): { text: string; where: string } {
  const { bytes, where } = inputBytes(file);
  return { text: decodeUtf8(bytes, where), where };
}

/** A readable view of one result. */
export function formatExtraction(r: Extraction): string {
  const lines = [r.text.trim().replace(/\s+/g, ' ')];
  if (!r.entities.length) lines.push('  (no entities found)');
  const name = (m: { text: string; type?: string }) => (m.type ? `${m.text} (${m.type})` : m.text);
  for (const t of r.triples) lines.push(`  ${name(t.subject)}  —${t.relation}→  ${name(t.object)}   (${t.score.toFixed(2)})`);
  const inTriples = new Set(r.triples.flatMap((t) => [`${t.subject.start}:${t.subject.end}`, `${t.object.start}:${t.object.end}`]));
  const alone = r.entities.filter((e) => !inTriples.has(`${e.start}:${e.end}`));
  if (alone.length) lines.push(`  entities without a relation: ${alone.map(name).join(', ')}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** Texts per job sent to a worker: enough to batch the model, small enough to balance the workers. */
const GROUP = 32;
/** By default a worker for each this many texts at most: a worker costs a model load (seconds), which a few texts do not repay. */
const TEXTS_PER_WORKER = 200;

/** Workers for `texts` texts: as asked (no more than there are jobs), else one per core and per TEXTS_PER_WORKER texts. */
function workersFor(asked: number | undefined, texts: number): number {
  const most = Math.ceil(texts / GROUP);
  return asked === undefined ? Math.max(1, Math.min(availableParallelism(), Math.floor(texts / TEXTS_PER_WORKER), most)) : Math.min(asked, most);
}

/** Results of `texts` from a pool, in order, a few jobs ahead; a text whose worker died is a WorkerCrashError. */
export async function* pooled(pool: ExtractorPool, texts: string[], threshold: number | undefined): AsyncGenerator<Extraction | WorkerCrashError> {
  const ahead: Promise<(Extraction | WorkerCrashError)[]>[] = [];
  let next = 0;
  const submit = () => {
    const job = pool.extractEach(texts.slice(next, (next += GROUP)), { threshold });
    job.catch(() => {}); // awaited in order below; an early failure must not be an unhandled rejection meanwhile
    ahead.push(job);
  };
  while (next < texts.length && ahead.length < 2 * pool.size) submit();
  while (ahead.length) {
    const results = await ahead.shift()!;
    if (next < texts.length) submit();
    yield* results;
  }
}

/** The in-process model; imported only here, so the main thread of a pool does not load TensorFlow.js and wink-nlp. */
async function loadModel(...args: Parameters<typeof import('../extract/load.ts').loadModel>) {
  return (await import('../extract/load.ts')).loadModel(...args);
}

export async function extractCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('extract', argv, {
    model: { type: 'string' },
    embeddings: { type: 'string' },
    file: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    out: { type: 'string' },
    threshold: { type: 'string' },
    offsets: { type: 'string' },
    format: { type: 'string' },
    'base-iri': { type: 'string' },
    workers: { type: 'string' },
    'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(extractHelp);
  if (positionals.length && v.file) throw new UserError('give TEXT arguments or --file, not both');
  if (v.jsonl && positionals.length) throw new UserError('--jsonl reads a file or stdin, not TEXT arguments');
  const minScore = threshold(v.threshold);
  const unit = v.offsets === undefined ? 'codepoint' : checkOffsetUnit(v.offsets);
  const counted = (r: Extraction) => (unit === 'utf16' ? withUtf16Offsets(r) : r); // results come in code points, also from workers
  if (v.format === undefined && v['base-iri'] !== undefined) throw new UserError('--base-iri names IRIs of RDF output: give it with --format ntriples|turtle|jsonld');
  // Both checked before any work.
  const rdf = v.format === undefined ? undefined : { format: checkRdfFormat(v.format), baseIri: v['base-iri'] === undefined ? undefined : checkBaseIri(v['base-iri']) };
  const graph: { results: Extraction[]; ids: string[] } = { results: [], ids: [] }; // with --format: one graph, written at the end
  const workers = v.workers === undefined ? undefined : workerCount(v.workers); // checked before any work
  const log = (l: string) => process.stderr.write(l + '\n');
  const output: string[] = [];
  const emit = (s: string) => (v.out ? output.push(s) : process.stdout.write(s));
  let unreadable = 0,
    crashed = 0;

  if (v.jsonl) {
    const { bytes, where } = inputBytes(v.file);
    const records = readJsonl(bytes, where);
    const texts = records.flatMap((r) => (r.text === undefined ? [] : [r.text]));
    const n = workersFor(workers, texts.length);
    const pool = n > 1 ? await ExtractorPool.start(v.model, { workers: n, embeddings: v.embeddings, log }) : undefined;
    try {
      const results = pool ? pooled(pool, texts, minScore) : (await loadModel(v.model, { embeddings: v.embeddings, log })).extractStream(texts, { threshold: minScore });
      const bar = new Progress('extract', records.length, process.stderr, !v['no-progress'] && records.length >= 100);
      let done = 0;
      for (const r of records) {
        const res = r.error ? undefined : ((await results.next()).value as Extraction | WorkerCrashError);
        const error = r.error ?? (res instanceof WorkerCrashError ? `line ${r.line}: ${res.message}` : undefined);
        if (error) {
          if (r.error) unreadable++;
          else crashed++;
          process.stderr.write(error + (rdf ? ' (left out of the graph)\n' : ' (written as an error record)\n'));
          if (!rdf) emit(JSON.stringify({ line: r.line, error }) + '\n');
        } else if (rdf) {
          graph.results.push(res as Extraction);
          graph.ids.push(`line-${r.line}`);
        } else emit(JSON.stringify({ line: r.line, ...r.fields, ...counted(res as Extraction) }) + '\n');
        bar.update(++done);
      }
    } finally {
      await pool?.close();
    }
  } else {
    const x = await loadModel(v.model, { embeddings: v.embeddings, log });
    const texts = positionals.length ? positionals : [readInput(v.file).text];
    const results = await x.extract(texts, { threshold: minScore, progress: !v['no-progress'] }); // the native engine when installed
    if (rdf) graph.results.push(...results);
    else for (const r of results.map(counted)) emit(v.json ? JSON.stringify(r) + '\n' : formatExtraction(r));
  }
  if (rdf) emit(toRdf(graph.results, { ...rdf, documentIds: graph.ids.length ? graph.ids : undefined }));
  if (v.out) writeFileAtomic(v.out, output.join(''));
  const where = rdf ? 'each is named above and left out of the graph' : 'each is an {"line", "error"} record in the output';
  if (unreadable) throw new UserError(`${unreadable} input line(s) could not be read; ${where}`);
  if (crashed) throw new UserError(`${crashed} input line(s) failed: the worker extracting them stopped; ${where}`);
}
