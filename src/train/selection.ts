/** Model selection on dev after each epoch: which epoch is better, what is recorded and printed. */
import type { Scores } from '../eval/metrics.ts';
import type { EpochRecord, TrainState } from './checkpoint.ts';
import type { EpochLoss } from './epoch.ts';

/**
 * A better dev F1 wins. Equal relation F1 (typically 0 while the relation head has not started,
 * as on SciERC's first epochs) goes to the better NER F1, so early stopping does not end a run
 * that learns.
 */
export function isBetter(s: Scores, state: TrainState): boolean {
  const bestNer = state.history[state.bestEpoch - 1]?.dev.nerF1 ?? -1;
  return s.triples.f1 > state.bestF1 || (s.triples.f1 === state.bestF1 && s.ner.f1 > bestNer);
}

/** `seconds`: the whole epoch, training and dev evaluation. */
export function epochRecord(epoch: number, ep: EpochLoss, s: Scores, best: boolean, seconds: number): EpochRecord {
  return {
    epoch,
    loss: ep.loss,
    nerLoss: ep.nerLoss,
    relLoss: ep.relLoss,
    seconds,
    sentencesPerSecond: ep.sentences / ep.seconds,
    dev: {
      precision: s.triples.precision,
      recall: s.triples.recall,
      f1: s.triples.f1,
      nerF1: s.ner.f1,
      partialF1: s.partial.f1,
      ...(s.mode === 'exact' ? { exactF1: s.exact.f1 } : {}),
      ...(s.mode === 'strict' ? { entityF1: s.entities.f1, boundariesF1: s.boundaries.f1 } : {}),
    },
    best,
  };
}

const pct = (x: number) => (100 * x).toFixed(2);

export function epochLine(rec: EpochRecord, s: Scores): string {
  const ner = s.mode === 'strict' ? `entity F1 ${pct(s.entities.f1)}` : `NER F1 ${pct(s.ner.f1)}`;
  return `epoch ${rec.epoch}: loss ${rec.loss.toFixed(3)} (ner ${rec.nerLoss.toFixed(3)}, rel ${rec.relLoss.toFixed(3)}), ${rec.sentencesPerSecond.toFixed(0)} sent/s; dev ${s.mode} P ${pct(s.triples.precision)} R ${pct(s.triples.recall)} F1 ${pct(s.triples.f1)}, ${ner}${rec.best ? '  *best*' : ''} (${rec.seconds.toFixed(0)}s)`;
}
