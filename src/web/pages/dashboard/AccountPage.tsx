// Placeholder: the page is being built.
export function AccountPage(_props: { readonly query: URLSearchParams; readonly id?: string }) {
  return <section class="card"><h1>AccountPage</h1></section>;
}
