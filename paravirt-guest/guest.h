/*
 * guest.h - the guest's modes, and what they share.
 */
#ifndef PVGUEST_GUEST_H
#define PVGUEST_GUEST_H

void guest_connect(void);
__attribute__((noreturn)) void demo_run(void);
__attribute__((noreturn)) void bench_run(void);
__attribute__((noreturn)) void adversary_run(const char *name);

#endif /* PVGUEST_GUEST_H */
