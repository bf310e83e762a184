"""The Content-Security-Policy the site is built to work under (docs/architecture.md#quality-bars).

No inline script or style, no third-party request; WebAssembly for Pagefind and a
blob: worker are the only allowances. Every built page carries it in a
`<meta http-equiv="Content-Security-Policy">` (so it holds on file:// and on any static
host), `build.py serve` sends it as a header, and the tests serve the built site with it.
A host that can send headers should send it too, with `frame-ancestors 'none'` added
(a meta element cannot carry frame-ancestors; README, Deploying).
"""

CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:"
