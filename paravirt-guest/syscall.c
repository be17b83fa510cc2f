/*
 * syscall.c - [Pvguest 10] system calls: "int $0x80" from ring 3.
 *
 * The gate for vector 0x80 has DPL 3, so a user program may raise it; the
 * hypervisor catches it, switches to the kernel stack we gave with
 * SET_STACK, pushes the user's SS, ESP, EFLAGS, CS and EIP there as the
 * CPU would, and jumps to our handler (ABI 8.2, 8.3).  The number is in
 * EAX, the arguments in EBX, ECX and EDX (sysnum.h); we put the result in
 * the saved EAX, which entry.S restores on the way back.
 *
 * Pointers from a user program are checked before we touch them: it must
 * not get us to read or write kernel memory for it.  A pointer into its
 * own half that is not mapped faults in the kernel, and page_fault()
 * treats that as the process's fault.
 */
#include "console.h"
#include "hcall.h"
#include "irq.h"
#include "lguest.h"
#include "mm.h"
#include "net.h"
#include "proc.h"
#include "pvfs.h"
#include "rng.h"
#include "sysnum.h"
#include "timer.h"
#include "tty.h"
#include "virtio_net.h"

#define WRITE_MAX 4096
#define READ_MAX 128
#define NAME_MAX 40
#define PING_TICKS TICK_HZ /* how long a ping waits for its reply */

_Static_assert(UDP_MAX == UDP_DATA_MAX, "sysnum.h and net_format.h agree");
_Static_assert(UDP_WAIT_FOREVER == UDP_FOREVER, "sysnum.h and net.h agree");
_Static_assert(SYS_TICK_HZ == TICK_HZ, "sysnum.h and timer.h agree");
#define RANDOM_MAX 4096

static int sys_write(uint32_t buf, uint32_t len)
{
	if (len > WRITE_MAX || !user_range_ok(buf, len))
		return -1;
	console_write((const char *)buf, len);
	console_flush(); /* a prompt must show now, not at the next newline */
	return (int)len;
}

/* Copy a NUL-terminated string from user memory. */
static bool copy_string(char *dst, uint32_t src, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++) {
		if (!user_range_ok(src + i, 1))
			return false;
		dst[i] = ((const char *)src)[i];
		if (!dst[i])
			return true;
	}
	return false;
}

static int sys_exec(struct trapframe *tf, uint32_t name, int arg)
{
	char prog[NAME_MAX];

	if (!copy_string(prog, name, sizeof(prog)))
		return -1;
	return proc_exec(prog, arg, tf);
}

static int sys_wait(uint32_t status_ptr)
{
	int status = 0, pid = proc_wait(&status);

	if (pid > 0 && status_ptr) {
		if (!user_range_ok(status_ptr, 4))
			return -1;
		*(int *)status_ptr = status;
	}
	return pid;
}

/*
 * Grow the heap.  No page is made here: each is made when first used.  But
 * a growth by more pages than are free now is refused, so that a program
 * asking for far too much hears so (malloc returns NULL) instead of dying
 * at the first page that cannot be made.
 */
static int sys_sbrk(int bytes)
{
	uint32_t old = current->brk;

	if (bytes < 0 || (uint32_t)bytes > USER_TOP - USER_STACK_MAX - old)
		return -1;
	if ((page_round_up(old + (uint32_t)bytes) - page_round_up(old)) /
		    PAGE_SIZE >
	    pages_free())
		return -1;
	current->brk += bytes;
	return (int)old;
}

/* A typed line from the console (tty.c), copied out to the program. */
static int sys_read(uint32_t buf, uint32_t len)
{
	char line[READ_MAX];
	int n;

	if (!user_range_ok(buf, len))
		return -1;
	n = tty_read(line, len < sizeof(line) ? len : sizeof(line));
	memcpy((void *)buf, line, (uint32_t)n);
	return n;
}

static void fill_info(struct file_info *info, const struct pvfs_dirent *e)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->name, e->name, sizeof(info->name) - 1);
	info->size = e->length;
	info->writes = e->writes;
}

/* Directory slot i: 1 and its file, 0 for a free slot, -1 past the end. */
static int sys_fslot(uint32_t i, uint32_t info)
{
	const struct pvfs_dirent *e = pvfs_slot(i);

	if (!e || !user_range_ok(info, sizeof(struct file_info)))
		return -1;
	if (!(e->flags & PVFS_USED))
		return 0;
	fill_info((struct file_info *)info, e);
	return 1;
}

static int sys_fstat(uint32_t name, uint32_t info)
{
	const struct pvfs_dirent *e;
	char file[NAME_MAX];

	if (!copy_string(file, name, sizeof(file)) ||
	    !user_range_ok(info, sizeof(struct file_info)) ||
	    !(e = pvfs_lookup(file)))
		return -1;
	fill_info((struct file_info *)info, e);
	return 0;
}

static int sys_fread(uint32_t name, uint32_t buf, uint32_t len)
{
	const struct pvfs_dirent *e;
	char file[NAME_MAX];

	if (!copy_string(file, name, sizeof(file)) ||
	    !user_range_ok(buf, len) || !(e = pvfs_lookup(file)))
		return -1;
	return pvfs_read(e, 0, (void *)buf, len);
}

static int sys_fwrite(uint32_t name, uint32_t buf, uint32_t len)
{
	char file[NAME_MAX];

	if (!copy_string(file, name, sizeof(file)) || !user_range_ok(buf, len))
		return -1;
	return pvfs_write(file, (const void *)buf, len);
}

static int sys_fremove(uint32_t name)
{
	char file[NAME_MAX];

	if (!copy_string(file, name, sizeof(file)))
		return -1;
	return pvfs_remove(file);
}

/* Sleep for some timer ticks, letting others run or the CPU idle. */
static int sys_sleep(uint32_t n)
{
	uint32_t flags = irq_save(), start = timer_ticks();

	for (;;) {
		irq_disable();
		if (timer_ticks() - start >= n)
			break;
		proc_idle();
	}
	irq_restore(flags);
	return 0;
}

/*
 * The network.  Each call copies what the program gave it into the
 * kernel first (the data of a datagram too), so that nothing the stack
 * reads can change under it or fault in the middle of building a frame.
 */
static int sys_netinfo(uint32_t info)
{
	struct net_info ni;

	if (!net_present() || !user_range_ok(info, sizeof(ni)))
		return -1;
	memset(&ni, 0, sizeof(ni));
	memcpy(ni.mac, vnet_mac(), sizeof(ni.mac));
	ni.link = vnet_link_up();
	ni.addr = net_addr();
	ni.prefix = (uint8_t)net_prefix();
	ni.rx_frames = net_stats.rx_frames;
	ni.rx_bytes = net_stats.rx_bytes;
	ni.tx_frames = net_stats.tx_frames;
	ni.tx_bytes = net_stats.tx_bytes;
	ni.rx_dropped = net_stats.rx_dropped;
	ni.tx_dropped = net_stats.tx_dropped;
	memcpy((void *)info, &ni, sizeof(ni));
	return 0;
}

/* The echo id is the pid: two pinging processes never take each other's
 * replies. */
static int sys_ping(uint32_t addr, uint32_t seq, uint32_t reply)
{
	struct ping_result r;
	struct ping_reply pr;
	uint32_t khz = lguest_data.tsc_khz;

	if (!user_range_ok(reply, sizeof(pr)) ||
	    !icmp_ping(addr, (uint16_t)current->pid, (uint16_t)seq, PING_TICKS,
		       &r))
		return -1;
	pr.from = r.from;
	pr.bytes = r.bytes;
	pr.ttl = r.ttl;
	pr.cycles = r.cycles > 0xffffffffu ? 0xffffffffu : (uint32_t)r.cycles;
	pr.usecs = khz ? (uint32_t)(r.cycles * 1000 / khz) : PING_NO_USECS;
	memcpy((void *)reply, &pr, sizeof(pr));
	return 0;
}

static int sys_udpclose(uint32_t port)
{
	if (port > 0xffff || !udp_owns((uint16_t)port, current->pid))
		return -1;
	udp_close((uint16_t)port);
	return 0;
}

/* A message naming one of the caller's ports, and a buffer of its own. */
static bool copy_udp_msg(struct udp_msg *m, uint32_t msg)
{
	if (!user_range_ok(msg, sizeof(*m)))
		return false;
	memcpy(m, (const void *)msg, sizeof(*m));
	return m->len <= UDP_MAX && user_range_ok((uint32_t)m->buf, m->len) &&
	       udp_owns(m->lport, current->pid);
}

static int sys_udpsend(uint32_t msg)
{
	uint8_t data[UDP_MAX];
	struct udp_msg m;

	if (!copy_udp_msg(&m, msg) || !m.port)
		return -1;
	memcpy(data, m.buf, m.len);
	if (!udp_send(m.lport, m.addr, m.port, data, m.len))
		return -1;
	return (int)m.len;
}

static int sys_udprecv(uint32_t msg, uint32_t ticks)
{
	uint8_t data[UDP_MAX];
	struct udp_msg m;
	int n;

	if (!copy_udp_msg(&m, msg))
		return -1;
	n = udp_recv(m.lport, &m.addr, &m.port, data, m.len, ticks);
	if (n < 0)
		return -1;
	memcpy(m.buf, data, (uint32_t)n);
	m.len = (uint32_t)n;
	memcpy((void *)msg, &m, sizeof(m));
	return n;
}

/*
 * Random bytes from the entropy device, through a kernel buffer: the
 * device writes by physical address, and a user buffer's pages need not
 * be next to each other in physical memory.  At most RANDOM_MAX a call;
 * fewer if the device gives fewer; -1 if there is no device.
 */
static int sys_random(uint32_t buf, uint32_t len)
{
	static uint8_t bounce[256];
	uint32_t done = 0;

	if (len > RANDOM_MAX || !user_range_ok(buf, len) || !rng_present())
		return -1;
	while (done < len) {
		uint32_t want = len - done < sizeof(bounce) ? len - done
							    : sizeof(bounce);
		int n = rng_read(bounce, want);

		if (n <= 0)
			break;
		memcpy((void *)(buf + done), bounce, (uint32_t)n);
		done += (uint32_t)n;
	}
	memset(bounce, 0, sizeof(bounce));
	return done || !len ? (int)done : -1;
}

static int sys_clock(uint32_t out)
{
	uint64_t ns = wallclock_ns();
	struct wall_time t = {
		.sec = (uint32_t)(ns / 1000000000u),
		.nsec = (uint32_t)(ns % 1000000000u),
	};

	if (!user_range_ok(out, sizeof(t)))
		return -1;
	memcpy((void *)out, &t, sizeof(t));
	return 0;
}

/* The process's ticks, and the ticks since the scheduler started. */
static int sys_times(uint32_t out)
{
	struct proc_times t = {
		.cpu = current->cpu_ticks,
		.children = current->child_ticks,
	};

	if (!user_range_ok(out, sizeof(t)))
		return -1;
	memcpy((void *)out, &t, sizeof(t));
	return (int)timer_ticks();
}

/* Power off, or restart: the hypervisor keeps the disk, zeroes our RAM. */
static int sys_shutdown(uint32_t how)
{
	if (how == SHUTDOWN_POWEROFF)
		guest_poweroff("poweroff requested by a user program");
	if (how == SHUTDOWN_REBOOT)
		guest_restart("reboot requested by a user program");
	return -1;
}

void syscall_handler(struct trapframe *tf)
{
	uint32_t a1 = tf->ebx, a2 = tf->ecx, a3 = tf->edx;
	int ret = -1;

	if (!from_user(tf)) {
		tf->eax = (uint32_t)-1;
		return;
	}
	switch (tf->eax) {
	case SYS_write:
		ret = sys_write(a2, a3);
		break;
	case SYS_getpid:
		ret = current->pid;
		break;
	case SYS_fork:
		ret = proc_fork(tf);
		break;
	case SYS_exec:
		ret = sys_exec(tf, a1, (int)a2);
		break;
	case SYS_exit:
		proc_exit((int)a1);
	case SYS_wait:
		ret = sys_wait(a1);
		break;
	case SYS_sbrk:
		ret = sys_sbrk((int)a1);
		break;
	case SYS_yield:
		schedule();
		ret = 0;
		break;
	case SYS_uptime:
		ret = (int)timer_ticks();
		break;
	case SYS_read:
		ret = sys_read(a2, a3);
		break;
	case SYS_fslot:
		ret = sys_fslot(a1, a2);
		break;
	case SYS_fstat:
		ret = sys_fstat(a1, a2);
		break;
	case SYS_fread:
		ret = sys_fread(a1, a2, a3);
		break;
	case SYS_fwrite:
		ret = sys_fwrite(a1, a2, a3);
		break;
	case SYS_fremove:
		ret = sys_fremove(a1);
		break;
	case SYS_shutdown:
		ret = sys_shutdown(a1);
		break;
	case SYS_sleep:
		ret = sys_sleep(a1);
		break;
	case SYS_netinfo:
		ret = sys_netinfo(a1);
		break;
	case SYS_netconf:
		ret = net_set_addr(a1, a2) ? 0 : -1;
		break;
	case SYS_ping:
		ret = sys_ping(a1, a2, a3);
		break;
	case SYS_udpbind:
		ret = a1 > 0xffff ? -1 : udp_bind((uint16_t)a1, current->pid);
		break;
	case SYS_udpclose:
		ret = sys_udpclose(a1);
		break;
	case SYS_udpsend:
		ret = sys_udpsend(a1);
		break;
	case SYS_udprecv:
		ret = sys_udprecv(a1, a2);
		break;
	case SYS_random:
		ret = sys_random(a1, a2);
		break;
	case SYS_clock:
		ret = sys_clock(a1);
		break;
	case SYS_times:
		ret = sys_times(a1);
		break;
	}
	tf->eax = (uint32_t)ret;
}
