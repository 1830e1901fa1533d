/**
 * `rin train`'s hyperparameter flags from the option tables (model/options.ts): the parseArgs
 * spec, the values the flags set, and the help lines with the paper's and the default preset's values.
 */
import type { OptionSpec } from '../model/options.ts';
import { type OptionSpec as ParseSpec, type Values, choice, defined, num } from './args.ts';

type Table = Record<string, OptionSpec>;

/** parseArgs options for every flag of a table. */
export function flagSpec(table: Table): ParseSpec {
  const out: ParseSpec = {};
  for (const s of Object.values(table)) {
    if (s.flag) out[s.flag] = { type: s.type === 'bool' ? 'boolean' : 'string' };
    if (s.off) out[s.off] = { type: 'boolean' };
  }
  return out;
}

/** The settings the given flags make (checked: a bad number or choice is a UserError naming the flag). */
export function fromFlags<T>(table: Table, v: Values): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(table)) {
    if (s.type === 'bool') out[key] = s.flag && v[s.flag] ? true : s.off && v[s.off] ? false : undefined;
    else if (!s.flag) continue;
    else if (s.type === 'choice') out[key] = choice(s.flag, v[s.flag], s.values);
    else out[key] = num(s.flag, v[s.flag]);
  }
  return defined(out) as Partial<T>;
}

const INDENT = 24;
const WIDTH = 96;

/** Help lines of a table's flags; each value says the paper's default and the preset's where it differs. */
export function optionHelp(table: Table, preset: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, s] of Object.entries(table)) {
    const p = preset[key];
    const differs = p !== undefined && p !== s.default;
    if (s.type === 'bool') {
      const note = (on: boolean) => (differs && p === on ? ` (the default preset's choice)` : '');
      if (s.flag) lines.push(...entry(`--${s.flag}`, `${s.help}${note(true)}`));
      if (s.off) lines.push(...entry(`--${s.off}`, `${s.offHelp}${note(false)}`));
    } else if (s.flag) {
      const defaults = differs ? `paper ${s.default}, default preset ${p}` : `default ${s.default}`;
      lines.push(...entry(`--${s.flag} ${s.arg}`, `${s.help} (${defaults})`));
    }
  }
  return lines.join('\n');
}

/** `  --flag ARG   help`, the help wrapped at WIDTH under its own column. */
function entry(name: string, help: string): string[] {
  const head = `  ${name}`;
  const words = help.split(' ');
  const lines: string[] = [];
  let line = head.length < INDENT ? head.padEnd(INDENT) : `${head} `;
  let fresh = true;
  for (const w of words) {
    if (!fresh && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(INDENT);
      fresh = true;
    }
    line += (fresh ? '' : ' ') + w;
    fresh = false;
  }
  lines.push(line);
  return lines;
}
