/** scripts/fuse-sentences.ts: which texts are fused, and how. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuse } from '../scripts/fuse-sentences.ts';

const bean = {
  text: 'Alan Bean was born in Wheeler , Texas . He was a crew member of Apollo 12 .',
  triple_list: [
    ['Alan Bean', 'birthPlace', 'Wheeler , Texas'],
    ['Alan Bean', 'was a crew member of', 'Apollo 12'],
  ] as [string, string, string][],
};

test('fuse: "X VP1 . He VP2" becomes "X , who VP1 , VP2", "It" takes "which"', () => {
  assert.deepEqual(fuse(bean), { text: 'Alan Bean , who was born in Wheeler , Texas , was a crew member of Apollo 12 .' });
  const it = {
    text: 'Aarhus Airport serves Aarhus . It is operated by Aktieselskab .',
    triple_list: [
      ['Aarhus Airport', 'cityServed', 'Aarhus'],
      ['Aarhus Airport', 'operator', 'Aktieselskab'],
    ] as [string, string, string][],
  };
  assert.deepEqual(fuse(it), { text: 'Aarhus Airport , which serves Aarhus , is operated by Aktieselskab .' });
});

test('fuse: "X is a NP . She VP2" becomes the apposition "X , a NP , VP2"; later sentences stay', () => {
  const r = {
    text: 'Ada Lovelace is an English writer . She was born in London . She died in 1852 .',
    triple_list: [
      ['Ada Lovelace', 'birthPlace', 'London'],
      ['Ada Lovelace', 'deathYear', '1852'],
    ] as [string, string, string][],
  };
  assert.deepEqual(fuse(r), { text: 'Ada Lovelace , an English writer , was born in London . She died in 1852 .' });
});

test('fuse: a pronoun that may not be X, no pronoun, or no leading mention: not fused', () => {
  // "It" could be Texas: a triple ties the second sentence to Texas, not to X.
  const other = {
    text: 'Alan Bean was born in Texas . It is in the United States .',
    triple_list: [
      ['Alan Bean', 'birthPlace', 'Texas'],
      ['Texas', 'country', 'United States'],
    ] as [string, string, string][],
  };
  assert.ok('skip' in fuse(other));
  assert.ok('skip' in fuse({ ...bean, text: bean.text.replace('He was', 'Bean was') }));
  assert.ok('skip' in fuse({ text: 'In 1969 , Alan Bean flew . He was born in Wheeler .', triple_list: [['Alan Bean', 'birthPlace', 'Wheeler']] }));
  assert.ok('skip' in fuse({ text: 'Alan Bean was born in Wheeler . He flew .', triple_list: [['Alan Bean', 'birthPlace', 'Wheeler']] }), 'no triple in the second sentence');
});
