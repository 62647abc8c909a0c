/* confine.c - what a reader process gives up before it reads anything; see confine.h. */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define READER_FILES 64 /* RLIMIT_NOFILE */

/* Landlock rights by ABI (older headers lack the newer ones). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_NET_BIND_TCP        (1ULL << 0)
#define LL_NET_CONNECT_TCP     (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL        (1ULL << 1)
#define LL_READ                (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* The ruleset attributes of the newest ABI known here; its size tells the
   kernel which fields are given. */
struct ll_ruleset_attr {
	guint64 handled_access_fs;
	guint64 handled_access_net;
	guint64 scoped;
};

/* Directories and files a reader reads: libraries (dlopen), Tesseract's
   data, fonts and their configuration, poppler's data, its own /proc. */
static const char *const read_paths[] = {"/usr",
                                         "/lib",
                                         "/lib64",
                                         "/etc/fonts",
                                         "/etc/ld.so.cache",
                                         "/etc/localtime",
                                         "/var/cache/fontconfig",
                                         "/proc/self",
                                         "/dev/null",
                                         "/dev/urandom",
                                         NULL};

/* System calls a reader makes (empirically: the golden and attachment
   tests under strace -f); everything else fails with EPERM.  openat and
   open are allowed below, for reading only. */
static const char *const allowed_calls[] = {
    /* memory */
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mincore", "membarrier",
    /* reading what is open, and answering on stdout (no file is writable) */
    "read", "readv", "pread64", "preadv", "write", "writev", "lseek", "close", "fstat",
    "newfstatat", "stat", "lstat", "statx", "statfs", "fstatfs", "access", "faccessat",
    "faccessat2", "readlink", "readlinkat", "getdents64", "fcntl", "dup", "getcwd",
    /* threads (Tesseract, GLib) and time */
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "rseq", "set_tid_address",
    "sched_yield", "sched_getaffinity", "sched_setaffinity", "getpriority", "nanosleep",
    "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday", "time",
    /* signals to itself (abort), limits, identity */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "tgkill", "gettid", "getpid",
    "getppid", "getuid", "geteuid", "getgid", "getegid", "prlimit64", "getrlimit", "getrusage",
    "uname", "sysinfo", "getrandom", "arch_prctl", "restart_syscall", "exit", "exit_group", "poll",
    "ppoll", "eventfd2", NULL};

/* Landlock's ABI version, or a negative errno. */
static int
landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

/* Allow reading beneath one path (missing paths are skipped). */
static void
landlock_allow(int ruleset, const char *path)
{
	struct landlock_path_beneath_attr pb = {0};
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return;
	pb.parent_fd = fd;
	pb.allowed_access =
	    fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? LL_READ : LANDLOCK_ACCESS_FS_READ_FILE;
	syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
}

/* Read-only access to read_paths and co->paths, nothing else. */
static void
landlock_apply(const struct confine_opts *co, GString *report)
{
	struct ll_ruleset_attr attr = {0};
	gsize size = sizeof attr.handled_access_fs;
	int abi = landlock_abi(), ruleset;

	if (abi < 0) {
		g_string_append_printf(report, ", landlock unavailable (%s)", g_strerror(-abi));
		return;
	}
	attr.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1 */
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = sizeof attr;
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0) {
		g_string_append_printf(report, ", landlock ABI %d refused (%s)", abi,
		                       g_strerror(errno));
		return;
	}
	for (int i = 0; read_paths[i] != NULL; i++)
		landlock_allow(ruleset, read_paths[i]);
	for (int i = 0; co->paths != NULL && co->paths[i] != NULL; i++)
		landlock_allow(ruleset, co->paths[i]);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
		g_string_append_printf(report, ", landlock ABI %d not applied (%s)", abi,
		                       g_strerror(errno));
	else
		g_string_append_printf(report, ", landlock ABI %d", abi);
	close(ruleset);
}

/* Add an allow rule for a call by name; calls this architecture lacks are skipped. */
static int
seccomp_allow(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *c)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, c);
}

/* The allow-list; everything else fails with EPERM. */
static int
seccomp_apply(char **cause)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	/* open only for reading: no write access, no creating, no truncating */
	struct scmp_arg_cmp rdonly_at =
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY);
	struct scmp_arg_cmp rdonly =
	    SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY);
	/* threads only: a clone without CLONE_THREAD would be a new process */
	struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	int rc = 0;

	if (ctx == NULL) {
		*cause = g_strdup("seccomp_init failed");
		return -1;
	}
	for (int i = 0; rc == 0 && allowed_calls[i] != NULL; i++)
		rc = seccomp_allow(ctx, allowed_calls[i], 0, NULL);
	if (rc == 0)
		rc = seccomp_allow(ctx, "openat", 1, &rdonly_at);
	if (rc == 0)
		rc = seccomp_allow(ctx, "open", 1, &rdonly);
	if (rc == 0)
		rc = seccomp_allow(ctx, "clone", 1, &thread);
	/* glibc falls back to clone, whose flags can be checked */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		*cause = g_strdup_printf("seccomp: %s", g_strerror(-rc));
		return -1;
	}
	return 0;
}

/* Namespaces where permitted, then the reader user. */
int
confine_user(const struct confine_opts *co, GString *report, char **cause)
{
	struct passwd *pw = NULL;

	if (getuid() == 0 && co->user != NULL && (pw = getpwnam(co->user)) == NULL) {
		*cause = g_strdup_printf("reader_user \"%s\": no such user", co->user);
		return -1;
	}
	/* as root, or in a user namespace of its own when not */
	if (unshare(CLONE_NEWNET | CLONE_NEWIPC) == 0)
		g_string_append(report, ", netns yes, ipcns yes");
	else if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC) == 0)
		g_string_append(report, ", netns yes, ipcns yes (user namespace)");
	else
		g_string_append_printf(report, ", netns no, ipcns no (%s)", g_strerror(errno));
	if (pw != NULL && (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	                   setuid(pw->pw_uid) != 0 || setuid(0) == 0)) {
		*cause =
		    g_strdup_printf("becoming reader_user \"%s\": %s", co->user, g_strerror(errno));
		return -1;
	}
	g_string_append_printf(report, ", uid %u", (unsigned)getuid());
	return 0;
}

/* Set one resource limit, both soft and hard. */
static void
limit(int resource, rlim_t value)
{
	struct rlimit r = {value, value};

	setrlimit(resource, &r);
}

/* The other layers. */
int
confine_apply(const struct confine_opts *co, GString *report, char **cause)
{
	struct rlimit cpu;

	/* the daemon gone, the reader goes (after the user change, which clears it) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_NOFILE, READER_FILES);
	if (co->memory > 0)
		limit(RLIMIT_AS, (rlim_t)co->memory);
	if (getrlimit(RLIMIT_CPU, &cpu) == 0 && co->cpu_seconds > 0) {
		cpu.rlim_cur = (rlim_t)co->cpu_seconds;
		setrlimit(RLIMIT_CPU, &cpu);
	}
	g_string_append(report, ", rlimits");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		*cause = g_strdup_printf("no_new_privs: %s", g_strerror(errno));
		return -1;
	}
	g_string_append(report, ", no_new_privs");
	landlock_apply(co, report);
	if (seccomp_apply(cause) != 0)
		return -1;
	g_string_append(report, ", seccomp");
	return 0;
}

/* No file written from now on, not even the log on stderr. */
void
confine_seal(void)
{
	/* a write past the limit fails with EFBIG, it does not kill the reader
	   (a library's warning on a stderr that is a file) */
	signal(SIGXFSZ, SIG_IGN);
	limit(RLIMIT_FSIZE, 0);
}

/* Allow one more job seconds of CPU from now. */
void
confine_cpu_job(int seconds)
{
	struct rusage ru;
	struct rlimit cpu;

	if (seconds <= 0 || getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &cpu) != 0)
		return;
	cpu.rlim_cur = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + seconds + 1);
	if (cpu.rlim_max != RLIM_INFINITY && cpu.rlim_cur > cpu.rlim_max)
		cpu.rlim_cur = cpu.rlim_max;
	setrlimit(RLIMIT_CPU, &cpu);
}

/* The forbidden acts; each returns 0 when it was refused. */
static int
act_open_write(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL);
	int fd = open(p, O_WRONLY);

	g_free(p);
	return fd < 0 ? 0 : -1;
}

/* Open an existing file for reading and writing. */
static int
act_open_rdwr(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL);
	int fd = openat(AT_FDCWD, p, O_RDWR);

	g_free(p);
	return fd < 0 ? 0 : -1;
}

/* Create a new file. */
static int
act_create(const char *dir)
{
	char *p = g_build_filename(dir, "created", NULL);
	int fd = open(p, O_RDONLY | O_CREAT, 0600);

	g_free(p);
	return fd < 0 ? 0 : -1;
}

/* Open an existing file truncating it. */
static int
act_open_trunc(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL);
	int fd = open(p, O_RDONLY | O_TRUNC);

	g_free(p);
	return fd < 0 ? 0 : -1;
}

/* Unlink an existing file. */
static int
act_unlink(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL);
	int rc = unlink(p);

	g_free(p);
	return rc != 0 ? 0 : -1;
}

/* Truncate an existing file by name. */
static int
act_truncate(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL);
	int rc = truncate(p, 0);

	g_free(p);
	return rc != 0 ? 0 : -1;
}

/* Rename an existing file. */
static int
act_rename(const char *dir)
{
	char *p = g_build_filename(dir, "existing", NULL),
	     *q = g_build_filename(dir, "moved", NULL);
	int rc = rename(p, q);

	g_free(p);
	g_free(q);
	return rc != 0 ? 0 : -1;
}

/* Open a TCP socket to the loopback. */
static int
act_connect_tcp(const char *dir)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(25)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return 0;
	/* a socket at all is already too much, whatever connect says */
	connect(fd, (struct sockaddr *)&a, sizeof a);
	return -1;
}

/* Open a unix socket. */
static int
act_socket_unix(const char *dir)
{
	return socket(AF_UNIX, SOCK_STREAM, 0) < 0 ? 0 : -1;
}

/* Start a new process. */
static int
act_fork(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid < 0 ? 0 : -1;
}

/* Run a program. */
static int
act_exec(const char *dir)
{
	char *const argv[] = {"/bin/true", NULL}, *const envp[] = {NULL};

	execve(argv[0], argv, envp);
	return 0;
}

static const struct {
	const char *name;
	int (*act)(const char *dir);
} acts[] = {
    {"open-write", act_open_write},
    {"open-rdwr", act_open_rdwr},
    {"open-create", act_create},
    {"open-truncate", act_open_trunc},
    {"unlink", act_unlink},
    {"truncate", act_truncate},
    {"rename", act_rename},
    {"connect-tcp", act_connect_tcp},
    {"socket-unix", act_socket_unix},
    {"fork", act_fork},
    {"exec", act_exec},
};

/* Try every forbidden act in a confined child. */
int
confine_selftest(const struct confine_opts *co)
{
	char *dir = g_dir_make_tmp("phieu-confine-XXXXXX", NULL);
	char *existing = dir != NULL ? g_build_filename(dir, "existing", NULL) : NULL;
	int failed = 0;

	if (dir == NULL || !g_file_set_contents(existing, "kept\n", -1, NULL)) {
		printf("cannot prepare a directory to try the acts in\n");
		return 1;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(acts); i++) {
		int status = 0;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			GString *report = g_string_new(NULL);
			char *cause = NULL;
			if (confine_user(co, report, &cause) != 0 ||
			    confine_apply(co, report, &cause) != 0)
				_exit(3);
			confine_seal();
			_exit(acts[i].act(dir) == 0 ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			printf("%s: refused\n", acts[i].name);
		else if (WIFSIGNALED(status))
			printf("%s: refused (killed by signal %d)\n", acts[i].name,
			       WTERMSIG(status));
		else {
			printf("%s: ALLOWED (status %d)\n", acts[i].name,
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			failed = 1;
		}
	}
	/* the file is still there, whole */
	char *text = NULL;
	if (!g_file_get_contents(existing, &text, NULL, NULL) || strcmp(text, "kept\n") != 0) {
		printf("the existing file was changed\n");
		failed = 1;
	}
	g_free(text);
	unlink(existing);
	g_autofree char *created = g_build_filename(dir, "created", NULL),
	                *moved = g_build_filename(dir, "moved", NULL);
	unlink(created);
	unlink(moved);
	rmdir(dir);
	g_free(existing);
	g_free(dir);
	return failed;
}
