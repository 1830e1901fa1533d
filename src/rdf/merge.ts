/**
 * A graph from a corpus (rin graph): the results of many documents merged into one graph. A
 * normalised name is one node (iris.ts entityKey), its commonest surface form its rdfs:label and
 * the others skos:altLabel; each fact (subject, relation, object) is kept once with the number of
 * documents that support it and its best score. Documents are added one at a time and only the
 * graph is kept, so memory grows with the graph, not with the corpus.
 *
 *   <entity/Aarhus> dbo:country <entity/Denmark> .
 *   <fact/1> a rdf:Statement ; rdf:subject <entity/Aarhus> ; … ; rin:support 12 ; rin:bestScore 0.97 .
 */
import type { Extraction } from '../extract/extractor.ts';
import { PREFIXES, RDF, RDFS, type Statement, XSD } from './graph.ts';
import { RIN, entityIri, relationIri } from './iris.ts';

export const SKOS = PREFIXES.skos;

interface Fact {
  subject: string;
  predicate: string;
  object: string;
  support: number;
  bestScore: number;
  /** The last document that supported it: a fact stated twice in one document counts once. */
  lastDoc: number;
}

export interface MergeFilter {
  /** Keep facts supported by at least this many documents (default 1). */
  minSupport?: number;
  /** Keep facts whose best score is at least this (default 0). */
  minScore?: number;
}

export class GraphMerger {
  private readonly facts = new Map<string, Fact>();
  /** Entity IRI → surface form → how many mentions had it. */
  private readonly labels = new Map<string, Map<string, number>>();
  private docs = 0;

  constructor(
    private readonly base: string,
    private readonly dbpedia = true,
  ) {}

  get documents(): number {
    return this.docs;
  }

  /** One document's extraction. */
  add(r: Extraction): void {
    const doc = this.docs++;
    for (const m of r.entities) {
      const iri = entityIri(this.base, m.text);
      const forms = this.labels.get(iri) ?? new Map<string, number>();
      forms.set(m.text, (forms.get(m.text) ?? 0) + 1);
      this.labels.set(iri, forms);
    }
    for (const t of r.triples) {
      const [s, p, o] = [entityIri(this.base, t.subject.text), relationIri(this.base, t.relation, this.dbpedia), entityIri(this.base, t.object.text)];
      const key = `${s}\t${p}\t${o}`;
      const f = this.facts.get(key) ?? { subject: s, predicate: p, object: o, support: 0, bestScore: 0, lastDoc: -1 };
      if (f.lastDoc !== doc) f.support++;
      f.lastDoc = doc;
      f.bestScore = Math.max(f.bestScore, t.score);
      this.facts.set(key, f);
    }
  }

  /** The merged graph: kept facts, their support and best score, and their entities' labels; and how many facts were kept. */
  graph(filter: MergeFilter = {}): { statements: Statement[]; facts: number } {
    const out: Statement[] = [];
    const named = new Set<string>();
    let n = 0;
    for (const f of this.facts.values()) {
      if (f.support < (filter.minSupport ?? 1) || f.bestScore < (filter.minScore ?? 0)) continue;
      const st = `${this.base}fact/${++n}`;
      out.push(
        { subject: f.subject, predicate: f.predicate, object: { iri: f.object } },
        { subject: st, predicate: `${RDF}type`, object: { iri: `${RDF}Statement` } },
        { subject: st, predicate: `${RDF}subject`, object: { iri: f.subject } },
        { subject: st, predicate: `${RDF}predicate`, object: { iri: f.predicate } },
        { subject: st, predicate: `${RDF}object`, object: { iri: f.object } },
        { subject: st, predicate: `${RIN}support`, object: { value: String(f.support), datatype: `${XSD}nonNegativeInteger` } },
        { subject: st, predicate: `${RIN}bestScore`, object: { value: String(f.bestScore), datatype: `${XSD}double` } },
      );
      named.add(f.subject).add(f.object);
    }
    for (const iri of named) {
      // Commonest form first (ties: the first seen): the label; the rest: alternative labels.
      const [label, ...others] = [...(this.labels.get(iri) ?? [])].sort((a, b) => b[1] - a[1]).map(([form]) => form);
      if (label !== undefined) out.push({ subject: iri, predicate: `${RDFS}label`, object: { value: label } });
      for (const alt of others) out.push({ subject: iri, predicate: `${SKOS}altLabel`, object: { value: alt } });
    }
    return { statements: out, facts: n };
  }
}
