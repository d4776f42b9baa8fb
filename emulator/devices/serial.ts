// COM1 (SPEC §2.5): a 16550 subset at 0x3F8–0x3FF, IRQ 4.
//   +0  RBR (read: the next received byte) / THR (write: send a byte)
//   +1  IER: bit 0 raises IRQ 4 while a received byte is waiting
//   +2  IIR (read): 0x04 when a received-data interrupt is pending, else 0x01
//   +5  LSR: bit 0 data ready, bits 5 and 6 transmitter empty (always: output is immediate)
// Other registers read as 0 and ignore writes. Bytes from the host wait in a queue; what the
// guest sends goes to the host through the output callback.

import type { Device, IOBus } from './iobus.js';

export const COM1_BASE = 0x3f8;
export const COM1_IRQ = 4;

export const enum LSR { DR = 0x01, THRE = 0x20, TEMT = 0x40 }

export class Serial implements Device {
  readonly name = 'com1';
  private rx: number[] = [];
  private ier = 0;
  private scratch = 0;

  /**
   * raiseIrq(level) is called with true while the device wants IRQ 4 and false when it no longer
   * does; the interrupt controller decides what that means.
   */
  constructor(bus: IOBus, private readonly output: (byte: number) => void,
              private readonly setIrq: (level: boolean) => void = () => {}) {
    bus.register(COM1_BASE, 8, {
      read: (port) => this.read(port - COM1_BASE),
      write: (port, _size, value) => this.write(port - COM1_BASE, value & 0xff),
    });
  }

  /** Bytes typed on the host's console arrive here. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.rx.push(b & 0xff);
    this.update();
  }

  /** Whether the guest enabled the receive interrupt (IER bit 0). */
  get interruptEnabled(): boolean {
    return (this.ier & 1) !== 0;
  }

  /** How many received bytes are waiting. */
  get pending(): number {
    return this.rx.length;
  }

  private read(reg: number): number {
    switch (reg) {
      case 0: {
        const b = this.rx.length ? this.rx.shift()! : 0;
        this.update();
        return b;
      }
      case 1: return this.ier;
      case 2: return this.ier & 1 && this.rx.length ? 0x04 : 0x01;
      case 5: return LSR.THRE | LSR.TEMT | (this.rx.length ? LSR.DR : 0);
      case 7: return this.scratch;
      default: return 0;
    }
  }

  private write(reg: number, v: number): void {
    switch (reg) {
      case 0: this.output(v); break;
      case 1: this.ier = v & 0x0f; this.update(); break;
      case 7: this.scratch = v; break;
      default: break;
    }
  }

  private update(): void {
    this.setIrq((this.ier & 1) !== 0 && this.rx.length > 0);
  }

  getState() {
    return { rx: [...this.rx], ier: this.ier, scratch: this.scratch };
  }
  setState(s: Record<string, unknown>) {
    this.rx = [...(s.rx as number[])];
    this.ier = s.ier as number;
    this.scratch = s.scratch as number;
    this.update();
  }
}
