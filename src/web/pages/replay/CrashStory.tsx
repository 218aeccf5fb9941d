/** What happened in a crash, and where its bars come from: the data's provider, file and licence. */
import type { Crash } from '../../data/crashes/crashes.js';

export function CrashStory({ crash, bars }: { readonly crash: Crash; readonly bars: number }) {
  return (
    <div class="crash-story">
      <h3>{crash.title}</h3>
      <p>{crash.summary}</p>
      <p class="muted crash-source">
        {bars} bars of {crash.resolution} of {crash.instrument} from <code>{crash.source.file}</code>: {crash.source.provider}; from {crash.source.origin}.
        Licence: {crash.source.licence}.
      </p>
    </div>
  );
}
