; expect: 4:14: error: operand sizes do not match: eax is 32-bit, bl is 8-bit
section .text
_start:
    mov eax, bl
