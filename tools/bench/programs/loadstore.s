; (b) Load/store-heavy loop: dst[i] += src[i] over 1024-word arrays, ITER times. Result in EAX.
%define ITER 4000000
section .text
global _start
_start:
    mov edx, ITER
    mov esi, src
    mov edi, dst
    xor ecx, ecx
    mov eax, 3
.fill:                          ; src[i] = 3i + 7
    lea ebx, [eax+4]
    mov [esi+ecx*4], ebx
    add eax, 3
    inc ecx
    cmp ecx, 1024
    jne .fill
    xor ecx, ecx
.loop:
    mov eax, [esi+ecx*4]
    add eax, [edi+ecx*4]
    mov [edi+ecx*4], eax
    inc ecx
    and ecx, 1023
    dec edx
    jnz .loop
    out 0xf4, al

section .bss
src: resd 1024
dst: resd 1024
