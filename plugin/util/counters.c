/* counters.c — counter and event names, generated from the X-macro lists in
 * counters.h, decode-events.h and stream-events.h so that the enum and
 * the text can never drift apart. */
#include "counters.h"

#include <string.h>

/* clang-format off */
static const char *const counter_names[CTR_COUNT] = {
#define CTR_NAME(e, name) [CTR_##e] = name,
    WW_COUNTERS(CTR_NAME)
#undef CTR_NAME
#define CTR_DEV_NAME(e, name) [CTR_DEV_##e] = "decoder.event." name,
    DECODE_EVENTS(CTR_DEV_NAME)
#undef CTR_DEV_NAME
#define CTR_SEV_NAME(e, name) [CTR_SEV_##e] = "stream." name,
    STREAM_EVENTS(CTR_SEV_NAME)
#undef CTR_SEV_NAME
};

/* CTR_OF_DECODE_EVENT / CTR_OF_STREAM_EVENT rely on the event counters
 * being contiguous and in event order. */
_Static_assert(CTR_OF_DECODE_EVENT(DEV_COUNT - 1) + 1 == CTR_SEV_REASSEMBLY_SEQ_GAP,
               "decode event counters are contiguous");
_Static_assert(CTR_OF_STREAM_EVENT(SEV_COUNT - 1) + 1 == CTR_COUNT,
               "stream event counters are contiguous");

static const char *const decode_event_names[DEV_COUNT] = {
    [DEV_NONE] = "decoder.none",
#define DEV_NAME(e, name) [DEV_##e] = "decoder." name,
    DECODE_EVENTS(DEV_NAME)
#undef DEV_NAME
};

static const char *const stream_event_names[SEV_COUNT] = {
    [SEV_NONE] = "stream.none",
#define SEV_NAME(e, name) [SEV_##e] = "stream." name,
    STREAM_EVENTS(SEV_NAME)
#undef SEV_NAME
};
/* clang-format on */

const char *counter_name(enum counter c)
{
    if ((unsigned)c >= CTR_COUNT)
        return "unknown";
    return counter_names[c];
}

enum counter counter_by_name(const char *name)
{
    if (name == NULL)
        return CTR_COUNT;
    for (unsigned i = 0; i < CTR_COUNT; i++) {
        if (strcmp(counter_names[i], name) == 0)
            return (enum counter)i;
    }
    return CTR_COUNT;
}

const char *decode_event_name(enum decode_event ev)
{
    if ((unsigned)ev >= DEV_COUNT)
        return "decoder.unknown";
    return decode_event_names[ev];
}

const char *stream_event_name(enum stream_event ev)
{
    if ((unsigned)ev >= SEV_COUNT)
        return "stream.unknown";
    return stream_event_names[ev];
}
