// The declarations of toy86's TypeScript subset (SPEC §3.3, docs/language.md): its types and
// intrinsics. `toy86 cc` type-checks every source against this file and nothing else (no
// JavaScript library), so an editor that includes it checks kernel and user code as it is typed.
// The conventions follow AssemblyScript where it has one.

// ---- what TypeScript itself needs when no library is loaded --------------------------------------
interface Array<T> { length: number; [n: number]: T }
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String { readonly length: number }
interface TemplateStringsArray {}
interface SymbolConstructor { readonly iterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface IterableIterator<T> {}
interface PropertyDescriptor {}
interface TypedPropertyDescriptor<T> {}
interface ClassDecoratorContext {}
type PropertyKey = string | number;

// ---- the types: all are 32-bit values at run time ------------------------------------------------
/** 8-bit signed integer. */
type i8 = number;
/** 8-bit unsigned integer. */
type u8 = number;
/** 16-bit signed integer. */
type i16 = number;
/** 16-bit unsigned integer. */
type u16 = number;
/** 32-bit signed integer (what a plain `number` means). */
type i32 = number;
/** 32-bit unsigned integer. */
type u32 = number;
/** An address: 32-bit unsigned. */
type usize = number;
/** true or false, 1 or 0. */
type bool = boolean;

// ---- memory --------------------------------------------------------------------------------------
/** Reads a T at ptr + offset. */
declare function load<T>(ptr: usize, offset?: usize): T;
/** Writes a T at ptr + offset. */
declare function store<T>(ptr: usize, value: T, offset?: usize): void;
/** The same 32 bits as another type: an address as a structure, a structure as its address, ... */
declare function changetype<T>(value: any): T;
/** The offset of a field in an @unmanaged class. */
declare function offsetof<T>(field: string): usize;
/** The size of an @unmanaged class (with its trailing padding), or of a number type. */
declare function sizeof<T>(): usize;
/** The address of a global symbol (a label of an assembly file, or of the linker). */
declare function symbol(name: string): usize;

declare namespace memory {
  /** The address of `size` bytes of static zeroed memory, aligned to `align` (default 16). */
  function data(size: usize, align?: usize): usize;
  /** The address of static memory initialised with `values`, each a T. */
  function data<T>(values: T[], align?: usize): usize;
}

/** Marks a class as a structure laid out in memory (fields in order, natural alignment). */
declare function unmanaged(target: any, context?: any): void;

// ---- the instructions only assembly could say ----------------------------------------------------
declare function cli(): void;
declare function sti(): void;
declare function hlt(): void;
declare function inb(port: u16): u8;
declare function inw(port: u16): u16;
declare function inl(port: u16): u32;
declare function outb(port: u16, value: u8): void;
declare function outw(port: u16, value: u16): void;
declare function outl(port: u16, value: u32): void;
/** Reads CR0, CR2, CR3, CR4 (xv6's names). */
declare function rcr0(): u32;
declare function rcr2(): u32;
declare function rcr3(): u32;
declare function rcr4(): u32;
/** Writes CR0, CR3, CR4. */
declare function lcr0(value: u32): void;
declare function lcr3(value: u32): void;
declare function lcr4(value: u32): void;
/** Drops the TLB's entry for the page holding addr. */
declare function invlpg(addr: usize): void;
/** Loads the IDT register from the 6 bytes at ptr (limit, base). */
declare function lidt(ptr: usize): void;
/** Loads the task register (the address of the task-state area). */
declare function ltr(tss: usize): void;
/** The low 32 bits of the instruction count. */
declare function rdtsc(): u32;
/** EFLAGS. */
declare function readeflags(): u32;
