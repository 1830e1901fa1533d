/** One epoch of a training run, as metrics.jsonl and the checkpoint record it (no tfjs types: part of rin's public surface). */
export interface EpochRecord {
  epoch: number;
  loss: number;
  nerLoss: number;
  relLoss: number;
  seconds: number;
  sentencesPerSecond: number;
  dev: { precision: number; recall: number; f1: number; nerF1: number; partialF1: number; exactF1?: number; entityF1?: number; boundariesF1?: number };
  best: boolean;
}
