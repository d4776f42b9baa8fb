; checks: 10
; Accessed and dirty bits (SDM 4.8, SPEC §2.4): the walk sets A in each entry it uses and D in the
; final entry on the first write through it; a translation cached by a read does not let a later
; write skip setting D; with CR4.PSE, a 4 MiB page keeps A and D in its directory entry.
%include "lib.inc"
%define PAGE 0x500000
%define PTE_OF_PAGE page_tables + (PAGE >> 12) * 4
%define A 0x20
%define D 0x40

section .text
main:
    call map_identity
    ; start clean: A and D clear in directory entry 1 and in the page's entry
    and dword [page_dir + 4], ~(A | D)
    and dword [PTE_OF_PAGE], ~(A | D)
    mov eax, cr3
    mov cr3, eax

    mov eax, [PAGE]                 ; a read: A in both entries, no D
    mov eax, [page_dir + 4]
    and eax, A | D
    mov ebx, A
    mov ecx, 1
    call check
    mov eax, [PTE_OF_PAGE]
    and eax, A | D
    mov ebx, A
    mov ecx, 2
    call check

    mov dword [PAGE], 1             ; a write through the cached translation: D is set
    mov eax, [PTE_OF_PAGE]
    and eax, A | D
    mov ebx, A | D
    mov ecx, 3
    call check
    mov eax, [page_dir + 4]         ; a directory entry has no D for 4 KiB pages
    and eax, D
    mov ebx, 0
    mov ecx, 4
    call check

    ; D cleared by the kernel while the translation is cached (with INVLPG): set again on the next write
    and dword [PTE_OF_PAGE], ~D
    invlpg [PAGE]
    mov eax, [PAGE]                 ; cached again by a read, D clear
    mov eax, [PTE_OF_PAGE]
    and eax, D
    mov ebx, 0
    mov ecx, 5
    call check
    mov dword [PAGE], 2
    mov eax, [PTE_OF_PAGE]
    and eax, D
    mov ebx, D
    mov ecx, 6
    call check

    ; A on a CPL 3 access too
    and dword [PTE_OF_PAGE], ~(A | D)
    invlpg [PAGE]
    mov eax, user_read
    call run_user
    mov eax, [PTE_OF_PAGE]
    and eax, A | D
    mov ebx, A
    mov ecx, 7
    call check

    ; 4 MiB pages: directory entry 1 maps 0x400000-0x7fffff directly (PS), A and D in the PDE
    mov eax, cr4
    or eax, 0x10                    ; PSE
    mov cr4, eax
    mov dword [page_dir + 4], 0x400000 | 0x87      ; P RW US PS
    mov eax, cr3
    mov cr3, eax
    mov eax, [PAGE + 0x1234]
    mov eax, [page_dir + 4]
    and eax, A | D
    mov ebx, A
    mov ecx, 8
    call check
    mov dword [PAGE + 0x1234], 3
    mov eax, [page_dir + 4]
    and eax, A | D
    mov ebx, A | D
    mov ecx, 9
    call check
    ; the large page maps linearly: PAGE + 0x1234 is physical 0x501234
    mov eax, cr0
    and eax, 0x7fffffff             ; paging off: read the physical address
    mov cr0, eax
    mov eax, [0x501234]
    mov ebx, 3
    mov ecx, 10
    call check
    ret

user_read:
    mov eax, [PAGE]
    int 0x30
