// SETcc (r8, m8), CMOVcc (r32,r32 and r32,m32) and Jcc (rel8 and rel32, forwards and backwards,
// taken and not taken) for all sixteen conditions and their aliases, with random input flags and
// flags left by earlier instructions, compared with the host CPU.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReference, checkProbes, missingForms, report, tableForms, Rng, type Probe } from './harness.js';
import { ccNames, jcc, setcc, twoOperand } from './probes.js';
import { GROUP } from './groups.js';

const PER_FORM = 64;

let ref: ReturnType<typeof buildReference>;
beforeAll(() => { ref = buildReference(); });
afterAll(() => ref?.cleanup());

describe('conditional instructions agree with the host CPU', () => {
  it(`SETcc: 16 conditions × 2 forms × ${PER_FORM} flag sets`, () => {
    const rng = new Rng('setcc');
    const probes: Probe[] = [];
    for (let i = 0; i < 32 * PER_FORM; i++) probes.push(setcc(rng, i, i % 16, (i >> 4) % 2 ? 'm8' : 'r8'));
    const r = checkProbes(ref.bin, 'setcc', probes);
    expect(missingForms(GROUP.setcc, r.forms), 'forms never assembled').toEqual([]);
    expect(r.failures.length, report('setcc', r)).toBe(0);
  });

  it(`CMOVcc: 16 conditions × 2 forms × ${PER_FORM} flag sets`, () => {
    const rng = new Rng('cmovcc');
    const probes: Probe[] = [];
    for (let i = 0; i < 32 * PER_FORM; i++) {
      const cc = i % 16;
      probes.push(twoOperand(rng, i, 'cmovcc', 'cmov' + rng.pick(ccNames(cc)), (i >> 4) % 2 ? 'r32,m32' : 'r32,r32', cc));
    }
    const r = checkProbes(ref.bin, 'cmovcc', probes);
    expect(missingForms(GROUP.cmovcc, r.forms), 'forms never assembled').toEqual([]);
    expect(r.failures.length, report('cmovcc', r)).toBe(0);
  });

  it(`Jcc: 16 conditions × 2 forms × ${PER_FORM} flag sets, each taken and not taken`, () => {
    const rng = new Rng('jcc');
    const probes: Probe[] = [];
    for (let i = 0; i < 32 * PER_FORM; i++) probes.push(jcc(rng, i, i % 16, (i >> 4) % 2 ? 'rel32' : 'rel8'));
    const r = checkProbes(ref.bin, 'jcc', probes);
    expect(missingForms(GROUP.jcc, r.forms), 'forms never assembled').toEqual([]);
    expect(r.failures.length, report('jcc', r)).toBe(0);
    // Every condition, in both forms, went both ways.
    const outcomes = new Map<string, Set<number>>();
    probes.forEach((p, i) => {
      const set = outcomes.get(p.form) ?? new Set<number>();
      set.add(r.actual[i].values[0]);
      outcomes.set(p.form, set);
    });
    const oneWay = [...outcomes].filter(([, s]) => !(s.has(0) && s.has(1))).map(([f]) => f);
    expect(outcomes.size).toBe(32);
    expect(oneWay, 'Jcc forms that were never both taken and not taken').toEqual([]);
  });
});
