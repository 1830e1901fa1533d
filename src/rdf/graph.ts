/**
 * Extractions → RDF statements: each triple as a fact between entity IRIs, and where it came
 * from in NIF 2.0 (the NLP Interchange Format). Why NIF: its offsets count Unicode code points,
 * as rin's results do; a mention's IRI is its document plus its offsets (RFC 5147's
 * `#char=start,end`), so the same stretch of text is one node wherever it is named; and it is
 * plain RDF 1.1, which every store reads (RDF-star annotations are not, yet; Web Annotation
 * selectors need a blank node per selector). Each extracted triple is also an rdf:Statement
 * carrying its score and its subject's and object's mentions.
 *
 *   <entity/Aarhus> dbo:location <entity/Denmark> .
 *   <doc/1#char=0,6> a nif:Phrase ; nif:beginIndex 0 ; nif:endIndex 6 ; nif:anchorOf "Aarhus" ;
 *       nif:referenceContext <doc/1#char=0,21> ; itsrdf:taIdentRef <entity/Aarhus> ; rin:score 0.98 .
 *   <doc/1#triple-0> a rdf:Statement ; rdf:subject … ; rin:subjectMention <doc/1#char=0,6> ; rin:score 0.66 .
 */
import { type Extraction, type Mention, withOffsets } from '../extract/extractor.ts';
import { RIN, entityIri, iriSegment, relationIri } from './iris.ts';

export const NIF = 'http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#';
export const ITSRDF = 'http://www.w3.org/2005/11/its/rdf#';
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const PREFIXES: Record<string, string> = {
  rdf: RDF,
  rdfs: RDFS,
  xsd: XSD,
  skos: 'http://www.w3.org/2004/02/skos/core#',
  nif: NIF,
  itsrdf: ITSRDF,
  dbo: 'http://dbpedia.org/ontology/',
  rin: RIN,
};

/** An RDF term: an IRI, or a literal with its datatype (xsd:string when none). */
export type Term = { iri: string } | { value: string; datatype?: string };
export interface Statement {
  subject: string;
  predicate: string;
  object: Term;
}

export interface GraphOptions {
  /** The base IRI (checked, ending in / or #): entities, documents and non-DBpedia relations go under it. */
  base: string;
  /** Relations named like DBpedia properties map to dbo: (default true: the shipped models' relations are WebNLG's DBpedia properties). */
  dbpedia?: boolean;
}

const int = (n: number): Term => ({ value: String(n), datatype: `${XSD}nonNegativeInteger` });
const dbl = (x: number): Term => ({ value: String(x), datatype: `${XSD}double` });

/** Every statement of one document's extraction; one may come twice (a mention named by two triples): rdfStatements keeps each once. */
export function documentStatements(result: Extraction, docId: string, o: GraphOptions): Statement[] {
  const r = withOffsets(result, 'codepoint'); // NIF counts code points; results asked for in UTF-16 are recounted
  const out: Statement[] = [];
  const add = (subject: string, predicate: string, object: Term) => out.push({ subject, predicate, object });
  const doc = `${o.base}doc/${iriSegment(docId)}`;
  const span = (start: number, end: number) => `${doc}#char=${start},${end}`;
  const context = span(0, [...r.text].length);
  add(context, `${RDF}type`, { iri: `${NIF}Context` });
  add(context, `${NIF}isString`, { value: r.text });
  add(context, `${NIF}beginIndex`, int(0));
  add(context, `${NIF}endIndex`, int([...r.text].length));
  for (const s of r.sentences) {
    add(span(s.start, s.end), `${RDF}type`, { iri: `${NIF}Sentence` });
    add(span(s.start, s.end), `${NIF}referenceContext`, { iri: context });
  }
  const mention = (m: Mention): string => {
    const iri = span(m.start, m.end);
    const entity = entityIri(o.base, m.text);
    add(iri, `${RDF}type`, { iri: `${NIF}Phrase` });
    add(iri, `${NIF}referenceContext`, { iri: context });
    add(iri, `${NIF}beginIndex`, int(m.start));
    add(iri, `${NIF}endIndex`, int(m.end));
    add(iri, `${NIF}anchorOf`, { value: m.text });
    add(iri, `${ITSRDF}taIdentRef`, { iri: entity });
    add(iri, `${RIN}score`, dbl(m.score));
    if (m.type) add(iri, `${RIN}entityType`, { value: m.type });
    add(entity, `${RDFS}label`, { value: m.text });
    return iri;
  };
  for (const m of r.entities) mention(m);
  r.triples.forEach((t, k) => {
    const [s, p, obj] = [entityIri(o.base, t.subject.text), relationIri(o.base, t.relation, o.dbpedia ?? true), entityIri(o.base, t.object.text)];
    add(s, p, { iri: obj });
    const st = `${doc}#triple-${k}`;
    add(st, `${RDF}type`, { iri: `${RDF}Statement` });
    add(st, `${RDF}subject`, { iri: s });
    add(st, `${RDF}predicate`, { iri: p });
    add(st, `${RDF}object`, { iri: obj });
    add(st, `${RIN}subjectMention`, { iri: mention(t.subject) });
    add(st, `${RIN}objectMention`, { iri: mention(t.object) });
    add(st, `${RIN}score`, dbl(t.score));
    add(st, `${NIF}referenceContext`, { iri: context });
  });
  return out;
}
