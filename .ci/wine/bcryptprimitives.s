# A stand-in bcryptprimitives.dll for CI's Wine 8 (Debian 12), which lacks
# it: Go 1.24 and later load ProcessPrng from it at start-up and abort
# without it. CI only, never shipped; Windows 10 and 11 have the real one.
# BOOL ProcessPrng(PBYTE buf /* rcx */, SIZE_T len /* rdx */), filled from
# the CPU's RDRAND (Microsoft x64 calling convention).
	.intel_syntax noprefix
	.text
	.globl ProcessPrng
ProcessPrng:
words:
	cmp rdx, 8
	jb bytes
1:	rdrand rax
	jnc 1b
	mov [rcx], rax
	add rcx, 8
	sub rdx, 8
	jmp words
bytes:
	test rdx, rdx
	jz done
2:	rdrand rax
	jnc 2b
	mov [rcx], al
	inc rcx
	dec rdx
	jmp bytes
done:
	mov eax, 1
	ret

	.globl DllMain
DllMain:
	mov eax, 1
	ret

	.section .drectve
	.ascii " -export:ProcessPrng"
