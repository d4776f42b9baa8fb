; expect: 4:7: error: times before an instruction needs a constant count; $ and $$ are not known yet (use times with db to pad)
section .text
_start:
times 16-($-$$) nop
