// Placeholder: the page is being built.
export function ReplayPage(_props: { readonly query: URLSearchParams; readonly id?: string }) {
  return <section class="card"><h1>ReplayPage</h1></section>;
}
