# A front for the scripts in scripts/, which work without make too.
.PHONY: build test test-sanitize demo bench clean test-compose

build:
	bash scripts/build.sh

test:
	bash scripts/test.sh --no-install

test-sanitize:
	bash scripts/test.sh --sanitize --no-install

demo:
	bash scripts/demo.sh --no-install

bench:
	bash bench/run.sh

test-compose:
	bash scripts/test-compose.sh

clean:
	rm -rf build build-asan demo-output
