/* The diagnosis catalogue of SPEC §3 as one table (gm/catalogue.h). docs/findings.md has a
 * "### id" section for every entry (tests/unit/t_record.c checks both lists). */
#include "gm/catalogue.h"
#include "gm/base.h"

#include <string.h>
#include "gm/banned.h" /* last: bans unsafe calls in this file */

static const struct gm_finding_kind kinds[] = {
    /* crashes (gm/crash.h): critical, ranked first */
    {"panic", "the program died of an unrecovered panic",
     "fix the function that panicked (the first user frame); a recover that re-panics only "
     "moves the crash"},
    {"fatal-error", "the runtime stopped the program: fatal error",
     "concurrent map writes: guard the map with a mutex (or sync.Map); stack overflow: bound "
     "the recursion; out of memory: bound what grows (gomedic heap); unlock of unlocked mutex: "
     "pair every Unlock with its Lock"},
    {"fatal-signal", "the program died of a signal it did not expect (SIGSEGV/SIGBUS)",
     "a bad pointer in unsafe or cgo code: check the address in the signal line against the "
     "named frame; run the C side under ASan"},
    {"all-goroutines-asleep", "the runtime proved a deadlock: every goroutine is blocked",
     "find what main waits for and who should have sent, closed or unlocked it (the other "
     "findings name each goroutine's wait)"},
    {"chan-send-blocked", "blocked sending on a channel that nobody receives from",
     "give the channel a buffer for every sender, or send in a select with <-ctx.Done(); the "
     "receiver is gone (gave up on a timeout or first error, or died)"},
    {"chan-recv-blocked", "blocked receiving from a channel that nobody sends to or closes",
     "close the channel when the producer is done, or receive in a select with <-ctx.Done()"},
    {"range-never-closed", "ranging over (or comma-ok receiving from) a channel never closed",
     "close(ch) in the producer when it is done (defer close(ch)), or select on <-ctx.Done()"},
    {"nil-chan", "blocked forever on a nil channel",
     "make() the channel before use: a send or receive on a nil channel never returns"},
    {"select-blocked", "blocked in a select whose cases never fire",
     "add a <-ctx.Done() (or quit channel) case and cancel it when the caller gives up"},
    {"context-not-propagated",
     "blocked in a select that has a <-ctx.Done() case, on a context that nothing cancels",
     "pass the caller's context down instead of context.Background()/TODO, and call the cancel "
     "func of every WithCancel/WithTimeout when its work is done"},
    {"pipe-leak",
     "blocked writing to or reading from a pipe whose other end is neither read nor closed",
     "the owner of the pipe closes the other end when it stops using it (PipeReader.Close or "
     "CloseWithError after a failed read; the write end of an os.Pipe when writing is done); a "
     "deadline does not help"},
    {"http-transport-per-request",
     "idle keep-alive connections pile up, one per request: an http.Transport made per request",
     "share one http.Client (and its Transport) across requests: a Transport per request keeps "
     "its idle connection for good (or set DisableKeepAlives, or call CloseIdleConnections)"},
    {"select-forever", "parked in select {} outside main",
     "wait on <-ctx.Done() or a shutdown channel instead of select {}"},
    {"mutex-wait", "waiting to lock a sync.Mutex",
     "find the holder: a Lock without Unlock on some path (use defer mu.Unlock()), or a "
     "critical section that blocks"},
    {"rwmutex-wait", "waiting to lock a sync.RWMutex",
     "find the holder: an RLock/Lock without unlock on some path, or a recursive RLock"},
    {"lock-order-deadlock", "goroutines each hold a lock that another one waits for",
     "acquire the locks in one global order everywhere"},
    {"waitgroup-wait", "waiting on a sync.WaitGroup that does not reach zero",
     "call wg.Add before the go statement and defer wg.Done() on every path"},
    {"cond-wait", "waiting on a sync.Cond that is not signalled",
     "Signal/Broadcast after every state change, and wait in a loop on the predicate"},
    {"ticker-loop", "looping on a Ticker or time.After with no way out",
     "add a <-ctx.Done() case and defer ticker.Stop(); start one loop, not one per call"},
    {"sleep-loop", "looping on time.Sleep with no way out, one loop per caller",
     "use a time.Ticker with a <-ctx.Done() case, and start one poller, not one per request"},
    {"http-client-body-leak", "net/http client connections pile up (persistConn read/write loops)",
     "close every resp.Body (drain it first) and share one http.Client/Transport"},
    {"http-server-idle-conns", "net/http server connections sit idle in a read",
     "set http.Server ReadHeaderTimeout, ReadTimeout and IdleTimeout"},
    {"escaped-request-goroutine", "goroutines started by a request handler outlive the request",
     "pass r.Context() into the goroutine (not context.Background()) and return when it is done"},
    {"sql-pool-exhaustion", "waiting for a database/sql connection: the pool is exhausted",
     "close Rows and end every Tx on all paths; set SetMaxOpenConns and query timeouts"},
    {"io-wait", "blocked reading or writing the network",
     "set read/write deadlines, or close the connection when the context ends"},
    {"syscall", "blocked in a system call",
     "find the file, pipe or cgo call it waits on; use deadlines or a cancellable API"},
    {"runnable-backlog", "many goroutines runnable at once: the CPUs are saturated",
     "bound the concurrency (worker pool, semaphore) and profile CPU"},
    {"goroutine-leak",
     "proven leaked by the Go runtime, blocked on a channel, select or lock (which one, this "
     "dump kind does not say)",
     "give the goroutine a way out: a <-ctx.Done() case, a buffered channel, a deferred close or "
     "Unlock; the debug=2 form of the profile names the wait"},
    {"recursive-rlock",
     "holds a read lock and asks for another while a writer waits: everyone queues behind it",
     "do not RLock again under a read lock: pass the locked state down (a *Locked helper that "
     "assumes the lock is held), or take the lock once at the top"},
    {"goroutine-pileup",
     "many goroutines with one stack, waiting on something this dump kind does not show",
     "take goroutine?debug=2 (or run with the source at hand) to see what they wait on; then "
     "follow the finding it names"},
    /* GC and scheduler (gomedic gc) */
    {"gc-cpu-high", "the garbage collector takes over a quarter of the CPU",
     "allocate less (gomedic heap / pprof -sample_index=alloc_space), raise GOGC, or set "
     "GOMEMLIMIT with headroom"},
    {"live-heap-rising", "the live heap after each GC keeps growing: a memory leak",
     "find the growing allocation sites with a series of heap profiles (gomedic heap)"},
    {"gomemlimit-death-spiral", "the heap is pinned at GOMEMLIMIT and GC runs back to back",
     "raise GOMEMLIMIT or the container limit, shed load, or cut the live heap"},
    {"stw-long", "long stop-the-world pauses",
     "find loops without function calls (or GODEBUG=asyncpreemptoff), huge stacks or cgo "
     "calls that delay the stop"},
    {"gc-too-frequent", "GC cycles run many times per second",
     "raise GOGC (or use GOMEMLIMIT), and cut short-lived allocations"},
    {"runqueue-backlog", "the scheduler's run queues stay long: CPU saturation",
     "bound concurrency, add CPU, or profile CPU to cut work"},
    /* heap profiles (gomedic heap) */
    {"heap-growth", "an allocation site's live memory grows without bound",
     "find who keeps these objects alive: bound or evict the cache/map/slice named by the hint, "
     "drop references when done"},
    /* race detector (gomedic race) */
    {"data-race", "two goroutines access the same memory, at least one writing, unsynchronised",
     "protect the shared data with a mutex or channel, or use sync/atomic; see the hint"},
};

const struct gm_finding_kind *gm_finding_kinds(size_t *nr)
{
    *nr = GM_ARRAY_NR(kinds);
    return kinds;
}

const struct gm_finding_kind *gm_finding_kind(const char *id)
{
    for (size_t i = 0; i < GM_ARRAY_NR(kinds); i++) {
        if (strcmp(kinds[i].id, id) == 0) {
            return &kinds[i];
        }
    }
    return NULL;
}

static const char *sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *gm_severity_name(enum gm_severity s)
{
    return (unsigned)s < GM_ARRAY_NR(sev_names) ? sev_names[s] : "?";
}

int gm_severity_parse(const char *s)
{
    for (size_t i = 0; i < GM_ARRAY_NR(sev_names); i++) {
        if (strcmp(s, sev_names[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}
