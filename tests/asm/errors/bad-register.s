; expect: 4:9: error: toy86 has no register ah (its byte registers are al cl dl bl)
section .text
_start:
    mov ah, 1
