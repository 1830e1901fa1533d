/**
 * Raw text → triples with full entity spans and character offsets: split and tokenize
 * (text/split.ts), run the model over all sentences at once (batched by length), decode, and
 * map token spans back to the text. Offsets count code points (text/offsets.ts), as rin's JSONL
 * data does; a triple links two predicted entities, so its mentions never overlap.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import type { Sentence } from '../core/types.ts';
import { TimeLimitError, UserError } from '../core/errors.ts';

export { TimeLimitError }; // the public surface has it from here (src/index.ts)
import type { PredictedEntity, Prediction } from '../eval/decode.ts';
import { type InferFn, predict, predictAsync } from '../eval/predict.ts';
import { Progress } from '../core/progress.ts';
import { type ExtractionService, type ModelCard, readCard } from './service.ts';
import type { RinModel } from '../io/modelDir.ts';
import { disposeParams } from '../model/params.ts';
import { toCodePoints, utf16Offsets } from '../text/offsets.ts';
import { type TextSentence, splitText } from '../text/split.ts';

/** A stretch of the input text naming an entity. */
export interface Mention {
  /** The text itself: the input's code points start to end (`[...input].slice(start, end).join('')`). */
  text: string;
  /** Offsets into the input, end exclusive, in Unicode code points (default) or, with `offsets: 'utf16'`, UTF-16 units (`input.slice(start, end)`). */
  start: number;
  end: number;
  /** The NER head's confidence in the entity: the mean, over its words, of the probability of each word's BIESO tag. */
  score: number;
  /** The entity type, for models trained on typed data (e.g. "Drug"). */
  type?: string;
}

export interface ExtractedTriple {
  subject: Mention;
  relation: string;
  object: Mention;
  /** The model's probability of the relation between the two entities' last words (Eq. 10). */
  score: number;
}

export interface Extraction {
  text: string;
  /** What offsets count: "codepoint" (the default; Python's str indices: an emoji is 1) or "utf16" (JavaScript's string indices: an emoji is 2). */
  offsetUnit: OffsetUnit;
  /** Sentence boundaries (character offsets) as the tokenizer found them. */
  sentences: { start: number; end: number }[];
  /** Every entity found, with or without a relation, in text order. */
  entities: Mention[];
  triples: ExtractedTriple[];
  /** What was done that a user should know (e.g. a very long sentence cut into pieces). */
  warnings: string[];
}

export interface ExtractOptions {
  /** Report a triple when its probability is at least this (the paper: 0.5). */
  threshold?: number;
  /** Sentences per forward pass. */
  batchSize?: number;
  /** Sentences longer than this many tokens are cut into pieces of this size. */
  maxTokens?: number;
  /** Show a progress line on stderr while the model runs. */
  progress?: boolean;
  /** Also report a relation between an entity and itself (default false: such triples are dropped). */
  selfTriples?: boolean;
  /** What offsets count: 'codepoint' (default, as Python and the JSONL format count) or 'utf16' (so `text.slice(start, end)` is the mention in JavaScript). */
  offsets?: OffsetUnit;
}

export type OffsetUnit = 'codepoint' | 'utf16';
const OFFSET_UNITS: OffsetUnit[] = ['codepoint', 'utf16'];

export interface AsyncExtractOptions extends ExtractOptions {
  /** Stop with a TimeLimitError when this time (ms since the epoch) has passed. */
  deadline?: number;
  /** A large job: after this extractor's other large jobs, one at a time (RunOptions.large). */
  large?: boolean;
  /** Most sentences run between two yields to the event loop. */
  chunk?: number;
  /** Most tokens run between two yields (default 1024): long sentences make short chunks. */
  chunkTokens?: number;
}

/** What prepare() makes of the texts: empty results, the model-sized pieces, each text's offset map. */
interface Prepared {
  results: Extraction[];
  pieces: Piece[];
  cps: ((utf16: number) => number)[];
}

/** One model-sized piece of one text. */
interface Piece {
  textIndex: number;
  tokens: TextSentence['tokens'];
}

const OPTION_NAMES = ['threshold', 'batchSize', 'maxTokens', 'progress', 'selfTriples', 'offsets', 'deadline', 'chunk', 'chunkTokens', 'group', 'large'];

/** The option a misspelt name was probably meant to be: the known one with most letters in place. */
function closest(name: string): string {
  const score = (k: string) => [...k.toLowerCase()].filter((ch, i) => name.toLowerCase().includes(ch) && Math.abs(name.toLowerCase().indexOf(ch) - i) <= 2).length;
  return OPTION_NAMES.reduce((a, b) => (score(b) > score(a) ? b : a));
}

/** Options are checked: an unknown name is a typo (it would be ignored), a batch size or piece length of 0 would loop for ever. */
function checkOptions(o: AsyncExtractOptions & { group?: number }): void {
  if (o === null || typeof o !== 'object') throw new UserError(`options must be an object, got ${o === null ? 'null' : typeof o}`);
  for (const k of Object.keys(o)) if (!OPTION_NAMES.includes(k)) throw new UserError(`unknown option "${k}" (did you mean "${closest(k)}"?); options: ${OPTION_NAMES.join(', ')}`);
  for (const k of ['maxTokens', 'batchSize', 'chunk', 'chunkTokens', 'group'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new UserError(`"${k}" must be an integer ≥ 1, got ${v}`);
  }
  if (o.offsets !== undefined) checkOffsetUnit(o.offsets);
}

/** The one rule for the offsets option, in the library, the CLI (--offsets) and over HTTP. */
export function checkOffsetUnit(unit: unknown): OffsetUnit {
  if (!OFFSET_UNITS.includes(unit as OffsetUnit)) throw new UserError(`"offsets" must be ${OFFSET_UNITS.map((u) => `"${u}"`).join(' or ')}, got ${JSON.stringify(unit)}`);
  return unit as OffsetUnit;
}

/**
 * A result recounted in the other offset unit: code points (what extraction makes, and workers
 * send) to UTF-16 units for callers that asked for `offsets: 'utf16'` at an edge (rin extract,
 * rin serve), or back to code points (RDF's NIF counts them).
 */
export function withOffsets(r: Extraction, unit: OffsetUnit): Extraction {
  if (r.offsetUnit === unit) return r;
  const u = unit === 'utf16' ? utf16Offsets(r.text) : undefined;
  const cp = unit === 'codepoint' ? toCodePoints(r.text) : undefined;
  const at = (x: number) => (u ? u[x] : cp ? cp(x) : x);
  const move = (m: Mention): Mention => ({ ...m, start: at(m.start), end: at(m.end) });
  return {
    ...r,
    offsetUnit: unit,
    sentences: r.sentences.map((x) => ({ start: at(x.start), end: at(x.end) })),
    entities: r.entities.map(move),
    triples: r.triples.map((t) => ({ ...t, subject: move(t.subject), object: move(t.object) })),
  };
}

/** withOffsets(r, 'utf16'). */
export const withUtf16Offsets = (r: Extraction): Extraction => withOffsets(r, 'utf16');

function checkText(t: unknown, k: number): string {
  if (typeof t !== 'string') throw new UserError(`text ${k}: expected a string, got ${t === null ? 'null' : typeof t}`);
  return t;
}

/** [from, to) runs of pieces with at most `most` pieces and `tokens` tokens each (a longer piece runs alone). */
function chunks(pieces: Piece[], most: number, tokens: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0,
    sum = 0;
  pieces.forEach((p, k) => {
    if (k > from && (k - from >= most || sum + p.tokens.length > tokens)) {
      out.push([from, k]);
      from = k;
      sum = 0;
    }
    sum += p.tokens.length;
  });
  if (from < pieces.length) out.push([from, pieces.length]);
  return out;
}

/** An engine running the model's forward pass (onnxruntime, src/onnx/runner.ts), used by extract() and extractStream(). */
export interface OnnxEngine {
  readonly name: string;
  infer: InferFn;
  release(): Promise<void>;
}

function sentencesOf(pieces: Piece[]): Sentence[] {
  return pieces.map((p, k) => ({ tokens: p.tokens.map((t) => t.text), triples: [], source: { file: 'text', record: k } }));
}

const predictOptions = (opts: ExtractOptions) => ({ entityPairs: true, threshold: opts.threshold, batchSize: opts.batchSize ?? 32, maxLength: Infinity });

export class Extractor implements ExtractionService {
  private disposed = false;
  private largeTail: Promise<unknown> = Promise.resolve();
  private _card?: ModelCard;
  /** One model call at a time in this thread. */
  readonly parallel = 1;

  /**
   * @param model a loaded model; @param path where it was loaded from;
   * @param onnx an engine for extract and extractStream (extractSync() always runs on tfjs)
   */
  constructor(
    readonly model: RinModel,
    readonly path: string,
    private readonly onnx?: OnnxEngine,
  ) {}

  /** What runs the model in extract and extractStream: "onnx" (onnxruntime) or "tfjs". */
  get engine(): string {
    return this.onnx?.name ?? 'tfjs';
  }

  /** The model's card: its relations, settings and README. */
  get card(): ModelCard {
    this._card ??= readCard(this.model, this.path);
    return this._card;
  }

  /**
   * extract() without awaiting: always on tfjs (onnxruntime runs only asynchronously), the same
   * results up to float rounding. A thin wrapper over the steps extract() takes.
   */
  extractSync(text: string, opts?: ExtractOptions): Extraction;
  extractSync(texts: string[], opts?: ExtractOptions): Extraction[];
  extractSync(input: string | string[], opts: ExtractOptions = {}): Extraction | Extraction[] {
    this.checkLive();
    const texts = Array.isArray(input) ? input.map(checkText) : [checkText(input, 0)];
    const prepared = this.prepare(texts, opts);
    const { results, pieces } = prepared;
    this.assemble(texts, prepared, this.run(pieces, opts), opts.selfTriples);
    return Array.isArray(input) ? results : results[0];
  }

  /**
   * Extract from one text, or from many (results in the same order), on the model's engine
   * (onnxruntime when installed, else tfjs). Yields to the event loop every `chunk` sentences (a
   * server stays responsive) and gives up with TimeLimitError once `deadline` has passed.
   */
  async extract(text: string, opts?: AsyncExtractOptions): Promise<Extraction>;
  async extract(texts: string[], opts?: AsyncExtractOptions): Promise<Extraction[]>;
  async extract(input: string | string[], opts: AsyncExtractOptions = {}): Promise<Extraction | Extraction[]> {
    if (opts.large) return this.inLine(() => this.extract(input as string[], { ...opts, large: false }));
    this.checkLive();
    const texts = Array.isArray(input) ? input.map(checkText) : [checkText(input, 0)];
    const prepared = this.prepare(texts, opts);
    const { results, pieces } = prepared;
    const preds: Prediction[] = [];
    const bar = new Progress('extract', pieces.length, process.stderr, (opts.progress ?? false) && pieces.length >= 100);
    for (const [from, to] of chunks(pieces, opts.chunk ?? 32, opts.chunkTokens ?? 1024)) {
      if (opts.deadline !== undefined && Date.now() > opts.deadline) throw new TimeLimitError(`time limit reached after ${from} of ${pieces.length} sentences`);
      preds.push(...(await this.runAsync(pieces.slice(from, to), opts)));
      bar.update(to);
      await nextTick();
    }
    this.assemble(texts, prepared, preds, opts.selfTriples);
    return Array.isArray(input) ? results : results[0];
  }

  /**
   * Extract from a stream of texts (e.g. lines of a corpus), `group` texts per model call, in order.
   * One string is not a stream of texts (it would be read character by character): use extract().
   */
  async *extractStream<T extends Iterable<string> | AsyncIterable<string>>(texts: T extends string ? never : T, opts: ExtractOptions & { group?: number } = {}): AsyncGenerator<Extraction> {
    this.checkLive();
    if (typeof texts === 'string') throw new UserError('extractStream takes a list or stream of texts, not one string: use extract(text) or extractStream([text])');
    checkOptions(opts);
    const group = opts.group ?? 32;
    let pending: string[] = [];
    let index = 0;
    for await (const t of texts as Iterable<string> | AsyncIterable<string>) {
      pending.push(checkText(t, index++)); // checked here, so a bad text is named by its place in the whole stream
      if (pending.length >= group) {
        yield* await this.extract(pending, { ...opts, progress: false });
        pending = [];
      }
    }
    if (pending.length) yield* await this.extract(pending, { ...opts, progress: false });
  }

  /** Large jobs one after another: interleaving them would only make all of them late. */
  private inLine<T>(f: () => Promise<T>): Promise<T> {
    const p = this.largeTail.then(f);
    this.largeTail = p.catch(() => {});
    return p;
  }

  /** dispose(), as ExtractionService has it. */
  async close(): Promise<void> {
    this.dispose();
  }

  /** Free the model's tensors and onnxruntime session; the extractor cannot be used afterwards. */
  dispose(): void {
    if (!this.disposed) {
      disposeParams(this.model.params);
      void this.onnx?.release();
    }
    this.disposed = true;
  }

  private checkLive(): void {
    if (this.disposed) throw new UserError(`the model from ${this.path} was disposed; load it again to extract`);
  }

  private prepare(texts: string[], opts: AsyncExtractOptions & { group?: number }): Prepared {
    checkOptions(opts);
    const maxTokens = opts.maxTokens ?? 200;
    const pieces: Piece[] = [];
    const unit = opts.offsets ?? 'codepoint';
    const cps = texts.map((t) => (unit === 'utf16' ? (u: number) => u : toCodePoints(t))); // built once: assemble() maps mentions with them too
    const results = texts.map((text, textIndex): Extraction => {
      const sentences = splitText(text);
      const cp = cps[textIndex];
      const warnings: string[] = [];
      for (const s of sentences) {
        if (s.tokens.length > maxTokens)
          warnings.push(`a sentence of ${s.tokens.length} tokens at character ${cp(s.start)} was cut into pieces of ${maxTokens} tokens; relations across pieces are not found`);
        for (let k = 0; k < s.tokens.length; k += maxTokens) pieces.push({ textIndex, tokens: s.tokens.slice(k, k + maxTokens) });
      }
      return { text, offsetUnit: unit, sentences: sentences.map(({ start, end }) => ({ start: cp(start), end: cp(end) })), entities: [], triples: [], warnings };
    });
    return { results, pieces, cps };
  }

  private run(pieces: Piece[], opts: ExtractOptions): Prediction[] {
    if (!pieces.length) return [];
    return predict(this.model, sentencesOf(pieces), { ...predictOptions(opts), progress: opts.progress && pieces.length >= 100 }).predictions;
  }

  /** run() on onnxruntime when there is one. */
  private async runAsync(pieces: Piece[], opts: ExtractOptions): Promise<Prediction[]> {
    if (!pieces.length) return [];
    return (await predictAsync(this.model, sentencesOf(pieces), { ...predictOptions(opts), infer: this.onnx?.infer })).predictions;
  }

  private assemble(texts: string[], { results, pieces, cps }: Prepared, preds: Prediction[], selfTriples = false): void {
    pieces.forEach((p, k) => {
      const text = texts[p.textIndex];
      const r = results[p.textIndex];
      const cp = cps[p.textIndex];
      const mention = (s: PredictedEntity): Mention => {
        const from = p.tokens[s.start].start,
          to = p.tokens[s.end - 1].end; // UTF-16
        const m = { text: text.slice(from, to), start: cp(from), end: cp(to), score: s.score ?? Number.NaN }; // decode always scores
        return s.type === undefined ? m : { ...m, type: s.type };
      };
      const seen = new Set<string>(); // pieces cover disjoint stretches of text: duplicates only within one
      const add = (m: Mention) => {
        if (!seen.has(`${m.start}:${m.end}`)) r.entities.push(m);
        seen.add(`${m.start}:${m.end}`);
        return m;
      };
      for (const e of preds[k].entities) add(mention(e));
      for (const t of preds[k].triples) {
        if (!selfTriples && t.subject.start === t.object.start && t.subject.end === t.object.end) continue;
        r.triples.push({ subject: add(mention(t.subject)), relation: t.relation, object: add(mention(t.object)), score: t.score });
      }
    });
    // Entities in text order; triples most likely first (ties in text order).
    for (const r of results) {
      r.entities.sort((a, b) => a.start - b.start || a.end - b.end);
      r.triples.sort((a, b) => b.score - a.score || a.subject.start - b.subject.start || a.object.start - b.object.start || a.relation.localeCompare(b.relation));
    }
  }
}
