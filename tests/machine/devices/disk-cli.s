; checks: 4
; For `toy86 boot --disk IMAGE [--snapshot]`: reads sector 5 (the host fills it with 0xA5), writes a
; pattern over it, reads it back, and checks that it sees its own write. Polls STATUS, IRQs masked.
; Prints "SIZE <sectors>", "LAT <clock from the first command's write to the first not-busy
; STATUS>" and the harness's DONE line; powers off with the number of failures.
%include "dev.inc"
%define BUF_A 0x400000
%define BUF_B 0x401000
%define BUF_C 0x402000

section .text
main:
    ; 1. the disk's size, as the SIZE register and the boot record give it
    mov dx, DISK_SIZE
    in eax, dx
    mov esi, msg_size
    call puts
    call puthex
    mov ebx, eax
    mov al, 10
    call putc
    mov eax, [0x9008]
    mov ecx, 1
    call check
    ; 2. sector 5 as it is on the image
    mov eax, 1
    mov ebx, BUF_A
    call request
    mov esi, msg_lat
    call puts
    mov eax, [latency]
    call puthex
    mov al, 10
    call putc
    mov eax, [BUF_A + 508]
    mov ebx, 0xa5a5a5a5
    mov ecx, 2
    call check
    ; the pattern: dword k = 0x5eed0000 + k
    mov edi, BUF_B
    xor ecx, ecx
.fill:
    lea eax, [ecx + 0x5eed0000]
    mov [edi + ecx*4], eax
    inc ecx
    cmp ecx, 128
    jne .fill
    mov eax, 2
    mov ebx, BUF_B
    call request
    mov eax, 3                      ; flush
    mov ebx, BUF_B
    call request
    mov eax, 1
    mov ebx, BUF_C
    call request
    ; 3. the guest reads back what it wrote
    mov esi, BUF_B
    mov edi, BUF_C
    mov ecx, 512
    cld
    repe cmpsb
    mov eax, ecx
    xor ebx, ebx
    mov ecx, 3
    call check
    ; 4. no request failed
    mov eax, [errors]
    xor ebx, ebx
    mov ecx, 4
    call check
    ret

; request: command EAX on sector 5, one sector, buffer EBX; polls until not busy and counts errors.
request:
    pushad
    mov ecx, eax
    mov dx, DISK_SECTOR
    mov eax, 5
    out dx, eax
    mov dx, DISK_COUNT
    mov eax, 1
    out dx, eax
    mov dx, DISK_ADDRESS
    mov eax, ebx
    out dx, eax
    mov dx, DISK_CMD
    mov eax, ecx
    out dx, eax
    rdtsc
    mov esi, eax
    mov dx, DISK_CMD
.poll:
    in eax, dx
    test eax, 1
    jnz .poll
    mov ebx, eax
    rdtsc
    sub eax, esi
    cmp dword [latency], 0
    jne .timed
    mov [latency], eax
.timed:
    mov eax, ebx
    test eax, 2
    jz .ok
    inc dword [errors]
.ok:
    popad
    ret

section .data
msg_size: db 'SIZE ', 0
msg_lat: db 'LAT ', 0
latency: dd 0
errors: dd 0
