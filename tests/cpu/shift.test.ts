// SHL (and its alias SAL) SHR SAR ROL ROR by imm8 and by CL, on r/m 8, 16 and 32, compared with the
// host CPU. Counts include 0 (no flag changes), 1 (OF defined), size - 1, size, size + 1, 31, 32
// and larger (masked to 5 bits).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReference, checkProbes, missingForms, report, tableForms, Rng, type Probe } from './harness.js';
import { shift } from './probes.js';
import { GROUP } from './groups.js';

const PER_FORM = 150;

let ref: ReturnType<typeof buildReference>;
beforeAll(() => { ref = buildReference(); });
afterAll(() => ref?.cleanup());

describe('shifts and rotates agree with the host CPU', () => {
  for (const op of GROUP.shift) {
    const forms = tableForms([op]);
    it(`${op}: ${forms.length} forms × ${PER_FORM} operand sets`, () => {
      const rng = new Rng(`shift-${op}`);
      const probes: Probe[] = [];
      for (let i = 0; i < forms.length * PER_FORM; i++) {
        const mnemonic = op === 'shl' && i % 4 === 3 ? 'sal' : op;
        probes.push(shift(rng, i, op, mnemonic, forms[i % forms.length].operands.join(',')));
      }
      const r = checkProbes(ref.bin, op, probes);
      expect(missingForms([op], r.forms), 'forms never assembled').toEqual([]);
      expect(r.failures.length, report(op, r)).toBe(0);
    });
  }
});
