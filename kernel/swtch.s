; swtch(old: usize, new: usize): saves the callee-saved registers on the current stack, stores
; ESP at [old], loads ESP from new and restores that context's registers: the context switch.
; A context, from its ESP up: edi esi ebx ebp, then the return address (docs/kernel.md).
section .text
global swtch
swtch:
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
