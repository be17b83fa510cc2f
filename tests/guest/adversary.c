/*
 * adversary.c - [Testguest 4] trying to break out, one way per test.
 *
 * "test=NAME" on the command line runs one of these instead of the demo.
 * Each breaks a rule of the ABI on purpose.  The hypervisor must refuse:
 * usually by killing us, sometimes by quietly defusing the request (then
 * we report what we saw and power off).  Either way the hypervisor itself
 * must carry on.  If a forbidden request works, we say so and power off
 * with a message saying so, which the test for that case rejects.
 *
 * tests/qemu/guest-<NAME>.test runs each one and checks the outcome.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mmu.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define VECTOR_BP 3
#define GDT_SLOT 20		    /* a PnP BIOS slot, unused by us */
#define GDT_SELECTOR (GDT_SLOT * 8) /* 0xa0 */
#define HV_CODE_SELECTOR 0x50	    /* the hypervisor's ring 0 code: GDT 10 */
#define STORM 100000

static const char *test_name;

/* Reached only if the hypervisor let through what it should have stopped. */
static __attribute__((noreturn)) void not_refused(void)
{
	printf("guest: test %s: NOT refused, guest still running\n", test_name);
	guest_poweroff("test not refused");
}

/* Set our own IDT up, as a guest about to misbehave properly would. */
static void connect_with_idt(void)
{
	guest_connect();
	idt_init();
}

/* A gate of a type the hypervisor must not accept (ABI 8.1 rule 4). */
static void idt_bad_type(void)
{
	uint32_t handler = (uint32_t)idt_bad_type;

	guest_connect();
	printf("guest: test: LOAD_IDT_ENTRY vector 0x30 with type 5\n");
	hcall(LHCALL_LOAD_IDT_ENTRY, 0x30, gate_lo(GUEST_KERNEL_CS, handler),
	      gate_hi(handler, 0, GATE_TASK));
}

/* There are 256 vectors; 300 is not one of them. */
static void idt_bad_vector(void)
{
	uint32_t handler = (uint32_t)idt_bad_vector;

	guest_connect();
	printf("guest: test: LOAD_IDT_ENTRY vector 300\n");
	hcall(LHCALL_LOAD_IDT_ENTRY, 300, gate_lo(GUEST_KERNEL_CS, handler),
	      gate_hi(handler, 0, GATE_INTERRUPT));
}

/* The guest's GDT has 32 entries. */
static void gdt_bad_index(void)
{
	guest_connect();
	printf("guest: test: LOAD_GDT_ENTRY index 40\n");
	hcall(LHCALL_LOAD_GDT_ENTRY, 40, 0x0000ffff, 0x00cf9200);
}

/*
 * The classic escape: a call gate, DPL 3 so anyone may use it, whose
 * target is the hypervisor's own ring 0 code segment.  A far call through
 * it would run hypervisor code at offset 0 in ring 0.  The hypervisor
 * stores any system descriptor as zero (ABI 7, "recommended hardening"),
 * so the far call must fault instead: #GP or #NP, passed back to us.
 */
static void gdt_call_gate(void)
{
	connect_with_idt();
	printf("guest: test: call gate to selector 0x%x in GDT slot %d\n",
	       HV_CODE_SELECTOR, GDT_SLOT);
	hcall(LHCALL_LOAD_GDT_ENTRY, GDT_SLOT, gate_lo(HV_CODE_SELECTOR, 0),
	      gate_hi(0, 3, GATE_CALL));
	fixup_vector = -1;
	asm volatile("1: lcall $0xa0, $0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     :
		     : "memory");
	if (fixup_vector < 0)
		not_refused();
	printf("guest: call gate blocked (trap %d)\n", fixup_vector);
	guest_poweroff("call gate blocked");
}

/*
 * A bare hlt in ring 1 with interrupts off: what Linux's "halt" ends in.
 * The hypervisor takes it as the guest halting for good (ABI 12) and
 * stops it; a reflected #GP would be "NOT refused".
 */
static void hlt_irqs_off(void)
{
	connect_with_idt();
	printf("guest: test: hlt with interrupts off\n");
	irq_disable();
	fixup_vector = -1;
	asm volatile("1: hlt\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     :
		     : "memory");
	not_refused();
}

/*
 * The fast system-call instructions.  "sysenter" enters ring 0 at the
 * SYSENTER_CS/EIP MSRs, and on AMD processors "syscall" works in 32-bit
 * mode too, entering ring 0 at the STAR MSR's address, whenever EFER.SCE
 * is set.  The hypervisor zeroes SYSENTER_CS and clears SCE (ABI 1.3), so
 * both must fault back to us (#GP or #UD), never run anything in ring 0.
 */
static void fast_syscalls(void)
{
	connect_with_idt();
	printf("guest: test: sysenter and syscall from ring 1\n");
	fixup_vector = -1;
	asm volatile("1: sysenter\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     :
		     : "memory");
	if (fixup_vector < 0)
		not_refused();
	printf("guest: sysenter blocked (trap %d)\n", fixup_vector);
	fixup_vector = -1;
	asm volatile("1: syscall\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     :
		     : "memory", "ecx");
	if (fixup_vector < 0)
		not_refused();
	printf("guest: syscall blocked (trap %d)\n", fixup_vector);
	guest_poweroff("fast system calls blocked");
}

/*
 * A data segment with DPL 0.  Ring 1 could not load it on real hardware,
 * and it would be the hypervisor's privilege level; the hypervisor raises
 * the DPL to 1 (ABI 7, sanitising).  So loading it into %fs must work, and
 * "lar" (which reads a descriptor's access rights) must show DPL 1.
 */
static void gdt_dpl0(void)
{
	static const uint32_t canary = 0x600dcafe;
	uint32_t rights = 0, seen = 0, sel = GDT_SELECTOR | 1;
	uint8_t valid;

	connect_with_idt();
	printf("guest: test: DPL 0 data segment in GDT slot %d\n", GDT_SLOT);
	hcall(LHCALL_LOAD_GDT_ENTRY, GDT_SLOT, 0x0000ffff, 0x00cf9200);

	asm volatile("lar %2, %0; setz %1"
		     : "=r"(rights), "=q"(valid)
		     : "r"(sel));
	fixup_vector = -1;
	asm volatile("1: movw %w1, %%fs\n\t"
		     "movl %%fs:%2, %0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     : "+r"(seen)
		     : "r"(sel), "m"(canary)
		     : "memory");
	/* Leave %fs as we found it: the hypervisor reloads it on entry. */
	asm volatile("movw %w0, %%fs" : : "r"(0));
	if (fixup_vector >= 0) {
		printf("guest: gdt: DPL 0 segment refused (trap %d)\n",
		       fixup_vector);
		guest_poweroff("DPL 0 segment refused");
	}
	if (!valid || seen != canary) {
		printf("guest: gdt: FAIL: lar %s, read through %%fs %x\n",
		       valid ? "ok" : "refused", seen);
		guest_poweroff("DPL 0 segment broken");
	}
	printf("guest: gdt: DPL 0 data segment loaded into %%fs as 0x%x "
	       "(DPL now %u)\n",
	       sel, (rights >> 13) & 3);
	guest_poweroff("DPL 0 segment tamed");
}

/* There is one lguest_data per guest, given once. */
static void init_twice(void)
{
	guest_connect();
	printf("guest: test: LGUEST_INIT again\n");
	hcall(LHCALL_LGUEST_INIT, (uint32_t)&lguest_data, 0, 0);
}

/*
 * test=init-wild and test=call-before-init misbehave before LGUEST_INIT,
 * so early_adversary.c does them, before the kernel even starts.
 * Getting here at all means the hypervisor let it pass.
 */
static void done_in_early_boot(void)
{
	guest_connect();
}

static void bad_hcall(void)
{
	guest_connect();
	printf("guest: test: hypercall 99\n");
	hcall(99, 0, 0, 0);
}

/*
 * A reason string that is not in our memory.  Not a crime: the hypervisor
 * should treat the message as empty and power us off all the same.
 */
static void shutdown_wild(void)
{
	guest_connect();
	printf("guest: test: SHUTDOWN with the message at 0xfffff000\n");
	hcall(LHCALL_SHUTDOWN, 0xfffff000, LGUEST_SHUTDOWN_POWEROFF, 0);
}

/* A trap with nowhere to go: we never loaded an IDT (ABI 8.3 rule 7). */
static void no_handler(void)
{
	guest_connect();
	printf("guest: test: ud2 with no IDT entry for vector 6\n");
	asm volatile("ud2");
}

static volatile uint32_t breakpoints;

static void count_breakpoint(struct trapframe *tf)
{
	breakpoints++;
}

/* Many traps in a row: nothing may leak or pile up per trap. */
static void trap_storm(void)
{
	connect_with_idt();
	trap_set_handler(VECTOR_BP, count_breakpoint);
	irq_enable();
	printf("guest: test: %d breakpoints\n", STORM);
	for (int i = 0; i < STORM; i++)
		asm volatile("int3" : : : "memory");
	if (breakpoints != STORM) {
		printf("guest: trap-storm: FAIL: %u breakpoints handled\n",
		       breakpoints);
		guest_poweroff("trap storm lost traps");
	}
	printf("guest: trap-storm: %u breakpoints handled\n", breakpoints);
	guest_poweroff("trap storm survived");
}

/*
 * A trap whose frame cannot be written: our stack pointer is far outside
 * RAM.  The hypervisor cannot deliver, so it must kill us (ABI 8.3 step 6),
 * not write where ESP points.
 */
static uint32_t saved_esp;

static void bad_stack(void)
{
	connect_with_idt();
	trap_set_handler(VECTOR_BP, count_breakpoint);
	printf("guest: test: int3 with ESP = 0xf0000000\n");
	asm volatile("movl %%esp, %0\n\t"
		     "movl $0xf0000000, %%esp\n\t"
		     "int3\n\t"
		     "movl %0, %%esp"
		     : "+m"(saved_esp)
		     :
		     : "memory");
}

/*
 * The direction flag set ("std") across a hypercall whose argument the
 * hypervisor copies (LOAD_TLS: 24 bytes from our memory) and a hundred
 * more: a gate does not clear DF, and the hypervisor's "rep movs" would
 * copy downwards, below its own buffer, if it did not clear DF itself.
 * Then the TLS entries must be what we sent: two byte-granular segments
 * whose limits lsl reads back.
 */
static void direction_flag(void)
{
	static const uint32_t tls[6] = {
		0x0000FFFF, 0x00CFF200, /* base 0, 4 GiB: glibc's */
		0x00001234, 0x0040F200, /* limit 0x1234, bytes, DPL 3 */
		0x00005678, 0x0040F200, /* limit 0x5678 */
	};
	uint32_t l1 = 0, l2 = 0;

	connect_with_idt();
	printf("guest: test: LOAD_TLS and 100 hypercalls with DF set\n");
	asm volatile("std" ::: "cc");
	hcall(LHCALL_LOAD_TLS, __pa(tls), 0, 0);
	for (int i = 0; i < 100; i++)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	asm volatile("cld" ::: "cc");
	asm volatile("lsl %1, %0" : "=r"(l1) : "r"((GUEST_GDT_TLS_MIN + 1) << 3 | 3u));
	asm volatile("lsl %1, %0" : "=r"(l2) : "r"((GUEST_GDT_TLS_MIN + 2) << 3 | 3u));
	if (l1 != 0x1234 || l2 != 0x5678) {
		printf("guest: direction-flag: FAIL: TLS limits 0x%x and 0x%x, "
		       "sent 0x1234 and 0x5678\n",
		       l1, l2);
		guest_poweroff("direction flag: FAIL");
	}
	printf("guest: direction-flag: TLS limits 0x1234 and 0x5678 as sent: "
	       "ok\n");
	guest_poweroff("direction flag survived");
}

/*
 * A selector left in %fs whose descriptor we then take away
 * (LOAD_GDT_ENTRY of an empty slot): the next entry into us reloads %fs
 * from the frame, and that faults in the hypervisor's ring 0.  It must
 * kill us with the reason, not take the fault for its own or resume us
 * half-loaded.
 */
static void stale_selector(void)
{
	connect_with_idt();
	printf("guest: test: %%fs = slot %d, then the slot emptied\n",
	       GDT_SLOT);
	hcall(LHCALL_LOAD_GDT_ENTRY, GDT_SLOT, 0x0000ffff, 0x00cfb200);
	asm volatile("movw %w0, %%fs" : : "r"(GDT_SELECTOR | 1));
	hcall(LHCALL_LOAD_GDT_ENTRY, GDT_SLOT, 0, 0);
	printf("guest: stale-selector: NOT refused: resumed with %%fs gone\n");
	guest_poweroff("stale selector resumed");
}

struct adversary {
	const char *name;
	void (*run)(void);
};

static const struct adversary adversaries[] = {
	{ "idt-bad-type", idt_bad_type },
	{ "idt-bad-vector", idt_bad_vector },
	{ "gdt-bad-index", gdt_bad_index },
	{ "gdt-call-gate", gdt_call_gate },
	{ "gdt-dpl0", gdt_dpl0 },
	{ "fast-syscalls", fast_syscalls },
	{ "hlt-irqs-off", hlt_irqs_off },
	{ "init-twice", init_twice },
	{ "init-wild", done_in_early_boot },
	{ "call-before-init", done_in_early_boot },
	{ "bad-hcall", bad_hcall },
	{ "shutdown-wild", shutdown_wild },
	{ "no-handler", no_handler },
	{ "trap-storm", trap_storm },
	{ "bad-stack", bad_stack },
	{ "direction-flag", direction_flag },
	{ "stale-selector", stale_selector },
};

void adversary_run(const char *name)
{
	for (unsigned int i = 0;
	     i < sizeof(adversaries) / sizeof(adversaries[0]); i++) {
		if (word_equals(name, adversaries[i].name)) {
			test_name = adversaries[i].name;
			adversaries[i].run();
			not_refused();
		}
	}
}
