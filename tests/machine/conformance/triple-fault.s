; expect: triple-fault
; checks: 3
; A fault while delivering #DF is a triple fault: the machine stops (SDM vol. 3 6.15 "Interrupt 8":
; the processor enters shutdown; SPEC §2.3). First, with gate 14 not present, a #PF becomes a #DF
; that gate 8 delivers; then gate 8 is made not present too, the program prints its ARMED line and
; makes the same #PF: #PF, #GP (gate 14), #DF, #GP (gate 8) -> the machine stops with nothing more
; printed. If it goes on, it prints SURVIVED and DONE, which the runner rejects.
%include "lib.inc"
%define UNMAPPED 0x500000
%define PTE_UNMAPPED page_tables + (UNMAPPED >> 12) * 4

section .text
main:
    call map_identity
    mov dword [PTE_UNMAPPED], 0
    invlpg [UNMAPPED]
    mov ecx, 8
    mov dl, 0x8e
    call set_capture
    mov ecx, 13
    mov dl, 0x8e
    call set_capture
    mov ecx, 14
    mov dl, 0x0e                            ; P = 0
    call set_capture

    ; the double fault is delivered while gate 8 is present, from CPL 0 and CPL 3
    mov dword [cap_vec], NONE
    mov eax, k_read
    call run_kernel
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 1
    call check
    mov dword [cap_vec], NONE
    mov eax, u_read
    call run_user
    mov eax, [cap_vec]
    mov ebx, 8
    mov ecx, 2
    call check
    mov eax, [cap_frame]
    mov ebx, 0
    mov ecx, 3
    call check

    ; arm: gate 8 not present
    mov ecx, 8
    mov dl, 0x0e
    call set_capture
    call armed
    mov eax, [UNMAPPED]
    mov esi, msg_survived
    call puts
    ret

k_read:
    mov eax, [UNMAPPED]
    jmp back_from_user
u_read:
    mov eax, [UNMAPPED]
    int 0x30

section .rodata
msg_survived: db 'SURVIVED', 10, 0
