; 1 MiB of initialised data for the file-backed page-in benchmark (kbench.ts).
section .data
align 4096
global bigdata
bigdata: times 262144 dd 7
