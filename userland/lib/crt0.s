; The user runtime's entry (SPEC §4.5): the kernel starts a program here with [esp] = argc, then
; the argv pointers. main(argc, argv)'s result is the exit status.
section .text
global _start
extern main
extern exit
_start:
    xor ebp, ebp                     ; the end of the frame chain
    mov eax, [esp]
    lea ecx, [esp + 4]
    push ecx
    push eax
    call main
    push eax
    call exit
    hlt                              ; not reached: a #GP if it were
