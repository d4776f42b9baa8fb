; The entry of the compiled-code benchmarks: a stack, main(), power off (EAX keeps the result).
section .text
global _start
extern main
_start:
    mov esp, 0x80000
    call main
    out 0xf4, al
