; expect: 5:9: error: undefined symbol 'nowhere'
section .text
global _start
_start:
    jmp nowhere
