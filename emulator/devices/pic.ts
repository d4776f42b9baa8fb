// The interrupt controller (SPEC §2.5): a remapped 8259 pair reduced to what a kernel needs.
//   0x20  write 0x20: end of interrupt (EOI) for the highest-priority IRQ in service
//   0x21  mask of IRQs 0–7 (bit n masks IRQ n); a 16-bit access covers IRQs 0–15
//   0xA1  mask of IRQs 8–15
// All IRQs are masked at power-on. IRQ n is delivered at vector 32 + n; lower numbers have
// priority. An IRQ in service blocks itself and every IRQ of lower priority until its EOI (the
// 8259's fully nested mode). Devices hold their request lines (level); the timer pulses its line
// (edge): a pulse is remembered until delivered.

import type { Device, IOBus } from './iobus.js';

export const PIC_CMD = 0x20;
export const PIC_MASK = 0x21;
export const PIC_MASK_HIGH = 0xa1;
export const IRQ_BASE_VECTOR = 32;
export const EOI = 0x20;

export class PIC implements Device {
  readonly name = 'pic';
  /** Lines held by devices (level-triggered). */
  private level = 0;
  /** Pulses not yet delivered (edge-triggered). */
  private edge = 0;
  private mask = 0xffff;
  private inService = 0;
  /** Called whenever what may be delivered could have changed. */
  onChange: () => void = () => {};

  constructor(bus: IOBus) {
    bus.register(PIC_CMD, 2, {
      read: (port, size) => (port === PIC_MASK ? (size === 8 ? this.mask & 0xff : this.mask) : this.inService & 0xff),
      write: (port, size, value) => {
        if (port === PIC_CMD) {
          if ((value & 0xff) === EOI) this.endOfInterrupt();
        } else {
          this.mask = size === 8 ? (this.mask & 0xff00) | (value & 0xff) : value & 0xffff;
          this.onChange();
        }
      },
    });
    bus.register(PIC_MASK_HIGH, 1, {
      read: () => this.mask >> 8,
      write: (_port, _size, value) => {
        this.mask = (this.mask & 0x00ff) | ((value & 0xff) << 8);
        this.onChange();
      },
    });
  }

  /** A device raises (true) or drops (false) its level-triggered line. */
  setLevel(irq: number, high: boolean): void {
    const bit = 1 << irq;
    const was = this.level;
    this.level = high ? this.level | bit : this.level & ~bit;
    if (this.level !== was) this.onChange();
  }

  /** A device pulses its edge-triggered line. */
  pulse(irq: number): void {
    this.edge |= 1 << irq;
    this.onChange();
  }

  /** The IRQ that would be delivered now (if the CPU takes interrupts), or -1. */
  pending(): number {
    const requests = (this.level | this.edge) & ~this.mask & 0xffff;
    for (let irq = 0; irq < 16; irq++) {
      const bit = 1 << irq;
      if (this.inService & bit) return -1; // it and everything below it wait for its EOI
      if (requests & bit) return irq;
    }
    return -1;
  }

  /** The CPU takes the pending IRQ: returns its vector. */
  acknowledge(): number {
    const irq = this.pending();
    if (irq < 0) return -1;
    this.edge &= ~(1 << irq);
    this.inService |= 1 << irq;
    return IRQ_BASE_VECTOR + irq;
  }

  private endOfInterrupt(): void {
    for (let irq = 0; irq < 16; irq++) {
      if (this.inService & (1 << irq)) {
        this.inService &= ~(1 << irq);
        this.onChange();
        return;
      }
    }
  }

  /** Registers for the debugger: request, mask and in-service bits. */
  registers() {
    return { requests: (this.level | this.edge) & 0xffff, mask: this.mask, inService: this.inService };
  }

  getState() {
    return { level: this.level, edge: this.edge, mask: this.mask, inService: this.inService };
  }
  setState(s: Record<string, unknown>) {
    this.level = s.level as number;
    this.edge = s.edge as number;
    this.mask = s.mask as number;
    this.inService = s.inService as number;
  }
}
