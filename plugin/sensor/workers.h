/* workers.h — --workers N: N worker processes (libnids keeps one global state
 * per process), their events merged by this process into one EVE stream. */
#ifndef WW_SENSOR_WORKERS_H
#define WW_SENSOR_WORKERS_H

#include "eve-file.h"

#define WORKERS_MAX 1024 /* the engine's workers.count limit */

/* What a worker learns at its start. */
struct workers_child {
    unsigned id; /* 0 .. n - 1 */
    int fd;      /* write end of this worker's pipe to the parent */
};

/* Forks n workers. In the parent: writes every whole line the workers send to
 * out, one merged `stats` event per round of theirs, forwards SIGINT / SIGTERM /
 * SIGUSR2 to them, reopens out on SIGHUP, and returns the worst exit status of
 * the workers once all have ended (1 for one killed by a signal or not started).
 * In a worker: returns -1 with *child filled; the caller runs the normal loop. */
int workers_run(unsigned n, struct eve_file *out, struct workers_child *child);

/* In a worker: replaces the parent's output in ef by the pipe to the parent. */
int workers_child_output(struct eve_file *ef, const struct workers_child *child);

#endif
