; checks: 1
; det.s: the workload of tests/machine/determinism.test.ts. Paging is on (identity map, a small TLB
; churned with interrupts off), the timer ticks (the handler prints a '.' every 4th tick), COM1
; input arrives by interrupt (each byte is echoed as <c> and folded into the sum), and each round
; writes a sector and reads another back by DMA, churning the TLB with interrupts off while the
; write is in flight and waiting with sti/hlt for IRQ 14, whose handler sums the sector read with
; interrupts off. What is written depends on the tick count and the sum so far, so an interrupt
; taken one instruction early or late changes the output.
; Parameters: PARAM+0 rounds, +4 timer period, +8 disk sectors to use.
; Results: LOG+0 ticks, LOG+4 disk interrupts, LOG+8 the sum, LOG+12 bytes received, LOG+16
; requests issued, LOG+20 the disk handler's checksum.
%include "dev.inc"
%define TICKS LOG+0
%define DISKS LOG+4
%define SUM LOG+8
%define RXN LOG+12
%define ISSUED LOG+16
%define CSUM LOG+20
%define BUF_W 0x600000
%define BUF_R 0x601000
%define BUF_C 0x602000
%define CHURN 0x400000

section .text
main:
    call map_identity
    mov ecx, 32
    mov eax, tick_irq
    call irq_gate
    mov ecx, 36
    mov eax, rx_irq
    call irq_gate
    mov ecx, 46
    mov eax, disk_irq
    call irq_gate
    mov dx, COM1_IER
    mov al, 1
    out dx, al
    mov ax, 0xbfee                  ; IRQs 0, 4 and 14
    call set_mask
    mov eax, [PARAM+4]
    out 0x40, eax
    sti
    xor ebp, ebp
.round:
    cmp ebp, [PARAM]
    jae .end
    ; a sector's worth of data from the round, the ticks and the sum
    mov ebx, ebp
    imul ebx, ebx, 0x01000193
    xor ebx, [TICKS]
    xor ebx, [SUM]
    xor ecx, ecx
.fill:
    mov eax, ebx
    xor eax, ecx
    mov [BUF_W + ecx*4], eax
    rol ebx, 5
    add ebx, ecx
    inc ecx
    cmp ecx, 128
    jne .fill
    ; write it to sector round % S, read sector (5 round + 1) % S back
    mov eax, ebp
    xor edx, edx
    div dword [PARAM+8]
    mov ecx, edx
    mov eax, 2
    mov ebx, BUF_W
    call disk_start
    ; while the write is in flight, churn the TLB with interrupts off: 48 of 64 pages, in an
    ; order that depends on the ticks
    cli
    mov ecx, 48
    mov ebx, [TICKS]
.churn:
    imul eax, ecx, 37
    add eax, ebx
    and eax, 63
    shl eax, 12
    add [CHURN + eax], ecx
    mov edx, [CHURN + eax + 4]
    add [SUM], edx
    dec ecx
    jnz .churn
    sti
    call disk_wait
    lea eax, [ebp*4 + ebp + 1]
    xor edx, edx
    div dword [PARAM+8]
    mov ecx, edx
    mov eax, 1
    mov ebx, BUF_R
    call disk_request
    ; copy it with interrupts on (a REP that a tick may cut), then fold it into the sum
    mov esi, BUF_R
    mov edi, BUF_C
    mov ecx, 128
    cld
.rep_copy:
    rep movsd
    xor ecx, ecx
    mov eax, [SUM]
.sum:
    rol eax, 1
    add eax, [BUF_C + ecx*4]
    inc ecx
    cmp ecx, 128
    jne .sum
    mov [SUM], eax
    ; one line: round ticks sum
    mov eax, ebp
    call puthex
    mov al, ' '
    call putc
    mov eax, [TICKS]
    call puthex
    mov al, ' '
    call putc
    mov eax, [SUM]
    call puthex
    mov al, 10
    call putc
    inc ebp
    jmp .round
.end:
    mov eax, 3                      ; flush
    xor ebx, ebx
    xor ecx, ecx
    call disk_request
    xor eax, eax
    out 0x40, eax
    ; a last REP MOVSD: its pages are not touched again, so their TLB last-use stamps are the
    ; REP's own
    mov esi, BUF_C
    mov edi, BUF_W
    mov ecx, 128
    rep movsd
    ; 1. nothing arrived at a vector without a handler
    mov eax, [trap_count]
    xor ebx, ebx
    mov ecx, 1
    call check
    ret

; disk_request: command EAX, sector ECX, one sector, buffer EBX; waits for IRQ 14 halted.
disk_request:
    call disk_start
    call disk_wait
    ret

; disk_start: issues command EAX on sector ECX, one sector, buffer EBX.
disk_start:
    pushad
    mov edi, eax
    mov dx, DISK_SECTOR
    mov eax, ecx
    out dx, eax
    mov dx, DISK_COUNT
    mov eax, 1
    out dx, eax
    mov dx, DISK_ADDRESS
    mov eax, ebx
    out dx, eax
    mov dx, DISK_CMD
    mov eax, edi
    out dx, eax
    inc dword [ISSUED]
    popad
    ret

; disk_wait: halts until every request issued has completed.
disk_wait:
    push eax
.wait:
    cli
    mov eax, [DISKS]
    cmp eax, [ISSUED]
    jae .done
    sti
    hlt
    jmp .wait
.done:
    sti
    pop eax
    ret

tick_irq:
    push eax
    inc dword [TICKS]
    mov eax, [TICKS]
    test eax, 3
    jnz .quiet
    mov al, '.'
    call putc
.quiet:
    mov al, 0x20
    out 0x20, al
    pop eax
    iretd

rx_irq:
    pushad
.more:
    mov dx, COM1_LSR
    in al, dx
    test al, 1
    jz .empty
    mov dx, COM1
    in al, dx
    movzx ebx, al
    mov al, '<'
    call putc
    mov al, bl
    call putc
    mov al, '>'
    call putc
    mov eax, [SUM]
    imul eax, eax, 31
    add eax, ebx
    mov [SUM], eax
    inc dword [RXN]
    jmp .more
.empty:
    mov al, 0x20
    out 0x20, al
    popad
    iretd

disk_irq:
    push eax
    push edx
    push ecx
    mov dx, DISK_CMD
    in eax, dx
    inc dword [DISKS]
    ; a checksum of the read buffer, with interrupts off (ticks wait)
    xor ecx, ecx
    mov eax, [CSUM]
.csum:
    add eax, [BUF_R + ecx*4]
    rol eax, 3
    inc ecx
    cmp ecx, 128
    jne .csum
    mov [CSUM], eax
    pop ecx
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd
