; The bare-metal program of tests/trace/trace.test.ts: one event of each kind that `--trace`
; shows. Ring 0 identity-maps the first 4 MiB with 4 KiB pages (0x300000 left not present),
; turns paging on, installs #PF and INT 0x30 gates, and drops to ring 3 (IOPL 3), which reads a
; present page, writes the missing one (the #PF handler maps it, INVLPGs it and returns), makes
; an INT 0x30, writes 'x' to the debug console, reads the first page again (a TLB hit) and powers
; off.

section .text
global _start
_start:
    mov edi, ptab
    mov eax, 0x007                  ; P | RW | US
    mov ecx, 1024
.pte:
    mov [edi], eax
    add eax, 4096
    add edi, 4
    dec ecx
    jnz .pte
    mov dword [ptab + (0x300000 >> 12) * 4], 0
    mov eax, ptab
    or eax, 0x007
    mov [pdir], eax
    mov eax, pdir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000              ; PG | WP
    mov cr0, eax
    mov eax, pf_handler
    mov ebx, 0x8e00                 ; interrupt gate, DPL 0
    mov ecx, 14
    call gate
    mov eax, sys_handler
    mov ebx, 0xee00                 ; interrupt gate, DPL 3
    mov ecx, 0x30
    call gate
    lidt [idt_desc]
    mov dword [tss+4], kstack_top
    mov eax, tss
    ltr eax
    push dword 0x23
    push dword ustack_top
    push dword 0x3002               ; IOPL 3
    push dword 0x1b
    push dword user
    iretd

; gate: IDT entry ECX -> handler EAX, type and DPL in EBX.
gate:
    mov edx, eax
    and eax, 0xffff
    or eax, 0x00080000
    mov [idt + ecx*8], eax
    and edx, 0xffff0000
    or edx, ebx
    mov [idt + ecx*8 + 4], edx
    ret

user:
    mov eax, [0x200000]
    mov dword [0x300000], 0x1234
    int 0x30
    mov al, 'x'
    out 0xe9, al
    mov eax, [0x200000]
    mov al, 0
    out 0xf4, al

pf_handler:
    push eax
    mov eax, cr2
    and eax, 0xfffff000
    or eax, 0x007
    mov [ptab + (0x300000 >> 12) * 4], eax
    mov eax, cr2
    invlpg [eax]
    pop eax
    add esp, 4                      ; the error code
    iretd

sys_handler:
    iretd

section .data
align 8
idt_desc:
    dw 256*8 - 1
    dd idt

section .bss
align 4096
pdir:        resb 4096
ptab:        resb 4096
idt:         resb 256*8
tss:         resb 104
kstack:      resb 1024
kstack_top:
ustack:      resb 1024
ustack_top:
