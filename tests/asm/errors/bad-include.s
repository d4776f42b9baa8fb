; expect: 2:10: error: cannot %include 'missing.inc': no such file
%include "missing.inc"
