/* shared-mem.h — memory and locks shared by the worker processes of
 * --workers N: anonymous shared mappings made before the fork (so a pointer
 * into one means the same in every worker) and robust process-shared
 * mutexes (a worker that dies holding one does not stop the others). */
#ifndef WW_UTIL_SHARED_MEM_H
#define WW_UTIL_SHARED_MEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Returns bytes of zero-filled shared memory (pages taken as they are
 * touched), or NULL. */
void *shared_map(size_t bytes);
void shared_unmap(void *p, size_t bytes);
/* Returns false when the mutex cannot be made process-shared and robust. */
bool shared_lock_init(pthread_mutex_t *m);
void shared_lock(pthread_mutex_t *m);
void shared_unlock(pthread_mutex_t *m);

struct share_order;

/* Waits for the other workers' frames before o's (share-order.h), then locks
 * m. Always in this order: a worker that waited while holding the lock would
 * stop the very workers it waits for. */
void shared_lock_in_order(pthread_mutex_t *m, const struct share_order *o);

#endif
