; (h) recursive.ts written by hand (cdecl, as the compiler's callers expect).
section .text
global main
main:
    push 22
    call fib
    add esp, 4
    ret

fib:
    mov eax, [esp + 4]
    cmp eax, 2
    jl .done
    push ebx
    mov ebx, eax
    dec eax
    push eax
    call fib
    mov [esp], eax              ; keep fib(n - 1) in the argument slot
    lea eax, [ebx - 2]
    push eax
    call fib
    add esp, 4
    pop ecx
    add eax, ecx
    pop ebx
.done:
    ret
