; checks: 64
; INT n, INT3 and the IDT's gates (SDM vol. 2 "INT n/INTO/INT3/INT1" operation, vol. 3 6.10-6.13
; and 17.3.1.4; SPEC §2.3): the DPL check of software interrupts, the IDT limit, not-present and
; wrongly typed gates, interrupt versus trap gates (IF, TF), and which address each kind of event
; pushes: traps (INT n, INT3, single-step #DB) the next instruction's, faults (#DE, #UD, #GP, #PF)
; their own, with registers and memory left as they were before the instruction.
%include "lib.inc"
%define UNMAPPED 0x500000                   ; a page made not present
%define PTE_UNMAPPED page_tables + (UNMAPPED >> 12) * 4
%define IF_ 0x200
%define TF_ 0x100

section .text
main:
    call map_identity
    mov dword [PTE_UNMAPPED], 0
    invlpg [UNMAPPED]

    ; ---- INT n / INT3 from CPL 3 through a DPL 0 gate: #GP(n*8+2), the handler is not entered
    mov ecx, 0x40
    mov dl, 0x8e                            ; interrupt gate, DPL 0
    call set_capture
    mov dword [cap_count], 0
    mov dword [last_vec], NONE
    mov dword [last_err], NONE
    mov dword [resume], user_exit
    mov eax, u_int40
    call run_user
    mov eax, [last_vec]
    mov ebx, 13
    mov ecx, 1
    call check
    mov eax, [last_err]
    mov ebx, 0x40*8 + 2
    mov ecx, 2
    call check
    mov eax, [last_eip]
    mov ebx, u_int40                        ; a fault: the INT instruction itself
    mov ecx, 3
    call check
    mov eax, [cap_count]
    mov ebx, 0                              ; gate 0x40's handler never ran
    mov ecx, 4
    call check
    ; INT3 checks the gate's DPL too (unlike INT1): gate 3 is DPL 0
    mov dword [last_vec], NONE
    mov dword [last_err], NONE
    mov dword [resume], user_exit
    mov eax, u_int3
    call run_user
    mov eax, [last_vec]
    mov ebx, 13
    mov ecx, 5
    call check
    mov eax, [last_err]
    mov ebx, 3*8 + 2
    mov ecx, 6
    call check
    ; at CPL 0 the same DPL 0 gate is fine; INT n is a trap: the next instruction's address
    mov dword [cap_vec], NONE
    mov eax, k_int40
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 0x40
    mov ecx, 7
    call check
    mov eax, [cap_frame]
    mov ebx, k_int40_next
    mov ecx, 8
    call check

    ; ---- through DPL 3 gates from CPL 3: INT n and INT3 are delivered, EIP = next
    mov ecx, 0x41
    mov dl, 0xee                            ; interrupt gate, DPL 3
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, u_int41
    call run_user
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 9
    call check
    mov eax, [cap_frame]
    mov ebx, u_int41_next
    mov ecx, 10
    call check
    mov eax, [cap_frame+4]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UCODE
    mov ecx, 11
    call check
    mov ecx, 3
    mov dl, 0xee
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, u_int3
    call run_user
    mov eax, [cap_vec]
    mov ebx, 3
    mov ecx, 12
    call check
    mov eax, [cap_frame]
    mov ebx, u_int3_next
    mov ecx, 13
    call check
    ; INT 14 from software pushes no error code (SDM vol. 3 6.13: not for INT n), even though
    ; vector 14 is #PF's
    mov ecx, 14
    mov dl, 0xee
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, u_int14
    call run_user
    mov eax, [cap_esp]
    mov ebx, trapstack_top - 20             ; SS ESP EFLAGS CS EIP, no error code
    mov ecx, 14
    call check
    mov eax, [cap_frame]
    mov ebx, u_int14_next
    mov ecx, 15
    call check
    mov ecx, 14
    call reset_gate
    mov ecx, 3
    call reset_gate

    ; ---- the IDT limit: gate n is beyond it unless n*8+7 <= limit
    lidt [idt_short]                        ; limit 0x41*8+6: gate 0x41 is one byte short
    mov dword [cap_count], 0
    mov dword [last_vec], NONE
    mov dword [last_err], NONE
    mov dword [resume], user_exit
    mov eax, u_int41
    call run_user
    mov eax, [last_vec]
    mov ebx, 13
    mov ecx, 16
    call check
    mov eax, [last_err]
    mov ebx, 0x41*8 + 2
    mov ecx, 17
    call check
    mov eax, [cap_count]
    mov ebx, 0
    mov ecx, 18
    call check
    lidt [idt_exact]                        ; limit 0x41*8+7: gate 0x41 is in
    mov dword [cap_vec], NONE
    mov eax, u_int41
    call run_user
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 19
    call check
    lidt [idt_short]                        ; at CPL 0 too
    mov dword [last_err], NONE
    mov dword [resume], .after_short0
.int41_0:
    int 0x41
.after_short0:
    mov eax, [last_err]
    mov ebx, 0x41*8 + 2
    mov ecx, 20
    call check
    mov eax, [last_eip]
    mov ebx, .int41_0                       ; a fault: the INT instruction
    mov ecx, 21
    call check
    lidt [idt_desc]

    ; ---- a not-present gate, a gate of another type: #GP(n*8+2); INT3 too, without EXT
    mov ecx, 0x42
    mov dl, 0x6e                            ; P = 0, DPL 3, interrupt gate
    call set_capture
    mov dword [cap_count], 0
    mov dword [last_vec], NONE
    mov dword [last_err], NONE
    mov dword [resume], user_exit
    mov eax, u_int42
    call run_user
    mov eax, [last_vec]
    mov ebx, 13
    mov ecx, 22
    call check
    mov eax, [last_err]
    mov ebx, 0x42*8 + 2
    mov ecx, 23
    call check
    mov dword [last_err], NONE              ; at CPL 0
    mov dword [resume], .after_np0
    int 0x42
.after_np0:
    mov eax, [last_err]
    mov ebx, 0x42*8 + 2
    mov ecx, 24
    call check
    mov ecx, 0x43
    mov dl, 0xec                            ; P, DPL 3, type 0xC (a call gate: not an IDT gate)
    call set_capture
    mov dword [last_err], NONE
    mov dword [resume], user_exit
    mov eax, u_int43
    call run_user
    mov eax, [last_err]
    mov ebx, 0x43*8 + 2
    mov ecx, 25
    call check
    mov ecx, 3
    mov dl, 0x6e                            ; gate 3 not present
    call set_capture
    mov dword [last_err], NONE
    mov dword [resume], .after_np3
    int3
.after_np3:
    mov eax, [last_err]
    mov ebx, 3*8 + 2                        ; software: EXT (bit 0) clear
    mov ecx, 26
    call check
    mov eax, [cap_count]
    mov ebx, 0                              ; no handler of 0x42, 0x43 or 3 ran
    mov ecx, 27
    call check
    mov ecx, 3
    call reset_gate

    ; ---- an interrupt gate clears IF, a trap gate keeps it
    mov ecx, 0x44
    mov dl, 0x8e
    call set_capture
    mov ecx, 0x45
    mov dl, 0x8f                            ; trap gate, DPL 0
    call set_capture
    mov eax, k_sti_int44
    call run_kernel
    mov eax, [cap_eflags]
    and eax, IF_
    mov ebx, 0
    mov ecx, 28
    call check
    mov eax, [cap_frame+8]                  ; the pushed EFLAGS had IF
    and eax, IF_
    mov ebx, IF_
    mov ecx, 29
    call check
    mov eax, k_sti_int45
    call run_kernel
    mov eax, [cap_eflags]
    and eax, IF_
    mov ebx, IF_
    mov ecx, 30
    call check
    cli
    mov ecx, 0x46
    mov dl, 0xef                            ; trap gate, DPL 3
    call set_capture
    mov eax, u_int46                        ; from CPL 3 with IF = 1 (IOPL 0)
    mov edx, 0x202
    call run_user_flags
    mov eax, [cap_eflags]
    and eax, IF_
    mov ebx, IF_
    mov ecx, 31
    call check
    mov eax, u_int41                        ; gate 0x41: interrupt gate, DPL 3
    mov edx, 0x202
    call run_user_flags
    mov eax, [cap_eflags]
    and eax, IF_
    mov ebx, 0
    mov ecx, 32
    call check
    mov eax, [cap_frame+8]
    and eax, IF_
    mov ebx, IF_
    mov ecx, 33
    call check
    cli

    ; ---- both kinds of gate clear TF: a #UD raised with TF set (no #DB: the instruction
    ; did not complete)
    mov ecx, 6
    mov dl, 0x8e
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, k_tf_ud2
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 6
    mov ecx, 34
    call check
    mov eax, [cap_eflags]
    and eax, TF_
    mov ebx, 0
    mov ecx, 35
    call check
    mov eax, [cap_frame+8]
    and eax, TF_
    mov ebx, TF_
    mov ecx, 36
    call check
    mov eax, [cap_frame]
    mov ebx, k_tf_ud2.ud                    ; a fault: the UD2 itself
    mov ecx, 37
    call check
    mov ecx, 6
    mov dl, 0x8f                            ; now a trap gate
    call set_capture
    mov eax, k_tf_ud2
    call run_kernel
    mov eax, [cap_eflags]
    and eax, TF_ | IF_
    mov ebx, IF_                            ; TF cleared, IF kept
    mov ecx, 38
    call check
    cli
    mov ecx, 6
    mov dl, 0x8e
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, u_ud2                          ; from CPL 3: IRETD sets TF and IF
    mov edx, 0x302
    call run_user_flags
    mov eax, [cap_vec]
    mov ebx, 6
    mov ecx, 39
    call check
    mov eax, [cap_eflags]
    and eax, TF_ | IF_
    mov ebx, 0
    mov ecx, 40
    call check
    mov eax, [cap_frame+8]
    and eax, TF_ | IF_
    mov ebx, TF_ | IF_
    mov ecx, 41
    call check

    ; ---- single step: #DB after the instruction that began with TF set (not after the
    ; POPFD that set it), with the next instruction's address; the handler runs with TF clear
    mov ecx, 1
    mov dl, 0x8e
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, k_tf_nop
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 1
    mov ecx, 42
    call check
    mov eax, [cap_frame]
    mov ebx, k_tf_nop.next
    mov ecx, 43
    call check
    mov eax, [cap_eflags]
    and eax, TF_
    mov ebx, 0
    mov ecx, 44
    call check

    ; ---- #DE (divide by zero, quotient too large): the DIV's address, EDX:EAX unchanged
    mov ecx, 0
    mov dl, 0x8e
    call set_capture
    mov dword [cap_vec], NONE
    mov eax, k_div0
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 0
    mov ecx, 45
    call check
    mov eax, [cap_frame]
    mov ebx, k_div0.div
    mov ecx, 46
    call check
    mov eax, [cap_regs+28]                  ; EAX
    mov ebx, 0x1234
    mov ecx, 47
    call check
    mov eax, [cap_regs+20]                  ; EDX
    mov ebx, 0x77
    mov ecx, 48
    call check
    mov dword [cap_vec], NONE
    mov eax, u_divovf
    call run_user
    mov eax, [cap_vec]
    mov ebx, 0
    mov ecx, 49
    call check
    mov eax, [cap_frame]
    mov ebx, u_divovf.div
    mov ecx, 50
    call check
    mov eax, [cap_regs+28]
    mov ebx, 0x89abcdef
    mov ecx, 51
    call check
    mov eax, [cap_regs+20]
    mov ebx, 5
    mov ecx, 52
    call check

    ; ---- #UD and #GP at CPL 3: the instruction's own address, registers unchanged
    mov dword [cap_vec], NONE
    mov eax, u_ud2
    call run_user
    mov eax, [cap_frame]
    mov ebx, u_ud2
    mov ecx, 53
    call check
    mov ecx, 13
    mov dl, 0x8e
    call set_capture
    mov eax, u_hlt
    call run_user
    mov eax, [cap_frame+4]                  ; after the error code
    mov ebx, u_hlt.hlt
    mov ecx, 54
    call check
    mov eax, [cap_regs+28]
    mov ebx, 0xfeedf00d
    mov ecx, 55
    call check

    ; ---- #PF at CPL 3: the instruction's address, nothing written, ESP unchanged
    mov ecx, 14
    mov dl, 0x8e
    call set_capture
    mov word [UNMAPPED - 2], 0x1122
    mov dword [cap_vec], NONE
    mov eax, u_split_write                  ; a dword write across into the missing page
    call run_user
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 56
    call check
    mov eax, [cap_frame+4]
    mov ebx, u_split_write
    mov ecx, 57
    call check
    movzx eax, word [UNMAPPED - 2]          ; the half on the present page was not written
    mov ebx, 0x1122
    mov ecx, 58
    call check
    mov eax, [cap_frame]                    ; error code: not present, write, user
    mov ebx, 6
    mov ecx, 59
    call check
    mov eax, cr2
    mov ebx, UNMAPPED
    mov ecx, 60
    call check
    mov eax, u_pop_mem                      ; POP m32 whose write faults
    call run_user
    mov eax, [cap_frame+4]
    mov ebx, u_pop_mem.pop
    mov ecx, 61
    call check
    mov eax, [cap_frame+16]                 ; the user's ESP, as before the POP
    mov ebx, ustack_top - 4
    mov ecx, 62
    call check
    mov eax, u_call_nostack                 ; CALL whose push faults
    call run_user
    mov eax, [cap_frame+4]
    mov ebx, u_call_nostack.call
    mov ecx, 63
    call check
    mov eax, [cap_frame+16]
    mov ebx, UNMAPPED + 0x1000
    mov ecx, 64
    call check
    ret

; reset_gate: gate ECX back to lib.inc's trap_common stub (interrupt gate, DPL 0).
reset_gate:
    push eax
    push edx
    lea eax, [ecx + ecx*4]
    add eax, trap_stubs
    mov dl, 0x8e
    call set_gate
    pop edx
    pop eax
    ret

; ---- code run at CPL 0 by run_kernel
k_int40:
    int 0x40
k_int40_next:
    jmp back_from_user
k_sti_int44:
    sti
    int 0x44
    jmp back_from_user
k_sti_int45:
    sti
    int 0x45
    jmp back_from_user
k_tf_ud2:
    sti
    pushfd
    or dword [esp], TF_
    popfd
.ud:
    ud2
    jmp back_from_user
k_tf_nop:
    pushfd
    or dword [esp], TF_
    popfd
    nop
.next:
    nop
    jmp back_from_user
k_div0:
    mov eax, 0x1234
    mov edx, 0x77
    xor ecx, ecx
.div:
    div ecx
    jmp back_from_user

; ---- code run at CPL 3
u_int40:
    int 0x40
    int 0x30
u_int3:
    int3
u_int3_next:
    int 0x30
u_int41:
    int 0x41
u_int41_next:
    int 0x30
u_int14:
    int 14
u_int14_next:
    int 0x30
u_int42:
    int 0x42
    int 0x30
u_int43:
    int 0x43
    int 0x30
u_int46:
    int 0x46
    int 0x30
u_ud2:
    ud2
    int 0x30
u_divovf:                                   ; EDX:EAX / 2 does not fit in 32 bits
    mov eax, 0x89abcdef
    mov edx, 5
    mov ecx, 2
.div:
    div ecx
    int 0x30
u_hlt:
    mov eax, 0xfeedf00d
.hlt:
    hlt
    int 0x30
u_split_write:
    mov dword [UNMAPPED - 2], 0xaabbccdd
    int 0x30
u_pop_mem:
    push dword 0x5a5a5a5a
.pop:
    pop dword [UNMAPPED + 8]
    int 0x30
u_call_nostack:
    mov esp, UNMAPPED + 0x1000              ; the push would go to the missing page
.call:
    call u_call_nostack
    int 0x30

section .data
align 8
    dw 0
idt_short:
    dw 0x41*8 + 6
    dd idt
    dw 0
idt_exact:
    dw 0x41*8 + 7
    dd idt
