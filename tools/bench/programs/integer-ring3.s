; (d) The integer loop of integer.s, run at CPL 3 with paging on. Result in EAX.
%define ITER 30000000
%include "pm.inc"

section .text
user:
    mov edx, ITER
    mov eax, 1
    mov ebx, 2
.loop:
    add eax, ebx
    xor ebx, eax
    add ebx, dword 0x9e3779b9
    sub edx, 1
    jnz .loop
    out 0xf4, al

pf_handler:
    hlt
