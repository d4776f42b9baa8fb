; checks: 118
; Stacks on delivery and on IRETD (SDM vol. 3 6.12.1 and figure 6-4, vol. 2 "IRET/IRETD"
; operation; SPEC §2.3): delivery from CPL 3 switches to ESP0, the word at tr + 4, read again at
; every delivery, and pushes SS, ESP, EFLAGS, CS, EIP (and the error code); delivery at CPL 0
; pushes EFLAGS, CS, EIP (and the error code) on the current stack; IRETD pops ESP and SS only
; when it returns to CPL 3 from CPL 0; IRETD to a more privileged ring, to a CS other than 0x08 and
; 0x1B, or to CS 0x1B with an SS other than 0x23 raises #GP(0) and changes nothing.
%include "lib.inc"
%define UNMAPPED 0x500000
%define PTE_UNMAPPED page_tables + (UNMAPPED >> 12) * 4
%define S1 trapstack_top - 0x100            ; ESP0 values
%define S2 trapstack_top - 0x200
%define S3 trapstack_top - 0x300
%define S4 trapstack_top - 0x400
%define USP ustack_top - 0x40               ; user stack pointers
%define USP2 ustack_top - 0x80
%define KSP kstk_top - 0x40                 ; a kernel stack pointer for CPL 0 deliveries
%define SENTINEL 0xdeadbeef

section .text
main:
    call map_identity
    mov dword [PTE_UNMAPPED], 0
    invlpg [UNMAPPED]
    mov ecx, 0x41
    mov dl, 0xee                            ; capture, DPL 3
    call set_capture
    mov ecx, 13
    mov dl, 0x8e
    call set_capture
    mov ecx, 14
    mov dl, 0x8e
    call set_capture
    mov ecx, 0x47                           ; h_bump: changes ESP0 and returns to CPL 3
    mov eax, h_bump
    mov dl, 0xee
    call set_gate

    ; ---- CPL 3 -> 0, no error code: the whole frame on the stack at [tr + 4]
    mov dword [tss+4], S1
    mov dword [cap_vec], NONE
    mov eax, u_int
    mov edx, 0x202
    call run_user_flags
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 1
    call check
    mov eax, [cap_esp]
    mov ebx, S1 - 20
    mov ecx, 2
    call check
    mov eax, [cap_frame]                    ; EIP: the next instruction
    mov ebx, u_int.next
    mov ecx, 3
    call check
    mov eax, [cap_frame+4]                  ; CS
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UCODE
    mov ecx, 4
    call check
    mov eax, [cap_frame+8]                  ; EFLAGS: IF from the IRETD, CF from the STC
    mov ebx, 0x203
    mov ecx, 5
    call check
    mov eax, [cap_frame+12]                 ; ESP
    mov ebx, USP
    mov ecx, 6
    call check
    mov eax, [cap_frame+16]                 ; SS
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UDATA
    mov ecx, 7
    call check

    ; ---- CPL 3 -> 0 with an error code (#GP), ESP0 changed since the last delivery
    mov dword [tss+4], S2
    mov eax, u_cli
    mov edx, 0x002
    call run_user_flags
    mov eax, [cap_vec]
    mov ebx, 13
    mov ecx, 8
    call check
    mov eax, [cap_esp]
    mov ebx, S2 - 24
    mov ecx, 9
    call check
    mov eax, [cap_frame]                    ; error code
    mov ebx, 0
    mov ecx, 10
    call check
    mov eax, [cap_frame+4]                  ; EIP: the faulting CLI
    mov ebx, u_cli.cli
    mov ecx, 11
    call check
    mov eax, [cap_frame+8]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UCODE
    mov ecx, 12
    call check
    mov eax, [cap_frame+12]                 ; EFLAGS: ZF PF from the XOR, IF clear
    mov ebx, 0x046
    mov ecx, 13
    call check
    mov eax, [cap_frame+16]
    mov ebx, USP2
    mov ecx, 14
    call check
    mov eax, [cap_frame+20]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UDATA
    mov ecx, 15
    call check

    ; ---- CPL 3 -> 0 by #PF: error code 4 (read, user, not present)
    mov eax, u_pf
    call run_user
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 16
    call check
    mov eax, [cap_esp]
    mov ebx, S2 - 24
    mov ecx, 17
    call check
    mov eax, [cap_frame]
    mov ebx, 4
    mov ecx, 18
    call check
    mov eax, [cap_frame+4]
    mov ebx, u_pf.read
    mov ecx, 19
    call check
    mov eax, [cap_frame+16]
    mov ebx, USP
    mov ecx, 20
    call check

    ; ---- ESP0 is read at every delivery, not kept: changed (by a handler) between two deliveries
    ; of the same CPL 3 run; and from a new task-state area after LTR
    mov dword [tss+4], S2
    mov eax, u_bump
    call run_user
    mov eax, [cap_esp]
    mov ebx, S3 - 20
    mov ecx, 21
    call check
    mov eax, [bumped]                       ; the first delivery used S2
    mov ebx, S2 - 20
    mov ecx, 22
    call check
    mov eax, tss_b
    ltr eax
    mov eax, u_int
    call run_user
    mov eax, [cap_esp]
    mov ebx, S4 - 20
    mov ecx, 23
    call check
    mov eax, tss
    ltr eax

    ; ---- delivery at CPL 0: EFLAGS CS EIP on the current stack, no SS:ESP, ESP0 unused
    mov dword [tss+4], S1
    mov edi, S1 - 32                        ; sentinels where a switch to ESP0 would push
    mov ecx, 8
.fill:
    mov dword [edi], SENTINEL
    add edi, 4
    dec ecx
    jnz .fill
    mov eax, k_int
    call run_kernel
    mov eax, [cap_esp]
    mov ebx, KSP - 12
    mov ecx, 24
    call check
    mov eax, [cap_frame]
    mov ebx, k_int.next
    mov ecx, 25
    call check
    mov eax, [cap_frame+4]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, KCODE
    mov ecx, 26
    call check
    mov eax, [cap_frame+8]
    mov ebx, 0x003
    mov ecx, 27
    call check
    mov eax, [cap_frame+12]                 ; above the frame: the stack as it was
    mov ebx, 0x0badcafe
    mov ecx, 28
    call check
    mov eax, k_pf                           ; with an error code
    call run_kernel
    mov eax, [cap_esp]
    mov ebx, KSP - 16
    mov ecx, 29
    call check
    mov eax, [cap_frame]
    mov ebx, 0                              ; read, supervisor, not present
    mov ecx, 30
    call check
    mov eax, [cap_frame+4]
    mov ebx, k_pf.read
    mov ecx, 31
    call check
    mov eax, [cap_frame+8]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, KCODE
    mov ecx, 32
    call check
    xor eax, eax                            ; ESP0's stack untouched by the two deliveries
    mov edi, S1 - 32
    mov ecx, 8
.count:
    cmp dword [edi], SENTINEL
    jne .changed
    inc eax
.changed:
    add edi, 4
    dec ecx
    jnz .count
    mov ebx, 8
    mov ecx, 33
    call check
    mov dword [tss+4], trapstack_top

    ; ---- IRETD from CPL 0 to CPL 3 pops EIP CS EFLAGS ESP SS
    mov eax, k_iret_user
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 34
    call check
    mov eax, [cap_esp]                      ; the INT switched stacks: CPL was 3
    mov ebx, trapstack_top - 20
    mov ecx, 35
    call check
    mov eax, [cap_frame+8]                  ; EFLAGS as popped
    mov ebx, 0x8d7
    mov ecx, 36
    call check
    mov eax, [cap_frame+12]                 ; ESP as popped
    mov ebx, USP2
    mov ecx, 37
    call check
    mov eax, [cap_frame+16]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UDATA
    mov ecx, 38
    call check

    ; ---- IRETD pops 32-bit slots and uses the low 16 bits of CS and SS (SDM IRET: "high-order
    ; 16 bits discarded")
    mov dword [cap_vec], NONE
    mov eax, k_iret_user_hi
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 39
    call check
    mov eax, [cap_esp]
    mov ebx, trapstack_top - 20
    mov ecx, 40
    call check

    ; ---- IRETD from CPL 0 to CPL 3 whose ESP and SS slots are on a page that is not present:
    ; #PF (supervisor read), nothing changed: still CPL 0, on the same stack, EIP on the IRETD
    mov dword [cap_vec], NONE
    mov eax, k_iret_pf
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 41
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 42
    call check
    mov eax, [cap_frame+4]
    mov ebx, k_iret_pf.iret
    mov ecx, 43
    call check
    mov eax, [cap_esp]
    mov ebx, UNMAPPED - 12 - 16
    mov ecx, 44
    call check
    mov eax, cr2
    mov ebx, UNMAPPED
    mov ecx, 45
    call check

    ; ---- IRETD at CPL 3 with ESP on a page that is not present: #PF on its first pop (a user
    ; read: error code 4, CR2 = ESP), nothing changed
    mov dword [cap_vec], NONE
    mov eax, u_iret_pf
    call run_user
    mov eax, [cap_vec]
    mov ebx, 14
    mov ecx, 46
    call check
    mov eax, [cap_frame]
    mov ebx, 4
    mov ecx, 47
    call check
    mov eax, [cap_frame+4]
    mov ebx, u_iret_pf.iret
    mov ecx, 48
    call check
    mov eax, [cap_frame+16]
    mov ebx, UNMAPPED
    mov ecx, 49
    call check
    mov eax, cr2
    mov ebx, UNMAPPED
    mov ecx, 50
    call check

    ; ---- IRETD from CPL 0 to CPL 0 pops only EIP CS EFLAGS
    mov eax, k_iret_same
    call run_kernel
    mov eax, [r_esp]
    mov ebx, KSP - 4
    mov ecx, 51
    call check
    mov eax, [r_flags]
    mov ebx, 0x8d7
    mov ecx, 52
    call check

    ; ---- IRETD from CPL 3 to CPL 3 pops only EIP CS EFLAGS (what lies above is not SS:ESP)
    mov eax, u_iret_same
    call run_user
    mov eax, [cap_vec]
    mov ebx, 0x41
    mov ecx, 53
    call check
    mov eax, [cap_frame+12]
    mov ebx, USP - 8
    mov ecx, 54
    call check
    mov eax, [cap_frame+8]
    mov ebx, 0x8d7
    mov ecx, 55
    call check

    ; ---- IRETD at CPL 3 to CS 0x08: #GP(0) on the IRETD, nothing changed, target not reached
    mov dword [cap_vec], NONE
    mov dword [escalated], 0
    mov eax, u_iret_up
    mov edx, 0x002
    call run_user_flags
    mov eax, [cap_vec]
    mov ebx, 13
    mov ecx, 56
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 57
    call check
    mov eax, [cap_frame+4]
    mov ebx, u_iret_up.iret
    mov ecx, 58
    call check
    mov eax, [cap_frame+8]
    and eax, 0xffff                         ; (a selector's slot: upper half undefined)
    mov ebx, UCODE
    mov ecx, 59
    call check
    mov eax, [cap_frame+12]
    mov ebx, 0x046
    mov ecx, 60
    call check
    mov eax, [cap_frame+16]
    mov ebx, USP - 20
    mov ecx, 61
    call check
    mov eax, [cap_regs+28]
    mov ebx, 0x13572468
    mov ecx, 62
    call check
    mov eax, [escalated]
    mov ebx, 0
    mov ecx, 63
    call check

    ; ---- IRETD at CPL 0 with a bad CS, or CS 0x1B with a bad SS: #GP(0), nothing changed
    mov dword [bad_ss], UDATA
    mov dword [bad_cs], 0x00
    mov ebp, 64                             ; cases: 6
    call iret_bad
    mov dword [bad_cs], 0x10
    mov ebp, 70                             ; cases: 6
    call iret_bad
    mov dword [bad_cs], 0x18
    mov ebp, 76                             ; cases: 6
    call iret_bad
    mov dword [bad_cs], 0x0b
    mov ebp, 82                             ; cases: 6
    call iret_bad
    mov dword [bad_cs], 0x1a
    mov ebp, 88                             ; cases: 6
    call iret_bad
    mov dword [bad_cs], UCODE
    mov dword [bad_ss], 0x10
    mov ebp, 94                             ; cases: 6
    call iret_bad
    mov dword [bad_ss], 0x20
    mov ebp, 100                             ; cases: 6
    call iret_bad
    mov dword [bad_ss], 0x2b
    mov ebp, 106                             ; cases: 6
    call iret_bad
    mov dword [bad_ss], 0x00
    mov ebp, 112                             ; cases: 6
    call iret_bad
    mov eax, [escalated]                    ; no IRETD reached its target
    mov ebx, 0
    mov ecx, 118
    call check
    ret

; iret_bad: IRETD at CPL 0 to [bad_cs], with [bad_ss] and a full frame: checks EBP .. EBP+5.
iret_bad:
    mov dword [cap_vec], NONE
    mov eax, k_iret_bad
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 13
    lea ecx, [ebp]
    call check
    mov eax, [cap_frame]                    ; error code
    mov ebx, 0
    lea ecx, [ebp+1]
    call check
    mov eax, [cap_frame+4]                  ; EIP: the IRETD
    mov ebx, k_iret_bad.iret
    lea ecx, [ebp+2]
    call check
    mov eax, [cap_esp]                      ; ESP: the frame still there, below it the #GP's
    mov ebx, KSP - 20 - 16
    lea ecx, [ebp+3]
    call check
    mov eax, [cap_frame+12]                 ; EFLAGS as they were
    mov ebx, 0x003
    lea ecx, [ebp+4]
    call check
    mov eax, [cap_regs+28]                  ; EAX as it was
    mov ebx, 0x600df00d
    lea ecx, [ebp+5]
    call check
    ret

; ---- at CPL 3
u_int:
    mov esp, USP
    stc
.int:
    int 0x41
.next:
    int 0x30
u_cli:
    mov esp, USP2
    xor eax, eax
.cli:
    cli
    int 0x30
u_pf:
    mov esp, USP
.read:
    mov eax, [UNMAPPED]
    int 0x30
u_bump:
    int 0x47                                ; h_bump: ESP0 = S3
    int 0x41
    int 0x30
u_iret_same:
    mov esp, USP
    push dword 0x11111111                   ; not SS
    push dword 0x22222222                   ; not ESP
    push dword 0x8d7                        ; CF PF AF ZF SF OF
    push dword UCODE
    push dword .back
    iretd
.back:
    int 0x41
    int 0x30
u_iret_pf:
    mov esp, UNMAPPED
.iret:
    iretd
    int 0x30
u_iret_up:
    mov esp, USP
    push dword KDATA
    push dword KSP
    push dword 0x002
    push dword KCODE
    push dword escalate
    mov eax, 0x13572468
    xor ecx, ecx                            ; EFLAGS 0x046
.iret:
    iretd
    int 0x30

; h_bump (int 0x47, DPL 3): notes where it was delivered, sets ESP0 = S3, returns to CPL 3.
h_bump:
    mov [bumped], esp
    mov dword [tss+4], S3
    iretd

; escalate: where a wrong IRETD would land at CPL 0 (or 3).
escalate:
    inc dword [escalated]
    int 0x30

; ---- at CPL 0
k_int:
    mov esp, KSP
    mov dword [esp], 0x0badcafe
    push dword 0x002
    popfd
    stc
    int 0x41
.next:
    jmp back_from_user
k_pf:
    mov esp, KSP
.read:
    mov eax, [UNMAPPED]
    jmp back_from_user
k_iret_user:
    mov esp, KSP
    push dword UDATA
    push dword USP2
    push dword 0x8d7
    push dword UCODE
    push dword u_int.int
    iretd
k_iret_user_hi:
    mov esp, KSP
    push dword 0x55550000 | UDATA
    push dword USP2
    push dword 0x002
    push dword 0xabcd0000 | UCODE
    push dword u_int.int
    iretd
k_iret_pf:
    mov esp, UNMAPPED - 12                  ; EIP CS EFLAGS below the missing page, ESP SS in it
    mov dword [esp], u_int.int
    mov dword [esp+4], UCODE
    mov dword [esp+8], 0x002
.iret:
    iretd
    jmp back_from_user
k_iret_same:
    mov esp, KSP
    push dword 0x44444444                   ; not ESP
    push dword 0x8d7
    push dword KCODE
    push dword .back
    iretd
.back:
    mov [r_esp], esp
    pushfd
    pop dword [r_flags]
    push dword 0x002
    popfd
    jmp back_from_user
k_iret_bad:
    mov esp, KSP
    push dword [bad_ss]
    push dword USP
    push dword 0x202
    push dword [bad_cs]
    push dword escalate
    push dword 0x002
    popfd
    stc
    mov eax, 0x600df00d
.iret:
    iretd
    jmp back_from_user

section .data
align 4
bumped:    dd 0
escalated: dd 0
r_esp:     dd 0
r_flags:   dd 0
bad_cs:    dd 0
bad_ss:    dd 0
tss_b:     dd 0, S4
           times 24 dd 0

section .bss
align 4096
kstk:      resb 4096
kstk_top:
