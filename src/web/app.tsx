/**
 * The shell: a header with the four pages, the page of the hash route (spec/web.md), and a footer.
 * Each page is a thin view over the core (DESIGN.md): it parses with the core's parsers and shows the
 * core's strings.
 */
import { useEffect } from 'preact/hooks';
import { useRoute } from './lib/router.js';
import { CalculatorPage } from './pages/calculator/CalculatorPage.js';
import { LazyPage } from './lazy-page.js';

type QueryProps = { readonly query: URLSearchParams };
const loadSimulate = () => import('./pages/simulate/SimulatePage.js').then((module) => module.SimulatePage);
const loadReplay = () => import('./pages/replay/ReplayPage.js').then((module) => module.ReplayPage);
const loadDashboard = () => import('./pages/dashboard/DashboardPage.js').then((module) => module.DashboardPage);
const loadAccount = () => import('./pages/dashboard/AccountPage.js').then((module) => module.AccountPage);

const PAGES = [
  ['/calculator', 'Calculator'],
  ['/simulate', 'Simulator'],
  ['/replay', 'Crash replays'],
  ['/dashboard', 'Live dashboard'],
] as const;

const TITLES: Readonly<Record<string, string>> = {
  '/calculator': 'Calculator',
  '/simulate': 'Simulator',
  '/replay': 'Crash replays',
  '/dashboard': 'Live dashboard',
};

/** An account id from the path, or undefined when it is not one (`%ZZ` is not a percent-encoding). */
function accountIdOf(path: string): string | undefined {
  const encoded = /^\/accounts\/([^/]+)$/.exec(path)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

export function App() {
  const route = useRoute();
  const accountId = accountIdOf(route.path);
  const title = accountId !== undefined ? `Account ${accountId}` : TITLES[route.path] ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · Stopout`;
  }, [title]);
  let page;
  if (accountId !== undefined) page = <LazyPage key="account" name={title} load={loadAccount} props={{ id: accountId, query: route.query }} />;
  else if (route.path === '/calculator') page = <CalculatorPage query={route.query} />;
  else if (route.path === '/simulate') page = <LazyPage<QueryProps> key="simulate" name={title} load={loadSimulate} props={{ query: route.query }} />;
  else if (route.path === '/replay') page = <LazyPage<QueryProps> key="replay" name={title} load={loadReplay} props={{ query: route.query }} />;
  else if (route.path === '/dashboard') page = <LazyPage<QueryProps> key="dashboard" name={title} load={loadDashboard} props={{ query: route.query }} />;
  else page = <section class="card"><h1>Not found</h1><p>No page at <code>{route.path}</code>. Try the <a href="#/calculator">calculator</a>.</p></section>;
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href="#/calculator" aria-label="Stopout, the calculator">Stopout</a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([path, text]) => (
              <li key={path}><a href={`#${path}`} aria-current={route.path === path ? 'page' : undefined}>{text}</a></li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
      <footer class="bottom">
        <p>Every figure on these pages is computed in your browser by Stopout's core, the same code as <code>npx stopout report</code>. Nothing you type leaves this page, except on the dashboard, which talks to your own <code>stopout serve</code>.</p>
      </footer>
    </>
  );
}
