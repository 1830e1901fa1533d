/**
 * What the service says about its model: the model card with the model named by its directory's
 * name, and every absolute path in it (e.g. the training files in meta.training) cut to its last
 * part, so no filesystem layout of the server leaves it.
 */
import { basename, isAbsolute } from 'node:path';
import type { ModelCard } from '../extract/load.ts';

/** A copy of `v` with each string that is an absolute path replaced by its base name. */
function hidePaths(v: unknown): unknown {
  if (typeof v === 'string') return isAbsolute(v) ? basename(v) : v;
  if (Array.isArray(v)) return v.map(hidePaths);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, hidePaths(w)]));
  return v;
}

/** @param card modelCard() of the extractor, or the card an ExtractorPool's workers sent. */
export function publicCard(card: ModelCard) {
  const { path, readme, ...facts } = card;
  return { name: basename(path), ...(hidePaths(facts) as typeof facts), readme };
}
