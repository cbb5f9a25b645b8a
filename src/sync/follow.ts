/**
 * `govaudit index --follow`: index what has settled, wait, and again, until stopped. Each
 * run is a whole `runIndex` (the reorg check first, then the same passes and the same
 * cursor discipline as a single run), so stopping at any point leaves the store exactly
 * as a single run stopped there would.
 *
 * With a Snapshot space, the hub is read on the first run and then at most once per
 * `snapshotIntervalMs`; the chain's runs in between skip it.
 *
 * Once a run has succeeded, a run that fails on the source (an RPC down, rate limits
 * beyond the retries, a node that lost a block) is reported and tried again at the next
 * tick: a follower outlives its node's bad minutes. Anything else (usage, the store, a
 * reorg deeper than the store reaches), or a failing first run (more likely a setting
 * than a bad minute: an unsupported 'finalized' tag, a wrong URL), ends the loop with its
 * error.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { SourceError } from '../errors.js'
import { ReorgError } from './reorg.js'
import { runIndex, type RunIndexParameters, type RunIndexResult } from './runIndex.js'

export type FollowParameters = Omit<RunIndexParameters, 'shouldStop' | 'withSnapshot' | 'onSnapshotRead'> & {
  /** Time between the end of a run and the start of the next. */
  intervalMs: number
  /**
   * With a Snapshot space: the least time between two reads of the hub (the first run
   * always reads it; a read that failed counts too, so a hub in trouble is not asked again
   * every tick). The hub re-sends every vote of every open proposal on each read, so
   * reading it each tick would be most of a follower's traffic and can run into its rate
   * limits.
   */
  snapshotIntervalMs: number
  /** Milliseconds of a monotonic clock (tests). Default performance.now. */
  now?: () => number
  /** Aborting it stops the loop: the current batch commits, a wait ends at once. */
  signal: AbortSignal
  /** After each run that completed. */
  onRun?: (result: RunIndexResult) => void
  /** A run failed on the source; the next tick tries again. */
  onRetry?: (error: SourceError) => void
  /** Waiting for the next tick, after `last`, the last run that completed. */
  onWait?: (last: RunIndexResult) => void
}

export type FollowResult = { runs: number; last: RunIndexResult | null }

export async function follow(p: FollowParameters): Promise<FollowResult> {
  const { intervalMs, snapshotIntervalMs, now = () => performance.now(), signal, onRun, onRetry, onWait, ...run } = p
  let runs = 0
  let last: RunIndexResult | null = null
  let hubReadAt: number | undefined // when the last read of the hub began
  while (!signal.aborted) {
    try {
      const withSnapshot = hubReadAt === undefined || now() - hubReadAt >= snapshotIntervalMs
      last = await runIndex({ ...run, withSnapshot, onSnapshotRead: () => (hubReadAt = now()), shouldStop: () => signal.aborted })
      runs++
      onRun?.(last)
    } catch (error) {
      if (!(error instanceof SourceError) || error instanceof ReorgError || last === null) throw error
      onRetry?.(error)
    }
    if (signal.aborted) break
    onWait?.(last)
    await sleep(intervalMs, undefined, { signal }).catch((e: unknown) => {
      if (!signal.aborted) throw e // only the stop may cut a wait short
    })
  }
  return { runs, last }
}
