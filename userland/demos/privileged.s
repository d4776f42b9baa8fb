; privileged: HLT in user mode: #GP, SIGSEGV.
section .text
global main
main:
    hlt
    xor eax, eax
    ret
