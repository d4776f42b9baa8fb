; (e) A loop that misses the TLB on purpose: reads one word from each of 512 pages in turn (the
; TLB holds 64), ITER times, at CPL 3. Every read walks the page tables.
%define ITER 4000000
%define REGION 0x400000
%include "pm.inc"

section .text
user:
    mov edx, ITER
    mov esi, REGION
    xor eax, eax
.loop:
    add eax, [esi]
    add esi, 4096
    cmp esi, REGION + 512*4096
    jb .next
    mov esi, REGION
.next:
    dec edx
    jnz .loop
    out 0xf4, al

pf_handler:
    hlt
