; expect: 4:13: error: value 300 does not fit in 8 bits
section .text
_start:
    mov al, 300
