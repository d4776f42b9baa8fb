; checks: 15
; 4 MiB pages (SPEC §2.4, SDM 4.3): with CR4.PSE a directory entry with PS maps a 4 MiB page
; (frame bits 31:22, offset bits 21:0); without CR4.PSE the PS bit is ignored and the entry points
; to a page table; the rights of a 4 MiB page are those of its one entry; INVLPG of any address
; inside the 4 MiB page drops its translation; a global 4 MiB page survives a CR3 write.
%include "lib.inc"
%define BIG   0x800000              ; directory entry 2
%define OFF   0x1234
%define FRAME 0x400000              ; a 4 MiB frame, inside the identity map
%define PDE2  page_dir + 8
%define PS    0x80
%define FRAME2 0                  ; another 4 MiB frame (its OFF: unused low memory)

section .text
main:
    call map_identity
    mov dword [FRAME + OFF], 0xb16          ; what the 4 MiB page shows at BIG + OFF
    ; without PSE, FRAME is read as a page table: its entry 1 maps BIG + 0x1000 to FRAME + 0x2000
    mov dword [FRAME + 4], (FRAME + 0x2000) | 7
    mov dword [FRAME + 0x2000 + (OFF & 0xfff)], 0x5a11

    ; 1. PSE on: a 4 MiB page
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov dword [PDE2], FRAME | PS | 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [BIG + OFF]
    mov ebx, 0xb16
    mov ecx, 1
    call check
    mov eax, [BIG + 0x3ff000]               ; the last 4 KiB of it
    mov ebx, [FRAME + 0x3ff000]
    mov ecx, 2
    call check

    ; 2. PSE off: PS is ignored, the entry is a page-table pointer
    mov eax, cr4
    and eax, ~0x10
    mov cr4, eax
    mov eax, cr3
    mov cr3, eax
    mov eax, [BIG + OFF]
    mov ebx, 0x5a11
    mov ecx, 3
    call check
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov eax, cr3
    mov cr3, eax

    ; 3. rights of a 4 MiB page: supervisor-only → CPL 3 read #PF 5; read-only → CPL 3 write
    ;    #PF 7 and supervisor write (WP = 1) #PF 3; CR2 each time
    mov dword [PDE2], FRAME | PS | 3
    mov eax, cr3
    mov cr3, eax
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, user_read
    call run_user
    mov eax, [last_err]
    mov ebx, 5
    mov ecx, 4
    call check
    mov eax, [last_cr2]
    mov ebx, BIG + OFF
    mov ecx, 5
    call check
    mov dword [PDE2], FRAME | PS | 5
    mov eax, cr3
    mov cr3, eax
    mov dword [resume], user_exit
    mov dword [last_err], NONE
    mov eax, user_write
    call run_user
    mov eax, [last_err]
    mov ebx, 7
    mov ecx, 6
    call check
    mov dword [resume], .after_sw
    mov dword [last_err], NONE
    mov dword [BIG + OFF], 0x99
.after_sw:
    mov eax, [last_err]
    mov ebx, 3
    mov ecx, 7
    call check
    mov dword [last_err], NONE              ; a CPL 3 read of the user read-only page is fine
    mov dword [resume], user_exit
    mov eax, user_read
    call run_user
    mov eax, [last_err]
    mov ebx, NONE
    mov ecx, 8
    call check
    mov eax, [user_result]
    mov ebx, 0xb16
    mov ecx, 9
    call check

    ; 4. INVLPG of another address inside the 4 MiB page drops the cached translation
    mov dword [PDE2], FRAME | PS | 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [BIG + OFF]                    ; cached
    mov dword [FRAME2 + OFF], 0xc0ffee
    mov dword [PDE2], FRAME2 | PS | 7
    mov eax, [BIG + OFF]
    mov ebx, 0xb16                          ; stale
    mov ecx, 10
    call check
    invlpg [BIG + 0x3000]
    mov eax, [BIG + OFF]
    mov ebx, 0xc0ffee
    mov ecx, 11
    call check

    ; 5. a global 4 MiB page survives a CR3 write; a non-global one does not
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    mov dword [PDE2], FRAME | 0x100 | PS | 7
    invlpg [BIG]
    mov eax, [BIG + OFF]
    mov ebx, 0xb16
    mov ecx, 12
    call check
    mov dword [PDE2], FRAME2 | 0x100 | PS | 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [BIG + OFF]
    mov ebx, 0xb16                          ; survived
    mov ecx, 13
    call check
    mov dword [PDE2], FRAME | PS | 7        ; not global now
    invlpg [BIG]
    mov eax, [BIG + OFF]
    mov dword [PDE2], FRAME2 | PS | 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [BIG + OFF]
    mov ebx, 0xc0ffee                       ; flushed by the CR3 write
    mov ecx, 14
    call check
    ; the identity-mapped 4 KiB pages were never global: the kernel kept running, and CR4.PGE
    ; off flushes everything
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    mov eax, [BIG + OFF]
    mov ebx, 0xc0ffee
    mov ecx, 15
    call check
    ret

user_read:
    mov eax, [BIG + OFF]
    mov [user_result], eax
    int 0x30
user_write:
    mov dword [BIG + OFF], 0x55
    int 0x30
