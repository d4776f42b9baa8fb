; The assembly half of asm_calls.ts: functions TypeScript calls (cdecl: arguments on the stack,
; the result in EAX, EBX ESI EDI EBP kept), and functions that call TypeScript back.
section .text
global asm_sum3
global asm_minus
global asm_trash
global asm_apply
global asm_call_exported
global asm_keeps_registers
global asm_sum8_via_ts
global asm_read_counter
global asm_data
extern ts_square
extern ts_sum8
extern ts_busy
extern ts_counter

; asm_sum3(a, b, c): a + b + c
asm_sum3:
    mov eax, [esp + 4]
    add eax, [esp + 8]
    add eax, [esp + 12]
    ret

; asm_minus(a, b): a - b (the arguments' order)
asm_minus:
    push ebp
    mov ebp, esp
    mov eax, [ebp + 8]
    sub eax, [ebp + 12]
    pop ebp
    ret

; asm_trash(x): x, with ECX and EDX (caller-saved) destroyed
asm_trash:
    mov eax, [esp + 4]
    mov ecx, 0xdead0001
    mov edx, 0xdead0002
    ret

; asm_apply(f, x): f(x) + 1, f a TypeScript function value
asm_apply:
    push ebp
    mov ebp, esp
    push dword [ebp + 12]
    call [ebp + 8]
    add esp, 4
    inc eax
    pop ebp
    ret

; asm_call_exported(x): ts_square(x) * 2, a TypeScript function called by name
asm_call_exported:
    push dword [esp + 4]
    call ts_square
    add esp, 4
    add eax, eax
    ret

; asm_keeps_registers(): calls ts_busy() with known values in EBX ESI EDI EBP;
; returns 1 if TypeScript kept all four, else 0
asm_keeps_registers:
    push ebp
    push ebx
    push esi
    push edi
    mov ebx, 0x11111111
    mov esi, 0x22222222
    mov edi, 0x33333333
    mov ebp, 0x44444444
    push 7
    call ts_busy
    add esp, 4
    xor eax, eax
    cmp ebx, 0x11111111
    jne .bad
    cmp esi, 0x22222222
    jne .bad
    cmp edi, 0x33333333
    jne .bad
    cmp ebp, 0x44444444
    jne .bad
    mov eax, 1
.bad:
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

; asm_sum8_via_ts(): ts_sum8(1, 2, 3, 4, 5, 6, 7, 8), pushed right to left
asm_sum8_via_ts:
    push 8
    push 7
    push 6
    push 5
    push 4
    push 3
    push 2
    push 1
    call ts_sum8
    add esp, 32
    ret

; asm_read_counter(): the TypeScript global ts_counter, then ts_counter += 100
asm_read_counter:
    mov eax, [ts_counter]
    add dword [ts_counter], 100
    ret

section .data
asm_data:
    dd 0xfeedf00d
