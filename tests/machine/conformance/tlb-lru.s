; checks: 9
; options: {"tlbEntries": 64, "tlbWays": 4}
; TLB replacement and the CR0.PG flush (SPEC §2.4): the TLB is 16 sets of 4 ways; a full set
; evicts its least recently used entry, so after an edit without INVLPG exactly the evicted page
; sees the new mapping while the others stay stale; turning paging off and on flushes everything.
;
; The experiment runs from its own code page, touches no stack or data, and uses test pages in a
; set that neither the code page nor the page holding their table entries map to, so that its
; own accesses cannot disturb the set under test.
%include "lib.inc"
%define SETS 16
%define WINDOW 0x500000            ; test pages: WINDOW + set * 4 KiB + k * SETS * 4 KiB
%define FRAME_X 0x600000
%define FRAME_Y 0x601000
%define PTE_PAGE (page_tables + 4096)   ; the table entries for 0x400000-0x7fffff

section .text
main:
    call map_identity
    mov dword [FRAME_X], 0x1111
    mov dword [FRAME_Y], 0x2222
    ; the set: one past the experiment's code page, skipping the set of the entries' page
    mov eax, experiment
    shr eax, 12
    inc eax
    and eax, SETS - 1
    mov ebx, PTE_PAGE
    shr ebx, 12
    and ebx, SETS - 1
    cmp eax, ebx
    jne .chosen
    inc eax
    and eax, SETS - 1
.chosen:
    shl eax, 12
    add eax, WINDOW
    mov [test_base], eax
    ; map the five test pages T0..T4 to FRAME_X, dropping any old translation
    mov edi, eax
    mov ecx, 5
.map:
    mov esi, edi
    shr esi, 12
    and esi, 0x3ff
    mov dword [PTE_PAGE + esi*4], FRAME_X | 7
    invlpg [edi]
    add edi, SETS * 4096
    dec ecx
    jnz .map
    mov edi, [test_base]
    jmp experiment

section .text
align 4096
; EDI = T0. Fills the set with T0..T3, makes T0 the most recently used, remaps all five pages
; to FRAME_Y without INVLPG, then reads T4 (evicting T1, the least recently used).
experiment:
    mov eax, [edi]                              ; T0
    mov eax, [edi + SETS*4096]                  ; T1
    mov eax, [edi + 2*SETS*4096]                ; T2
    mov eax, [edi + 3*SETS*4096]                ; T3
    mov eax, [edi]                              ; T0 again: T1 is now the oldest
    mov esi, edi
    shr esi, 12
    and esi, 0x3ff
    mov dword [PTE_PAGE + esi*4], FRAME_Y | 7
    mov dword [PTE_PAGE + esi*4 + 4*SETS], FRAME_Y | 7
    mov dword [PTE_PAGE + esi*4 + 8*SETS], FRAME_Y | 7
    mov dword [PTE_PAGE + esi*4 + 12*SETS], FRAME_Y | 7
    mov dword [PTE_PAGE + esi*4 + 16*SETS], FRAME_Y | 7
    mov eax, [edi + 4*SETS*4096]                ; T4: a miss, evicts T1
    mov ebx, [edi]                              ; T0 stale
    mov ecx, [edi + 2*SETS*4096]                ; T2 stale
    mov edx, [edi + 3*SETS*4096]                ; T3 stale
    mov ebp, [edi + SETS*4096]                  ; T1: walked again, the new frame
    mov esi, cr0                                ; rewriting CR0 unchanged flushes nothing
    mov cr0, esi
    mov esi, [edi]                              ; T0 still stale
    jmp after_experiment

section .text
after_experiment:
    mov [r_t0b], esi
    mov [r_t4], eax
    mov [r_t0], ebx
    mov [r_t2], ecx
    mov [r_t3], edx
    mov [r_t1], ebp
    mov eax, [r_t4]
    mov ebx, 0x2222
    mov ecx, 1
    call check
    mov eax, [r_t0]
    mov ebx, 0x1111
    mov ecx, 2
    call check
    mov eax, [r_t2]
    mov ebx, 0x1111
    mov ecx, 3
    call check
    mov eax, [r_t3]
    mov ebx, 0x1111
    mov ecx, 4
    call check
    mov eax, [r_t1]
    mov ebx, 0x2222
    mov ecx, 5
    call check
    mov eax, [r_t0b]
    mov ebx, 0x1111
    mov ecx, 6
    call check
    ; turning paging off and on again flushes every entry
    mov edi, [test_base]
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [edi]
    mov ebx, 0x2222
    mov ecx, 7
    call check
    ; a global entry is flushed by the CR0.PG change too
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    mov esi, edi
    shr esi, 12
    and esi, 0x3ff
    mov dword [PTE_PAGE + esi*4], FRAME_X | 0x107
    invlpg [edi]
    mov eax, [edi]                              ; cached, global
    mov dword [PTE_PAGE + esi*4], FRAME_Y | 0x107
    mov eax, cr3
    mov cr3, eax
    mov eax, [edi]
    mov ebx, 0x1111                             ; survived CR3
    mov ecx, 8
    call check
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [edi]
    mov ebx, 0x2222                             ; not CR0.PG
    mov ecx, 9
    call check
    ret

section .data
test_base: dd 0
r_t0: dd 0
r_t1: dd 0
r_t2: dd 0
r_t3: dd 0
r_t4: dd 0
r_t0b: dd 0
