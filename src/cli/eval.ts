import { describeReport, loadDataset } from '../data/load.ts';
import { initBackend } from '../engine/backend.ts';
import { evaluate } from '../eval/evaluate.ts';
import { formatScores } from '../eval/metrics.ts';
import { loadModel } from '../io/modelDir.ts';
import { FORMATS, SPANS, choice, num, parse, required } from './args.ts';

export const evalHelp = `rin eval — score a saved model on a labelled file

usage: rin eval --model DIR --data FILE [options]

  --model DIR           a model directory (from rin train)
  --data FILE           labelled data in any supported format (.gz ok)
  --format F            auto | casrel | zeng | spert | jsonl (default auto)
  --spans S             auto | full | head (default auto: full when any entity has several words)
  --threshold X         extract a triple when p ≥ X (default 0.5, as the paper)
  --per-relation        also print scores per relation
  --json                print the full scores as JSON
  --no-progress         no progress lines

Headline match: partial (relation + last word of subject and object, as the paper) for
last-word data, exact (whole spans) for full-span data; both are reported for full spans.
Models trained on typed data are scored as that literature does: entities (span and type),
relations strict (both entities' spans and types, and the relation) and boundaries-only;
relations the data declares symmetric match in either direction.
`;

export async function evalCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('eval', argv, {
    model: { type: 'string' }, data: { type: 'string' }, format: { type: 'string' }, spans: { type: 'string' },
    threshold: { type: 'string' }, 'per-relation': { type: 'boolean' }, json: { type: 'boolean' }, 'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(evalHelp);
  await initBackend();
  const model = loadModel(required('eval', 'model', v.model));
  const data = loadDataset(required('eval', 'data', v.data), { format: choice('eval', 'format', v.format, FORMATS), spans: choice('eval', 'spans', v.spans, SPANS) });
  process.stderr.write(describeReport(data) + '\n');
  const ev = evaluate(model, data.sentences, data.spans, { threshold: num('eval', 'threshold', v.threshold), progress: !v['no-progress'], symmetric: data.symmetric });
  for (const p of ev.problems) process.stderr.write(`${p.file} record ${p.record}: ${p.message}\n`);
  for (const n of ev.notes) process.stderr.write(`note: ${n}\n`);
  if (v.json) {
    process.stdout.write(JSON.stringify({ model: v.model, data: v.data, load: data.report, problems: ev.problems, notes: ev.notes, scores: ev.scores }, null, 2) + '\n');
  } else {
    process.stdout.write(`${v.data}: ${data.sentences.length} sentences, model ${v.model}\n` + formatScores(ev.scores, v['per-relation']) + '\n');
  }
}
