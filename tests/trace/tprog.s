; The user program of tests/trace/trace.test.ts, run as init on the kernel: a system call, a
; write to a bss page that is not there yet (a demand-zero fault), "hi" on the console, exit(0).

section .text
global _start
_start:
    mov eax, 20                     ; getpid
    int 0x80
    mov dword [buf + 4096], 7
    mov eax, 4                      ; write(1, msg, 3)
    mov ebx, 1
    mov ecx, msg
    mov edx, 3
    int 0x80
    mov eax, 1                      ; exit(0)
    xor ebx, ebx
    int 0x80

section .rodata
msg: db 'hi', 10

section .bss
align 4096
buf: resb 8192
