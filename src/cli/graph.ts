/** `rin graph`: merge the results of `rin extract --jsonl` into one knowledge graph (src/rdf/merge.ts). */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { writeFileAtomic } from '../core/atomic.ts';
import { UserError } from '../core/errors.ts';
import type { Extraction } from '../extract/extractor.ts';
import { DEFAULT_BASE_IRI, checkBaseIri } from '../rdf/iris.ts';
import { GraphMerger } from '../rdf/merge.ts';
import { checkRdfFormat, formatStatements } from '../rdf/write.ts';
import { int, parse, probability, required } from './args.ts';

const graphHelp = `usage: rin graph --jsonl RESULTS.jsonl [--out GRAPH] [options]

Merges the results of rin extract --jsonl (one JSON result per line) into one graph: one node
per normalised entity name (its commonest surface form as rdfs:label, the others as
skos:altLabel), each fact once, with rin:support (how many lines state it) and rin:bestScore.
Lines are read one at a time: memory grows with the graph, not with the corpus. Error records
({"line", "error"}) are counted and skipped.

  --jsonl FILE       results of rin extract --jsonl (- = stdin)
  --out FILE         write the graph here (atomically) instead of standard output
  --format F         turtle (default), ntriples or jsonld
  --base-iri IRI     where entities and facts live (default ${DEFAULT_BASE_IRI})
  --min-support N    keep facts stated by at least N lines (default 1)
  --min-score X      keep facts whose best score is at least X (default 0)
`;

export async function graphCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('graph', argv, {
    jsonl: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    'base-iri': { type: 'string' },
    'min-support': { type: 'string' },
    'min-score': { type: 'string' },
  });
  if (v.help) return void process.stdout.write(graphHelp);
  if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}" (see rin graph --help)`);
  const file = required('graph', 'jsonl', v.jsonl);
  const format = checkRdfFormat(v.format ?? 'turtle');
  const base = checkBaseIri(v['base-iri'] ?? DEFAULT_BASE_IRI);
  const minSupport = int('min-support', v['min-support'], 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const minScore = probability('min-score', v['min-score']) ?? 0;
  if (file !== '-' && statSync(file, { throwIfNoEntry: false })?.isFile() !== true) throw new UserError(`${file}: no such file`);

  const merger = new GraphMerger(base);
  let line = 0,
    errors = 0;
  const lines = createInterface({ input: file === '-' ? process.stdin : createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let r: Extraction & { error?: string };
    try {
      r = JSON.parse(text);
    } catch (e) {
      throw new UserError(`${file}, line ${line}: not JSON (${(e as Error).message}); rin graph reads the output of rin extract --jsonl`);
    }
    if (r.error !== undefined) {
      errors++;
      continue;
    }
    if (typeof r.text !== 'string' || !Array.isArray(r.entities) || !Array.isArray(r.triples))
      throw new UserError(`${file}, line ${line}: not a result of rin extract (it needs "text", "entities" and "triples")`);
    merger.add(r);
  }
  const { statements, facts } = merger.graph({ minSupport, minScore });
  const out = formatStatements(statements, format);
  if (v.out) writeFileAtomic(v.out, out);
  else process.stdout.write(out);
  process.stderr.write(`rin graph: ${merger.documents} results read${errors ? `, ${errors} error records skipped` : ''}; ${facts} facts kept\n`);
}
