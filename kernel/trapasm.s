; The trap path's assembly half (docs/kernel.md): the vector stubs (generated at build time into
; vectors.s: each pushes a zero error code when the CPU pushes none, then the vector number, and
; jumps here) build a TrapFrame on the kernel stack and call trap(tf) (trap.ts).
;
; TrapFrame, from ESP up: edi esi ebp (esp) ebx edx ecx eax, trapno, err, eip cs eflags,
; and from CPL 3 also esp ss.

section .text
global alltraps
global trapret
extern trap
alltraps:
    pushad
    mov eax, esp
    push eax
    call trap
    add esp, 4
trapret:
    popad
    add esp, 8                       ; trapno and err
    iretd
