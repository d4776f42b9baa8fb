; (f) The cost of a page fault's round trip: at CPL 3, read a word from a page that is not
; present, ITER times; the #PF handler steps EIP over the 4-byte `mov eax, [ebx]` and returns.
%define ITER 1000000
%define MISSING 0x600000
%include "pm.inc"

section .text
user:
    mov ecx, ITER
    mov ebx, MISSING
    mov dword [page_tables + (MISSING >> 12) * 4], 0   ; not present
.loop:
    mov eax, [ebx]                  ; faults: 4 bytes
    dec ecx
    jnz .loop
    mov eax, ecx
    out 0xf4, al

pf_handler:
    add esp, 4                      ; the error code
    add dword [esp], 4              ; EIP past the faulting instruction
    iretd
