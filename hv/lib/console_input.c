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
static void (*hotkey_hook)(void);
static void (*monitor_sink)(uint8_t c);
static bool to_monitor;
static struct hotkey hotkey;

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

/* One byte past the hotkey filter: to the monitor, or into the ring. */
static void deliver(uint8_t c)
{
	if (to_monitor && monitor_sink)
		monitor_sink(c);
	else
		input_ring_push(&ring, c);
}

/*
 * [Monitor 1] Every typed byte, from the serial port or the keyboard,
 * comes through here, so the hotkey is looked for in this one place:
 * whichever device it was typed on, Ctrl-A three times reaches the
 * monitor and never the guest.
 */
void console_input_put(const uint8_t *bytes, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint8_t pass[HOTKEY_TIMES];
		unsigned k;
		bool fired;

		if (!hotkey_hook) {
			input_ring_push(&ring, bytes[i]);
			continue;
		}
		k = hotkey_feed(&hotkey, bytes[i], pass, &fired);
		if (fired)
			hotkey_hook();
		for (unsigned j = 0; j < k; j++)
			deliver(pass[j]);
	}
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

void console_input_set_monitor(void (*on_hotkey)(void),
			       void (*monitor_byte)(uint8_t c))
{
	hotkey_hook = on_hotkey;
	monitor_sink = monitor_byte;
}

void console_input_to_monitor(bool on)
{
	to_monitor = on;
}

uint32_t console_input_discard(void)
{
	uint32_t n = input_ring_count(&ring);

	ring.tail = ring.head;
	return n;
}
