/*
 * x86.h - the processor's constants and layouts, named as in the Intel SDM.
 *
 * Everything the hypervisor knows about the 32-bit x86 architecture lives
 * here, the way xv6 keeps it in mmu.h: control-register bits, page-table
 * entry bits, descriptor formats, EFLAGS, and the handful of inline
 * instructions C cannot express.  Nothing here is specific to lguest.
 */
#ifndef HV_X86_H
#define HV_X86_H

/*
 * The exceptions for which the CPU pushes an error code (SDM Vol 3,
 * 6.13): #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21,
 * #VC 29, #SX 30; bit n stands for vector n.  First, and without C
 * suffixes, because the Switcher's entry stubs (switcher.S) are built
 * from it too.
 */
#define X86_ERROR_CODE_VECTORS                                                 \
	((1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) |            \
	 (1 << 14) | (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30))

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* ---- Paging (SDM Vol 3, 4.3: 32-bit paging) ---- */
#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PGDIR_SHIFT 22 /* each directory entry maps 4 MiB */
#define PTRS_PER_TABLE 1024
#define LARGE_PAGE_SIZE (1u << PGDIR_SHIFT)

#define PTE_P 0x001u   /* present */
#define PTE_RW 0x002u  /* writable */
#define PTE_US 0x004u  /* user (ring 3) may access */
#define PTE_PWT 0x008u /* write-through */
#define PTE_PCD 0x010u /* cache disable */
#define PTE_A 0x020u   /* accessed, set by the CPU */
#define PTE_D 0x040u   /* dirty, set by the CPU (PTEs only) */
#define PTE_PS 0x080u  /* in a PDE: this is a 4 MiB page */
#define PTE_G 0x100u   /* global: survives CR3 reloads when CR4.PGE=1 */
#define PTE_FRAME 0xFFFFF000u

#define PDX(va) (((uint32_t)(va) >> PGDIR_SHIFT) & 0x3FF)
#define PTX(va) (((uint32_t)(va) >> PAGE_SHIFT) & 0x3FF)
#define PAGE_ROUND_UP(x) (((uint32_t)(x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ROUND_DOWN(x) ((uint32_t)(x)&PAGE_MASK)

/* ---- Control registers ---- */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x00000001u
#define CR4_PVI 0x00000002u
#define CR4_TSD 0x00000004u
#define CR4_DE 0x00000008u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_PGE 0x00000080u
#define CR4_OSFXSR 0x00000200u
#define CR4_OSXMMEXCPT 0x00000400u
#define CR4_UMIP 0x00000800u
#define CR4_OSXSAVE 0x00040000u
#define CR4_SMEP 0x00100000u
#define CR4_SMAP 0x00200000u

/* ---- EFLAGS ---- */
#define EFLAGS_CF 0x00000001u
#define EFLAGS_RESERVED1 0x00000002u /* always reads as 1 */
#define EFLAGS_TF 0x00000100u
#define EFLAGS_IF 0x00000200u
#define EFLAGS_IOPL 0x00003000u
#define EFLAGS_NT 0x00004000u
#define EFLAGS_RF 0x00010000u
#define EFLAGS_VM 0x00020000u
#define EFLAGS_AC 0x00040000u
#define EFLAGS_ID 0x00200000u

/* ---- Exception vectors ---- */
#define T_DIVIDE 0
#define T_DEBUG 1
#define T_NMI 2
#define T_BREAKPOINT 3
#define T_OVERFLOW 4
#define T_BOUND 5
#define T_INVALID_OP 6
#define T_NO_DEVICE 7
#define T_DOUBLE_FAULT 8
#define T_INVALID_TSS 10
#define T_NO_SEGMENT 11
#define T_STACK 12
#define T_GP 13
#define T_PAGE_FAULT 14
#define T_RESERVED15 15 /* Intel-reserved; the ABI keeps it ours (8.1) */
#define T_FPU 16
#define T_ALIGN 17
#define T_MACHINE_CHECK 18
#define T_SIMD 19
#define NR_EXCEPTIONS 32

/* Page-fault error code bits. */
#define PF_PRESENT 0x1u
#define PF_WRITE 0x2u
#define PF_USER 0x4u

/* Does the CPU push an error code for this exception vector? */
static inline bool vector_has_error_code(uint32_t vec)
{
	return vec < 32 && ((X86_ERROR_CODE_VECTORS >> vec) & 1);
}

/* ---- Segment descriptors (SDM Vol 3, 3.4.5) as the two 32-bit words ---- */
struct desc {
	uint32_t lo, hi;
};

#define DESC_HI_ACCESSED (1u << 8)
#define DESC_HI_S (1u << 12) /* 1 = code/data, 0 = system */
#define DESC_HI_DPL_SHIFT 13
#define DESC_HI_DPL_MASK (3u << 13)
#define DESC_HI_P (1u << 15)
#define DESC_HI_DB (1u << 22) /* 32-bit segment */
#define DESC_HI_G (1u << 23)  /* limit counts 4 KiB units */
#define DESC_TYPE(hi) (((hi) >> 8) & 0xF)
#define DESC_TYPE_CODE 0x8 /* with S = 1: a code segment, not data */

/* Selectors (SDM Vol 3, 3.4.2): index, table indicator, RPL. */
#define SEL_INDEX(sel) (((sel) >> 3) & 0x1FFF)
#define SEL_TI 0x4u /* 1 = the LDT */

/* A descriptor's base: bits 16-31 of lo, 0-7 and 24-31 of hi. */
static inline uint32_t desc_base(struct desc d)
{
	return (d.lo >> 16) | ((d.hi & 0xFFu) << 16) | (d.hi & 0xFF000000u);
}

/* Its limit, the last valid offset: 20 bits, in 4 KiB units with G. */
static inline uint32_t desc_limit(struct desc d)
{
	uint32_t limit = (d.lo & 0xFFFFu) | (d.hi & 0x000F0000u);

	return (d.hi & DESC_HI_G) ? (limit << 12) | 0xFFFu : limit;
}

/* Gate descriptors in the IDT. */
#define GATE_INTERRUPT 0xE
#define GATE_TRAP 0xF

/* The 104-byte 32-bit TSS (SDM Vol 3, 7.2.1). */
struct tss {
	uint16_t link, _r0;
	uint32_t esp0;
	uint16_t ss0, _r1;
	uint32_t esp1;
	uint16_t ss1, _r2;
	uint32_t esp2;
	uint16_t ss2, _r3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, _r4, cs, _r5, ss, _r6, ds, _r7, fs, _r8, gs, _r9;
	uint16_t ldt, _r10;
	uint16_t trap, iomap_base;
} __attribute__((packed));

/* MSRs we touch. */
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_EFER 0xC0000080
#define EFER_SCE 0x1u /* SYSCALL/SYSRET enabled */

#ifndef HV_HOST_TEST /* inline assembly is meaningless in host unit tests */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
/* A write to an unused port: about 1 us on real hardware, for PIC/PIT pacing. */
static inline void io_delay(void)
{
	outb(0x80, 0);
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}
static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline uint32_t read_cr2(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint32_t read_cr3(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}
static inline void write_cr4(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
/* RDRAND and RDSEED set CF when *v holds a random value; CF clear means
 * none was ready (the destination is then 0), and the caller may retry.
 * Only where CPUID says the instruction exists (cpu.h). */
static inline bool rdrand32(uint32_t *v)
{
	bool ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}
static inline bool rdseed32(uint32_t *v)
{
	bool ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
			 uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}
static inline uint32_t read_eflags(void)
{
	uint32_t v;
	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}
static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}
static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}
/* Enable interrupts and halt in one step: the STI shadow means no interrupt
 * can slip in between, so a wake-up is never lost. */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}
/* Let interrupts that are waiting in, then go on with them off: the STI
 * shadow covers the nop, so they arrive between it and the cli. */
static inline void sti_nop_cli(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}
static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}
static inline void pause(void)
{
	__asm__ volatile("pause");
}
struct dtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static inline void lgdt(uint32_t base, uint16_t limit)
{
	struct dtr d = { limit, base };
	__asm__ volatile("lgdt %0" : : "m"(d));
}
static inline void lidt(uint32_t base, uint16_t limit)
{
	struct dtr d = { limit, base };
	__asm__ volatile("lidt %0" : : "m"(d));
}
static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

#endif /* !HV_HOST_TEST */
#endif /* !__ASSEMBLER__ */

#endif
