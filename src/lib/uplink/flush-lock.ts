// One flusher at a time, also across tabs: two flushers would read the same oldest entries and send each
// twice. The Web Locks API holds the lock for as long as the task runs and frees it if the tab dies.

/** Runs `task` holding the flush lock; calls `onWait` first if another holder makes it wait. */
export type LockRunner = (task: () => Promise<void>, onWait: () => void) => Promise<void>;

export const FLUSH_LOCK_NAME = 'liveheartrate-uplink-flush';

export function createWebLockRunner(locks: LockManager, name: string = FLUSH_LOCK_NAME): LockRunner {
  return async (task, onWait) => {
    const ran = await locks.request(name, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await task();
      return true;
    });
    if (ran) return;
    onWait();
    await locks.request(name, task);
  };
}

/**
 * A lock for one JavaScript realm: for tests, and for browsers without Web Locks (where two tabs may then
 * send an entry twice — a duplicate the stores collapse, never a loss).
 */
export function createInTabLockRunner(): LockRunner {
  let tail: Promise<void> = Promise.resolve();
  // Tasks queued or running: a new one waits if there is any.
  let holders = 0;
  return (task, onWait) => {
    if (holders > 0) onWait();
    holders += 1;
    const run = tail.then(task).finally(() => {
      holders -= 1;
    });
    tail = run.catch(() => {});
    return run;
  };
}
