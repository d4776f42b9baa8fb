; (i) listwalk.ts written by hand. Node: next +0, value +4, weight +8 (word), flags +10 (byte); 12 bytes.
section .text
global main
main:
    push ebx
    push esi
    push edi
    xor ecx, ecx                ; k
    mov esi, nodes              ; the node k
.build:
    lea eax, [ecx + 383]
    cmp eax, 1000
    jb .inrange
    sub eax, 1000
.inrange:
    imul eax, eax, 12
    add eax, nodes
    mov [esi], eax
    imul eax, ecx, 7
    sub eax, 3000
    mov [esi + 4], eax
    mov eax, ecx
    and eax, 15
    mov [esi + 8], ax
    mov eax, ecx
    xor edx, edx
    mov ebx, 3
    div ebx
    cmp edx, 1
    setb al                     ; 1 when k mod 3 = 0
    mov [esi + 10], al
    add esi, 12
    inc ecx
    cmp ecx, 1000
    jb .build
    xor edi, edi                ; total
    mov ebx, 50
.pass:
    mov esi, nodes
    mov ecx, 1000
.walk:
    cmp byte [esi + 10], 0
    je .skip
    movzx eax, word [esi + 8]
    imul eax, [esi + 4]
    add edi, eax
.skip:
    mov esi, [esi]
    dec ecx
    jnz .walk
    dec ebx
    jnz .pass
    mov eax, edi
    pop edi
    pop esi
    pop ebx
    ret

section .bss
align 4
nodes: resb 1000 * 12
