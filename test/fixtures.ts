/** Small labelled sentences for training tests, as Sentence objects and as CasRel JSON. */
import type { Sentence, Triple } from '../src/data/types.ts';

/** [text, [subject, relation, object] ...] with whole-span entities. */
export const TINY_CORPUS: [string, [string, string, string][]][] = [
  ['John Smith was born in London .', [['John Smith', 'born_in', 'London']]],
  ['Mary lives in Paris and works for Acme Corp .', [['Mary', 'lives_in', 'Paris'], ['Mary', 'works_for', 'Acme Corp']]],
  ['Acme Corp is based in Berlin .', [['Acme Corp', 'based_in', 'Berlin']]],
  ['Peter was born in Rome and lives in Oslo .', [['Peter', 'born_in', 'Rome'], ['Peter', 'lives_in', 'Oslo']]],
  ['Globex , based in Madrid , employs Anna Lee .', [['Globex', 'based_in', 'Madrid'], ['Anna Lee', 'works_for', 'Globex']]],
  ['The singer Tom Wu lives in Vienna .', [['Tom Wu', 'lives_in', 'Vienna']]],
  ['Initech hired Bob , who was born in Lima .', [['Bob', 'works_for', 'Initech'], ['Bob', 'born_in', 'Lima']]],
  ['Sara works for Globex and lives in Madrid .', [['Sara', 'works_for', 'Globex'], ['Sara', 'lives_in', 'Madrid']]],
];

function find(tokens: string[], words: string[]): number {
  for (let i = 0; i + words.length <= tokens.length; i++) if (words.every((w, k) => tokens[i + k] === w)) return i;
  throw new Error(`fixture: "${words.join(' ')}" not in "${tokens.join(' ')}"`);
}

export function tinySentences(): Sentence[] {
  return TINY_CORPUS.map(([text, trs], record) => {
    const tokens = text.split(' ');
    const triples: Triple[] = trs.map(([s, r, o]) => {
      const sw = s.split(' '), ow = o.split(' ');
      const si = find(tokens, sw), oi = find(tokens, ow);
      return { subject: { start: si, end: si + sw.length }, relation: r, object: { start: oi, end: oi + ow.length } };
    });
    return { tokens, triples, source: { file: 'tiny', record } };
  });
}

export function tinyCasrelJson(): string {
  return JSON.stringify(TINY_CORPUS.map(([text, triple_list]) => ({ text, triple_list })));
}
