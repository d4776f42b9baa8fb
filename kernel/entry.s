; The kernel's first instructions (SPEC §2.6): the machine starts here with paging off, at the
; physical address of _start, EAX = the boot magic and EBX = the boot record's physical address.
; Until paging is on, every address must be physical: label - KERNBASE.
;
; The boot page directory maps, with 4 MiB pages, virtual 0–4 MiB to physical 0–4 MiB (so that
; this code keeps running when paging comes on) and KERNBASE + p to p for all of the first 512 MiB
; (the direct map: supervisor-only and global). kmain() drops the low mapping.

%define KERNBASE 0xC0000000
%define PDE_KERNEL 0x183            ; P RW PS G
%define PDE_BOOT 0x083              ; P RW PS

section .text
global _start
extern kmain
_start:
    cli
    mov esp, boot_stack_top - KERNBASE
    mov edi, boot_pgdir - KERNBASE
    mov dword [edi], PDE_BOOT
    lea esi, [edi + 768*4]
    mov eax, PDE_KERNEL
    mov ecx, 128                     ; 128 × 4 MiB = 512 MiB
.map:
    mov [esi], eax
    add eax, 0x400000
    add esi, 4
    dec ecx
    jnz .map
    mov eax, cr4
    or eax, 0x90                     ; PSE, PGE
    mov cr4, eax
    mov cr3, edi
    mov eax, cr0
    or eax, 0x80010000               ; PG, WP
    mov cr0, eax
    mov eax, .high
    jmp eax                          ; to the kernel's own addresses
.high:
    mov esp, boot_stack_top
    xor ebp, ebp                     ; the end of the frame chain
    add ebx, KERNBASE
    push ebx                         ; kmain(boot record)
    call kmain
.halt:
    cli
    hlt
    jmp .halt

section .bss
align 4096
global boot_pgdir
boot_pgdir: resb 4096
global boot_stack
boot_stack: resb 16384
global boot_stack_top
boot_stack_top:
