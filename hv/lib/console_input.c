/*
 * console_input.c - the ring every console's input goes through.
 *
 * Whatever the keys were typed on, the serial line or the machine's own
 * keyboard, they arrive here as bytes, in order, and the guest that has
 * the console reads them from here (hv/virtio/virtio_console.c).
 */
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"

static struct input_ring ring;
static void (*input_hook)(void);

/* Say so when typed input had to be thrown away (the ring was full: no
 * guest was reading), each time the count has doubled, so a flood of input
 * is not a flood of messages too. */
static void report_drops(void)
{
	static uint32_t reported;

	if (ring.dropped > reported && ring.dropped >= 2 * reported) {
		pr_warn("hv: console: input buffer full, %u typed bytes "
			"dropped so far\n",
			ring.dropped);
		reported = ring.dropped;
	}
}

void console_input_put(const uint8_t *bytes, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		input_ring_push(&ring, bytes[i]);
	if (input_hook && input_ring_count(&ring))
		input_hook();
	report_drops();
}

bool console_input_get(uint8_t *c)
{
	return input_ring_pop(&ring, c);
}

uint32_t console_input_count(void)
{
	return input_ring_count(&ring);
}

uint32_t console_input_dropped(void)
{
	return ring.dropped;
}

void console_set_input_hook(void (*fn)(void))
{
	input_hook = fn;
}
