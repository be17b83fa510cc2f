/*
 * setup.c - [Pvguest 0] from the boot stack to a kernel ready to start
 * a program: memory, the command line's options, the devices, and
 * hello.
 *
 * The command line is a list of words separated by spaces, copied by
 * early.c before anything else ran.  A word we do not know is left for
 * someone else (init.c reads "run=" and "shell"; the test guest its
 * modes), and otherwise ignored, as Linux ignores what it does not know.
 * The kernel's own options:
 *
 *   console=early  keep printing through the early console (earlycon.c)
 *                  instead of starting the virtio console driver;
 *   sysgate=trap   register the system-call gate (0x80) as a trap gate,
 *                  not the interrupt gate it is by default (ABI 8.2);
 *   ip=A.B.C.D/N   the network interface's address and prefix (/24 if
 *                  none is given); without it the interface has no
 *                  address until the shell's ifconfig gives it one.
 *
 * Every line we print starts with "guest: " so tests can tell our output
 * from the hypervisor's.
 */
#include <stdbool.h>
#include <stddef.h>

#include "console.h"
#include "devices.h"
#include "guest.h"
#include "hcall.h"
#include "idt.h"
#include "lguest.h"
#include "mm.h"
#include "net.h"
#include "x86.h"

int word_equals(const char *w, const char *name)
{
	while (*name)
		if (*w++ != *name++)
			return false;
	return *w == ' ' || *w == '\0';
}

/* The rest of the word after "key", if a word starts with it, or NULL. */
const char *cmdline_value(const char *key)
{
	for (const char *w = boot_cmdline; *w; w++) {
		const char *a = w, *k = key;

		if (w != boot_cmdline && w[-1] != ' ')
			continue;
		while (*k && *a == *k) {
			a++;
			k++;
		}
		if (!*k)
			return a;
	}
	return NULL;
}

/* Is "word" one of the words of the command line? */
bool cmdline_has(const char *word)
{
	const char *rest = cmdline_value(word);

	return rest && (*rest == ' ' || *rest == '\0');
}

/* ip=: a bad one is said and ignored, like any word we cannot use. */
static void net_options(void)
{
	const char *v = cmdline_value("ip="), *end;
	unsigned int prefix;
	uint32_t addr;

	if (!v)
		return;
	end = net_parse_addr(v, &addr, &prefix);
	if (!end || (*end != ' ' && *end) || !net_set_addr(addr, prefix))
		printf("guest: net: ip=: not an address we can use; ignored\n");
}

/*
 * Memory first: mm_init() hands out the pages after our image and drops
 * the identity map early.c needed.  Then the devices, so that whatever
 * happens next, even something that gets us killed, is printed where it
 * can be seen; then the network's address, which is printed too.
 */
void kernel_setup(void)
{
	mm_init();
	if (cmdline_has("sysgate=trap"))
		syscall_gate_type = GATE_TRAP;
	devices_init(cmdline_has("console=early"));
	net_options();
}

/*
 * Say hello.  early.c registered lguest_data with the hypervisor, the
 * first hypercall of every guest (ABI 3), so it has filled in
 * reserve_mem, tsc_khz and the time, and it can deliver interrupts to us.
 */
void guest_connect(void)
{
	printf("guest: pvguest v2 running, command line '%s'\n", boot_cmdline);
	printf("guest: lguest_data at %p: reserve_mem 0x%x, tsc_khz %u\n",
	       (void *)&lguest_data, lguest_data.reserve_mem,
	       lguest_data.tsc_khz);
	printf("guest: wall clock %d.%09d s since 1970\n",
	       (int)lguest_data.time_sec, (int)lguest_data.time_nsec);
	printf("guest: paging: kernel at %p, %u MiB of RAM mapped at %p, "
	       "fixmap at %p, identity map dropped\n",
	       (void *)guest_main, boot_mm.lowmem_bytes >> 20,
	       (void *)PAGE_OFFSET, (void *)boot_mm.fixmap_va);
}
