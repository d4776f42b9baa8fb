; checks: 1
; The block device (SPEC §2.5; registers in emulator/devices/disk.ts): runs the requests the host
; lists, one at a time, and records what it saw of each. IRQ 14, vector 46.
; Parameters: PARAM+0 the number of requests, +4 wait mode (0 spin until the interrupt, 1 sti/hlt
; until the interrupt, 2 IRQ 14 masked and STATUS polled until BUSY clears). Request i at
; PARAM+0x100+32i: command, sector, count, address, flags (bit 0: right after the command, set
; SECTOR to 0 and issue a WRITE while the request is busy).
; Results: LOG+0 SIZE (0x1F3), LOG+4 the boot record's disk sectors, LOG+8 disk interrupts, LOG+12
; STATUS before any request. Request i at LOG+0x100+32i:
;   +0  W, the clock when the COMMAND write retired (RDTSC after it; later if an interrupt
;       came in between)          +4  STATUS right after   +8  ERROR right after
;   +12 STATUS right after the second command (flag bit 0)
;   +16 the handler's RDTSC (D + 3); polling: RDTSC after the loop
;   +20 STATUS as the handler read it (polling: the first not-busy STATUS)
;   +24 ERROR then            +28 the buffer's first dword then
%include "dev.inc"
%define DISKS LOG+8

section .text
main:
    mov ecx, 46
    mov eax, disk_irq
    call irq_gate
    mov dx, DISK_SIZE
    in eax, dx
    mov [LOG], eax
    mov eax, [0x9008]
    mov [LOG+4], eax
    mov dx, DISK_CMD
    in eax, dx
    mov [LOG+12], eax
    mov ax, 0xbfff                  ; IRQ 14 only
    cmp dword [PARAM+4], 2
    jne .mask
    mov ax, 0xffff                  ; polling: everything masked
.mask:
    call set_mask
    sti
    xor ebp, ebp                    ; request index
.request:
    cmp ebp, [PARAM]
    jae .end
    mov esi, ebp
    shl esi, 5
    lea edi, [esi + LOG+0x100]
    add esi, PARAM+0x100
    mov [cur_req], esi
    mov [cur_res], edi
    mov dx, DISK_SECTOR
    mov eax, [esi+4]
    out dx, eax
    mov dx, DISK_COUNT
    mov eax, [esi+8]
    out dx, eax
    mov dx, DISK_ADDRESS
    mov eax, [esi+12]
    out dx, eax
    mov ebx, [DISKS]
    inc ebx                         ; the interrupt count to wait for
    mov dx, DISK_CMD
    mov eax, [esi]
    out dx, eax
    rdtsc
    mov [edi], eax
    mov dx, DISK_CMD                ; (RDTSC wrote EDX)
    in eax, dx
    mov [edi+4], eax
    mov dx, DISK_ERROR
    in eax, dx
    mov [edi+8], eax
    test dword [esi+16], 1
    jz .wait
    mov dx, DISK_SECTOR
    xor eax, eax
    out dx, eax
    mov dx, DISK_CMD
    mov eax, 2
    out dx, eax                     ; WRITE while busy: refused, the request in flight goes on
    in eax, dx
    mov [edi+12], eax
.wait:
    mov eax, [PARAM+4]
    cmp eax, 1
    je .halt
    cmp eax, 2
    je .poll
.spin:
    cmp [DISKS], ebx
    jb .spin
    jmp .next
.halt:
    cli
    cmp [DISKS], ebx
    jae .woken
    sti
    hlt
    jmp .halt
.woken:
    sti
    jmp .next
.poll:
    mov eax, [edi+4]                ; the STATUS read right after may already be the final one
    test eax, 1
    jnz .busy
    mov [edi+20], eax
    rdtsc
    mov [edi+16], eax
    jmp .polled
.busy:
    mov dx, DISK_CMD
.pollloop:
    in eax, dx
    test eax, 1
    jnz .pollloop
    mov [edi+20], eax
    rdtsc
    mov [edi+16], eax
.polled:
    mov dx, DISK_ERROR
    in eax, dx
    mov [edi+24], eax
    mov eax, [esi+12]
    mov eax, [eax]
    mov [edi+28], eax
.next:
    inc ebp
    jmp .request
.end:
    ; 1. nothing arrived at a vector without a handler
    mov eax, [trap_count]
    xor ebx, ebx
    mov ecx, 1
    call check
    ret

disk_irq:
    push eax
    push edx
    rdtsc
    push edi
    mov edi, [cur_res]
    mov [edi+16], eax
    mov dx, DISK_CMD
    in eax, dx
    mov [edi+20], eax
    mov dx, DISK_ERROR
    in eax, dx
    mov [edi+24], eax
    mov eax, [cur_req]
    mov eax, [eax+12]
    mov eax, [eax]
    mov [edi+28], eax
    inc dword [DISKS]
    mov al, 0x20
    out 0x20, al
    pop edi
    pop edx
    pop eax
    iretd

section .data
cur_req: dd 0
cur_res: dd 0
