/**
 * The paper's experiments (Sun et al. 2020, §5) as a plan of training runs, each `--preset paper`
 * with one seed: Table 1's rows over 5 seeds, Table 5's ablations at K = 1 over 3, Figure 3's
 * K = 1..5 for the GRU and the RNN updater over 3, and Table 1's rows on WebNLG exact over 3.
 * A run shared by several tables (RIN K=1 seed 1 is in Table 1, Table 5 and Figure 3) is one run.
 */
export type DataSet = 'star' | 'exact';

export interface PlanRun {
  /** Also its folder under the output folder. */
  name: string;
  data: DataSet;
  /** The configuration (a row or point), shared by its seeds. */
  config: string;
  seed: number;
  /** rin train flags beyond the common ones. */
  args: string[];
}

/** A configuration: its flags. */
export const CONFIGS: Record<string, string[]> = {
  bilstm: ['--variant', 'bilstm'],
  bilstm_s: ['--variant', 'bilstm_s'],
  ...Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`rin-k${k}`, ['--variant', 'rin', '--rounds', String(k)]])),
  ...Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`rnn-k${k}`, ['--variant', 'rin_rnn', '--rounds', String(k)]])),
  'rin-no-yrel': ['--variant', 'rin', '--rounds', '1', '--ablate', 'rel'],
  'rin-no-yent': ['--variant', 'rin', '--rounds', '1', '--ablate', 'ent'],
  'rin-no-h': ['--variant', 'rin', '--rounds', '1', '--ablate', 'h'],
  'rin-linear': ['--variant', 'rin_linear', '--rounds', '1'],
};

const seeds = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

/** What each table needs: configuration → seeds, per data set. */
export const TABLES = {
  table1: { data: 'star' as DataSet, configs: ['bilstm', 'bilstm_s', 'rin-k1', 'rin-k3', 'rin-k5'], seeds: seeds(5) },
  // RIN−INT is BiLSTM_s (the paper says so): its runs are Table 1's.
  table5: { data: 'star' as DataSet, configs: ['rin-k1', 'rin-no-yrel', 'rin-no-yent', 'rin-no-h', 'bilstm_s', 'rin-linear'], seeds: seeds(3) },
  figure3: { data: 'star' as DataSet, configs: ['bilstm_s', ...[1, 2, 3, 4, 5].flatMap((k) => [`rin-k${k}`, `rnn-k${k}`])], seeds: seeds(3) },
  exact: { data: 'exact' as DataSet, configs: ['bilstm', 'bilstm_s', 'rin-k1', 'rin-k3', 'rin-k5'], seeds: seeds(3) },
};

/** Every run of the plan once, cheapest tables first so a partial plan fills whole rows early. */
export function plan(): PlanRun[] {
  const out = new Map<string, PlanRun>();
  for (const t of [TABLES.table5, TABLES.figure3, TABLES.table1, TABLES.exact])
    for (const seed of t.seeds)
      for (const config of t.configs) {
        const name = `${t.data}-${config}-s${seed}`;
        if (!out.has(name)) out.set(name, { name, data: t.data, config, seed, args: [...CONFIGS[config], '--seed', String(seed)] });
      }
  return [...out.values()];
}

/** The paper's figures (WebNLG columns of Tables 1 and 5; Table 4 is NYT only, Figure 3 has no numbers). */
export const PAPER = {
  table1: { bilstm: [84.9, 86.3, 85.6], bilstm_s: [85.0, 85.8, 85.4], 'rin-k1': [86.7, 86.0, 86.3], 'rin-k3': [86.0, 88.0, 87.0], 'rin-k5': [86.1, 87.6, 86.8] } as Record<
    string,
    [number, number, number]
  >,
  /** NYT: RE F1, NER F1. */
  table4nyt: { bilstm: [78.2, 87.3], bilstm_s: [78.1, 87.6], 'rin-k1': [81.5, 90.1], 'rin-k5': [82.4, 90.9] } as Record<string, [number, number]>,
  table5: { 'rin-k1': 86.3, 'rin-no-yrel': 85.5, 'rin-no-yent': 85.7, 'rin-no-h': 85.9, bilstm_s: 85.4, 'rin-linear': 84.9 } as Record<string, number>,
  /** The camera-ready's WebNLG exact setting: RIN's F1 only. */
  exactRin: 77.0,
};
