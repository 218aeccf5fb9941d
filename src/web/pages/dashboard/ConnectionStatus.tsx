/**
 * The live connection's state in a `role="status"` element, for people and for programs
 * (`data-state`: idle, reading, connecting, connected, reconnecting, stopped): reconnecting counts
 * down the seconds to the next attempt.
 */
import { useEffect, useState } from 'preact/hooks';
import type { EventFeed } from './useEventFeed.js';

function describe(feed: EventFeed, received: number, now: number): { state: string; text: string } {
  const { stream } = feed;
  if (feed.phase === 'history') return { state: 'reading', text: 'Reading the event log…' };
  if (stream?.kind === 'stopped') return { state: 'stopped', text: `Stopped: ${stream.reason}.` };
  if (stream?.kind === 'reconnecting') {
    const seconds = Math.max(0, Math.ceil((stream.at - now) / 1000));
    return { state: 'reconnecting', text: `Reconnecting in ${seconds} s (${stream.reason}).` };
  }
  if (feed.phase === 'idle') return { state: 'idle', text: 'Not connected: give an API key to follow the service live.' };
  if (stream?.kind === 'connected') return { state: 'connected', text: `Connected: live. ${received.toLocaleString('en-US')} ${received === 1 ? 'event' : 'events'} received.` };
  return { state: 'connecting', text: 'Connecting to the live stream…' };
}

export function ConnectionStatus({ feed, received }: { readonly feed: EventFeed; readonly received: number }) {
  const [now, setNow] = useState(() => Date.now());
  const reconnecting = feed.stream?.kind === 'reconnecting';
  useEffect(() => {
    if (!reconnecting) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [reconnecting, feed.stream]);
  const { state, text } = describe(feed, received, now);
  return (
    <p class={`connection ${state}`} role="status" aria-atomic="true" data-state={state}>
      <span class="dot" aria-hidden="true" />{text}
    </p>
  );
}
