# The two commands of the README: `make demo` builds and serves, `make test` runs every test layer.
.PHONY: demo pkg dist test soak bench serve clean

demo: pkg
	scripts/serve.py 8000

pkg:
	scripts/setup.sh build
	scripts/build-pkg.sh

# A self-contained folder for any static host (see docs/embedding.md).
dist: pkg
	scripts/dist.sh

serve:
	scripts/serve.py 8000

test:
	scripts/setup.sh test
	scripts/test.sh

# The full soak: 10,000 training steps at p = 0.9 and 10,000 samples in the page.
soak: dist
	scripts/setup.sh test
	SOAK_STEPS=10000 SOAK_SAMPLES=10000 npx playwright test --config tests/e2e/playwright.config.mjs soak --reporter=list

# The benchmarks: prints a table, writes bench-results/bench.json (see docs/performance.md).
bench: dist
	scripts/setup.sh test
	xvfb-run -a node scripts/bench.mjs

clean:
	rm -rf pkg dist target node_modules test-results bench-results
