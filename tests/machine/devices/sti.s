; checks: 1
; STI holds interrupts off for exactly one more instruction (SPEC §2.2). A timer tick is left
; pending with IF = 0, then `sti` is followed by twenty NOPs: the tick must be taken after the
; first NOP, however the host splits the run around the STI.
; Results: LOG+0 RDTSC just before the STI (t: the STI retires at t + 3, the first NOP at t + 4,
; so the handler reads t + 7); LOG+4 the handler's RDTSC (D + 3); LOG+8 ticks.
%include "dev.inc"

section .text
main:
    mov ecx, 32
    mov eax, tick
    call irq_gate
    mov ax, 0xfffe
    call set_mask
    mov eax, 50
    out 0x40, eax
    mov ecx, 100
    call spin                       ; IF = 0: a tick is pending
    xor eax, eax
    out 0x40, eax                   ; no more ticks; the pending one stays
    rdtsc
    mov [LOG], eax
    sti
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    ; 1. taken once
    mov eax, [LOG+8]
    mov ebx, 1
    mov ecx, 1
    call check
    ret

tick:
    push eax
    push edx
    rdtsc
    mov [LOG+4], eax
    inc dword [LOG+8]
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd
