; Small helpers only assembly can write (the compiler's intrinsics cover the rest).
section .text
global read_ebp
; read_ebp(): the caller's frame pointer (this function makes no frame of its own)
read_ebp:
    mov eax, ebp
    ret

global memzero
; memzero(dst: usize, n: u32): n bytes (a multiple of 4) of zeroes at dst, by REP STOSD
memzero:
    push edi
    mov edi, [esp + 8]
    mov ecx, [esp + 12]
    shr ecx, 2
    xor eax, eax
    cld
    rep stosd
    pop edi
    ret

global memcopy
; memcopy(dst: usize, src: usize, n: u32): n bytes (a multiple of 4) from src to dst, by REP MOVSD
memcopy:
    push edi
    push esi
    mov edi, [esp + 12]
    mov esi, [esp + 16]
    mov ecx, [esp + 20]
    shr ecx, 2
    cld
    rep movsd
    pop esi
    pop edi
    ret
