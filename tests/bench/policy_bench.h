/*
 * policy_bench.h: policy decision time per write (make bench; the target
 * is at most 1 us with 10,000 points configured). The bench program's main
 * calls it; compare n_points 10 with 10,000 to see that lookups do not
 * grow with the number of points.
 */
#ifndef WARDEN_POLICY_BENCH_H
#define WARDEN_POLICY_BENCH_H

/*
 * Mean nanoseconds per write judged (policy_decide, then policy_forward
 * and policy_accept as the proxy does when it forwards, and policy_settle
 * when the device answers) with n_points holding-register points
 * configured, each with min, max, max_step and max_rate, over iterations
 * single-register writes to points picked at random. Returns -1 when the
 * run could not be set up or a decision was not the expected one (said on
 * stderr).
 */
double policy_bench_ns_per_decision(unsigned n_points, unsigned iterations);

#endif
