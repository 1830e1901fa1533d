// Extract triples from raw text with the model rin ships (README: "Library").
// Run: node --import tsx examples/extract.ts
import { loadModel } from '../src/index.ts';

const model = await loadModel(); // no path: the shipped model, models/webnlg-union-rin
const text = 'Ottawa is the capital of Canada, whose currency is the Canadian dollar.';
const result = await model.extract(text); // one text → one Extraction; an array → an array

for (const t of result.triples) {
  const span = (m: { text: string; start: number; end: number }) => `"${m.text}" [${m.start}, ${m.end})`;
  console.log(`${span(t.subject)} --${t.relation}--> ${span(t.object)}  p=${t.score.toFixed(2)}`);
}
console.log(`entities: ${result.entities.map((e) => e.text).join(' | ')}`);

// Many texts, streamed (e.g. the lines of a corpus), results in input order:
for await (const r of model.extractStream(['NASA operated Apollo 12.', 'Aarhus is in Denmark.'])) {
  console.log(`${r.text} → ${r.triples.length} triple(s), ${r.entities.length} entities`);
}
