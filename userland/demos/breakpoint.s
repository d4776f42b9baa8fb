; breakpoint: INT3: #BP, SIGTRAP.
section .text
global main
main:
    int3
    xor eax, eax
    ret
