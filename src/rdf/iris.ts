/**
 * IRIs for a knowledge graph of extracted triples: entities minted from their normalised
 * mention under a base IRI, relations on DBpedia's ontology when the name is a DBpedia
 * property (WebNLG's are: birthPlace → dbo:birthPlace), else under the base.
 */
import { UserError } from '../core/errors.ts';

export const DBO = 'http://dbpedia.org/ontology/';
/** The default base: the reserved .invalid domain never resolves, so no one else's names are claimed. */
export const DEFAULT_BASE_IRI = 'https://rin.invalid/';
/** rin's few terms of its own (a score, a triple's mentions). */
export const RIN = 'https://rin.invalid/ns#';

/** A base IRI must be absolute (a scheme, then something) and end where names can follow. */
export function checkBaseIri(base: string): string {
  if (typeof base !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(base))
    throw new UserError(`the base IRI must be an absolute IRI such as https://example.org/kg/, got ${JSON.stringify(base)}`);
  return /[/#]$/.test(base) ? base : `${base}/`;
}

/**
 * One name per entity, whatever its surface form: Unicode NFC, spaces runs as one, trimmed,
 * case kept (names are case-sensitive: "US" is not "us"). Two mentions with the same key are
 * one node of the graph.
 */
export function entityKey(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * A string made safe for the path of an IRI: spaces become "_" (as DBpedia names resources),
 * and every character an IRI may not hold unescaped, or that would end the path (quotes, <>,
 * control characters, "#", "?", "/", "%", "'") is percent-encoded as UTF-8. Letters of the
 * Basic Multilingual Plane stay as they are (IRIs allow them, and they read better); characters
 * beyond it (emoji) are percent-encoded, which every RDF tool reads.
 */
export function iriSegment(name: string): string {
  let out = '';
  for (const ch of name.replace(/ /g, '_')) {
    const cp = ch.codePointAt(0)!;
    const plain = /[A-Za-z0-9\-._~!$&()*+,;=:@]/.test(ch) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) || (cp >= 0xfdf0 && cp <= 0xffef);
    out += plain ? ch : percent(ch);
  }
  return out || '_';
}

/** UTF-8 percent-encoding of one character; a lone surrogate (not Unicode) becomes U+FFFD's. */
function percent(ch: string): string {
  try {
    return encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return '%EF%BF%BD';
  }
}

/** The entity's IRI under the base. */
export function entityIri(base: string, text: string): string {
  return `${base}entity/${iriSegment(entityKey(text))}`;
}

/** A DBpedia ontology property name: lower camel case, letters and digits only. */
const DBPEDIA_PROPERTY = /^[a-z][A-Za-z0-9]*$/;

/** The relation's IRI: DBpedia's ontology for DBpedia property names (`dbpedia: true`), else under the base. */
export function relationIri(base: string, relation: string, dbpedia: boolean): string {
  return dbpedia && DBPEDIA_PROPERTY.test(relation) ? `${DBO}${relation}` : `${base}relation/${iriSegment(relation)}`;
}
