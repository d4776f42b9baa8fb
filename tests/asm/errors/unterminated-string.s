; expect: 3:8: error: unterminated string (missing closing ')
section .data
    db 'hello, 0
