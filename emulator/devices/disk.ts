// The block device (SPEC §2.5), IRQ 14: 512-byte sectors moved by DMA between the disk and
// physical memory, completing after a latency counted in the machine's clock. Its registers
// (docs/devices.md), each read and written as a 32-bit value at its own port:
//   0x1F0  SECTOR   first sector of the request
//   0x1F1  COUNT    number of sectors
//   0x1F2  ADDRESS  physical address of the buffer
//   0x1F3  SIZE     (read) the disk's size in sectors
//   0x1F4  ERROR    (read) why the last request failed (DiskError)
//   0x1F7  COMMAND  (write) 1 read, 2 write, 3 flush
//          STATUS   (read) bit 0 BUSY, bit 1 ERROR, bit 2 DONE; reading it clears DONE and the IRQ
// A request starts when COMMAND is written. A bad request (sectors outside the disk, a buffer
// outside RAM, no sectors, an unknown command, no disk) completes at once with ERROR and DONE; a
// command while BUSY sets ERROR and leaves the request in flight alone. The data moves when the
// request completes; then BUSY clears, DONE sets and IRQ 14 is raised until STATUS is read.

import type { Device, IOBus } from './iobus.js';
import type { PIC } from './pic.js';
import type { Clock } from './clock.js';

export const DISK_BASE = 0x1f0;
export const DISK_IRQ = 14;
export const SECTOR = 512;

export const enum DiskPort { SECTOR = 0x1f0, COUNT = 0x1f1, ADDRESS = 0x1f2, SIZE = 0x1f3, ERROR = 0x1f4, COMMAND = 0x1f7 }
export const enum DiskCommand { READ = 1, WRITE = 2, FLUSH = 3 }
export const enum DiskStatus { BUSY = 1, ERROR = 2, DONE = 4 }
export const enum DiskError { NONE = 0, RANGE = 1, BUFFER = 2, BUSY = 3, COMMAND = 4, NO_DISK = 5, MEDIA = 6 }

/**
 * Fault injection: sectors that fail (ERROR 6, media error) when a request that reads or writes
 * them completes — nothing moves — so that a guest's handling of disk errors can be tested.
 */
export interface DiskFault {
  /** First sector and how many. */
  start: number;
  count: number;
  /** Which requests fail (both when neither is given). */
  read?: boolean;
  write?: boolean;
}

/** The disk's backing store: its contents at start, and where writes go through to (a file). */
export interface DiskImage {
  readonly data: Uint8Array;
  /** Writes completed sectors through to the backing file (absent with --snapshot). */
  persist?(sector: number, bytes: Uint8Array): void;
  /** Makes persisted writes durable (fsync). */
  flush?(): void;
}

/** What the disk needs of physical memory. */
export interface DmaTarget {
  readonly ramSize: number;
  readonly mem8: Uint8Array;
}

interface Request { command: number; sector: number; count: number; address: number; doneAt: number }

export class Disk implements Device {
  readonly name = 'disk';
  private sector = 0;
  private count = 0;
  private address = 0;
  private status = 0;
  private error = DiskError.NONE;
  private request: Request | null = null;
  /** Sectors written since the machine started (the image's own bytes are never changed). */
  private written = new Map<number, Uint8Array>();
  readonly sectors: number;
  /** Completed requests, for statistics: reads, writes, sectors read, sectors written. */
  readonly stats = { reads: 0, writes: 0, sectorsRead: 0, sectorsWritten: 0, flushes: 0, errors: 0 };

  constructor(bus: IOBus, private readonly pic: PIC, private readonly clock: Clock,
              private readonly dma: DmaTarget, private readonly image: DiskImage | null,
              private readonly latency: number, private readonly faults: readonly DiskFault[] = []) {
    this.sectors = image ? Math.floor(image.data.length / SECTOR) : 0;
    bus.register(DISK_BASE, 8, {
      read: (port) => this.read(port),
      write: (port, _size, value) => this.write(port, value),
    });
  }

  private read(port: number): number {
    switch (port) {
      case DiskPort.SECTOR: return this.sector;
      case DiskPort.COUNT: return this.count;
      case DiskPort.ADDRESS: return this.address;
      case DiskPort.SIZE: return this.sectors;
      case DiskPort.ERROR: return this.error;
      case DiskPort.COMMAND: {
        const s = this.status;
        if (s & DiskStatus.DONE) {
          this.status &= ~DiskStatus.DONE;
          this.pic.setLevel(DISK_IRQ, false);
        }
        return s;
      }
      default: return 0;
    }
  }

  private write(port: number, value: number): void {
    switch (port) {
      case DiskPort.SECTOR: this.sector = value >>> 0; break;
      case DiskPort.COUNT: this.count = value >>> 0; break;
      case DiskPort.ADDRESS: this.address = value >>> 0; break;
      case DiskPort.COMMAND: this.start(value & 0xff); break;
      default: break;
    }
  }

  private start(command: number): void {
    if (this.status & DiskStatus.BUSY) {
      this.status |= DiskStatus.ERROR;
      this.error = DiskError.BUSY;
      this.stats.errors++;
      return;
    }
    const bad = this.validate(command);
    if (bad !== DiskError.NONE) {
      this.error = bad;
      this.stats.errors++;
      this.status = DiskStatus.ERROR | DiskStatus.DONE;
      this.pic.setLevel(DISK_IRQ, true);
      return;
    }
    this.error = DiskError.NONE;
    this.status = DiskStatus.BUSY;
    this.pic.setLevel(DISK_IRQ, false);
    this.request = { command, sector: this.sector, count: this.count, address: this.address, doneAt: this.clock.now() + this.latency };
    this.clock.rescheduled();
  }

  private validate(command: number): DiskError {
    if (command !== DiskCommand.READ && command !== DiskCommand.WRITE && command !== DiskCommand.FLUSH) return DiskError.COMMAND;
    if (!this.image) return DiskError.NO_DISK;
    if (command === DiskCommand.FLUSH) return DiskError.NONE;
    if (this.count === 0 || this.sector + this.count > this.sectors) return DiskError.RANGE;
    if (this.address + this.count * SECTOR > this.dma.ramSize) return DiskError.BUFFER;
    return DiskError.NONE;
  }

  nextEvent(): number {
    return this.request ? this.request.doneAt : Infinity;
  }

  /** Completes the request in flight when it is due. */
  advance(now: number): void {
    const r = this.request;
    if (!r || r.doneAt > now) return;
    this.request = null;
    const mem = this.dma.mem8;
    if (this.fails(r)) {
      this.error = DiskError.MEDIA;
      this.stats.errors++;
      this.status = DiskStatus.ERROR | DiskStatus.DONE;
      this.pic.setLevel(DISK_IRQ, true);
      return;
    }
    if (r.command === DiskCommand.READ) {
      for (let i = 0; i < r.count; i++) mem.set(this.readSector(r.sector + i), r.address + i * SECTOR);
      this.stats.reads++;
      this.stats.sectorsRead += r.count;
    } else if (r.command === DiskCommand.WRITE) {
      for (let i = 0; i < r.count; i++) {
        const bytes = mem.slice(r.address + i * SECTOR, r.address + (i + 1) * SECTOR);
        this.written.set(r.sector + i, bytes);
        this.image!.persist?.(r.sector + i, bytes);
      }
      this.stats.writes++;
      this.stats.sectorsWritten += r.count;
    } else {
      this.image!.flush?.();
      this.stats.flushes++;
    }
    this.status = DiskStatus.DONE;
    this.pic.setLevel(DISK_IRQ, true);
  }

  /** Whether an injected fault covers a sector of the request. */
  private fails(r: Request): boolean {
    if (r.command !== DiskCommand.READ && r.command !== DiskCommand.WRITE) return false;
    const write = r.command === DiskCommand.WRITE;
    for (const f of this.faults) {
      const applies = f.read === undefined && f.write === undefined ? true : write ? !!f.write : !!f.read;
      if (applies && r.sector < f.start + f.count && f.start < r.sector + r.count) return true;
    }
    return false;
  }

  /** A sector as the guest sees it now. */
  readSector(n: number): Uint8Array {
    const w = this.written.get(n);
    if (w) return w;
    return this.image!.data.subarray(n * SECTOR, (n + 1) * SECTOR);
  }

  getState() {
    return {
      sector: this.sector, count: this.count, address: this.address, status: this.status, error: this.error,
      request: this.request ? { ...this.request } : null,
      // Written sectors are never modified in place (a write replaces them), so sharing is safe.
      written: new Map(this.written),
      stats: { ...this.stats },
    };
  }
  setState(s: Record<string, unknown>) {
    this.sector = s.sector as number;
    this.count = s.count as number;
    this.address = s.address as number;
    this.status = s.status as number;
    this.error = s.error as DiskError;
    this.request = s.request ? { ...(s.request as Request) } : null;
    this.written = new Map(s.written as Map<number, Uint8Array>);
    Object.assign(this.stats, s.stats);
    this.pic.setLevel(DISK_IRQ, (this.status & DiskStatus.DONE) !== 0);
  }
}
