// What a device knows of time: the machine's clock (the instruction count, SPEC §2.7), and a way
// to say that its next event moved so that the machine shortens the current slice.

export interface Clock {
  /** The current time, in units of the machine's clock. */
  now(): number;
  /** A device's next event changed. */
  rescheduled(): void;
}

/** A device that acts at given times. */
export interface TimedDevice {
  /** When the device next needs advance() (Infinity for never). */
  nextEvent(): number;
  /** Does what is due at time `now`. */
  advance(now: number): void;
}
