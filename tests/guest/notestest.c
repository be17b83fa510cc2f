/*
 * notestest.c - [Testguest 23] "test=notes": the notes device (ABI
 * 11.14), over two lives of the guest.
 *
 * First life: no note called "life" yet; 16 notes fill the store and a
 * 17th is refused (NOTES_FULL) until one is deleted; a 64-byte value
 * comes back byte for byte; then "life" = 1 and we restart.  Second
 * life: "life" is still 1, what we stored is still there, and we power
 * off.  Needs notes=on on our kernel line (tests/qemu/guest-notes.test).
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/notes.h"

#include "testguest.h"

static const char *fail_why;

static void expect(int got, int want, const char *what)
{
	if (got != want && !fail_why) {
		printf("guest: notes: FAIL: %s: status %d, expected %d\n", what,
		       got, want);
		fail_why = what;
	}
}

static void first_life(void)
{
	uint8_t big[NOTES_VALUE_MAX], back[NOTES_VALUE_MAX];
	char key[] = "key-a";
	uint32_t len, one = 1;
	int full;

	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	/* "life" and 15 others fill the 16 places. */
	expect(notes_put("life", &one, sizeof(one)), NOTES_OK, "put life");
	for (int i = 0; i < NOTES_MAX - 1; i++) {
		key[4] = (char)('a' + i);
		expect(notes_put(key, big, sizeof(big)), NOTES_OK, "put key");
	}
	full = notes_put("one-too-many", &one, sizeof(one));
	expect(full, NOTES_FULL, "a 17th note");
	expect(notes_put("key-a", NULL, 0), NOTES_OK, "delete key-a");
	expect(notes_get("key-a", back, &len), NOTES_NOT_FOUND,
	       "get deleted key-a");
	expect(notes_put("one-too-many", &one, sizeof(one)), NOTES_OK,
	       "put after a delete");
	expect(notes_get("key-b", back, &len), NOTES_OK, "get key-b");
	if (!fail_why && (len != sizeof(big) || !same_bytes(back, big, len))) {
		printf("guest: notes: FAIL: key-b came back as %u other "
		       "bytes\n",
		       len);
		fail_why = "value";
	}
	if (fail_why)
		guest_poweroff("test failed");
	printf("guest: notes: life 1: 16 notes kept, the 17th refused (FULL) "
	       "until one was deleted, 64 bytes back intact\n");
	guest_restart("notes: on to life 2");
}

void notestest_run(const char *name)
{
	uint8_t back[NOTES_VALUE_MAX];
	uint32_t len, life = 0;
	int r;

	if (!word_equals(name, "notes"))
		return;
	guest_connect();
	if (!notes_present()) {
		printf("guest: notes: FAIL: no notes device (notes=on?)\n");
		guest_poweroff("test failed");
	}
	r = notes_get("life", &life, &len);
	if (r == NOTES_NOT_FOUND)
		first_life();
	expect(r, NOTES_OK, "get life");
	expect(notes_get("key-b", back, &len), NOTES_OK, "get key-b again");
	if (fail_why || len != NOTES_VALUE_MAX || life != 1) {
		printf("guest: notes: FAIL: life 2 found life=%u, key-b %u "
		       "bytes\n",
		       life, len);
		guest_poweroff("test failed");
	}
	printf("guest: notes: life 2: the notes of life 1 are still here\n");
	printf("guest: test notes: passed\n");
	guest_poweroff("test passed");
}
