# Entry points. `make demo` runs the main job on built-in data; `make test`
# passes the tests; both install the system libraries first when missing.
SWIFT ?= swift
BENCH_JSON ?= .build/bench.json
export BENCH_JSON

DEMO_OUT ?= demo-out

.PHONY: all deps build test bench demo engine-demo kill-resume clean

all: build

deps:
	@./Scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release bench

demo: deps
	$(SWIFT) run -c release train-metacvr --demo --out $(DEMO_OUT)

# SIGKILL train-metacvr at random points and --resume (KILLS=20): every
# completed series must write the uninterrupted run's metrics.json bytes.
kill-resume: deps
	KILLS=$${KILLS:-20} SWIFT=$(SWIFT) ./Scripts/kill-resume.sh

engine-demo: deps
	$(SWIFT) run -c release engine-demo

clean:
	rm -rf .build
