/**
 * Where the service's model calls run: in this thread (an Extractor) or in worker threads (an
 * ExtractorPool, `rin serve --workers N`). The batcher sees one interface for both.
 */
import type { Extraction, Extractor } from '../extract/extractor.ts';
import { type ModelCard, modelCard } from '../extract/load.ts';
import { ExtractorPool } from '../extract/pool.ts';

export interface Runner {
  /** Model calls that can run at once: 1 in this thread, one per worker. */
  readonly parallel: number;
  readonly card: ModelCard;
  /** A small group of texts: one model call. */
  run(texts: string[], threshold?: number): Promise<Extraction[]>;
  /** A large request: chunked, small groups run between its chunks, stopped at the deadline. */
  runLarge(texts: string[], o: { threshold?: number; deadline: number }): Promise<Extraction[]>;
}

export function runnerOf(x: Extractor | ExtractorPool): Runner {
  if (x instanceof ExtractorPool) {
    return {
      parallel: x.size,
      card: x.card,
      run: (texts, threshold) => x.extract(texts, { threshold }),
      runLarge: (texts, o) => x.extract(texts, { ...o, chunked: true }),
    };
  }
  return {
    parallel: 1,
    card: modelCard(x),
    run: (texts, threshold) => x.extract(texts, { threshold }), // async: the native engine's path, when the model has one
    runLarge: (texts, o) => x.extract(texts, o),
  };
}
