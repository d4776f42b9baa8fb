; expect: 4:5: error: unknown instruction 'movv'
section .text
_start:
    movv eax, 1
