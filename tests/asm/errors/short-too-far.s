; expect: 5:9: error: a short branch reaches -128 to 127 bytes; this target is -202 bytes away
section .text
_start:
    times 200 nop
    jmp short _start
