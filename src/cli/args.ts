/**
 * Small helpers shared by the commands: option parsing with clear errors, and number options.
 * Messages do not name the command: main.ts prefixes every error with "rin CMD: error:".
 */
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.ts';
import { checkThreshold } from '../eval/decode.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parsed option values: strings for string options, booleans for flags (checked by parseArgs). */
// biome-ignore lint/suspicious/noExplicitAny: each command reads its own options by name
export type Values = Record<string, any>;

export function parse(cmd: string, argv: string[], options: OptionSpec): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's own wording suggests "-- --flag" for an unknown option: name the option instead.
    const err = e as NodeJS.ErrnoException;
    const flag = /'(-[^']*)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) throw new UserError(`unknown option ${flag} (see rin ${cmd} --help)`);
    throw new UserError(`${err.message} (see rin ${cmd} --help)`);
  }
}

export function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UserError(`--${name} must be a number, got "${v}"`);
  return x;
}

/** A probability flag (--threshold, --min-score): one message for anything that is not a number from 0 to 1. */
export function probability(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  try {
    return checkThreshold(v.trim() === '' ? Number.NaN : Number(v)); // the library's rule
  } catch {
    throw new UserError(`--${name} must be a number from 0 to 1, got "${v}"`);
  }
}

export const threshold = (v: string | undefined): number | undefined => probability('threshold', v);

/** A whole number from `min` to `max`, e.g. a port. */
export function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isInteger(x) || x < min || x > max) throw new UserError(`--${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return x;
}

export function required(cmd: string, name: string, v: string | undefined): string {
  if (!v) throw new UserError(`--${name} is required (see rin ${cmd} --help)`);
  return v;
}

/** Drop undefined entries so config defaults apply. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A string option limited to a few values. */
export function choice<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UserError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export const SPANS = ['auto', 'full', 'head'] as const;
