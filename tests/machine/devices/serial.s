; checks: 3
; COM1 input (SPEC §2.5): with IER bit 0 set, a received byte raises IRQ 4 (vector 36) until it is
; read from RBR; LSR bit 0 (data ready) says whether a byte is waiting. Without IER no interrupt
; comes, and polling LSR works.
; Parameters: PARAM+0 mode (0 interrupt, one byte read per interrupt, spinning in between; 1
; polling with IER = 0 and IRQ 4 unmasked; 2 as 0 but halted in between), +4 the number of bytes
; N to receive.
; Results: LOG+0 interrupts at vector 36, LOG+4 bytes received; for byte k at LOG+0x100+16k:
; the time (interrupt mode: the handler's RDTSC, D + 3; polling: RDTSC after LSR showed data),
; the byte, LSR before reading RBR, LSR after.
%include "dev.inc"
%define IRQS LOG
%define RXN LOG+4

section .text
main:
    mov ecx, 36
    mov eax, com_irq
    call irq_gate
    cmp dword [PARAM], 1
    je poll
    mov dx, COM1_IER
    mov al, 1
    out dx, al
    mov ax, 0xffef                  ; IRQ 4 only
    call set_mask
    sti
.wait:
    cmp dword [PARAM], 2
    je .halt
    mov eax, [RXN]
    cmp eax, [PARAM+4]
    jb .wait
    jmp .got
.halt:
    cli
    mov eax, [RXN]
    cmp eax, [PARAM+4]
    jae .woken
    sti
    hlt
    jmp .halt
.woken:
    sti
.got:
    ; 1. one interrupt per byte
    mov eax, [IRQS]
    mov ebx, [PARAM+4]
    mov ecx, 1
    call check
    jmp finish

poll:
    mov ax, 0xffef                  ; IRQ 4 unmasked, but IER = 0
    call set_mask
    sti
.next:
    mov eax, [RXN]
    cmp eax, [PARAM+4]
    jae .done
    mov dx, COM1_LSR
.poll:
    in al, dx
    test al, 1
    jz .poll
    mov bl, al
    rdtsc
    mov edi, [RXN]
    shl edi, 4
    mov [LOG+0x100+edi], eax
    movzx eax, bl
    mov [LOG+0x108+edi], eax
    mov dx, COM1
    in al, dx
    movzx eax, al
    mov [LOG+0x104+edi], eax
    mov dx, COM1_LSR
    in al, dx
    movzx eax, al
    mov [LOG+0x10c+edi], eax
    inc dword [RXN]
    jmp .next
.done:
    ; 1. no interrupt without IER
    mov eax, [IRQS]
    xor ebx, ebx
    mov ecx, 1
    call check
finish:
    ; 2. IER reads back as written
    mov dx, COM1_IER
    in al, dx
    movzx eax, al
    mov ebx, 1
    cmp dword [PARAM], 1
    jne .ier
    xor ebx, ebx
.ier:
    mov ecx, 2
    call check
    ; 3. nothing arrived at a vector without a handler
    mov eax, [trap_count]
    xor ebx, ebx
    mov ecx, 3
    call check
    ret

com_irq:
    push eax
    push edx
    rdtsc
    push edi
    inc dword [IRQS]
    mov edi, [RXN]
    shl edi, 4
    mov [LOG+0x100+edi], eax
    mov dx, COM1_LSR
    in al, dx
    movzx eax, al
    mov [LOG+0x108+edi], eax
    mov dx, COM1
    in al, dx
    movzx eax, al
    mov [LOG+0x104+edi], eax
    mov dx, COM1_LSR
    in al, dx
    movzx eax, al
    mov [LOG+0x10c+edi], eax
    inc dword [RXN]
    mov al, 0x20
    out 0x20, al
    pop edi
    pop edx
    pop eax
    iretd
