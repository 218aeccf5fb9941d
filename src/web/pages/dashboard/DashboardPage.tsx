// Placeholder: the page is being built.
export function DashboardPage(_props: { readonly query: URLSearchParams; readonly id?: string }) {
  return <section class="card"><h1>DashboardPage</h1></section>;
}
