// Every mnemonic of the instruction table is covered by a test: the groups of groups.ts, each
// checked with missingForms by its test file, are together exactly the table's mnemonics. A new
// instruction in the table fails here until a test file runs all its forms and its group lists it.

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { INSTRUCTIONS } from '../../emulator/isa/table.js';
import { CHECKED_BY, GROUP, type GroupName } from './groups.js';

const names = Object.keys(GROUP) as GroupName[];

describe('instruction coverage', () => {
  it('the groups checked by the test files are exactly the mnemonics of the instruction table', () => {
    const table = new Set(INSTRUCTIONS.map((d) => d.mnemonic));
    const grouped = new Set(names.flatMap((g) => GROUP[g]));
    expect([...table].filter((m) => !grouped.has(m)), 'mnemonics of the table that no test checks').toEqual([]);
    expect([...grouped].filter((m) => !table.has(m)), 'mnemonics in a group that the table does not have').toEqual([]);
  });

  it('each group is used by a missingForms check of its test file', () => {
    const missing: string[] = [];
    for (const g of names) {
      const source = readFileSync(new URL(`./${CHECKED_BY[g]}`, import.meta.url), 'utf8');
      if (!source.includes('missingForms(') || !new RegExp(`\\bGROUP\\.${g}\\b`).test(source)) missing.push(`${g} (${CHECKED_BY[g]})`);
    }
    expect(missing, 'groups whose test file does not check them').toEqual([]);
  });
});
