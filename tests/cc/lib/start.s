; The bare-metal runtime of the compiler tests: a stack, main(), and main's result as the
; power-off code. check(ok) reports a failing check with its caller's address, which the test
; runner turns into file:line and the source text through the ELF line table.
section .text
global _start
global check
global putc
extern main
_start:
    mov esp, stack_top
    call main
    out 0xf4, al
    hlt

; check(ok: bool): on false, "FAIL <return address in hex>\n" on COM1 and one more failure
check:
    inc dword [checks]
    cmp byte [esp + 4], 0
    jne .ok
    inc dword [failures]
    push esi
    mov esi, msg_fail
    call puts
    mov eax, [esp + 4]              ; the return address (after the push)
    call puthex
    mov al, 10
    call putc_al
    pop esi
.ok:
    ret

; putc(c: u8): one byte to COM1 (cdecl)
putc:
    mov al, [esp + 4]
    call putc_al
    ret

putc_al:
    push edx
    push eax
    mov dx, 0x3fd
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, 0x3f8
    out dx, al
    pop edx
    ret

puts:
    push eax
.next:
    mov al, [esi]
    test al, al
    jz .done
    call putc_al
    inc esi
    jmp .next
.done:
    pop eax
    ret

puthex:
    push ecx
    push edx
    mov ecx, 8
.digit:
    rol eax, 4
    mov edx, eax
    and edx, 15
    push eax
    mov al, [hexdigits + edx]
    call putc_al
    pop eax
    dec ecx
    jnz .digit
    pop edx
    pop ecx
    ret

global check_summary
; check_summary(): "CHECKS <n> FAILURES <m>\n"; returns the number of failures
check_summary:
    push esi
    mov esi, msg_checks
    call puts
    mov eax, [checks]
    call puthex
    mov esi, msg_failures
    call puts
    mov eax, [failures]
    call puthex
    mov al, 10
    call putc_al
    mov eax, [failures]
    pop esi
    ret

section .rodata
hexdigits: db '0123456789abcdef'
msg_fail: db 'FAIL ', 0
msg_checks: db 'CHECKS ', 0
msg_failures: db ' FAILURES ', 0

section .data
checks: dd 0
failures: dd 0

section .bss
align 16
stack: resb 65536
stack_top:
