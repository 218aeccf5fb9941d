// Placeholder: the page is being built.
export function SimulatePage(_props: { readonly query: URLSearchParams; readonly id?: string }) {
  return <section class="card"><h1>SimulatePage</h1></section>;
}
