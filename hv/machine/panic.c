/*
 * panic.c - when the hypervisor itself goes wrong: say everything we know
 * (the message, the registers, a backtrace with function names), then stop
 * the machine the way the "exit=" option says.  Guests that misbehave are
 * not a panic: they are killed with a reason and the hypervisor goes on.
 */
#include "hv/include/trapframe.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/lib/symbols.h"
#include "hv/machine/power.h"
#include "hv/machine/smp.h"

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack-segment fault",
	"general protection fault",
	"page fault",
	"reserved (15)",
	"x87 floating-point error",
	"alignment check",
	"machine check",
	"SIMD floating-point error",
	"virtualization exception",
	"control protection",
};

const char *trap_name(uint32_t vec)
{
	if (vec < NR_EXCEPTIONS && exception_names[vec])
		return exception_names[vec];
	return vec < NR_EXCEPTIONS ? "reserved" : "interrupt";
}

static int panic_cpu = -1; /* the processor that reports */
static unsigned others_stopped;

/* The other processors stop where they are (their NMI handlers halt),
 * so that what is printed is the state this one found. */
static void stop_others(void)
{
	others_stopped = smp_stop_others();
}

static void say_stopped(void)
{
	if (smp_cpus_online() > 1)
		printk("  the other processors: %u of %u stopped\n",
		       others_stopped, smp_cpus_online() - 1);
}

static void print_address(uint32_t addr)
{
	uint32_t off;
	const char *name = symbol_lookup(addr, &off);

	if (name)
		printk("  [<%08x>] %s+0x%x\n", addr, name, off);
	else
		printk("  [<%08x>] ?\n", addr);
}

extern char __image_start[], __image_end[], __text_start[], __text_end[];

/* Follow the saved-EBP chain (we build with frame pointers), trusting
 * nothing: every frame must lie on this processor's stack, above the
 * last one. */
static void backtrace(uint32_t ebp)
{
	uint32_t lo, hi;

	if (!smp_stack_bounds(cpu_index(), &lo, &hi))
		return;

	for (int depth = 0; depth < 32; depth++) {
		uint32_t *frame = (uint32_t *)(uintptr_t)ebp;
		uint32_t ret;

		if (ebp < lo || ebp + 8 > hi || (ebp & 3))
			break;
		ret = frame[1];
		if (ret < (uint32_t)(uintptr_t)__text_start ||
		    ret >= (uint32_t)(uintptr_t)__text_end)
			break;
		print_address(ret);
		if (frame[0] <= ebp)
			break;
		ebp = frame[0];
	}
}

static __noreturn void stop(void)
{
	hv_exit_machine(HV_EXIT_PANIC);
}

/* The first panic reports; one on the same processor while it does just
 * ends the run; one on another processor stops that processor, so the
 * report is not cut short. */
static void one_report(void)
{
	int me = (int)cpu_index(), none = -1;

	if (__atomic_compare_exchange_n(&panic_cpu, &none, me, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	if (none == me)
		stop();
	smp_stop_here();
}

void panic(const char *fmt, ...)
{
	va_list ap;
	uint32_t ebp;

	cli();
	one_report();
	stop_others();
	printk("\nhv: PANIC on cpu %u: ", cpu_index());
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	say_stopped();
	printk("Backtrace:\n");
	__asm__ volatile("movl %%ebp, %0" : "=r"(ebp));
	backtrace(ebp);
	stop();
}

void panic_trap(const struct trapframe *tf)
{
	cli();
	one_report();
	stop_others();
	printk("\nhv: PANIC on cpu %u: unexpected %s (vector %u) in the "
	       "hypervisor\n",
	       cpu_index(), trap_name(tf->trapno), tf->trapno);
	say_stopped();
	printk("  error code %#x", tf->err);
	if (tf->trapno == T_PAGE_FAULT)
		printk("  faulting address (cr2) %#010x (%s, %s)", read_cr2(),
		       tf->err & PF_PRESENT ? "protection" : "not present",
		       tf->err & PF_WRITE ? "write" : "read");
	printk("\n");
	printk("  eip %08x  cs %04x  eflags %08x\n", tf->eip, tf->cs,
	       tf->eflags);
	printk("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", tf->eax, tf->ebx,
	       tf->ecx, tf->edx);
	printk("  esi %08x  edi %08x  ebp %08x  esp %08x\n", tf->esi, tf->edi,
	       tf->ebp, tf->esp_pushal + 36);
	printk("  ds %04x  es %04x  fs %04x  gs %04x\n", tf->ds, tf->es, tf->fs,
	       tf->gs);
	printk("  cr0 %08x  cr2 %08x  cr3 %08x  cr4 %08x\n", read_cr0(),
	       read_cr2(), read_cr3(), read_cr4());
	printk("Backtrace:\n");
	print_address(tf->eip);
	backtrace(tf->ebp);
	stop();
}
