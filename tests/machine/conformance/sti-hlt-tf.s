; checks: 16
; STI's shadow, HLT and TF single-step (SPEC §2.3): an interrupt pending when STI sets IF is taken
; after the instruction that follows STI, not before; HLT waits for the next interrupt, whose frame
; returns to the instruction after HLT; with TF set by POPFD, #DB (a trap) follows each
; instruction after the POPFD, the one that clears TF included, with the next instruction's
; address pushed; a handler entered through an interrupt gate runs with TF clear.
%include "lib.inc"

section .text
main:
    mov ecx, 32                     ; IRQ 0, the timer
    mov eax, timer_handler
    mov dl, 0x8e
    call set_gate
    mov ecx, 1                      ; #DB
    mov eax, db_handler
    mov dl, 0x8e
    call set_gate

    ; 1. STI shadow. With IF = 0, start the timer and wait until its tick is pending.
    mov al, 0xfe                    ; unmask IRQ 0 only
    out 0x21, al
    mov eax, 100
    out 0x40, eax
    mov ecx, 1000
.spin:
    dec ecx
    jnz .spin
    xor esi, esi
    sti
    inc esi                         ; runs before the interrupt
after_first_inc:
    inc esi                         ; the interrupt comes before this one
    inc esi
    cli
    xor eax, eax                    ; stop the timer; take any tick still pending
    out 0x40, eax
    mov eax, [ticks]
    mov [ticks_1], eax
    sti
    nop
    cli
    mov eax, [seen_esi]
    mov ebx, 1
    mov ecx, 1
    call check
    mov eax, [ticks_1]
    mov ebx, 1
    mov ecx, 2
    call check
    mov eax, [tick_eip]
    mov ebx, after_first_inc
    mov ecx, 3
    call check
    mov eax, [tick_if]              ; the interrupt gate cleared IF in the handler
    mov ebx, 0
    mov ecx, 4
    call check

    ; 2. HLT waits for the timer's next tick, then continues after the HLT.
    mov dword [ticks], 0
    mov eax, 5000
    out 0x40, eax                   ; the next tick: 5000 instructions from now
    rdtsc
    mov edi, eax
    sti
    hlt
after_hlt:
    cli
    rdtsc
    sub eax, edi
    mov ebp, eax
    mov eax, [ticks]
    mov ebx, 1
    mov ecx, 5
    call check
    mov eax, [tick_eip]
    mov ebx, after_hlt
    mov ecx, 6
    call check
    ; the clock jumped to the tick: at least the period passed, and not much more
    xor eax, eax
    cmp ebp, 5000
    setae al
    mov ebx, 1
    mov ecx, 7
    call check
    xor eax, eax
    cmp ebp, 5100
    setb al
    mov ebx, 1
    mov ecx, 8
    call check
    xor eax, eax                    ; stop the timer
    out 0x40, eax
    mov al, 0xff
    out 0x21, al

    ; 3. TF: a #DB after each instruction from the one after the POPFD that sets TF through the
    ;    POPFD that clears it.
    mov dword [db_count], 0
    pushfd
    or dword [esp], 0x100
    popfd                           ; sets TF: no trap after this one
step1: nop
step2: nop
step3: nop
step4: pushfd
step5: and dword [esp], ~0x100
step6: popfd                        ; clears TF: the trap still follows it
step7: nop
step8: nop
    mov eax, [db_count]
    mov ebx, 6
    mov ecx, 9
    call check
    mov esi, 0
.eips:
    mov eax, [db_eips + esi*4]
    mov ebx, [want_eips + esi*4]
    lea ecx, [esi + 10]
    call check
    inc esi
    cmp esi, 6
    jne .eips
    mov eax, [db_tf]                ; TF was clear in the handler every time
    mov ebx, 0
    mov ecx, 16
    call check
    ret

timer_handler:
    push eax
    mov [seen_esi], esi
    inc dword [ticks]
    mov eax, [esp+4]
    mov [tick_eip], eax
    pushfd
    pop eax
    and eax, 0x200
    mov [tick_if], eax
    mov al, 0x20                    ; EOI
    out 0x20, al
    pop eax
    iretd

db_handler:
    push eax
    push ebx
    mov ebx, [db_count]
    mov eax, [esp+8]
    mov [db_eips + ebx*4], eax
    inc dword [db_count]
    pushfd
    pop eax
    and eax, 0x100
    or [db_tf], eax
    pop ebx
    pop eax
    iretd

section .data
seen_esi: dd -1
ticks: dd 0
ticks_1: dd 0
tick_eip: dd 0
tick_if: dd -1
db_count: dd 0
db_tf: dd 0
db_eips: times 16 dd 0
want_eips: dd step2, step3, step4, step5, step6, step7
