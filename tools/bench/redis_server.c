/* SPDX-License-Identifier: MIT */
#include "redis_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "rlc/clock.h"

#define START_ATTEMPTS 3 /* a free port can be taken before redis binds it */
#define PING_WAIT_NS (5 * RLC_NS_PER_SEC)
#define POLL_NS (10 * UINT64_C(1000000))

static void pause_poll(void)
{
	struct timespec ts = {0, (long)POLL_NS};

	nanosleep(&ts, NULL);
}

/* A loopback port nobody listens on now: the kernel's pick for port 0. */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static void exec_server(int port, pid_t parent)
{
	char port_arg[16];
	int null = open("/dev/null", O_RDWR);

	cleanup_forget();
	/* Dies with the benchmark even when that is SIGKILLed. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	snprintf(port_arg, sizeof(port_arg), "%d", port);
	execlp("redis-server", "redis-server", "--port", port_arg, "--bind", "127.0.0.1",
	       "--save", "", "--appendonly", "no", "--daemonize", "no", (char *)NULL);
	_exit(127);
}

redisContext *redis_server_connect(int port, char *why, size_t len)
{
	const struct timeval connect_tv = {1, 0}, command_tv = {5, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, connect_tv);

	if (!c || c->err) {
		snprintf(why, len, "connect to 127.0.0.1:%d: %s", port,
			 c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return NULL;
	}
	if (redisSetTimeout(c, command_tv) != REDIS_OK) {
		snprintf(why, len, "set timeout on 127.0.0.1:%d: %s", port, c->errstr);
		redisFree(c);
		return NULL;
	}
	return c;
}

static int answers_ping(int port)
{
	char why[128];
	redisContext *c = redis_server_connect(port, why, sizeof(why));
	redisReply *r = c ? redisCommand(c, "PING") : NULL;
	int ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;

	if (r)
		freeReplyObject(r);
	if (c)
		redisFree(c);
	return ok;
}

/* One try on one port: 0 when it answers; -EADDRINUSE when it exited (the
 * port may have been taken); another -errno when it cannot work at all. */
static int start_once(struct redis_server *s, char *why, size_t len)
{
	uint64_t deadline = rlc_now_ns() + PING_WAIT_NS;
	pid_t parent = getpid();
	int status;

	s->port = free_port();
	if (s->port < 0) {
		snprintf(why, len, "no free loopback port: %s", strerror(-s->port));
		return s->port;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		snprintf(why, len, "fork: %s", strerror(errno));
		return -EAGAIN;
	}
	if (s->pid == 0)
		exec_server(s->port, parent);
	cleanup_process(s->pid);
	while (!answers_ping(s->port)) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			cleanup_process(0);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
				snprintf(why, len, "cannot run redis-server (not installed?)");
				return -ENOENT;
			}
			snprintf(why, len, "redis-server on port %d exited (status %d) before "
				 "answering PING", s->port, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			return -EADDRINUSE;
		}
		if (rlc_now_ns() > deadline) {
			redis_server_stop(s);
			snprintf(why, len, "redis-server did not answer PING within %llu s",
				 (unsigned long long)(PING_WAIT_NS / RLC_NS_PER_SEC));
			return -ETIMEDOUT;
		}
		pause_poll();
	}
	return 0;
}

int redis_server_start(struct redis_server *s, char *why, size_t len)
{
	int attempt, err = -EADDRINUSE;

	s->pid = 0;
	for (attempt = 0; attempt < START_ATTEMPTS && err == -EADDRINUSE; attempt++)
		err = start_once(s, why, len);
	return err;
}

void redis_server_stop(struct redis_server *s)
{
	if (s->pid <= 0)
		return;
	cleanup_process(0);
	cleanup_stop(s->pid);
	s->pid = 0;
}
