/*
 * proc: what the kernel says about a benchmarked process (Linux /proc),
 * shared by the benchmarks.  Each returns -1 when it cannot be read.
 */
#ifndef CHORUS_BENCH_PROC_H
#define CHORUS_BENCH_PROC_H

#include <sys/types.h>

/* A kB field of /proc/<pid>/status ("VmRSS", "VmHWM", "RssAnon", ...). */
long   proc_status_kib(pid_t pid, const char *key);
/* Proportional set size: shared pages divided among their mappers. */
long   proc_pss_kib(pid_t pid);
/* utime + stime, in seconds. */
double proc_cpu_seconds(pid_t pid);

#endif
