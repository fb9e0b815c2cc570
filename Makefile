# The two commands of the README: `make demo` builds and serves, `make test` runs every test layer.
.PHONY: demo pkg dist test serve clean

demo: pkg
	scripts/serve.py 8000

pkg:
	scripts/setup.sh build
	scripts/build-pkg.sh

# A self-contained folder for any static host (see README, "Embedding").
dist: pkg
	scripts/dist.sh

serve:
	scripts/serve.py 8000

test:
	scripts/setup.sh test
	scripts/test.sh

clean:
	rm -rf pkg dist target node_modules test-results
