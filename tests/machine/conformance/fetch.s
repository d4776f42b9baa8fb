; checks: 20
; Instruction fetch through paging (SPEC §2.4, §2.3): fetching from a page that is not present, or
; at CPL 3 from a supervisor page, raises #PF with the I bit (toy86's extension, bit 4) in the
; error code, CR2 = the address that could not be fetched and the pushed EIP = the instruction's
; first byte; an instruction that straddles into a missing page faults with CR2 = that page and
; changes nothing; one that ends exactly at the end of the last mapped page runs without touching
; the next; CPL 3 may fetch from a read-only user page; CPL 0 may fetch from a user page.
%include "lib.inc"
%define CODE   0x500000             ; P RW US: copies of the templates run here
%define HOLE   0x501000             ; not present
%define SUPER  0x502000             ; P RW, supervisor only
%define RO     0x503000             ; P US, read-only
%define PTE_HOLE  page_tables + (HOLE >> 12) * 4
%define PTE_SUPER page_tables + (SUPER >> 12) * 4
%define PTE_RO    page_tables + (RO >> 12) * 4

section .text
main:
    call map_identity
    mov dword [PTE_HOLE], 0
    and dword [PTE_SUPER], ~4
    and dword [PTE_RO], ~2
    mov eax, cr3
    mov cr3, eax

    ; 1. CPL 0 jumps into a missing page: #PF 0x10
    mov dword [resume], .r1
    mov dword [last_err], NONE
    jmp HOLE + 0x10
.r1:
    mov ecx, 0x100
    mov ebx, 0x10
    mov edx, HOLE + 0x10
    mov edi, HOLE + 0x10
    call check_fault

    ; 2. an instruction straddling from CODE into HOLE (CPL 0): #PF 0x10, CR2 = HOLE, EIP = its
    ;    first byte, EAX unchanged
    mov esi, tmpl_mov                 ; its first two bytes (the rest would be in the hole)
    mov ecx, 2
    mov edi, HOLE - 2
    call copy
    mov dword [resume], .r2
    mov dword [last_err], NONE
    mov eax, 0x600d
    jmp HOLE - 2
.r2:
    mov ecx, 0x200
    mov ebx, 0x600d
    call check                      ; EAX untouched
    mov ecx, 0x210
    mov ebx, 0x10
    mov edx, HOLE
    mov edi, HOLE - 2
    call check_fault

    ; 3. an instruction and a JMP EBX that end exactly at HOLE run without a fault
    mov esi, tmpl_mov
    mov ecx, tmpl_end - tmpl_mov
    mov edi, HOLE
    sub edi, ecx
    call copy
    mov dword [trap_count], 0
    mov ebx, .r3
    mov eax, 0
    jmp edi
.r3:
    mov ebx, 0x12345678
    mov ecx, 0x300
    call check
    mov eax, [trap_count]
    mov ebx, 0
    mov ecx, 0x301
    call check

    ; 4. CPL 3 fetches from a missing page: #PF 0x14
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, HOLE + 0x20
    call run_user
    mov ecx, 0x400
    mov ebx, 0x14
    mov edx, HOLE + 0x20
    mov edi, HOLE + 0x20
    call check_fault

    ; 5. CPL 3 fetches from a supervisor page: #PF 0x15
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, SUPER + 0x30
    call run_user
    mov ecx, 0x500
    mov ebx, 0x15
    mov edx, SUPER + 0x30
    mov edi, SUPER + 0x30
    call check_fault

    ; 6. CPL 3 straddles from CODE into HOLE: #PF 0x14, CR2 = HOLE
    mov esi, tmpl_mov
    mov ecx, 3
    mov edi, HOLE - 3
    call copy
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, HOLE - 3
    call run_user
    mov ecx, 0x600
    mov ebx, 0x14
    mov edx, HOLE
    mov edi, HOLE - 3
    call check_fault

    ; 7. CPL 3 runs code from a read-only user page (fetch needs no write right; CPL 0 ran code
    ;    from a user page in 3): the page is made writable for the copy, then read-only again
    or dword [PTE_RO], 2
    mov esi, tmpl_user
    mov ecx, tmpl_user_end - tmpl_user
    mov edi, RO + 0x40
    call copy
    and dword [PTE_RO], ~2
    invlpg [RO]
    mov dword [trap_count], 0
    mov dword [resume], user_exit
    mov eax, RO + 0x40
    call run_user
    mov eax, [trap_count]           ; no fault (INT 0x30 enters back_from_user, not trap_common)
    mov ebx, 0
    mov ecx, 0x700
    call check
    mov eax, [user_result]
    mov ebx, 0x77
    mov ecx, 0x701
    call check
    ret

; check_fault: ECX check number; expects last_err = EBX, last_cr2 = EDX, last_eip = EDI
check_fault:
    mov eax, [last_err]
    call check
    inc ecx
    mov eax, [last_cr2]
    mov ebx, edx
    call check
    inc ecx
    mov eax, [last_eip]
    mov ebx, edi
    call check
    ret

; copy: ECX bytes from ESI to EDI (EDI preserved)
copy:
    push edi
    push esi
    push ecx
.next:
    mov al, [esi]
    mov [edi], al
    inc esi
    inc edi
    dec ecx
    jnz .next
    pop ecx
    pop esi
    pop edi
    ret

; templates, copied next to the hole
tmpl_mov:
    mov eax, 0x12345678             ; longer than 3 bytes in any encoding toy86 could choose
tmpl_mov_end:
    jmp ebx
tmpl_end:

tmpl_user:
    mov dword [user_result], 0x77
    int 0x30
tmpl_user_end:
