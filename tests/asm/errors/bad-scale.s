; expect: 4:25: error: the scale must be 1, 2, 4 or 8
section .text
_start:
    mov eax, [ebx + ecx*3]
