/**
 * toRdf: extractions as N-Triples, Turtle (both written by the n3 library) or JSON-LD (compact
 * with a context: one node object per subject, written here, since n3 does not write JSON-LD).
 *
 *   import { loadModel, toRdf } from 'rin';
 *   const model = await loadModel();
 *   const results = await model.extract(['Aarhus is in Denmark.', 'Spotify was founded in Stockholm.']);
 *   console.log(toRdf(results, { format: 'turtle', baseIri: 'https://example.org/kg/' }));
 */
import { DataFactory, Writer } from 'n3';
import { UserError } from '../core/errors.ts';
import type { Extraction } from '../extract/extractor.ts';
import { type GraphOptions, PREFIXES, RDF, type Statement, type Term, XSD, documentStatements } from './graph.ts';
import { DEFAULT_BASE_IRI, checkBaseIri } from './iris.ts';

export type RdfFormat = 'ntriples' | 'turtle' | 'jsonld';
export const RDF_FORMATS: RdfFormat[] = ['ntriples', 'turtle', 'jsonld'];

export interface RdfOptions {
  /** 'turtle' (default), 'ntriples' or 'jsonld'. */
  format?: RdfFormat;
  /** Where entity, document and non-DBpedia relation IRIs live (default https://rin.invalid/, a domain that never resolves). */
  baseIri?: string;
  /** Each result's document id, in the IRIs of its mentions (default: 1, 2, … by position). */
  documentIds?: string[];
  /** Map relations named like DBpedia properties to dbo: (default true). */
  dbpedia?: boolean;
}

export function checkRdfFormat(format: unknown): RdfFormat {
  if (!RDF_FORMATS.includes(format as RdfFormat)) throw new UserError(`the RDF format must be ${RDF_FORMATS.join(', ')}; got ${JSON.stringify(format)}`);
  return format as RdfFormat;
}

/** Every statement of the results, each document's after the previous one's. */
export function rdfStatements(results: Extraction | Extraction[], o: RdfOptions = {}): Statement[] {
  const list = Array.isArray(results) ? results : [results];
  if (o.documentIds && o.documentIds.length !== list.length) throw new UserError(`${o.documentIds.length} document ids for ${list.length} results`);
  const g: GraphOptions = { base: checkBaseIri(o.baseIri ?? DEFAULT_BASE_IRI), dbpedia: o.dbpedia };
  const seen = new Set<string>();
  const out: Statement[] = [];
  list.forEach((r, k) => {
    for (const st of documentStatements(r, o.documentIds?.[k] ?? String(k + 1), g)) {
      const key = JSON.stringify(st); // a mention named by two triples, an entity's label or a fact from several documents
      if (!seen.has(key)) out.push(st);
      seen.add(key);
    }
  });
  return out;
}

/**
 * The results as RDF text in the chosen format.
 * @example
 *   const results = await model.extract(['Aarhus is in Denmark.', 'Spotify was founded in Stockholm.']);
 *   const turtle = toRdf(results, { format: 'turtle', baseIri: 'https://example.org/kg/', documentIds: ['a', 'b'] });
 *   // <https://example.org/kg/entity/Spotify> dbo:foundationPlace <https://example.org/kg/entity/Stockholm>. …
 */
export function toRdf(results: Extraction | Extraction[], o: RdfOptions = {}): string {
  const format = checkRdfFormat(o.format ?? 'turtle');
  return formatStatements(rdfStatements(results, o), format);
}

/** Statements as RDF text (rin graph writes its merged graph with it too). */
export function formatStatements(statements: Statement[], format: RdfFormat): string {
  return format === 'jsonld' ? `${JSON.stringify(toJsonLd(statements), null, 1)}\n` : writeN3(statements, format);
}

function writeN3(statements: Statement[], format: 'ntriples' | 'turtle'): string {
  const { namedNode, literal, quad } = DataFactory;
  const writer = new Writer(format === 'turtle' ? { prefixes: PREFIXES } : { format: 'N-Triples' });
  for (const s of statements) {
    const object = 'iri' in s.object ? namedNode(s.object.iri) : literal(s.object.value, s.object.datatype ? namedNode(s.object.datatype) : undefined);
    writer.addQuad(quad(namedNode(s.subject), namedNode(s.predicate), object));
  }
  let text: string | undefined;
  writer.end((error, result) => {
    if (error) throw error;
    text = result;
  });
  if (text === undefined) throw new Error('n3 Writer did not finish synchronously');
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

/** A compact IRI ("nif:beginIndex") where a prefix of the context covers it. */
function compact(iri: string): string {
  for (const [p, ns] of Object.entries(PREFIXES)) if (iri.startsWith(ns) && iri.length > ns.length) return `${p}:${iri.slice(ns.length)}`;
  return iri;
}

function jsonValue(t: Term): unknown {
  if ('iri' in t) return { '@id': t.iri };
  return t.datatype && t.datatype !== `${XSD}string` ? { '@value': t.value, '@type': compact(t.datatype) } : t.value;
}

/** JSON-LD 1.1, compacted by hand: {"@context": prefixes, "@graph": [one node per subject]}. */
export function toJsonLd(statements: Statement[]): { '@context': Record<string, string>; '@graph': Record<string, unknown>[] } {
  const nodes = new Map<string, Record<string, unknown[]>>();
  for (const s of statements) {
    let node = nodes.get(s.subject);
    if (!node) nodes.set(s.subject, (node = {}));
    const isType = s.predicate === `${RDF}type` && 'iri' in s.object;
    const key = isType ? '@type' : compact(s.predicate);
    (node[key] ??= []).push(isType ? compact((s.object as { iri: string }).iri) : jsonValue(s.object));
  }
  const graph = [...nodes].map(([id, props]) => ({ '@id': id, ...Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) }));
  return { '@context': PREFIXES, '@graph': graph };
}
