; (g) checksum.ts written by hand.
section .text
global main
main:
    push ebx
    push esi
    mov eax, 12345
    mov esi, data
    mov ecx, 4096
.fill:
    imul eax, eax, 1103515245
    add eax, 12345
    mov [esi], eax
    add esi, 4
    dec ecx
    jnz .fill
    xor eax, eax                ; sum
    mov edx, 16
.pass:
    mov esi, data
    mov ecx, 4096
.fold:
    rol eax, 5
    add eax, [esi]
    add esi, 4
    dec ecx
    jnz .fold
    dec edx
    jnz .pass
    pop esi
    pop ebx
    ret

section .bss
align 4
data: resb 4096 * 4
