/**
 * A model's weights (tf.Variables by parameter name), for experiments through rin/internals.
 * RinModel's declarations leave `params` out, so that tfjs types stay out of the declarations
 * `import … from 'rin'` reaches; this file is reached only from rin/internals.
 */
import type { Params } from '../model/params.ts';
import type { RinModel } from './modelDir.ts';

export function modelParams(m: RinModel): Params {
  return m.params;
}
