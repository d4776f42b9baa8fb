// enum and const enum: implicit values counting from 0 or from the previous member, explicit,
// negative, hexadecimal and computed members (from other members and operators), members as
// values of variables, globals, parameters, fields and case labels.
import { check, check_summary } from '../lib/check';

enum State { Idle, Running, Blocked = 10, Zombie, Dead = -1, Last }
const enum Flag { P = 1 << 0, W = 1 << 1, U = 1 << 2, PWU = P | W | U, Big = 0x80000000 }
const enum Step { A = 3, B = A * 2, C = B + A, D = ~A }
export const enum Errno { EPERM = 1, ENOENT = 2, ENOSYS = 38 }

@unmanaged class Proc { state: State; flags: Flag }

let gState: State = State.Running;

function name(s: State): i32 {
  switch (s) {
    case State.Idle: return 100;
    case State.Running: return 101;
    case State.Blocked: return 110;
    case State.Zombie: return 111;
    case State.Dead: return 99;
    default: return 0;
  }
}

function fail(e: Errno): i32 { return -e; }

export function main(): i32 {
  check(State.Idle == 0);
  check(State.Running == 1);
  check(State.Blocked == 10);
  check(State.Zombie == 11);
  check(State.Dead == -1);
  check(State.Last == 0);
  check(Flag.P == 1 && Flag.W == 2 && Flag.U == 4);
  check(Flag.PWU == 7);
  check(Flag.Big == 0x80000000);
  check(Step.A == 3 && Step.B == 6 && Step.C == 9 && Step.D == -4);
  check(Errno.ENOSYS == 38);
  check(fail(Errno.ENOENT) == -2);
  // Variables, globals and fields.
  let s = State.Blocked;
  check(s == State.Blocked);
  s = State.Zombie;
  check(name(s) == 111);
  check(name(State.Dead) == 99);
  check(name(gState) == 101);
  gState = State.Idle;
  check(gState == State.Idle && name(gState) == 100);
  const p = changetype<Proc>(memory.data(sizeof<Proc>(), 4));
  p.state = State.Running;
  p.flags = Flag.P | Flag.U;
  check(p.state == State.Running);
  check((p.flags & Flag.U) != 0 && (p.flags & Flag.W) == 0);
  p.flags |= Flag.W;
  check(p.flags == Flag.PWU);
  check(sizeof<Proc>() == 8);
  // Arithmetic on members.
  let f: u32 = Flag.PWU;
  f &= ~Flag.W;
  check(f == 5);
  check(State.Zombie - State.Blocked == 1);
  check(State.Dead < State.Idle);
  return check_summary();
}
