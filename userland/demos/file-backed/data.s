; 64 pages of initialised data (file-backed: each comes from the disk when first touched).
section .data
align 4096
global pages
pages: times 65536 dd 3
