; illegal: an undefined instruction (UD2): #UD, SIGILL.
section .text
global main
main:
    ud2
    ret
