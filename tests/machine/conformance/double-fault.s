; checks: 33
; Double faults (SDM vol. 3 6.15 "Interrupt 8", table 6-5; SPEC §2.3): a fault raised while
; delivering an exception becomes #DF, error code 0, delivered like any exception (on ESP0's
; stack from CPL 3). Only cases where the SDM's table and the SPEC agree: #PF then #GP (gate 14
; not present, beyond the IDT limit, of another type), #PF then #PF (gate 14 on a page that is not
; present), #DE or #GP then #GP. A fault raised by INT n itself is not one: it is delivered
; normally (a #PF reading gate n); but a #GP raised by INT n is an exception, and a fault while
; delivering it is a #DF. (The SDM leaves the #DF frame's CS:EIP undefined: not checked.)
%include "lib.inc"
%define UNMAPPED 0x500000
%define PTE_UNMAPPED page_tables + (UNMAPPED >> 12) * 4
%define USP ustack_top - 0x40
%define KSP kstk_top - 0x40

section .text
main:
    call map_identity
    mov dword [PTE_UNMAPPED], 0
    invlpg [UNMAPPED]
    ; every exception the programs may raise enters `capture`
    mov ecx, 0
    mov dl, 0x8e
    call set_capture
    mov ecx, 8
    mov dl, 0x8e
    call set_capture
    mov ecx, 13
    mov dl, 0x8e
    call set_capture

    ; ---- #PF at CPL 0, gate 14 not present: #GP while delivering #PF -> #DF on the same stack
    mov ecx, 14
    mov dl, 0x0e                            ; P = 0
    call set_capture
    mov dword [cap_vec], NONE
    mov dword [cap_count], 0
    mov eax, k_read
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 1
    call check
    mov eax, [cap_frame]                    ; error code 0
    mov ebx, 0
    mov ecx, 2
    call check
    mov eax, [cap_esp]                      ; EFLAGS CS EIP and the error code
    mov ebx, KSP - 16
    mov ecx, 3
    call check
    mov eax, [cap_count]                    ; neither the #PF nor the #GP got to a handler
    mov ebx, 1
    mov ecx, 4
    call check

    ; ---- the same from CPL 3: the #DF frame is on ESP0's stack, with the user's SS:ESP
    mov dword [cap_vec], NONE
    mov eax, u_read
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 5
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 6
    call check
    mov eax, [cap_esp]
    mov ebx, trapstack_top - 24
    mov ecx, 7
    call check
    mov eax, [cap_frame+16]
    mov ebx, USP
    mov ecx, 8
    call check
    mov eax, [cap_frame+20]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UDATA
    mov ecx, 9
    call check

    ; ---- gate 14 beyond the IDT limit, then of another type (0xC): #GP while delivering #PF
    mov ecx, 14
    mov dl, 0x8e
    call set_capture
    lidt [idt_upto13]
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_read
    call run_user
    lidt [idt_desc]
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 10
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 11
    call check
    mov ecx, 14
    mov dl, 0x8c                            ; present, type 0xC
    call set_capture
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_read
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 12
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 13
    call check
    mov ecx, 14
    mov dl, 0x8e
    call set_capture

    ; ---- #DE with gate 0 not present: #GP while delivering #DE (both contributory) -> #DF
    mov ecx, 0
    mov dl, 0x0e
    call set_capture
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, k_div0
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 14
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 15
    call check
    mov ecx, 0
    mov dl, 0x8e
    call set_capture

    ; ---- #GP at CPL 3 (CLI) with gate 13 not present: #GP while delivering #GP -> #DF
    mov ecx, 13
    mov dl, 0x0e
    call set_capture
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_cli
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 16
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 17
    call check
    mov eax, [cap_esp]
    mov ebx, trapstack_top - 24
    mov ecx, 18
    call check
    ; ---- INT n through a not-present gate raises #GP(n*8+2) (not a #DF: INT n is no
    ; exception); delivering that #GP through the not-present gate 13 is: #DF
    mov ecx, 0x42
    mov dl, 0x6e                            ; P = 0, DPL 3
    call set_capture
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_int42
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 19
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 20
    call check
    mov ecx, 13
    mov dl, 0x8e
    call set_capture

    ; ---- gate 14 on a page that is not present: #PF while delivering #PF -> #DF (gate 8 is
    ; on the present page before it)
    mov edi, idt2 + 0x1000 - 14*8
    call load_idt2
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, k_read
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 21
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 22
    call check
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_read
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 23
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 24
    call check

    ; ---- gate 0x40 on the page that is not present, gate 14 on the present one: INT 0x40
    ; raises #PF itself (a supervisor read of the IDT: error code 0 even from CPL 3, CR2 in the
    ; gate), delivered normally with the INT's address: not a #DF
    mov edi, idt2 + 0x1000 - 0x40*8
    call load_idt2
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, k_int40
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 25
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 26
    call check
    mov eax, [cap_frame+4]
    mov ebx, k_int40.int
    mov ecx, 27
    call check
    mov eax, cr2                            ; within the gate's 8 bytes (which of them the
    sub eax, idt2 + 0x1000                  ; CPU reads first is not architectural)
    and eax, ~7
    mov ebx, 0
    mov ecx, 28
    call check
    mov eax, 0
    mov cr2, eax
    mov dword [cap_vec], NONE
    mov dword [cap_frame], NONE
    mov eax, u_int40
    call run_user
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 29
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 30
    call check
    mov eax, [cap_frame+4]
    mov ebx, u_int40.int
    mov ecx, 31
    call check
    mov eax, cr2                            ; within the gate's 8 bytes (which of them the
    sub eax, idt2 + 0x1000                  ; CPU reads first is not architectural)
    and eax, ~7
    mov ebx, 0
    mov ecx, 32
    call check
    mov eax, [cap_esp]
    mov ebx, trapstack_top - 24
    mov ecx, 33
    call check
    lidt [idt_desc]
    ret

; load_idt2: copies lib.inc's IDT to EDI (inside idt2), makes idt2's second page not present
; and loads IDTR with base EDI.
load_idt2:
    pushad
    mov eax, idt2 + 0x1000
    shr eax, 12
    lea ebx, [page_tables + eax*4]
    mov dword [ebx], idt2 + 0x1000 + 3      ; present (supervisor) while copying
    invlpg [idt2 + 0x1000]
    mov esi, idt
    mov [idt2_desc + 2], edi
    mov ecx, 512
.copy:
    mov eax, [esi]
    mov [edi], eax
    add esi, 4
    add edi, 4
    dec ecx
    jnz .copy
    mov dword [ebx], 0
    invlpg [idt2 + 0x1000]
    lidt [idt2_desc]
    popad
    ret

; ---- at CPL 0
k_read:
    mov esp, KSP
    mov eax, [UNMAPPED]
    jmp back_from_user
k_div0:
    mov esp, KSP
    xor ecx, ecx
    div ecx
    jmp back_from_user
k_int40:
    mov esp, KSP
.int:
    int 0x40
    jmp back_from_user

; ---- at CPL 3
u_read:
    mov esp, USP
    mov eax, [UNMAPPED]
    int 0x30
u_cli:
    cli
    int 0x30
u_int42:
    int 0x42
    int 0x30
u_int40:
.int:
    int 0x40
    int 0x30

section .data
align 4
    dw 0
idt_upto13:                                 ; gates 0-13 only
    dw 14*8 - 1
    dd idt
    dw 0
idt2_desc:
    dw 256*8 - 1
    dd 0

section .bss
align 4096
idt2:      resb 8192
kstk:      resb 4096
kstk_top:
