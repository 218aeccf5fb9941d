/**
 * Pages other than the calculator load when first visited (their own chunk in the module build;
 * already in the one script of the offline build): the calculator's route loads only its own code.
 * While a page loads, the place it will fill says so and holds aria-busy.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type PageLoader<P> = () => Promise<ComponentType<P>>;

const loaded = new Map<PageLoader<never>, ComponentType<never>>();

export function LazyPage<P extends object>({ load, props, name }: { readonly load: PageLoader<P>; readonly props: P; readonly name: string }) {
  const [page, setPage] = useState<ComponentType<P> | undefined>(() => loaded.get(load as PageLoader<never>) as ComponentType<P> | undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (page) return;
    let current = true;
    load().then((component) => {
      loaded.set(load as PageLoader<never>, component as ComponentType<never>);
      if (current) setPage(() => component);
    }, (error: unknown) => {
      if (current) setFailure(error instanceof Error ? error.message : String(error));
    });
    return () => { current = false; };
  }, [load]);
  if (failure) return <section class="card" role="alert"><h1>{name}</h1><p>This page could not be loaded: {failure}. Reload to try again.</p></section>;
  if (!page) return <section class="card" aria-busy="true"><h1>{name}</h1><p class="muted">Loading…</p></section>;
  const Page = page;
  return <Page {...props} />;
}
