// docs/isa.md carries the opcode map generated from the instruction table; this keeps them equal.
// After changing the table, regenerate with: UPDATE_DOCS=1 npx vitest run tests/isa

import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { opcodeMapMarkdown } from '../../emulator/isa/opcodemap.js';

const DOC = new URL('../../docs/isa.md', import.meta.url);
const BEGIN = '<!-- opcode map: generated from emulator/isa/table.ts -->';
const END = '<!-- end of opcode map -->';

describe('docs/isa.md', () => {
  it('shows the opcode map of the current instruction table', () => {
    const doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(BEGIN);
    const b = doc.indexOf(END);
    expect(a, 'docs/isa.md lacks the opcode-map markers').toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    const current = doc.slice(a + BEGIN.length, b).trim();
    const generated = opcodeMapMarkdown().trim();
    if (process.env.UPDATE_DOCS && current !== generated) {
      writeFileSync(DOC, doc.slice(0, a + BEGIN.length) + '\n\n' + generated + '\n\n' + doc.slice(b));
      return;
    }
    expect(current, 'the opcode map in docs/isa.md is stale: run UPDATE_DOCS=1 npx vitest run tests/isa').toBe(generated);
  });
});
