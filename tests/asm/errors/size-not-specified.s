; expect: 4:5: error: operation size not specified: write byte, word or dword before the memory operand
section .text
_start:
    mov [eax], 5
