// The power port (SPEC §2.5): `out 0xF4, al` powers the machine off; the host process exits with
// that byte as its code. (QEMU's isa-debug-exit lives at the same port.)

import type { Device, IOBus } from './iobus.js';

export const POWER_PORT = 0xf4;

export class PowerPort implements Device {
  readonly name = 'power';

  constructor(bus: IOBus, private readonly powerOff: (code: number) => void) {
    bus.register(POWER_PORT, 1, {
      read: () => 0xff,
      write: (_port, _size, value) => this.powerOff(value & 0xff),
    });
  }

  getState() { return {}; }
  setState() {}
}
