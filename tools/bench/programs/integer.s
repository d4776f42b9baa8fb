; (a) Integer loop: a hash mixing step, ITER times. Result in EAX.
%define ITER 30000000
section .text
global _start
_start:
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
