; expect: 4:18: error: expected an expression, found ')'
section .text
_start:
    mov eax, 2 + )
