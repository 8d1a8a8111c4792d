# Entry points. `make demo` runs the main job on built-in data; `make test`
# passes the tests; both install the system libraries first when missing.
SWIFT ?= swift
BENCH_JSON ?= .build/bench.json
export BENCH_JSON
# Open MPI refuses to start as root without both; CI runs as root (the MPI tests launch mpirun).
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

DEMO_OUT ?= demo-out

.PHONY: all deps build test bench bench-serve fuzz-serve demo demo-egean worlds scale engine-demo kill-resume clean fuzz fuzz-build

all: build

deps:
	@./Scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

# The kernel and workload bench, then the PyTorch references side by side with
# each model's ratio to them (Scripts/bench-torch.sh; skipped, saying so, without torch).
bench: deps
	$(SWIFT) run -c release bench
	@./Scripts/bench-torch.sh

# `cvr serve` under load on loopback (docs/serving.md): 1/8/64 connections,
# 1- and 100-row requests, beside offline scoring; SERVE_BENCH_ARGS adds flags.
bench-serve: deps
	$(SWIFT) build -c release --product cvr
	$(SWIFT) run -c release serve-bench $(SERVE_BENCH_ARGS)

# FUZZ_SERVE_REQUESTS (default 100000) mutated and random JSON bodies against
# `cvr serve`; fails on any 5xx or unanswered request. Not part of `make test`.
fuzz-serve: deps
	$(SWIFT) build -c release --product cvr
	$(SWIFT) run -c release serve-bench --fuzz-requests $${FUZZ_SERVE_REQUESTS:-100000}

demo: deps
	$(SWIFT) run -c release train-metacvr --demo --out $(DEMO_OUT)

# The three DDF worlds (docs/data-simulators.md), each at WORLD_SEEDS world seeds x SEEDS
# training seeds, with the oracles: WORLDS_OUT/<world>/summary.md (or report.md with one
# world seed). Hours on 2 cores at the defaults; not in test.
WORLDS_OUT ?= worlds-out
WORLD_SEEDS ?= 1-2
SEEDS ?= 1-2
WORLD_NAMES ?= ddf ddf-5x ddf-fluctuation
worlds: deps
	$(SWIFT) build -c release --product train-metacvr
	for w in $(WORLD_NAMES); do \
	  $(SWIFT) run -c release train-metacvr --world $$w --world-seeds $(WORLD_SEEDS) --seeds $(SEEDS) \
	    --out $(WORLDS_OUT)/$$w $(WORLDS_ARGS) || exit 1; \
	done

# EGEAN's demo: the selection-bias world, every model and ablation, 3 seeds.
demo-egean: deps
	$(SWIFT) run -c release train-egean --demo --out $(DEMO_OUT)-egean

# The scale run (docs/performance.md): ROWS impressions in the Ali-CCP layout,
# ingest time, cache size, peak RSS and one epoch of each of MODELS. Not in test.
scale: deps
	ROWS=$${ROWS:-5000000} MODELS=$${MODELS:-ESMM} THREADS=$${THREADS:-2} SWIFT=$(SWIFT) ./Scripts/scale.sh

# SIGKILL train-metacvr at random points and --resume (KILLS=20): every
# completed series must write the uninterrupted run's metrics.json bytes.
kill-resume: deps
	KILLS=$${KILLS:-20} SWIFT=$(SWIFT) ./Scripts/kill-resume.sh

engine-demo: deps
	$(SWIFT) run -c release engine-demo

# Fuzzing (docs/reliability.md): `make fuzz` runs every harness for
# FUZZ_SECONDS each, one after another; `make fuzz-csv` (schema, checkpoint,
# scores) runs one. The executables are the separate package Fuzz/, built with
# libFuzzer and the address sanitizer into .build-fuzz (the normal build never
# sees them); lld links them (gold fails on the sanitizer runtimes). New inputs
# go to Fuzz/work/<harness>, crashes to Fuzz/artifacts/<harness>; the committed
# seeds in Fuzz/corpus are only read. FUZZ_ARGS adds libFuzzer flags, e.g.
# FUZZ_ARGS='-fork=1 -ignore_crashes=1' to go on past the first crash.
FUZZ_SECONDS ?= 600
FUZZ_ARGS ?=
FUZZ_HARNESSES := csv schema checkpoint scores
FUZZ_BUILD := $(CURDIR)/.build-fuzz
FUZZ_SWIFT_FLAGS := -c release --build-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
# Longest input per harness: a few rows, a schema, a checkpoint of the harness model.
FUZZ_MAX_LEN_csv := 4096
FUZZ_MAX_LEN_schema := 4096
FUZZ_MAX_LEN_checkpoint := 8192
FUZZ_MAX_LEN_scores := 4096

fuzz: $(addprefix fuzz-,$(FUZZ_HARNESSES))

fuzz-build: deps
	cd Fuzz && for h in $(FUZZ_HARNESSES); do $(SWIFT) build $(FUZZ_SWIFT_FLAGS) --product fuzz-$$h || exit 1; done

$(addprefix fuzz-build-,$(FUZZ_HARNESSES)): fuzz-build-%: deps
	cd Fuzz && $(SWIFT) build $(FUZZ_SWIFT_FLAGS) --product fuzz-$*

$(addprefix fuzz-,$(FUZZ_HARNESSES)): fuzz-%: fuzz-build-%
	mkdir -p Fuzz/work/$* Fuzz/artifacts/$*
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BUILD)/release/fuzz-$* Fuzz/work/$* Fuzz/corpus/$* -dict=Fuzz/dict/$*.dict \
	  -max_len=$(FUZZ_MAX_LEN_$*) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=Fuzz/artifacts/$*/ -print_final_stats=1 $(FUZZ_ARGS)

clean:
	rm -rf .build .build-fuzz
