; expect: 3:5: error: db in .bss: a bss section holds no data (use resb/resw/resd)
section .bss
    db 1
