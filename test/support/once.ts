import type { TestApi } from './api.js';

/**
 * A `given` step run once per test file, however many scenarios list it: a shared history (accounts, usage,
 * a month end) that several scenarios read, each through its own account. The virtual clock only goes
 * forward, so a history that moves it is built once rather than per scenario.
 */
export function once<T>(step: (api: TestApi) => Promise<T>): (api: TestApi) => Promise<T> {
  let done: Promise<T> | undefined;
  return (api) => (done ??= step(api));
}
