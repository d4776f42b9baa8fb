// ADD ADC SUB SBB CMP AND OR XOR TEST in every operand form of the instruction table, at 8, 16
// and 32 bits, each result and each defined flag compared with the host CPU (tests/cpu/reference).

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReference, checkProbes, missingForms, report, tableForms, Rng, type Probe } from './harness.js';
import { twoOperand } from './probes.js';
import { GROUP } from './groups.js';

/** Probes per operand form. */
const PER_FORM = 100;

let ref: ReturnType<typeof buildReference>;
beforeAll(() => { ref = buildReference(); });
afterAll(() => ref?.cleanup());

describe('ALU instructions agree with the host CPU', () => {
  for (const op of GROUP.alu) {
    const forms = tableForms([op]);
    it(`${op}: ${forms.length} forms × ${PER_FORM} operand sets`, () => {
      const rng = new Rng(`alu-${op}`);
      const probes: Probe[] = [];
      for (let i = 0; i < forms.length * PER_FORM; i++) {
        probes.push(twoOperand(rng, i, op, op, forms[i % forms.length].operands.join(',')));
      }
      const r = checkProbes(ref.bin, op, probes);
      expect(missingForms([op], r.forms), 'forms never assembled').toEqual([]);
      expect(r.failures.length, report(op, r)).toBe(0);
    });
  }
});
