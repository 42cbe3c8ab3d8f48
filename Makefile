# The README's commands. Each script installs what it needs first.
.PHONY: demo test bench setup

demo:
	scripts/demo.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

setup:
	scripts/setup.sh
