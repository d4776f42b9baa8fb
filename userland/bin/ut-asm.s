; ut-asm MODE: what usertests cannot write in the TypeScript subset, one thing per MODE (the first
; letter of argv[1]). The fault modes must kill the process with their signal (SPEC §4.4); the
; others end with status 0 when the kernel behaved, or a number saying what went wrong.
;
;   c  CLI            #GP (IOPL 0): SIGSEGV      u  UD2             #UD: SIGILL
;   i  IN al, dx      #GP: SIGSEGV               b  INT3            #BP: SIGTRAP
;   o  OUT dx, al     #GP: SIGSEGV               d  DIV by zero     #DE: SIGFPE
;   h  HLT            #GP: SIGSEGV               x  jump to 0xC0100000 (kernel text): SIGSEGV
;   r  MOV eax, CR3   #GP: SIGSEGV               n  INT 0x0E (a DPL-0 gate): #GP, SIGSEGV
;   l  LIDT           #GP: SIGSEGV               t  INT 0x20 (the timer's gate): #GP, SIGSEGV
;   s  unknown system-call numbers give -38 (ENOSYS): status 0, else the number of the bad try
;   p  a system call keeps EBX ECX EDX ESI EDI EBP: status 0, else 10 + which register changed
;   f  POPFD cannot raise IOPL or clear IF at CPL 3: status 0; 1 if IOPL changed, 2 if IF did
;   z  system calls work with ESP pointing nowhere: exit(42) made with ESP = 0x40000000
;   e  POPFD sets TF: the single-step trap (#DB) after the next instruction: SIGTRAP
;   k  IRETD popping the kernel's CS 0x08 (a more privileged ring): #GP, SIGSEGV
;   q  IRETD popping CS 0x33 (no such selector): #GP, SIGSEGV
;   v  IRETD to CS 0x1B with EIP in the kernel's half: #PF on the fetch, SIGSEGV
section .text
global main
main:
    mov eax, [esp + 8]           ; argv
    mov eax, [eax + 4]           ; argv[1]
    test eax, eax
    jz usage
    movzx eax, byte [eax]
    cmp eax, 'c'
    je do_cli
    cmp eax, 'i'
    je do_in
    cmp eax, 'o'
    je do_out
    cmp eax, 'h'
    je do_hlt
    cmp eax, 'r'
    je do_cr3
    cmp eax, 'l'
    je do_lidt
    cmp eax, 'u'
    je do_ud2
    cmp eax, 'b'
    je do_int3
    cmp eax, 'd'
    je do_div
    cmp eax, 'x'
    je do_kjump
    cmp eax, 'n'
    je do_int0e
    cmp eax, 't'
    je do_int20
    cmp eax, 's'
    je do_nosys
    cmp eax, 'p'
    je do_regs
    cmp eax, 'f'
    je do_flags
    cmp eax, 'z'
    je do_badesp
    cmp eax, 'e'
    je do_step
    cmp eax, 'k'
    je do_iretk
    cmp eax, 'q'
    je do_iretq
    cmp eax, 'v'
    je do_iretv
usage:
    mov eax, 100
    ret

do_cli:
    cli
    mov eax, 101                 ; survived: a kernel bug
    ret
do_in:
    mov edx, 0x3f8
    in al, dx
    mov eax, 101
    ret
do_out:
    mov edx, 0x3ff               ; COM1's scratch register: harmless if it were allowed
    mov al, 0
    out dx, al
    mov eax, 101
    ret
do_hlt:
    hlt
    mov eax, 101
    ret
do_cr3:
    mov eax, cr3
    mov eax, 101
    ret
do_lidt:
    lidt [esp]
    mov eax, 101
    ret
do_ud2:
    ud2
    mov eax, 101
    ret
do_int3:
    int3
    mov eax, 101
    ret
do_div:
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
    div ecx
    mov eax, 101
    ret
do_kjump:
    mov eax, 0xC0100000
    jmp eax
do_int0e:
    int 0x0e
    mov eax, 101
    ret
do_int20:
    int 0x20
    mov eax, 101
    ret

; Unknown numbers: 0, 199, 200 (the table's size), 0x7FFFFFFF, 0xFFFFFFFF.
do_nosys:
    push ebx
    mov ebx, 1
    mov eax, 0
    int 0x80
    cmp eax, -38
    jne .bad
    mov ebx, 2
    mov eax, 199
    int 0x80
    cmp eax, -38
    jne .bad
    mov ebx, 3
    mov eax, 200
    int 0x80
    cmp eax, -38
    jne .bad
    mov ebx, 4
    mov eax, 0x7fffffff
    int 0x80
    cmp eax, -38
    jne .bad
    mov ebx, 5
    mov eax, 0xffffffff
    int 0x80
    cmp eax, -38
    jne .bad
    pop ebx
    xor eax, eax
    ret
.bad:
    mov eax, ebx
    pop ebx
    ret

; getpid with every other register holding a pattern: only EAX may change.
do_regs:
    push ebx
    push esi
    push edi
    push ebp
    mov ebx, 0x11111111
    mov ecx, 0x22222222
    mov edx, 0x33333333
    mov esi, 0x44444444
    mov edi, 0x55555555
    mov ebp, 0x66666666
    mov eax, 20
    int 0x80
    mov eax, 11
    cmp ebx, 0x11111111
    jne .out
    mov eax, 12
    cmp ecx, 0x22222222
    jne .out
    mov eax, 13
    cmp edx, 0x33333333
    jne .out
    mov eax, 14
    cmp esi, 0x44444444
    jne .out
    mov eax, 15
    cmp edi, 0x55555555
    jne .out
    mov eax, 16
    cmp ebp, 0x66666666
    jne .out
    xor eax, eax
.out:
    pop ebp
    pop edi
    pop esi
    pop ebx
    ret

; POPFD with IOPL = 3 and IF = 0 asked for: at CPL 3 both are kept as they were (docs/isa.md).
do_flags:
    pushfd
    pop eax
    or eax, 0x3000
    and eax, 0xfffffdff
    push eax
    popfd
    pushfd
    pop ecx
    mov eax, 1
    test ecx, 0x3000
    jnz .done
    mov eax, 2
    test ecx, 0x200
    jz .done
    xor eax, eax
.done:
    ret

; The kernel never uses the user's stack for a system call: getpid, then exit(42), with ESP
; pointing at an unmapped address.
do_badesp:
    mov esp, 0x40000000
    mov eax, 20
    int 0x80
    mov ebx, 42
    test eax, eax
    jg .exit
    mov ebx, 43
.exit:
    mov eax, 1
    int 0x80
    ud2

; TF set from user mode: the instruction after POPFD runs, then #DB.
do_step:
    pushfd
    or dword [esp], 0x100
    popfd
    nop
    mov eax, 101
    ret

; An IRETD frame (EIP, CS, EFLAGS, ESP, SS) returning to ring 0: refused with #GP.
do_iretk:
    mov ecx, esp
    push 0x10
    push ecx
    pushfd
    push 0x08
    push iret_back
    iretd

; An IRETD frame with CS 0x33: refused with #GP.
do_iretq:
    mov ecx, esp
    push 0x23
    push ecx
    pushfd
    push 0x33
    push iret_back
    iretd

; An IRETD to ring 3 at the kernel's text: the fetch faults (supervisor page), SIGSEGV.
do_iretv:
    pushfd
    push 0x1b
    push 0xC0100000
    iretd

; Reached only if an IRETD above was let through: exit(101) (the stack is not main's any more).
iret_back:
    mov ebx, 101
    mov eax, 1
    int 0x80
