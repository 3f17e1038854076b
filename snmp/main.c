// SPDX-License-Identifier: GPL-2.0
/*
 * kstamp-agentx: an AgentX subagent (RFC 2741) on net-snmp's agent
 * library that serves KSTAMP-MIB, read only, for the reflector of the
 * network namespace it runs in. snmpd is the master agent; when it goes
 * away the subagent pings and reconnects every ping interval, and
 * registers again. SIGTERM and SIGINT end the loop through a pipe, so
 * that a signal arriving just before select() still wakes it.
 */
#include "agentx.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define APP "kstamp-agentx"
/* experimental(3) 8762 (RFC 8762): NOT registered with IANA, see the MIB */
#define DEFAULT_BASE "1.3.6.1.3.8762"

static sig_atomic_t stop;	/* read after the pipe woke the loop */
static int stop_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char c = 0;

	stop = 1;
	/* a full pipe has a wakeup pending anyway */
	if (write(stop_pipe[1], &c, 1) < 0)
		stop = 1;
	errno = saved;
}

static void on_stop_fd(int fd, void *arg)
{
	char buf[16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: " APP " [-x ADDRESS] [-b OID] [-c SECONDS] [-p SECONDS] [-n CONTEXT]\n"
		"  -x, --agentx-socket ADDRESS  the master agent's AgentX socket\n"
		"                               (default: net-snmp's, /var/agentx/master)\n"
		"  -b, --base-oid OID           KSTAMP-MIB's base, numeric\n"
		"                               (default " DEFAULT_BASE ", not registered with IANA)\n"
		"  -c, --cache SECONDS          reuse one reading of the module this long (1-60, default 2)\n"
		"  -p, --ping-interval SECONDS  ping the master, reconnect when it is gone\n"
		"                               (1-3600, default 5)\n"
		"  -n, --context CONTEXT        register in this SNMP context (default: none)\n"
		"Serves the reflector of the network namespace it runs in; run one per\n"
		"namespace (ip netns exec NS " APP " -n NS).\n");
}

/* "1.3.6.1..." (a leading dot allowed), numbers only: no MIB lookups */
static int parse_oid(const char *s, oid *o, size_t *len)
{
	size_t n = 0;
	unsigned long v;
	char *end;

	if (*s == '.')
		s++;
	while (*s) {
		if (n == *len || *s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v > 0xffffffffUL || (*end && *end != '.') ||
		    (*end == '.' && !end[1]))
			return -EINVAL;
		o[n++] = v;
		s = *end ? end + 1 : end;
	}
	if (n < 2)
		return -EINVAL;
	*len = n;
	return 0;
}

static int parse_secs(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *out < 1 ||
	    *out > max)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agentx-socket", required_argument, NULL, 'x' },
		{ "base-oid", required_argument, NULL, 'b' },
		{ "cache", required_argument, NULL, 'c' },
		{ "ping-interval", required_argument, NULL, 'p' },
		{ "context", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *socket = NULL, *context = NULL;
	unsigned long cache_s = 2, ping_s = 5;
	oid base[MAX_OID_LEN];
	size_t baselen = 64;
	struct sigaction sa = { .sa_handler = on_signal };
	struct refresher r;
	int o, err;

	parse_oid(DEFAULT_BASE, base, &baselen);
	while ((o = getopt_long(argc, argv, "x:b:c:p:n:h", opts, NULL)) != -1) {
		switch (o) {
		case 'x':
			socket = optarg;
			break;
		case 'b':
			baselen = 64;
			if (parse_oid(optarg, base, &baselen)) {
				fprintf(stderr,
					APP ": bad base OID '%s' (numeric, like "
					DEFAULT_BASE ")\n", optarg);
				return 2;
			}
			break;
		case 'c':
			if (parse_secs(optarg, 60, &cache_s)) {
				fprintf(stderr, APP ": bad cache '%s' (1-60 s)\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			if (parse_secs(optarg, 3600, &ping_s)) {
				fprintf(stderr, APP ": bad ping interval '%s' (1-3600 s)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			context = optarg;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		print_help(stderr);
		return 2;
	}

	if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC)) {
		perror(APP ": pipe");
		return 1;
	}
	/* no SA_RESTART: select() returns at once on a signal */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
			       1);
	if (socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* nothing to keep between runs; the root may be read-only */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);

	err = refresher_init(&r, cache_s * 1000);
	if (err) {
		fprintf(stderr, APP ": out of memory\n");
		return 1;
	}
	init_agent(APP);
	/* after init_agent(), which sets the defaults */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, ping_s);
	err = mib_register(&r, base, baselen, context);
	if (err) {
		snmp_log(LOG_ERR, APP ": cannot register KSTAMP-MIB: %s\n",
			 strerror(-err));
		goto out;
	}
	register_readfd(stop_pipe[0], on_stop_fd, NULL);
	/* connects to the master, or retries every ping interval */
	init_snmp(APP);
	{
		char buf[MAX_OID_LEN * 11] = "";
		size_t i, n = 0;

		for (i = 0; i < baselen && n < sizeof(buf) - 12; i++)
			n += snprintf(buf + n, sizeof(buf) - n, ".%lu",
				      (unsigned long)base[i]);
		snmp_log(LOG_INFO, APP ": serving KSTAMP-MIB at %s%s%s\n",
			 buf, context ? " in context " : "",
			 context ? context : "");
	}
	while (!stop)
		agent_check_and_process(1);
	snmp_log(LOG_INFO, APP ": stopping\n");
	unregister_readfd(stop_pipe[0]);
out:
	snmp_shutdown(APP);
	shutdown_agent();
	refresher_free(&r);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	return err ? 1 : 0;
}
