import { FORMATS, describeReport, loadDataset } from '../dataset/load.ts';
import { initBackend } from '../engine/backend.ts';
import { evaluate } from '../eval/evaluate.ts';
import { formatScores } from '../eval/metrics.ts';
import { formatSeen, seenSplit } from '../eval/seen.ts';
import { readModelDir } from '../io/modelDir.ts';
import { SPANS, choice, parse, required, threshold } from './args.ts';

export const evalHelp = `rin eval — score a saved model on a labelled file

usage: rin eval --model DIR --data FILE [options]

  --model DIR           a model directory (from rin train)
  --embeddings FILE     the word vectors an open-vocabulary model was trained with, if not
                        the npm package or the file its model.json names
  --tag-decoding D      argmax | viterbi: read BIESO tags this way instead of the model's own
  --data FILE           labelled data in any supported format (.gz ok)
  --format F            auto | casrel | zeng | spert | jsonl (default auto)
  --spans S             auto | full | head (default auto: full when any entity has several words)
  --threshold X         extract a triple when p ≥ X (default 0.5, as the paper)
  --entity-pairs        read relation cells only between predicted entities, as rin extract
                        does (default: every cell, as the paper)
  --per-relation        also print scores per relation
  --seen-from TRAIN     also split the scores by whether the entities occur in TRAIN (the
                        training file): seen / unseen triples and entities
  --seen-format F       format of TRAIN: auto | casrel | zeng | spert | jsonl (default auto)
  --json                print the full scores as JSON
  --no-progress         no progress lines

Headline match: partial (relation + last word of subject and object, as the paper) for
last-word data, exact (whole spans) for full-span data; both are reported for full spans.
Models trained on typed data are scored as that literature does: entities (span and type),
relations strict (both entities' spans and types, and the relation) and boundaries-only;
relations the data declares symmetric match in either direction.

--seen-from (Taillé et al. 2021): a mention is seen when its string (the last word under
partial match) occurs as an entity mention in TRAIN, case-sensitively; a triple is seen when
both its mentions are. Gold and predicted triples are split alike, so each part has its own
precision, recall and F1 under the headline match; the gold column counts each part.
`;

export async function evalCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('eval', argv, {
    model: { type: 'string' },
    embeddings: { type: 'string' },
    data: { type: 'string' },
    format: { type: 'string' },
    spans: { type: 'string' },
    threshold: { type: 'string' },
    'per-relation': { type: 'boolean' },
    'seen-from': { type: 'string' },
    'seen-format': { type: 'string' },
    'tag-decoding': { type: 'string' },
    'entity-pairs': { type: 'boolean' },
    json: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(evalHelp);
  await initBackend();
  const minScore = threshold(v.threshold); // checked before any work
  const model = readModelDir(required('eval', 'model', v.model), { embeddings: v.embeddings, log: (l: string) => process.stderr.write(l + '\n') });
  // Decoding is not learnt: scoring one model both ways measures what Viterbi adds.
  const decoding = choice('tag-decoding', v['tag-decoding'], ['argmax', 'viterbi'] as const);
  if (decoding) model.config = { ...model.config, tagDecoding: decoding };
  const data = loadDataset(required('eval', 'data', v.data), { format: choice('format', v.format, FORMATS), spans: choice('spans', v.spans, SPANS) });
  process.stderr.write(describeReport(data) + '\n');
  const train = v['seen-from'] === undefined ? undefined : loadDataset(v['seen-from'], { format: choice('seen-format', v['seen-format'], FORMATS) });
  if (train) {
    process.stderr.write(describeReport(train) + '\n');
    // Whole-span strings never equal last words: the split would call everything unseen.
    if (train.spans !== data.spans)
      process.stderr.write(`note: ${train.file} has ${train.spans} spans but ${data.file} has ${data.spans} spans; seen/unseen compares their mention strings as they are\n`);
  }
  const release = await model.subword?.prepare(
    data.sentences.map((s) => s.tokens),
    !v['no-progress'],
  );
  const ev = evaluate(model, data.sentences, data.spans, { threshold: minScore, entityPairs: v['entity-pairs'], progress: !v['no-progress'], symmetric: data.symmetric });
  release?.();
  for (const p of ev.problems) process.stderr.write(`${p.file} record ${p.record}: ${p.message}\n`);
  for (const n of ev.notes) process.stderr.write(`note: ${n}\n`);
  const seen = train && seenSplit(train.sentences, data.sentences, ev.predictions, ev.scores.mode, { symmetric: data.symmetric });
  if (v.json) {
    const extra = seen ? { seen: { from: v['seen-from'], ...seen } } : {};
    process.stdout.write(JSON.stringify({ model: v.model, data: v.data, load: data.report, problems: ev.problems, notes: ev.notes, scores: ev.scores, ...extra }, null, 2) + '\n');
  } else {
    const seenText = seen ? '\n\n' + formatSeen(seen, v['seen-from']) : '';
    process.stdout.write(`${v.data}: ${data.sentences.length} sentences, model ${v.model}\n` + formatScores(ev.scores, v['per-relation']) + seenText + '\n');
  }
}
