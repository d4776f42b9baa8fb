; checks: 208
; Privilege rules at CPL 3 (SDM vol. 1 3.4.3.3 and 18.5.1, vol. 3 2.8 and 5.9, vol. 2 CLI, STI,
; IN, OUT, HLT, LIDT, LTR, MOV CRn, INVLPG, POPF and IRET operation; SPEC §2.2, §2.3):
; CLI, STI, IN and OUT need CPL <= IOPL, else #GP(0); HLT, LIDT, LTR, MOV to and from CR0, CR2,
; CR3, CR4 and INVLPG raise #GP(0) at CPL 3 whatever IOPL is; a faulting instruction changes
; nothing; POPFD and IRETD at CPL 3 never change IOPL, and change IF only when CPL <= IOPL,
; silently. Paging stays off: only the privilege rules are at work.
; Checks are numbered in order (chk): the rows of gp_rows make 5 each, first.
%include "lib.inc"
%define PRESET 0x12345678                   ; EAX in every #GP row, to see it unchanged
%define PIC_MASK 0x21

section .text
main:
    mov ecx, 13
    mov dl, 0x8e
    call set_capture
    mov ecx, 0x41
    mov dl, 0xee
    call set_capture
    ; known control-register values, to see that the CPL 3 writes do not land (paging is off,
    ; so CR3 and CR4 may hold anything)
    mov eax, 0x0c0ffee0
    mov cr2, eax
    mov eax, 0x00123000
    mov cr3, eax
    mov eax, cr0
    mov [cr0_before], eax
    mov eax, cr4
    mov [cr4_before], eax

    ; ---- every row: #GP(0) on the instruction, EAX and EFLAGS unchanged
    mov esi, gp_rows
.row:
    mov dword [cap_vec], NONE
    mov dword [cap_regs+28], 0
    mov eax, [esi]
    mov edx, [esi+8]
    call run_user_flags
    mov eax, [cap_vec]
    mov ebx, 13
    call chk
    mov eax, [cap_frame]                    ; error code
    mov ebx, 0
    call chk
    mov eax, [cap_frame+4]                  ; EIP: the instruction
    mov ebx, [esi+4]
    call chk
    mov eax, [cap_regs+28]                  ; EAX
    mov ebx, PRESET
    call chk
    mov eax, [cap_frame+12]                 ; EFLAGS: IF and IOPL as they were
    mov ebx, [esi+8]
    call chk
    add esi, 12
    cmp esi, gp_rows_end
    jne .row

    ; ---- nothing the faulting instructions would have done was done
    in ax, PIC_MASK                         ; no OUT reached the interrupt controller
    movzx eax, ax
    mov ebx, 0xffff
    call chk
    mov eax, cr0
    mov ebx, [cr0_before]
    call chk
    mov eax, cr2
    mov ebx, 0x0c0ffee0
    call chk
    mov eax, cr3
    mov ebx, 0x00123000
    call chk
    mov eax, cr4
    mov ebx, [cr4_before]
    call chk
    mov dword [cap_vec], NONE               ; the IDT is the one loaded at CPL 0
    mov eax, u_int41
    call run_user
    mov eax, [cap_vec]
    mov ebx, 0x41
    call chk
    mov eax, [cap_esp]                      ; TR is too: ESP0 from tss
    mov ebx, trapstack_top - 20
    call chk

    ; ---- IOPL 3: CLI, STI, IN and OUT are allowed at CPL 3 (and the IRETD that returned to
    ; CPL 3 loaded IOPL 3)
    mov dword [cap_count], 0
    mov eax, u_io3
    mov edx, 0x3002
    call run_user_flags
    mov eax, [cap_count]                    ; no #GP
    mov ebx, 0
    call chk
    mov eax, [r_flags]
    mov ebx, 0x3002
    call chk
    mov eax, [r_flags+4]                    ; after STI
    mov ebx, 0x3202
    call chk
    mov eax, [r_flags+8]                    ; after CLI
    mov ebx, 0x3002
    call chk
    mov eax, [r_in]                         ; IN AL, imm8: the mask register
    mov ebx, 0xff
    call chk
    mov eax, [r_in+4]                       ; IN AL, DX after OUT imm8, AL
    mov ebx, 0xf7
    call chk
    in al, PIC_MASK                         ; OUT DX, AL put it back
    movzx eax, al
    mov ebx, 0xff
    call chk

    ; ---- POPFD at CPL 3: IOPL never changes; IF only when CPL <= IOPL; no fault
    mov dword [cap_count], 0
    mov esi, flag_rows
.popf:
    mov eax, [esi+4]
    mov [new_flags], eax
    mov eax, u_popfd
    mov edx, [esi]
    call run_user_flags
    mov eax, [r_flags]
    mov ebx, [esi+8]
    call chk
    add esi, 12
    cmp esi, flag_rows_end
    jne .popf
    ; ---- IRETD at CPL 3 to CPL 3: the same rules
    mov esi, flag_rows
.iret:
    mov eax, [esi+4]
    mov [new_flags], eax
    mov eax, u_iretd
    mov edx, [esi]
    call run_user_flags
    mov eax, [r_flags]
    mov ebx, [esi+8]
    call chk
    add esi, 12
    cmp esi, flag_rows_end
    jne .iret
    mov eax, [cap_count]
    mov ebx, 0
    call chk

    ; ---- POPFD at CPL 0 changes IOPL and IF
    push dword 0x3ad5
    popfd
    pushfd
    pop eax
    push dword 0x002
    popfd
    mov ebx, 0x3ad7
    call chk
    ret

; chk: check with the next number.
chk:
    push ecx
    mov ecx, [checks]
    inc ecx
    call check
    pop ecx
    ret

; ---- CPL 3 code. #GP rows: EAX = PRESET, then the instruction at .f
g_cli:
    mov eax, PRESET
.f: cli
    int 0x30
g_sti:
    mov eax, PRESET
.f: sti
    int 0x30
g_in_al_i:
    mov eax, PRESET
.f: in al, PIC_MASK
    int 0x30
g_in_ax_i:
    mov eax, PRESET
.f: in ax, PIC_MASK
    int 0x30
g_in_eax_i:
    mov eax, PRESET
.f: in eax, PIC_MASK
    int 0x30
g_in_al_dx:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: in al, dx
    int 0x30
g_in_ax_dx:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: in ax, dx
    int 0x30
g_in_eax_dx:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: in eax, dx
    int 0x30
g_out_i_al:
    mov eax, PRESET
.f: out PIC_MASK, al
    int 0x30
g_out_i_ax:
    mov eax, PRESET
.f: out PIC_MASK, ax
    int 0x30
g_out_i_eax:
    mov eax, PRESET
.f: out PIC_MASK, eax
    int 0x30
g_out_dx_al:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: out dx, al
    int 0x30
g_out_dx_ax:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: out dx, ax
    int 0x30
g_out_dx_eax:
    mov eax, PRESET
    mov dx, PIC_MASK
.f: out dx, eax
    int 0x30
g_hlt:
    mov eax, PRESET
.f: hlt
    int 0x30
g_lidt:
    mov eax, PRESET
.f: lidt [bad_idt_desc]
    int 0x30
g_ltr:
    mov eax, PRESET
    mov ebx, tss_b
.f: ltr ebx
    int 0x30
g_invlpg:
    mov eax, PRESET
.f: invlpg [0x1000]
    int 0x30
g_from_cr0:
    mov eax, PRESET
.f: mov eax, cr0
    int 0x30
g_from_cr2:
    mov eax, PRESET
.f: mov eax, cr2
    int 0x30
g_from_cr3:
    mov eax, PRESET
.f: mov eax, cr3
    int 0x30
g_from_cr4:
    mov eax, PRESET
.f: mov eax, cr4
    int 0x30
g_to_cr0:
    mov eax, PRESET
    mov ebx, 0x00010001                     ; WP
.f: mov cr0, ebx
    int 0x30
g_to_cr2:
    mov eax, PRESET
    mov ebx, 0x0badf00d
.f: mov cr2, ebx
    int 0x30
g_to_cr3:
    mov eax, PRESET
    mov ebx, 0x00456000
.f: mov cr3, ebx
    int 0x30
g_to_cr4:
    mov eax, PRESET
    mov ebx, 0x90                           ; PSE PGE
.f: mov cr4, ebx
    int 0x30

u_int41:
    int 0x41
    int 0x30

u_io3:
    pushfd
    pop dword [r_flags]
    sti
    pushfd
    pop dword [r_flags+4]
    cli
    pushfd
    pop dword [r_flags+8]
    xor eax, eax
    in al, PIC_MASK
    mov [r_in], eax
    mov al, 0xf7                            ; unmask IRQ 3 (nothing there)
    out PIC_MASK, al
    xor eax, eax
    mov dx, PIC_MASK
    in al, dx
    mov [r_in+4], eax
    mov al, 0xff
    out dx, al
    int 0x30

u_popfd:
    push dword [new_flags]
    popfd
    pushfd
    pop dword [r_flags]
    int 0x30

u_iretd:
    push dword [new_flags]
    push dword UCODE
    push dword .back
    iretd
.back:
    pushfd
    pop dword [r_flags]
    int 0x30

section .data
align 4
; code, the instruction that must raise #GP(0), EFLAGS to run it with
gp_rows:
    dd g_cli, g_cli.f, 0x202                ; IOPL 0: the IOPL-sensitive instructions
    dd g_sti, g_sti.f, 0x002
    dd g_in_al_i, g_in_al_i.f, 0x002
    dd g_in_ax_i, g_in_ax_i.f, 0x002
    dd g_in_eax_i, g_in_eax_i.f, 0x002
    dd g_in_al_dx, g_in_al_dx.f, 0x002
    dd g_in_ax_dx, g_in_ax_dx.f, 0x002
    dd g_in_eax_dx, g_in_eax_dx.f, 0x002
    dd g_out_i_al, g_out_i_al.f, 0x002
    dd g_out_i_ax, g_out_i_ax.f, 0x002
    dd g_out_i_eax, g_out_i_eax.f, 0x002
    dd g_out_dx_al, g_out_dx_al.f, 0x002
    dd g_out_dx_ax, g_out_dx_ax.f, 0x002
    dd g_out_dx_eax, g_out_dx_eax.f, 0x002
    dd g_cli, g_cli.f, 0x2202               ; IOPL 2 and 1: still CPL > IOPL
    dd g_sti, g_sti.f, 0x2002
    dd g_in_al_dx, g_in_al_dx.f, 0x2002
    dd g_out_dx_al, g_out_dx_al.f, 0x2002
    dd g_cli, g_cli.f, 0x1202
    dd g_out_i_al, g_out_i_al.f, 0x1002
    dd g_hlt, g_hlt.f, 0x002                ; always privileged, IOPL 0 ...
    dd g_hlt, g_hlt.f, 0x3202               ; ... and IOPL 3
    dd g_lidt, g_lidt.f, 0x3002
    dd g_ltr, g_ltr.f, 0x3002
    dd g_invlpg, g_invlpg.f, 0x3002
    dd g_from_cr0, g_from_cr0.f, 0x3002
    dd g_from_cr2, g_from_cr2.f, 0x3002
    dd g_from_cr3, g_from_cr3.f, 0x3002
    dd g_from_cr4, g_from_cr4.f, 0x3002
    dd g_to_cr0, g_to_cr0.f, 0x3002
    dd g_to_cr2, g_to_cr2.f, 0x3002
    dd g_to_cr3, g_to_cr3.f, 0x3002
    dd g_to_cr4, g_to_cr4.f, 0x3002
    dd g_lidt, g_lidt.f, 0x002
    dd g_from_cr3, g_from_cr3.f, 0x002
    dd g_to_cr3, g_to_cr3.f, 0x002
gp_rows_end:

; EFLAGS at CPL 3 before, the value POPFD / IRETD pops, EFLAGS after (SDM POPF and IRET: at
; CPL > 0 IOPL is kept; IF is loaded only if CPL <= IOPL; the arithmetic flags always are)
flag_rows:
    dd 0x0002, 0x3ad5, 0x08d7               ; IOPL 0: IF and IOPL kept
    dd 0x0202, 0x08d5, 0x0ad7
    dd 0x1202, 0x08d5, 0x1ad7               ; IOPL 1, 2: CPL > IOPL, IF kept
    dd 0x2002, 0x3ad5, 0x28d7
    dd 0x3002, 0x0ad5, 0x3ad7               ; IOPL 3: IF loaded, IOPL kept
    dd 0x3202, 0x08d5, 0x38d7
flag_rows_end:

bad_idt_desc:
    dw 0
    dd 0
align 4
tss_b:      dd 0, trapstack_top - 0x800
            times 24 dd 0
new_flags:  dd 0
r_flags:    times 3 dd 0
r_in:       times 2 dd 0
cr0_before: dd 0
cr4_before: dd 0
