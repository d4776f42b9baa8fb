; hello.s: prints a line on COM1 and powers the machine off with exit code 0.
;
;   npx toy86 asm docs/examples/hello.s -o hello.elf --base 0x100000
;   npx toy86 boot --kernel hello.elf

section .text
global _start
_start:
    mov esi, msg
.next:
    mov bl, [esi]          ; the next character
    test bl, bl
    jz .done
    mov dx, 0x3fd          ; COM1 line status register
.wait:
    in al, dx
    test al, 0x20          ; transmitter holding register empty?
    jz .wait
    mov al, bl
    mov dx, 0x3f8          ; COM1 data register
    out dx, al
    inc esi
    jmp .next
.done:
    mov al, 0
    out 0xf4, al           ; power off: the exit code is the byte written

section .rodata
msg: db 'Hello from toy86!', 10, 0
