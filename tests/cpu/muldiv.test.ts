// MUL, IMUL (one, two and three operands), DIV and IDIV in every operand form, compared with the
// host CPU. Division operands are chosen so that they do not raise #DE (the host would die of it);
// divide-error.test.ts checks #DE on toy86.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReference, checkProbes, missingForms, operand, report, tableForms, Rng, type Probe, type Size } from './harness.js';
import { accumulator, divideValues, imul3, parseForm, twoOperand } from './probes.js';
import { GROUP } from './groups.js';

const PER_FORM = 200;

let ref: ReturnType<typeof buildReference>;
beforeAll(() => { ref = buildReference(); });
afterAll(() => ref?.cleanup());

const multiplyValues = (rng: Rng) => (size: Size) => ({ eax: operand(rng, size), src: operand(rng, size), edx: operand(rng, 32) });

describe('multiply and divide agree with the host CPU', () => {
  for (const mnemonic of GROUP.muldiv) {
    const forms = tableForms([mnemonic]);
    it(`${mnemonic}: ${forms.length} forms × ${PER_FORM} operand sets`, () => {
      const rng = new Rng(`muldiv-${mnemonic}`);
      const probes: Probe[] = [];
      for (let i = 0; i < forms.length * PER_FORM; i++) {
        const form = forms[i % forms.length].operands.join(',');
        const n = parseForm(form).kinds.length;
        if (mnemonic === 'imul' && n === 2) probes.push(twoOperand(rng, i, 'imul2', 'imul', form));
        else if (mnemonic === 'imul' && n === 3) probes.push(imul3(rng, i, form));
        else if (mnemonic === 'div' || mnemonic === 'idiv') {
          probes.push(accumulator(rng, i, mnemonic, form, (size) => divideValues(rng, mnemonic, size)));
        } else probes.push(accumulator(rng, i, mnemonic === 'imul' ? 'imul1' : 'mul', form, multiplyValues(rng)));
      }
      const r = checkProbes(ref.bin, mnemonic, probes);
      expect(missingForms([mnemonic], r.forms), 'forms never assembled').toEqual([]);
      expect(r.failures.length, report(mnemonic, r)).toBe(0);
    });
  }
});
