/*
 * console_input.h - what is typed on the hypervisor's consoles, from any
 * of them (the serial port, a keyboard), waiting for the guest that has
 * the console.
 *
 * Input drivers put bytes here from their interrupt handlers; the guest's
 * virtio console takes them out when it has posted buffers.  The ring is
 * plain logic (no hardware) so host unit tests can drive it.
 */
#ifndef HV_LIB_CONSOLE_INPUT_H
#define HV_LIB_CONSOLE_INPUT_H

#include "hv/lib/lib.h"

#define INPUT_RING 1024 /* a power of two, so the indices may wrap */

struct input_ring {
	uint8_t buf[INPUT_RING];
	uint32_t head, tail; /* free-running; head - tail = bytes held */
	uint32_t dropped;    /* bytes that arrived while the ring was full */
};

static inline uint32_t input_ring_count(const struct input_ring *r)
{
	return r->head - r->tail;
}

/* A full ring keeps what it has and counts the newcomer as dropped: the
 * oldest typed bytes are the ones the user expects to see first. */
static inline void input_ring_push(struct input_ring *r, uint8_t c)
{
	if (input_ring_count(r) == INPUT_RING) {
		r->dropped++;
		return;
	}
	r->buf[r->head++ % INPUT_RING] = c;
}

/* Take the oldest byte into *c; false, *c untouched, if there is none. */
static inline bool __must_check input_ring_pop(struct input_ring *r,
					       uint8_t *c)
{
	if (r->head == r->tail)
		return false;
	*c = r->buf[r->tail++ % INPUT_RING];
	return true;
}

/*
 * The console hotkey: Ctrl-A three times in a row moves the console on
 * (to the next guest, or the hypervisor's monitor: hv/core/monitor.c), as
 * on Xen.  A Ctrl-A or two not followed by a third are the typist's and
 * are passed on, late, with the byte that broke the run, so a program in
 * the guest that wants Ctrl-A itself still gets it.
 */
#define HOTKEY_BYTE 0x01 /* Ctrl-A */
#define HOTKEY_TIMES 3

struct hotkey {
	uint8_t held; /* Ctrl-As seen in a row, not yet passed on */
};

/* One typed byte: the bytes to pass on into out (up to HOTKEY_TIMES),
 * returning how many; *fired when this byte completed the hotkey (then
 * none are passed on). */
static inline unsigned hotkey_feed(struct hotkey *h, uint8_t c,
				   uint8_t out[HOTKEY_TIMES], bool *fired)
{
	unsigned n = 0;

	*fired = false;
	if (c == HOTKEY_BYTE) {
		if (++h->held == HOTKEY_TIMES) {
			h->held = 0;
			*fired = true;
		}
		return 0;
	}
	while (h->held) {
		out[n++] = HOTKEY_BYTE;
		h->held--;
	}
	out[n++] = c;
	return n;
}

/* console_input.c: the one ring of the machine. */

/* n bytes typed on a console (interrupt context); then the hook runs. */
void console_input_put(const uint8_t *bytes, uint32_t n);
/* The oldest typed byte into *c; false when nothing is waiting. */
bool __must_check console_input_get(uint8_t *c);
uint32_t console_input_count(void);
uint32_t console_input_dropped(void);
/* Called after input arrived, to wake whoever reads it. */
void console_set_input_hook(void (*fn)(void));

/* The console monitor (hv/core/monitor.c) registers what the hotkey does
 * and where bytes go while the monitor has the console; until then the
 * hotkey is not looked for and every byte goes to the ring. */
void console_input_set_monitor(void (*on_hotkey)(void),
			       void (*monitor_byte)(uint8_t c));
/* true: typed bytes go to the monitor's byte function, not the ring. */
void console_input_to_monitor(bool on);
/* Forget what waits in the ring (it was typed for the console's old
 * owner); returns how many bytes that was. */
uint32_t console_input_discard(void);

#endif
