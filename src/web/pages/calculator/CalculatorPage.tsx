// Placeholder: the page is being built.
export function CalculatorPage(_props: { readonly query: URLSearchParams; readonly id?: string }) {
  return <section class="card"><h1>CalculatorPage</h1></section>;
}
