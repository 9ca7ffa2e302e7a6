/**
 * Let the network callbacks that are already due run before a CPU-heavy step
 * (signature checks, CAR parsing). When several identities are verified at
 * once their answers tend to arrive together; without this, one channel's
 * checks run first and every other channel sends its next request only after
 * them. On Node `setImmediate` runs after the pending I/O callbacks; elsewhere
 * a zero timer does the same job less precisely.
 */
export function yieldToNetwork(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
