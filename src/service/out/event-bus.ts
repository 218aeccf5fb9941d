/**
 * Durable events, as they become durable: the group committer publishes each committed batch's
 * events here, in id order, and the streams (SSE), the webhook dispatcher and the metrics listen.
 * Nothing is published before its commit, so nothing streamed can be lost by a crash.
 */
import type { StoredEvent } from '../live/entries.js';

export type Listener = (events: readonly StoredEvent[]) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  /** The highest event id published (durable). */
  highWater = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    this.highWater = Math.max(this.highWater, (events[events.length - 1] as StoredEvent).id);
    for (const listener of this.listeners) listener(events);
  }

  get size(): number {
    return this.listeners.size;
  }
}
