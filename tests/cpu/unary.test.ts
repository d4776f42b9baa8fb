// INC DEC NEG NOT in every operand form (r/m 8, 16, 32), compared with the host CPU. INC and DEC
// keep CF and NOT keeps every flag: the probes whose flags come from earlier instructions check
// that toy86's lazy flags pass them through.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReference, checkProbes, missingForms, report, tableForms, Rng, type Probe } from './harness.js';
import { unary } from './probes.js';
import { GROUP } from './groups.js';

const PER_FORM = 250;

let ref: ReturnType<typeof buildReference>;
beforeAll(() => { ref = buildReference(); });
afterAll(() => ref?.cleanup());

describe('INC DEC NEG NOT agree with the host CPU', () => {
  for (const op of GROUP.unary) {
    const forms = tableForms([op]);
    it(`${op}: ${forms.length} forms × ${PER_FORM} operand sets`, () => {
      const rng = new Rng(`unary-${op}`);
      const probes: Probe[] = [];
      for (let i = 0; i < forms.length * PER_FORM; i++) {
        probes.push(unary(rng, i, op, forms[i % forms.length].operands.join(',')));
      }
      const r = checkProbes(ref.bin, op, probes);
      expect(missingForms([op], r.forms), 'forms never assembled').toEqual([]);
      expect(r.failures.length, report(op, r)).toBe(0);
    });
  }
});
