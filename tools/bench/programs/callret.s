; (c) Call/return-heavy loop: a cdecl call with a frame, ITER times. Result in EAX.
%define ITER 3000000
section .text
global _start
_start:
    mov edx, ITER
    xor ebx, ebx
.loop:
    push edx
    call step
    add esp, 4
    add ebx, eax
    dec edx
    jnz .loop
    mov eax, ebx
    out 0xf4, al

; step(x): returns x * 2 + 1, with an EBP frame as compiled code has.
step:
    push ebp
    mov ebp, esp
    mov eax, [ebp+8]
    lea eax, [eax+eax+1]
    pop ebp
    ret
