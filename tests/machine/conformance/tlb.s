; checks: 15
; TLB coherence, exactly IA-32's (SDM 4.10.4, SPEC §2.4): an entry edited without INVLPG keeps
; its stale translation; INVLPG drops one page, global or not; a CR3 write drops the non-global
; entries and keeps the global ones; a change of CR4.PGE or CR0.WP drops everything; a #PF drops
; the entry for its page.
%include "lib.inc"
%define PAGE 0x500000
%define PTE_OF_PAGE page_tables + (PAGE >> 12) * 4
%define FRAME_X 0x600000
%define FRAME_Y 0x601000

section .text
main:
    call map_identity
    mov dword [FRAME_X], 0x1111
    mov dword [FRAME_Y], 0x2222

    ; 1. stale after an edit, until INVLPG
    mov dword [PTE_OF_PAGE], FRAME_X | 7
    invlpg [PAGE]
    mov eax, [PAGE]
    mov ebx, 0x1111
    mov ecx, 1
    call check
    mov dword [PTE_OF_PAGE], FRAME_Y | 7          ; no INVLPG
    mov eax, [PAGE]
    mov ebx, 0x1111                                ; stale
    mov ecx, 2
    call check
    invlpg [PAGE]
    mov eax, [PAGE]
    mov ebx, 0x2222
    mov ecx, 3
    call check

    ; 2. a CR3 write drops a non-global entry
    mov dword [PTE_OF_PAGE], FRAME_X | 7
    mov eax, [PAGE]
    mov ebx, 0x2222                                ; still stale
    mov ecx, 4
    call check
    mov eax, cr3
    mov cr3, eax
    mov eax, [PAGE]
    mov ebx, 0x1111
    mov ecx, 5
    call check

    ; 3. global pages (CR4.PGE, PTE.G) survive a CR3 write, not INVLPG
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    mov dword [PTE_OF_PAGE], FRAME_Y | 0x107       ; G P RW US
    invlpg [PAGE]
    mov eax, [PAGE]
    mov ebx, 0x2222
    mov ecx, 6
    call check
    mov dword [PTE_OF_PAGE], FRAME_X | 0x107
    mov eax, cr3
    mov cr3, eax
    mov eax, [PAGE]
    mov ebx, 0x2222                                ; survived the CR3 write
    mov ecx, 7
    call check
    invlpg [PAGE]
    mov eax, [PAGE]
    mov ebx, 0x1111
    mov ecx, 8
    call check

    ; 4. a change of CR4.PGE drops everything, global entries too
    mov dword [PTE_OF_PAGE], FRAME_Y | 0x107
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    mov eax, [PAGE]
    mov ebx, 0x2222
    mov ecx, 9
    call check

    ; 5. a change of CR0.WP drops everything
    mov dword [PTE_OF_PAGE], FRAME_X | 7
    mov eax, [PAGE]
    mov ebx, 0x2222                                ; stale
    mov ecx, 10
    call check
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
    mov eax, [PAGE]
    mov ebx, 0x1111
    mov ecx, 11
    call check
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax

    ; 6. a #PF drops the entry for its page: a read-only translation is cached; the entry is made
    ; writable without INVLPG; the supervisor write (WP = 1) faults on the cached rights, and its
    ; retry walks and succeeds
    mov dword [PTE_OF_PAGE], FRAME_X | 5           ; P US, read-only
    invlpg [PAGE]
    mov eax, [PAGE]
    mov dword [PTE_OF_PAGE], FRAME_X | 7           ; writable, no INVLPG
    mov dword [trap_count], 0
    mov dword [resume], 0                          ; retry the faulting write
    mov dword [PAGE], 0x3333
    mov eax, [trap_count]
    mov ebx, 1                                     ; exactly one fault
    mov ecx, 12
    call check
    mov eax, [last_err]
    mov ebx, 3                                     ; P W, supervisor
    mov ecx, 13
    call check
    mov eax, [FRAME_X]
    mov ebx, 0x3333
    mov ecx, 14
    call check

    ; 7. nothing else flushes: a write to an unrelated page table entry, a plain memory write
    mov dword [PTE_OF_PAGE], FRAME_Y | 7
    mov dword [page_tables + ((PAGE >> 12) + 1) * 4], FRAME_Y | 7
    mov dword [FRAME_Y + 8], 0
    mov eax, [PAGE]
    mov ebx, 0x3333                                ; still the cached FRAME_X
    mov ecx, 15
    call check
    ret
