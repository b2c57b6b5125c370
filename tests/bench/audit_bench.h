/*
 * audit_bench.h: the cost of one audit record as wardend pays it: built,
 * hashed, written with one write(), fsynced by the audit_fsync timer.
 */
#ifndef WARDEN_AUDIT_BENCH_H
#define WARDEN_AUDIT_BENCH_H

/*
 * Write n typical write_allowed records to a fresh log in dir (removed
 * afterwards), flushing every second as the daemon's timer does. Returns
 * microseconds per record, or -1 (said on stderr) when the log could not
 * be written.
 */
double audit_bench_us_per_record(const char *dir, unsigned n);

#endif
