; checks: 22
; The interrupt controller (SPEC §2.5): every IRQ masked at power-on; a masked IRQ is not delivered,
; and is delivered as soon as it is unmasked if it is still pending (a timer tick, edge-triggered,
; is remembered; COM1's and the disk's requests are levels held until serviced); an IRQ in service
; is not delivered again until the EOI (and, as on the 8259 in fully nested mode, neither is an IRQ
; of lower priority). Masks are written as 16-bit values to port 0x21 (bit n masks IRQ n).
; The host puts two bytes in COM1's receive queue before the program starts, and sets the disk
; latency to 100 on a disk of at least 8 sectors.
; Results: LOG+0x40.. the clocks the checks below compare, for the host's messages.
%include "dev.inc"
%define TICKS LOG+4
%define COMS  LOG+8
%define DISKS LOG+12
%define NO_EOI LOG+16
%define TICK_T LOG+20                ; the handler's RDTSC of the last tick
%define DISK_T LOG+24
%define COM_T  LOG+28
%define RXBYTES LOG+32               ; bytes read by the COM1 handler, in order
%define DISK_ST LOG+36               ; STATUS as the disk handler read it
%define T0 LOG+0x40

section .text
main:
    mov ecx, 32
    mov eax, timer_irq
    call irq_gate
    mov ecx, 36
    mov eax, com_irq
    call irq_gate
    mov ecx, 46
    mov eax, disk_irq
    call irq_gate

    ; 1, 2. all masked at power-on (16-bit read), the low byte as an 8-bit read
    in ax, 0x21
    movzx eax, ax
    mov ebx, 0xffff
    mov ecx, 1
    call check
    in al, 0x21
    movzx eax, al
    mov ebx, 0xff
    mov ecx, 2
    call check

    ; --- an edge (the timer) while masked ---
    sti
    mov eax, 100
    out 0x40, eax
    mov ecx, 1000                   ; 2000 instructions: 20 periods
    call spin
    ; 3. nothing delivered while IRQ 0 is masked
    mov eax, [TICKS]
    xor ebx, ebx
    mov ecx, 3
    call check
    xor eax, eax
    out 0x40, eax                   ; the timer stops; the tick already requested stays pending
    mov ecx, 500
    call spin
    mov eax, [TICKS]
    xor ebx, ebx
    mov ecx, 4
    call check
    ; 5. unmasking delivers the pending tick at once, before the next instruction
    rdtsc
    mov [T0], eax
    mov ax, 0xfffe
    out 0x21, ax                    ; retires at T0 + 4: delivered then, handler reads T0 + 7
    mov eax, [TICKS]
    mov ebx, 1
    mov ecx, 5
    call check
    mov eax, [TICK_T]
    sub eax, [T0]
    mov ebx, 7
    mov ecx, 6
    call check
    ; 7. once only: twenty ticks while masked are one request
    mov ecx, 500
    call spin
    mov eax, [TICKS]
    mov ebx, 1
    mov ecx, 7
    call check

    ; --- EOI: no second tick while the first is in service ---
    mov dword [NO_EOI], 1
    mov dword [TICKS], 0
    mov eax, 100
    out 0x40, eax
.wait1:
    cmp dword [TICKS], 1
    jb .wait1
    mov ecx, 1000                   ; 20 periods with IF = 1
    call spin
    ; 8. still one: IRQ 0 is in service
    mov eax, [TICKS]
    mov ebx, 1
    mov ecx, 8
    call check
    xor eax, eax
    out 0x40, eax                   ; stop; one tick is pending
    ; 9, 10. the EOI lets the pending tick in at once
    rdtsc
    mov [T0+4], eax
    mov al, 0x20
    out 0x20, al                    ; retires at T0+4 + 4
    mov eax, [TICKS]
    mov ebx, 2
    mov ecx, 9
    call check
    mov eax, [TICK_T]
    sub eax, [T0+4]
    mov ebx, 7
    mov ecx, 10
    call check
    ; 11. after the second EOI nothing is left
    call eoi
    mov ecx, 500
    call spin
    mov eax, [TICKS]
    mov ebx, 2
    mov ecx, 11
    call check

    ; --- a level (COM1 received data) while masked ---
    mov dx, COM1_IER
    mov al, 1
    out dx, al                      ; receive interrupt on; IRQ 4 still masked
    mov ecx, 500
    call spin
    ; 12. not delivered
    mov eax, [COMS]
    xor ebx, ebx
    mov ecx, 12
    call check
    ; 13. the data is there (LSR bit 0)
    mov dx, COM1_LSR
    in al, dx
    and eax, 1
    mov ebx, 1
    mov ecx, 13
    call check
    ; 14, 15. unmasking IRQ 4 delivers it at once; the handler drains both bytes
    mov ax, 0xffee
    out 0x21, ax
    mov eax, [COMS]
    mov ebx, 1
    mov ecx, 14
    call check
    mov eax, [RXBYTES]
    mov ebx, 0x5958                 ; 'X', 'Y' (the host's bytes)
    mov ecx, 15
    call check

    ; --- a level (disk completion) while masked ---
    mov dx, DISK_SECTOR
    mov eax, 1
    out dx, eax
    mov dx, DISK_COUNT
    out dx, eax
    mov dx, DISK_ADDRESS
    mov eax, 0x400000
    out dx, eax
    mov dx, DISK_CMD
    mov eax, 1
    out dx, eax                     ; read sector 1; done after 100 instructions
    mov ecx, 200
    call spin
    ; 16. complete but masked: not delivered
    mov eax, [DISKS]
    xor ebx, ebx
    mov ecx, 16
    call check
    ; 17, 18. unmasking IRQ 14 delivers it; the handler saw DONE
    mov ax, 0xbfee
    out 0x21, ax
    mov eax, [DISKS]
    mov ebx, 1
    mov ecx, 17
    call check
    mov eax, [DISK_ST]
    mov ebx, 4
    mov ecx, 18
    call check

    ; --- fully nested: IRQ 0 in service holds IRQ 14 back until its EOI ---
    mov dword [NO_EOI], 1
    mov dword [TICKS], 0
    mov eax, 1000
    out 0x40, eax
.wait2:
    cmp dword [TICKS], 1
    jb .wait2
    xor eax, eax
    out 0x40, eax                   ; IRQ 0 stays in service
    mov dx, DISK_CMD
    mov eax, 1
    out dx, eax                     ; another read of sector 1
    mov ecx, 200
    call spin
    ; 19. the disk is done but not delivered
    mov eax, [DISKS]
    mov ebx, 1
    mov ecx, 19
    call check
    ; 20. the EOI lets it in at once
    mov al, 0x20
    out 0x20, al
    mov eax, [DISKS]
    mov ebx, 2
    mov ecx, 20
    call check
    ; 21. the timer never came back
    mov eax, [TICKS]
    mov ebx, 1
    mov ecx, 21
    call check
    ; 22. nothing arrived at a vector without a handler
    mov eax, [trap_count]
    xor ebx, ebx
    mov ecx, 22
    call check
    mov dword [NO_EOI], 0
    ret

timer_irq:
    push eax
    push edx
    rdtsc
    mov [TICK_T], eax
    inc dword [TICKS]
    cmp dword [NO_EOI], 0
    jne .out
    mov al, 0x20
    out 0x20, al
.out:
    pop edx
    pop eax
    iretd

com_irq:
    push eax
    push edx
    rdtsc
    mov [COM_T], eax
    inc dword [COMS]
.more:
    mov dx, COM1_LSR
    in al, dx
    test al, 1
    jz .empty
    mov dx, COM1
    in al, dx
    movzx eax, al
    mov edx, [RXBYTES + 28]         ; bytes so far, kept after the bytes
    mov [RXBYTES + edx], al
    inc dword [RXBYTES + 28]
    jmp .more
.empty:
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd

disk_irq:
    push eax
    push edx
    rdtsc
    mov [DISK_T], eax
    mov dx, DISK_CMD
    in eax, dx                      ; STATUS (reading it clears DONE and the request)
    mov [DISK_ST], eax
    inc dword [DISKS]
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd
