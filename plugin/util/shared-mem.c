/* shared-mem.c — see shared-mem.h. */
#include "shared-mem.h"

#include <errno.h>
#include <sys/mman.h>

#include "share-order.h"

void *shared_map(size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

void shared_unmap(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

bool shared_lock_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    if (pthread_mutexattr_init(&a) != 0)
        return false;
    bool ok = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0 &&
              pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0 &&
              pthread_mutex_init(m, &a) == 0;
    pthread_mutexattr_destroy(&a);
    return ok;
}

void shared_lock(pthread_mutex_t *m)
{
    /* A worker died holding it: what it was changing may be half done (one
     * entry or one count); the state stays usable. */
    if (pthread_mutex_lock(m) == EOWNERDEAD)
        pthread_mutex_consistent(m);
}

void shared_unlock(pthread_mutex_t *m)
{
    pthread_mutex_unlock(m);
}

void shared_lock_in_order(pthread_mutex_t *m, const struct share_order *o)
{
    share_order_wait(o);
    shared_lock(m);
}
