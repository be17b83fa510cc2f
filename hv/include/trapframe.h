/*
 * trapframe.h - the registers saved when anything traps into the
 * hypervisor, laid out exactly as switcher/switcher.S pushes them.
 *
 * The CPU pushes eip/cs/eflags (and esp/ss when it came from ring 1 or 3),
 * the entry stub pushes an error code (0 when the CPU gave none) and the
 * vector, and the common entry pushes the segment registers and "pushal".
 * The same frame, copied into the Switcher's stack page, is what "iret"
 * consumes to enter a guest.
 */
#ifndef HV_TRAPFRAME_H
#define HV_TRAPFRAME_H

#define TF_EDI 0
#define TF_ESI 4
#define TF_EBP 8
#define TF_ESP_PUSHAL 12
#define TF_EBX 16
#define TF_EDX 20
#define TF_ECX 24
#define TF_EAX 28
#define TF_GS 32
#define TF_FS 36
#define TF_ES 40
#define TF_DS 44
#define TF_TRAPNO 48
#define TF_ERR 52
#define TF_EIP 56
#define TF_CS 60
#define TF_EFLAGS 64
#define TF_ESP 68
#define TF_SS 72
#define TF_SIZE 76

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trapframe {
	uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax; /* pushal */
	uint32_t gs, fs, es, ds;
	uint32_t trapno, err;
	uint32_t eip, cs, eflags; /* pushed by the CPU */
	uint32_t esp, ss;	  /* only when the trap came from ring 1 or 3 */
};

_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");
_Static_assert(__builtin_offsetof(struct trapframe, trapno) == TF_TRAPNO,
	       "trapframe layout");
_Static_assert(__builtin_offsetof(struct trapframe, ss) == TF_SS,
	       "trapframe layout");
#endif
#endif
