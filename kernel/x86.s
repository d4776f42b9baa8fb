; Small helpers only assembly can write (the compiler's intrinsics cover the rest).
section .text
global read_ebp
; read_ebp(): the caller's frame pointer (this function makes no frame of its own)
read_ebp:
    mov eax, ebp
    ret
