// The debug console (SPEC §2.5), as in Bochs and QEMU: each byte written to port 0xE9 goes to the
// host's debug log. Reading the port returns 0xE9, as Bochs does, so a guest can detect it.

import type { Device, IOBus } from './iobus.js';

export const DEBUGCON_PORT = 0xe9;

export class DebugConsole implements Device {
  readonly name = 'debugcon';

  constructor(bus: IOBus, private readonly output: (byte: number) => void) {
    bus.register(DEBUGCON_PORT, 1, {
      read: () => DEBUGCON_PORT,
      write: (_port, _size, value) => this.output(value & 0xff),
    });
  }

  getState() { return {}; }
  setState() {}
}
