/*
 * shell.c - pvsh, a very small shell for the console.
 *
 * It reads a line (the kernel's terminal echoes and edits it, tty.c),
 * splits it into words, and runs the command.  Most commands are built
 * in, because there is no way to pass a program more than one number:
 *
 *   help               what follows
 *   ls                 the files on the disk, with sizes
 *   cat FILE           print a file
 *   echo TEXT...       print the words; "echo TEXT... > FILE" writes them
 *                      (and a newline) to FILE instead
 *   write FILE TEXT... the same as echo TEXT... > FILE
 *   rm FILE            remove a file
 *   run PROG [N]       run a program from the disk with argument N (fork,
 *                      exec, wait) and show its exit status; "PROG [N]"
 *                      alone does the same when no command has that name
 *   uptime             timer ticks since the scheduler started
 *   sleep N            wait N ticks (of 10 ms)
 *   ifconfig [ADDR[/N]]  show the network interface, or give it an
 *                      address (the prefix is /24 if not given)
 *   ping ADDR [COUNT]  COUNT echo requests (4 if not given), a second
 *                      apart; each reply, then "N sent, M received"
 *   udpsend ADDR PORT TEXT...  send TEXT as one datagram, wait a second
 *                      for an answer and print it
 *   udpecho PORT [COUNT]  send each datagram that comes to PORT back to
 *                      whoever sent it, COUNT of them (or for ever)
 *   random [N]         N random bytes (default 16, at most 1024) from
 *                      the entropy device, in hex
 *   poweroff, reboot   what they say; reboot keeps the disk
 *   exit               leave the shell (the kernel then powers off)
 *
 * Ctrl-D on an empty line is the same as exit.
 *
 * Files are read and written with <stdio.h> (newlib's, on syscalls.c);
 * the directory, the network and the entropy device are the guest's own
 * system calls (ulib.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ulib.h"

#define LINE 128
#define MAX_WORDS 16
#define PROMPT "pvsh$ "
#define PING_COUNT 4
#define PING_INTERVAL 100 /* ticks: a second */
#define REPLY_TICKS 100
#define SHOW_MAX 100 /* characters of a datagram printed */

/* An IPv4 address (a number, 192.0.2.1 is 0xc0000201) for "%u.%u.%u.%u". */
#define IP4(a) (a) >> 24, (a) >> 16 & 0xff, (a) >> 8 & 0xff, (a)&0xff
#define RANDOM_DEFAULT 16
#define RANDOM_MAX 1024

static char *words[MAX_WORDS];
static int nwords;

/* Cut the line into words at spaces and tabs, in place. */
static void split(char *line)
{
	nwords = 0;
	while (*line && nwords < MAX_WORDS) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		words[nwords++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
}

/* A number typed as digits; what is not one counts as 0.  strtoul()
 * alone would also take "-5", as 2^32 - 5: "sleep -5" for ever. */
static int number(const char *s)
{
	return isdigit((unsigned char)*s) ? (int)strtoul(s, NULL, 10) : 0;
}

static void cmd_help(void)
{
	static const char *const lines[] = {
		"commands:",
		"  ls                  list the files on the disk",
		"  cat FILE            print a file",
		"  echo TEXT [> FILE]  print TEXT, or write it to FILE",
		"  write FILE TEXT     write TEXT to FILE",
		"  rm FILE             remove a file",
		"  run PROG [N]        run a program with argument N",
		"  PROG [N]            the same, if PROG is not a command",
		"  uptime              ticks since boot",
		"  sleep N             wait N ticks of 10 ms",
		"  ifconfig [ADDR[/N]] show the network, or set its address",
		"  ping ADDR [COUNT]   send echo requests, print the replies",
		"  udpsend ADDR PORT TEXT  send a datagram, print the answer",
		"  udpecho PORT [COUNT]    echo datagrams to their senders",
		"  random [N]          N random bytes in hex (default 16)",
		"  poweroff, reboot    stop, or start again (the disk stays)",
		"  exit                leave the shell",
	};

	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		printf("%s\n", lines[i]);
}

static void cmd_ls(void)
{
	struct file_info info;
	uint32_t files = 0, bytes = 0;
	int r;

	for (unsigned int i = 0; (r = fslot(i, &info)) >= 0; i++) {
		if (r == 0)
			continue;
		printf("%-16s %u bytes%s\n", info.name, info.size,
		       info.writes ? " (written here)" : "");
		files++;
		bytes += info.size;
	}
	printf("%u files, %u bytes\n", files, bytes);
}

static void cmd_cat(const char *name)
{
	FILE *f = fopen(name, "r");
	char buf[512];
	size_t n;

	if (!f) {
		printf("cat: %s: %s\n", name,
		       errno == ENOENT ? "no such file" : strerror(errno));
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
}

/* Words from..to-1 joined by spaces, and a newline, to FILE or the screen. */
static void put_words(int from, int to, const char *file)
{
	char text[LINE + 1];
	uint32_t len = 0;
	FILE *f;

	for (int i = from; i < to; i++) {
		for (const char *s = words[i]; *s && len < LINE - 1; s++)
			text[len++] = *s;
		if (i + 1 < to && len < LINE - 1)
			text[len++] = ' ';
	}
	text[len++] = '\n';
	text[len] = '\0';
	if (!file) {
		fputs(text, stdout);
		return;
	}
	f = fopen(file, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		printf("cannot write %s: %s\n", file, strerror(errno));
}

static void cmd_echo(void)
{
	for (int i = 1; i < nwords; i++) {
		if (words[i][0] == '>' && words[i][1] == '\0') {
			if (i + 1 >= nwords)
				printf("echo: > needs a file name\n");
			else
				put_words(1, i, words[i + 1]);
			return;
		}
	}
	put_words(1, nwords, 0);
}

/* Up to three digits, at most max; 0 if that is not what s starts with. */
static const char *small_number(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 4) {
		n = n * 10 + (uint32_t)(*s++ - '0');
		digits++;
	}
	if (!digits || digits > 3 || n > max)
		return 0;
	*out = n;
	return s;
}

/* "A.B.C.D", or with prefix "A.B.C.D[/N]" (N is 24 if not given). */
static int parse_addr(const char *s, uint32_t *addr, uint32_t *prefix)
{
	uint32_t a = 0, n;

	for (int i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return 0;
		if (!(s = small_number(s, 255, &n)))
			return 0;
		a = a << 8 | n;
	}
	if (prefix) {
		*prefix = 24;
		if (*s == '/' && !(s = small_number(s + 1, 32, prefix)))
			return 0;
	}
	if (*s)
		return 0;
	*addr = a;
	return 1;
}

static void cmd_ifconfig(void)
{
	struct net_info ni;
	uint32_t addr, prefix;

	if (nwords == 2) {
		if (!parse_addr(words[1], &addr, &prefix) ||
		    netconf(addr, prefix) < 0) {
			printf("ifconfig: %s: not an address eth0 can have\n",
			       words[1]);
			return;
		}
	}
	if (netinfo(&ni) < 0) {
		printf("ifconfig: no network interface\n");
		return;
	}
	printf("eth0: mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", ni.mac[0],
	       ni.mac[1], ni.mac[2], ni.mac[3], ni.mac[4], ni.mac[5],
	       ni.link ? "up" : "down");
	if (ni.addr)
		printf("  inet %u.%u.%u.%u/%u\n", IP4(ni.addr), ni.prefix);
	else
		printf("  no address (ifconfig ADDR[/N] gives it one)\n");
	printf("  rx %u frames, %u bytes; tx %u frames, %u bytes\n",
	       ni.rx_frames, ni.rx_bytes, ni.tx_frames, ni.tx_bytes);
	printf("  dropped: rx %u, tx %u\n", ni.rx_dropped, ni.tx_dropped);
}

static void cmd_ping(const char *host, const char *count_word)
{
	uint32_t count = count_word ? (uint32_t)number(count_word) : PING_COUNT;
	uint32_t addr, received = 0, seq;
	struct ping_reply r;

	if (!parse_addr(host, &addr, 0)) {
		printf("ping: %s: not an address\n", host);
		return;
	}
	printf("PING %u.%u.%u.%u: 56 data bytes\n", IP4(addr));
	for (seq = 1; seq <= count; seq++) {
		uint32_t start = uptime(), took;

		if (ping(addr, seq, &r) == 0) {
			received++;
			if (r.usecs != PING_NO_USECS)
				printf("%u bytes from %u.%u.%u.%u: seq=%u "
				       "ttl=%u time=%u us\n",
				       r.bytes, IP4(r.from), seq, r.ttl,
				       r.usecs);
			else
				printf("%u bytes from %u.%u.%u.%u: seq=%u "
				       "ttl=%u time=%u cycles\n",
				       r.bytes, IP4(r.from), seq, r.ttl,
				       r.cycles);
		} else {
			printf("no reply to seq=%u\n", seq);
		}
		took = uptime() - start;
		if (seq < count && took < PING_INTERVAL)
			sleep_ticks(PING_INTERVAL - took);
	}
	printf("%u sent, %u received\n", count, received);
}

/* What came, as text: "." for what does not print, at most SHOW_MAX. */
static void show_datagram(const char *what, const struct udp_msg *m)
{
	char text[SHOW_MAX + 1];
	const char *data = m->buf;
	uint32_t n = m->len < SHOW_MAX ? m->len : SHOW_MAX;

	for (uint32_t i = 0; i < n; i++)
		text[i] = data[i] >= ' ' && data[i] <= '~' ? data[i] : '.';
	text[n] = '\0';
	printf("%s %u.%u.%u.%u:%u, %u bytes: %s\n", what, IP4(m->addr), m->port,
	       m->len, text);
}

static void cmd_udpsend(void)
{
	char text[LINE + 1], reply[UDP_MAX];
	struct udp_msg m;
	uint32_t len = 0;
	int lport;

	if (!parse_addr(words[1], &m.addr, 0)) {
		printf("udpsend: %s: not an address\n", words[1]);
		return;
	}
	m.port = (uint16_t)number(words[2]);
	for (int i = 3; i < nwords; i++) {
		for (const char *c = words[i]; *c && len < LINE; c++)
			text[len++] = *c;
		if (i + 1 < nwords && len < LINE)
			text[len++] = ' ';
	}
	lport = udpbind(0);
	if (lport < 0) {
		printf("udpsend: no free port\n");
		return;
	}
	m.lport = (uint16_t)lport;
	m.buf = text;
	m.len = len;
	if (udpsend(&m) < 0) {
		printf("udpsend: cannot send to %u.%u.%u.%u:%u\n", IP4(m.addr),
		       m.port);
	} else {
		m.buf = reply;
		m.len = sizeof(reply);
		if (udprecv(&m, REPLY_TICKS) >= 0)
			show_datagram("reply from", &m);
		else
			printf("udpsend: no reply within a second\n");
	}
	udpclose((uint32_t)lport);
}

static void cmd_udpecho(const char *port_word, const char *count_word)
{
	uint32_t port = (uint32_t)number(port_word), n = 0;
	uint32_t count = count_word ? (uint32_t)number(count_word) : 0;
	char buf[UDP_MAX];
	struct udp_msg m;

	if (udpbind(port) < 0) {
		printf("udpecho: cannot bind port %u\n", port);
		return;
	}
	printf("udpecho: echoing on port %u\n", port);
	while (!count || n < count) {
		m.lport = (uint16_t)port;
		m.buf = buf;
		m.len = sizeof(buf);
		if (udprecv(&m, UDP_WAIT_FOREVER) < 0)
			break;
		show_datagram("from", &m);
		if (udpsend(&m) < 0)
			printf("udpecho: could not answer\n");
		n++;
	}
	udpclose(port);
}

static void cmd_run(const char *prog, const char *arg)
{
	int pid = fork(), status = 0;

	if (pid == 0) {
		exec(prog, arg ? number(arg) : 0);
		printf("%s: no such program\n", prog);
		fflush(stdout);
		_exit(127); /* not exit(): the parent's stdio is not ours */
	}
	if (pid < 0 || wait(&status) != pid) {
		printf("run: cannot start %s\n", prog);
		return;
	}
	if (status != 0)
		printf("[%s exited with status %d]\n", prog, status);
}

/* N bytes from the entropy device, 16 to a line. */
static void cmd_random(const char *arg)
{
	uint8_t bytes[RANDOM_MAX];
	int n = arg ? number(arg) : RANDOM_DEFAULT, got;

	if (n <= 0 || n > RANDOM_MAX) {
		printf("random: N must be 1 to %d\n", RANDOM_MAX);
		return;
	}
	got = random_bytes(bytes, (uint32_t)n);
	if (got <= 0) {
		printf("random: no entropy device\n");
		return;
	}
	for (int i = 0; i < got; i++)
		printf("%02x%c", bytes[i],
		       i % 16 == 15 || i + 1 == got ? '\n' : ' ');
	if (got < n)
		printf("random: the device gave %d of %d bytes\n", got, n);
}

/* One command line; 0 to go on, 1 to leave the shell. */
static int command(void)
{
	const char *c = words[0];

	if (!strcmp(c, "help"))
		cmd_help();
	else if (!strcmp(c, "ls"))
		cmd_ls();
	else if (!strcmp(c, "cat") && nwords == 2)
		cmd_cat(words[1]);
	else if (!strcmp(c, "echo"))
		cmd_echo();
	else if (!strcmp(c, "write") && nwords >= 2)
		put_words(2, nwords, words[1]);
	else if (!strcmp(c, "rm") && nwords == 2) {
		if (unlink(words[1]) < 0)
			printf("rm: %s: no such file\n", words[1]);
	} else if (!strcmp(c, "run") && nwords >= 2)
		cmd_run(words[1], nwords > 2 ? words[2] : 0);
	else if (!strcmp(c, "uptime"))
		printf("%u ticks of 10 ms\n", uptime());
	else if (!strcmp(c, "sleep") && nwords == 2)
		sleep_ticks((uint32_t)number(words[1]));
	else if (!strcmp(c, "ifconfig") && nwords <= 2)
		cmd_ifconfig();
	else if (!strcmp(c, "ping") && (nwords == 2 || nwords == 3))
		cmd_ping(words[1], nwords == 3 ? words[2] : 0);
	else if (!strcmp(c, "udpsend") && nwords >= 3)
		cmd_udpsend();
	else if (!strcmp(c, "udpecho") && (nwords == 2 || nwords == 3))
		cmd_udpecho(words[1], nwords == 3 ? words[2] : 0);
	else if (!strcmp(c, "random") && nwords <= 2)
		cmd_random(nwords == 2 ? words[1] : 0);
	else if (!strcmp(c, "poweroff"))
		shutdown(SHUTDOWN_POWEROFF);
	else if (!strcmp(c, "reboot"))
		shutdown(SHUTDOWN_REBOOT);
	else if (!strcmp(c, "exit"))
		return 1;
	else
		cmd_run(c, nwords > 1 ? words[1] : 0);
	return 0;
}

int main(int arg)
{
	char line[LINE + 2];

	printf("pvsh: type 'help' for the commands\n");
	for (;;) {
		size_t n;

		fputs(PROMPT, stdout);
		fflush(stdout); /* a prompt shows now, not at the next newline */
		if (!fgets(line, sizeof(line), stdin))
			break; /* end of input */
		n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		split(line);
		if (nwords && command())
			break;
	}
	printf("pvsh: bye\n");
	return 0;
}
