; checks: 7
; The timer (SPEC §2.5): `out 0x40, eax` sets the period P in retired instructions; the first tick
; comes one period after the write, then one every P; a period of 0 stops it. IRQ 0, vector 32.
; Parameters: PARAM+0 P, +4 K ticks to wait for, +8 wait mode (0 spin, 1 sti/hlt), +12 Q: if not
; 0, the period is then rewritten to Q and two more ticks are awaited; +16 if not 0, end halted
; with IF = 1 and the timer stopped (the host expects the machine to go idle for good).
; Results: LOG+0 W, the clock when the first write retired; LOG+4 ticks seen; LOG+8 W2, when the
; write of Q retired; LOG+16+4k the handler's RDTSC for tick k (D + 3).
%include "dev.inc"
%define TICKS LOG+4

section .text
main:
    mov ecx, 32
    mov eax, timer_irq
    call irq_gate
    mov ax, 0xfffe                  ; only IRQ 0
    call set_mask
    sti
    mov ebx, [PARAM+4]
    mov eax, [PARAM]
    out 0x40, eax
    rdtsc
    mov [LOG], eax
    call wait_ticks
    mov eax, [PARAM+12]
    test eax, eax
    jz .stop
    out 0x40, eax                   ; a new period: the next tick is Q after this write
    rdtsc
    mov [LOG+8], eax
    add ebx, 2
    call wait_ticks
.stop:
    xor eax, eax
    out 0x40, eax
    mov esi, [TICKS]
    ; 1. no tick for 8 periods after the stop
    mov ecx, [PARAM]
    shl ecx, 2
    call spin
    mov eax, [TICKS]
    mov ebx, esi
    mov ecx, 1
    call check
    ; 2. the loop saw exactly the ticks it waited for (none was lost or doubled)
    mov eax, esi
    mov ebx, [PARAM+4]
    cmp dword [PARAM+12], 0
    je .k
    add ebx, 2
.k:
    mov ecx, 2
    call check
    ; 3. the first tick: delivered P after the write, so the handler read W + P + 3
    mov eax, [LOG+16]
    sub eax, [LOG]
    mov ebx, [PARAM]
    add ebx, 3
    mov ecx, 3
    call check
    ; 4. every later tick of the first period: exactly P after the previous one
    mov ecx, 1
    xor edi, edi                    ; mismatches
.gap:
    cmp ecx, [PARAM+4]
    jae .gapdone
    mov eax, [LOG+16+ecx*4]
    sub eax, [LOG+12+ecx*4]
    cmp eax, [PARAM]
    je .gapok
    inc edi
.gapok:
    inc ecx
    jmp .gap
.gapdone:
    mov eax, edi
    xor ebx, ebx
    mov ecx, 4
    call check
    ; 5, 6. after the rewrite: the next tick Q after it, then every Q
    cmp dword [PARAM+12], 0
    jne .q
    mov eax, 5                      ; (no rewrite: two trivially true checks, so the count is fixed)
    mov ebx, 5
    mov ecx, 5
    call check
    mov ecx, 6
    call check
    jmp .strays
.q:
    mov edx, [PARAM+4]
    mov eax, [LOG+16+edx*4]
    sub eax, [LOG+8]
    mov ebx, [PARAM+12]
    add ebx, 3
    mov ecx, 5
    call check
    mov eax, [LOG+20+edx*4]
    sub eax, [LOG+16+edx*4]
    mov ebx, [PARAM+12]
    mov ecx, 6
    call check
.strays:
    ; 7. nothing arrived at a vector without a handler
    mov eax, [trap_count]
    xor ebx, ebx
    mov ecx, 7
    call check
    cmp dword [PARAM+16], 0
    je .ret
.idle:
    sti
    hlt                             ; nothing is scheduled: the host sees the machine go idle
    jmp .idle
.ret:
    ret

; wait_ticks: until [TICKS] >= EBX, spinning or halting as PARAM+8 says.
wait_ticks:
    cmp dword [PARAM+8], 0
    jne .halt
.spin:
    cmp [TICKS], ebx
    jb .spin
    ret
.halt:
    cli
    cmp [TICKS], ebx
    jae .done
    sti
    hlt                             ; the STI shadow: no tick is lost between sti and hlt
    jmp .halt
.done:
    sti
    ret

timer_irq:
    push eax
    push edx
    rdtsc
    mov edx, [TICKS]
    mov [LOG+16+edx*4], eax
    inc edx
    mov [TICKS], edx
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd
