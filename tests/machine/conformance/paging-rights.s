; checks: 119
; Access rights of IA-32 32-bit paging (SDM 4.6, SPEC §2.4): for every combination of U/S and R/W
; in the directory entry and the table entry, a CPL 3 read and write, a supervisor write with
; CR0.WP = 1 and with WP = 0, and a supervisor read: each either succeeds or raises #PF with the
; SDM's error code (P W U bits) and CR2 = the address.
%include "lib.inc"
%define PAGE 0x500000
%define ADDR 0x500123
%define ROW 20                     ; bytes per row of `rows`

section .text
main:
    call map_identity
    xor ebp, ebp                    ; table row
.row:
    mov esi, rows
    imul edi, ebp, ROW
    add esi, edi
    ; directory entry 1 (0x400000-0x7fffff) and the page's table entry, with the row's bits
    mov eax, page_tables + 4096
    or eax, 1
    or eax, [esi]
    mov [page_dir + 4], eax
    mov eax, PAGE | 1
    or eax, [esi+4]
    mov [page_tables + (PAGE >> 12) * 4], eax
    mov eax, cr3                    ; flush (the directory entry changed)
    mov cr3, eax

    ; CPL 3 read
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, user_read
    call run_user
    mov eax, [last_err]
    mov ebx, [esi+8]
    lea ecx, [ebp*8 + 0x1000]
    call check
    call check_cr2

    ; CPL 3 write
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, user_write
    call run_user
    mov eax, [last_err]
    mov ebx, [esi+12]
    lea ecx, [ebp*8 + 0x2000]
    call check
    call check_cr2

    ; supervisor write, WP = 1
    mov dword [resume], .after_sw1
    mov dword [last_err], NONE
    mov dword [ADDR], 0x66
.after_sw1:
    mov eax, [last_err]
    mov ebx, [esi+16]
    lea ecx, [ebp*8 + 0x3000]
    call check
    call check_cr2

    ; supervisor write, WP = 0 (changing WP flushes the TLB)
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
    mov dword [resume], .after_sw0
    mov dword [last_err], NONE
    mov dword [ADDR], 0x77
.after_sw0:
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    mov eax, [last_err]
    mov ebx, NONE
    lea ecx, [ebp*8 + 0x4000]
    call check

    ; supervisor read: always allowed, sees the last write
    mov dword [resume], .after_sr
    mov dword [last_err], NONE
    mov eax, [ADDR]
.after_sr:
    mov ebx, 0x77
    lea ecx, [ebp*8 + 0x5000]
    call check

    inc ebp
    cmp ebp, 16
    jne .row
    ret

; check_cr2: after an expected fault (EBX != NONE), CR2 must be the address.
check_cr2:
    cmp ebx, NONE
    je .none
    mov eax, [last_cr2]
    mov ebx, ADDR
    add ecx, 1
    call check
.none:
    ret

user_read:
    mov eax, [ADDR]
    mov [user_result], eax
    int 0x30
user_write:
    mov dword [ADDR], 0x55
    int 0x30

section .data
; One row per combination: PDE bits, PTE bits (U/S = 4, R/W = 2), then the expected error code
; (or NONE) of a CPL 3 read, a CPL 3 write and a supervisor write with WP = 1.
; SDM 4.6: user access needs U/S in both; user write also R/W in both; supervisor write with
; WP = 1 needs R/W in both. P is set in the error code because the page is present; W for
; writes; U for CPL 3.
rows:
    ;  PDE  PTE   user read  user write  sup write (WP=1)
    dd 0,   0,    5,         7,          3
    dd 0,   2,    5,         7,          3
    dd 0,   4,    5,         7,          3
    dd 0,   6,    5,         7,          3
    dd 2,   0,    5,         7,          3
    dd 2,   2,    5,         7,          NONE
    dd 2,   4,    5,         7,          3
    dd 2,   6,    5,         7,          NONE
    dd 4,   0,    5,         7,          3
    dd 4,   2,    5,         7,          3
    dd 4,   4,    NONE,      7,          3
    dd 4,   6,    NONE,      7,          3
    dd 6,   0,    5,         7,          3
    dd 6,   2,    5,         7,          NONE
    dd 6,   4,    NONE,      7,          3
    dd 6,   6,    NONE,      NONE,       NONE
