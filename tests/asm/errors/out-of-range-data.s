; expect: 3:11: error: value 70000 does not fit in 16 bits
section .data
    dw 1, 70000
