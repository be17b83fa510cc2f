/*
 * hv.h - the pieces only hv_main() strings together.
 */
#ifndef HV_HV_H
#define HV_HV_H

/* selftest.c: run a named self-test of a test build; returns the exit
 * status to end the run with. */
int selftest_run(const char *name);
/* selftest.c: is name a self-test that changes how guests run, not one
 * that ends the run?  If so it is set up (test builds only). */
bool selftest_guest_mode(const char *name);

#endif
