/* workers.h — --workers N: N worker processes (libnids keeps one global state
 * per process), their events merged by this process into one EVE stream. */
#ifndef WW_SENSOR_WORKERS_H
#define WW_SENSOR_WORKERS_H

#include <stdbool.h>

#include "eve-file.h"

#define WORKERS_MAX 1024 /* the engine's workers.count limit */

struct ring;

/* What a worker, or the reader, learns at its start. */
struct workers_child {
    unsigned id;               /* worker 0 .. n - 1 */
    int fd;                    /* write end of this process's pipe to the parent */
    bool reader;               /* this process is the reader, not a worker */
    struct ring *ring;         /* a worker's frames from the reader; NULL live */
    struct ring *const *rings; /* offline: worker i's ring is rings[i] (NULL live) */
    unsigned n;                /* workers */
};

/* Forks n workers and, with_reader (offline), one reader process that hands
 * them the frames through shared rings (dispatch.h). In the parent: writes
 * every whole line the workers send to out, one merged `stats` event per round
 * of theirs, forwards SIGUSR2 to the workers and SIGINT / SIGTERM to the reader
 * while it reads (the workers then drain its rings), else to the workers,
 * reopens out on SIGHUP, and returns the worst exit status of its children
 * once all have ended (1 for one killed by a signal or not started).
 * In a child: returns -1 with *child filled; the caller runs the worker's
 * normal loop, or the reader's. */
int workers_run(unsigned n, bool with_reader, struct eve_file *out, struct workers_child *child);

/* In the reader or a worker, when done: frees what workers_run gave it. */
void workers_child_done(struct workers_child *child);

/* In a worker: replaces the parent's output in ef by the pipe to the parent. */
int workers_child_output(struct eve_file *ef, const struct workers_child *child);

#endif
