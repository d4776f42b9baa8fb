// The I/O bus (SPEC §2.5): devices claim ports in their constructors; the CPU's IN and OUT reach
// them here. Reads of an unclaimed port return all ones; writes to one are dropped.

export interface PortHandler {
  /** Reads `size` bits (8, 16 or 32) from a claimed port. */
  read(port: number, size: number): number;
  /** Writes the low `size` bits of value to a claimed port. */
  write(port: number, size: number, value: number): void;
}

/**
 * A device's saved state (SPEC §2.7): plain data that the device will not modify afterwards
 * (so a snapshot may keep it without copying), and that setState does not keep mutable.
 */
export type DeviceState = Record<string, unknown>;

export interface Device {
  readonly name: string;
  getState(): DeviceState;
  setState(s: DeviceState): void;
}

export class IOBus {
  private readonly handlers: (PortHandler | undefined)[] = new Array(0x10000);
  /** Called on every access when set (tracing). */
  onAccess: ((port: number, size: number, value: number, write: boolean) => void) | null = null;

  /** Claims `count` consecutive ports from `first` for a device. */
  register(first: number, count: number, handler: PortHandler): void {
    for (let p = first; p < first + count; p++) {
      if (this.handlers[p]) throw new Error(`I/O port 0x${p.toString(16)} is claimed twice`);
      this.handlers[p] = handler;
    }
  }

  read(port: number, size: number): number {
    const h = this.handlers[port];
    const v = h ? h.read(port, size) : size === 32 ? -1 : size === 16 ? 0xffff : 0xff;
    if (this.onAccess) this.onAccess(port, size, v, false);
    return v;
  }

  write(port: number, size: number, value: number): void {
    const h = this.handlers[port];
    if (this.onAccess) this.onAccess(port, size, value, true);
    if (h) h.write(port, size, value);
  }
}
