; expect: 6:1: error: duplicate label 'twice' (first defined at duplicate-label.s:4)
section .text
global _start
twice:
    nop
twice:
    ret
