"""The Content-Security-Policy the site is built to work under (DESIGN.md §5).

No inline script or style, no third-party request; WebAssembly for Pagefind and a
blob: worker are the only allowances. `build.py serve` sends it with every response,
and the tests serve the built site with it.
"""

CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:"
