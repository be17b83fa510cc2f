/*
 * console_flood.c - [Testguest 10] "test=console-flood": one guest floods
 * the console; the others must not notice.
 *
 * We drive the console device ourselves (the module line says
 * "console=early", so the kernel's driver never takes it; our own lines
 * go through emerg_wr).  Each round offers CHAINS transmit chains of
 * CHAIN_BYTES each, every one made of DESCS descriptors that all name
 * the same buffer of lines marked "~flood~", and announces them with a
 * single notify.  Then round 1 waits the way Linux's virtio console
 * driver waits for its buffer: interrupts off, spinning on the used
 * ring, without one exit of our own.  Round 2 sleeps instead (HALT) and
 * lets the device's interrupt wake it as each chain comes back.
 *
 * The hypervisor writes at most a budget of bytes an exit and goes on
 * later, so meanwhile the other guests run and answer.  In round 1 we
 * make no exits, so our chains come back only because the hypervisor
 * makes us exit (its kick timer, or the end of a slice); in round 2 we
 * are not running at all, so they come back only because the hypervisor
 * goes on with a sleeping guest's work.  A hypervisor that wrote
 * a whole notify in one exit would print every ~flood~ line of a round
 * with nothing of anyone else's in between (guest-console-flood.test
 * looks for just that).
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/virtqueue.h"

#include "testguest.h"

#define TXQ 1
#define QUEUE_SIZE 32
#define BUF_BYTES (64u * 1024)		/* one descriptor's buffer */
#define DESCS 16			/* per chain */
#define CHAIN_BYTES (DESCS * BUF_BYTES) /* 1 MiB */
#define CHAINS 2			/* per notify */
#define ROUNDS 2
#define LINE 64

_Static_assert((CHAINS * DESCS) <= QUEUE_SIZE, "a round fits the queue");

static char buf[BUF_BYTES];
static struct virtio_dev con;
static struct vq txq;

/* 64-byte lines, each "~flood~" and dots: nothing a test could mistake
 * for another guest's output. */
static void fill(void)
{
	static const char mark[] = "~flood~ ";

	for (uint32_t i = 0; i < BUF_BYTES; i++) {
		uint32_t col = i % LINE;

		if (col == LINE - 1)
			buf[i] = '\n';
		else if (col < sizeof(mark) - 1)
			buf[i] = mark[col];
		else
			buf[i] = '.';
	}
}

/* The device's interrupt, in round 2: reading the ISR acknowledges it;
 * the chains themselves are found in the used ring. */
static void flood_interrupt(struct trapframe *tf)
{
	(void)virtio_read_isr(&con);
}

static bool bring_up(void)
{
	if (!virtio_find(&con, VIRTIO_ID_CONSOLE, "console") ||
	    !virtio_negotiate(&con, 0) ||
	    !virtio_setup_queue(&con, &txq, TXQ, QUEUE_SIZE))
		return false;
	virtio_enable_queue(&con, TXQ);
	virtio_driver_ok(&con);
	/* The test modes start before the kernel loads its IDT (init does):
	 * round 2's interrupt needs its gate. */
	idt_init();
	irq_set_handler(con.pci.irq, flood_interrupt);
	return true;
}

/* Wait for the next used chain: spin (round 1) or sleep until the
 * interrupt (round 2).  Interrupts are off; HALT with them off returns
 * as soon as one is pending, so a chain that came back since we looked
 * is not missed (proc_idle() does the same). */
static void wait_used(bool sleep)
{
	if (!sleep) {
		__asm__ volatile("pause" ::: "memory");
		return;
	}
	hcall(LHCALL_HALT, 0, 0, 0);
	irq_enable(); /* the handler runs */
	irq_disable();
}

/* One round: every chain offered, one notify, then wait until all are
 * back.  Returns how many came back (all of them, or we never return). */
static unsigned int round(bool sleep)
{
	struct vq_buf b[DESCS];
	unsigned int back = 0;
	uint32_t flags;
	uint16_t head;
	uint32_t len;

	for (unsigned int k = 0; k < DESCS; k++)
		b[k] = (struct vq_buf){ buf, BUF_BYTES, false };
	for (unsigned int c = 0; c < CHAINS; c++) {
		int h = vq_add(&txq, b, DESCS);

		if (h < 0)
			return 0;
		vq_publish(&txq, (uint16_t)h);
	}
	txq.avail->flags = sleep ? 0 : VRING_AVAIL_F_NO_INTERRUPT;
	flags = irq_save();
	vq_kick(&txq);
	while (back < CHAINS)
		if (vq_pop_used(&txq, &head, &len))
			back++;
		else
			wait_used(sleep);
	irq_restore(flags);
	return back;
}

void console_flood_run(const char *name)
{
	if (!word_equals(name, "console-flood"))
		return;
	guest_connect();
	fill();
	if (!cmdline_has("console=early") || !bring_up()) {
		printf("guest: test console-flood: FAIL: needs console=early "
		       "and the console device to itself\n");
		guest_poweroff("test failed");
	}
	for (unsigned int r = 1; r <= ROUNDS; r++) {
		unsigned int back;

		bool sleep = r == 2;

		printf("guest: test console-flood: round %u: %u chains of "
		       "%u KiB in one notify, then %s\n",
		       r, CHAINS, CHAIN_BYTES >> 10,
		       sleep ? "sleep until they are back"
			     : "spin, interrupts off, until they are back");
		back = round(sleep);
		printf("guest: test console-flood: round %u: %u of %u chains "
		       "came back\n",
		       r, back, CHAINS);
		if (back != CHAINS)
			guest_poweroff("test failed");
	}
	guest_poweroff("test passed");
}
