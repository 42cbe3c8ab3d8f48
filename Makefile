# The README's commands. Each script installs what it needs first.
.PHONY: demo test bench accuracy setup

demo:
	scripts/demo.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

# Not part of test: hundreds of browser runs.
accuracy:
	scripts/accuracy.sh

setup:
	scripts/setup.sh
