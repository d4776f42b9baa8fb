/*
 * The x86 reference for toy86's instruction tests (the tests in tests/cpu/).
 *
 * Runs each operation on the host CPU, the real instruction in GNU inline assembly, and prints
 * what it produced. The vectors come from the TypeScript test on stdin, one per line:
 *
 *     OP SIZE A B C FLAGS          (OP a name, SIZE 8/16/32 in decimal, the rest in hex)
 *
 * and for each the answer goes to stdout, one line in hex:
 *
 *     R1 R2 FLAGS
 *
 * The operands, by OP (registers are 32-bit; an 8- or 16-bit operation works on the low bits
 * and keeps the others, so R1 and R2 are whole 32-bit registers as IA-32 leaves them):
 *
 *   add adc sub sbb cmp and or xor test   dest = A, src = B          R1 = dest, R2 = src
 *   inc dec neg not                       dest = A                   R1 = dest
 *   shl shr sar rol ror                   dest = A, CL = B           R1 = dest
 *   imul2  (IMUL r, r/m)                  dest = A, src = B          R1 = dest
 *   mul imul1 div idiv  (one operand)     EAX = A, src = B, EDX = C  R1 = EAX, R2 = EDX
 *   setcc                                 dest = A, cc = B           R1 = dest (SETcc on its low byte)
 *   cmovcc                                dest = A, src = B, cc = C  R1 = dest (CMOVcc r32, r32)
 *   jcc                                   cc = B                     R1 = 1 if Jcc jumped, else 0
 *
 * FLAGS in is loaded into CF PF AF ZF SF OF (mask 0x8d5) with POPFQ just before the
 * instruction; FLAGS out is the same six flags, read with PUSHFQ just after it. 32-bit operations
 * in 64-bit mode have IA-32's semantics and flags. Vectors that would raise #DE on the host must
 * not be sent (the test filters them out). Built by the test with `gcc -O1`; no other files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARITH_FLAGS 0x8d5u

/*
 * Around every instruction: step below the red zone (the compiler may keep locals there, and we
 * push), merge the input flags into RFLAGS, run INSN, read RFLAGS back. LEA changes no flags.
 * Every operand is a register, so nothing is addressed relative to the moved RSP.
 */
#define PROLOGUE                        \
  "lea -128(%%rsp), %%rsp\n\t"          \
  "pushfq\n\t"                          \
  "andq $-0x8d6, (%%rsp)\n\t"           \
  "orq %[fin], (%%rsp)\n\t"             \
  "popfq\n\t"
#define EPILOGUE                        \
  "\n\tpushfq\n\t"                      \
  "popq %[fout]\n\t"                    \
  "lea 128(%%rsp), %%rsp\n\t"

typedef struct {
  uint32_t r1, r2;
  uint64_t flags;
} result_t;

/* Binary operation: INSN src, dest (AT&T order). */
#define BINARY(INSN, M)                                                        \
  __asm__ volatile(PROLOGUE INSN " %" M "[s], %" M "[d]" EPILOGUE              \
                   : [d] "+q"(d), [fout] "=&r"(fl)                              \
                   : [s] "q"(s), [fin] "r"(fin)                                 \
                   : "cc", "memory")
/* Unary operation on dest. */
#define UNARY(INSN, M)                                                         \
  __asm__ volatile(PROLOGUE INSN " %" M "[d]" EPILOGUE                         \
                   : [d] "+q"(d), [fout] "=&r"(fl)                              \
                   : [fin] "r"(fin)                                             \
                   : "cc", "memory")
/* Shift or rotate of dest by CL. */
#define SHIFT(INSN, M)                                                         \
  __asm__ volatile(PROLOGUE INSN " %%cl, %" M "[d]" EPILOGUE                   \
                   : [d] "+q"(d), [fout] "=&r"(fl)                              \
                   : [c] "c"(s), [fin] "r"(fin)                                 \
                   : "cc", "memory")
/* One-operand multiply or divide: the accumulator (E)AX, (E)DX and src. */
#define ACCUM(INSN, M)                                                         \
  __asm__ volatile(PROLOGUE INSN " %" M "[s]" EPILOGUE                         \
                   : "+a"(eax), "+d"(edx), [fout] "=&r"(fl)                     \
                   : [s] "q"(s), [fin] "r"(fin)                                 \
                   : "cc", "memory")

/* The sixteen condition codes in IA-32 order (the low nibble of Jcc's opcode). */
#define CONDITIONS(X)                                                          \
  X(0, "o") X(1, "no") X(2, "b") X(3, "ae") X(4, "e") X(5, "ne") X(6, "be")    \
  X(7, "a") X(8, "s") X(9, "ns") X(10, "p") X(11, "np") X(12, "l")             \
  X(13, "ge") X(14, "le") X(15, "g")

#define SETCC(N, CC) case N: UNARY("set" CC, "b"); break;
#define CMOVCC(N, CC) case N: BINARY("cmov" CC "l", "k"); break;
#define JCC(N, CC)                                                             \
  case N:                                                                      \
    __asm__ volatile(PROLOGUE "j" CC " 1f\n\t"                                 \
                     "movl $0, %k[d]\n\t"                                      \
                     "jmp 2f\n"                                                \
                     "1:\n\t"                                                  \
                     "movl $1, %k[d]\n"                                        \
                     "2:" EPILOGUE                                             \
                     : [d] "=&r"(d), [fout] "=&r"(fl)                           \
                     : [fin] "r"(fin)                                           \
                     : "cc", "memory");                                        \
    break;

/* An operation at the three operand sizes (suffixes b, w, l; operand modifiers b, w, k). */
#define SIZED(KIND, NAME)                                                      \
  if (size == 8) KIND(NAME "b", "b");                                          \
  else if (size == 16) KIND(NAME "w", "w");                                    \
  else KIND(NAME "l", "k");

static int run(const char *op, int size, uint32_t a, uint32_t b, uint32_t c, uint64_t fin,
               result_t *out) {
  uint32_t d = a, s = b, eax = a, edx = c;
  uint64_t fl = 0;
  fin &= ARITH_FLAGS;
  out->r2 = b;
  if (size != 8 && size != 16 && size != 32) return 0;
  if (!strcmp(op, "add")) { SIZED(BINARY, "add") }
  else if (!strcmp(op, "adc")) { SIZED(BINARY, "adc") }
  else if (!strcmp(op, "sub")) { SIZED(BINARY, "sub") }
  else if (!strcmp(op, "sbb")) { SIZED(BINARY, "sbb") }
  else if (!strcmp(op, "cmp")) { SIZED(BINARY, "cmp") }
  else if (!strcmp(op, "and")) { SIZED(BINARY, "and") }
  else if (!strcmp(op, "or")) { SIZED(BINARY, "or") }
  else if (!strcmp(op, "xor")) { SIZED(BINARY, "xor") }
  else if (!strcmp(op, "test")) { SIZED(BINARY, "test") }
  else if (!strcmp(op, "inc")) { SIZED(UNARY, "inc") }
  else if (!strcmp(op, "dec")) { SIZED(UNARY, "dec") }
  else if (!strcmp(op, "neg")) { SIZED(UNARY, "neg") }
  else if (!strcmp(op, "not")) { SIZED(UNARY, "not") }
  else if (!strcmp(op, "shl")) { SIZED(SHIFT, "shl") }
  else if (!strcmp(op, "shr")) { SIZED(SHIFT, "shr") }
  else if (!strcmp(op, "sar")) { SIZED(SHIFT, "sar") }
  else if (!strcmp(op, "rol")) { SIZED(SHIFT, "rol") }
  else if (!strcmp(op, "ror")) { SIZED(SHIFT, "ror") }
  else if (!strcmp(op, "imul2")) {
    if (size == 8) return 0; /* IA-32 has no 8-bit two-operand IMUL */
    if (size == 16) BINARY("imulw", "w"); else BINARY("imull", "k");
  }
  else if (!strcmp(op, "mul") || !strcmp(op, "imul1") || !strcmp(op, "div") || !strcmp(op, "idiv")) {
    const char *name = !strcmp(op, "imul1") ? "imul" : op;
    if (!strcmp(name, "mul")) { SIZED(ACCUM, "mul") }
    else if (!strcmp(name, "imul")) { SIZED(ACCUM, "imul") }
    else if (!strcmp(name, "div")) { SIZED(ACCUM, "div") }
    else { SIZED(ACCUM, "idiv") }
    out->r1 = eax;
    out->r2 = edx;
    out->flags = fl & ARITH_FLAGS;
    return 1;
  }
  else if (!strcmp(op, "setcc")) {
    switch (b & 15) { CONDITIONS(SETCC) }
  }
  else if (!strcmp(op, "cmovcc")) {
    switch (c & 15) { CONDITIONS(CMOVCC) }
  }
  else if (!strcmp(op, "jcc")) {
    switch (b & 15) { CONDITIONS(JCC) }
  }
  else return 0;
  out->r1 = d;
  out->flags = fl & ARITH_FLAGS;
  return 1;
}

int main(void) {
  static char outbuf[1 << 16];
  char op[16];
  int size;
  unsigned a, b, c, f;
  long line = 0;
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  while (scanf("%15s %d %x %x %x %x", op, &size, &a, &b, &c, &f) == 6) {
    result_t r;
    line++;
    if (!run(op, size, a, b, c, f, &r)) {
      fprintf(stderr, "ref: line %ld: unknown operation '%s' of size %d\n", line, op, size);
      return 2;
    }
    printf("%x %x %x\n", r.r1, r.r2, (unsigned)r.flags);
  }
  if (!feof(stdin)) {
    fprintf(stderr, "ref: line %ld: malformed vector\n", line + 1);
    return 2;
  }
  return 0;
}
