# The two commands a newcomer needs; each sets itself up on a fresh machine.
.PHONY: test test-fast demo bench
test:  ## run every test: lint, build checks, every Django/Python cell, browsers, coverage, docs, fuzz
	./scripts/test.sh
test-fast:  ## the quick loop: Django 5.2 on Python 3.11, without the browser suite (a minute or two)
	./scripts/test.sh --fast
demo:  ## start the demo: an API and two pages on three loopback origins
	./scripts/demo.sh
bench:  ## compare against django-cors-headers; writes bench/results/
	./scripts/bench.sh
.PHONY: fuzz-long load
fuzz-long:  ## fuzz every target for 10 minutes each (FUZZ_SECONDS to change)
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/python -m pip install -q -r requirements/fuzz.txt -e .
	.venv/bin/python fuzz/run.py --seconds $${FUZZ_SECONDS:-600}
load:  ## 60 s load and soak under gunicorn and uvicorn (LOAD_DURATION=10 for a quick run)
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/python -m pip install -q -r requirements/test.txt -e .
	.venv/bin/python load/run.py --duration $${LOAD_DURATION:-60}
bench-db-origins:  ## 100,000 origins in the database: per-request cost, load time, memory
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/python -m pip install -q -r requirements/test.txt -e .
	.venv/bin/python -m bench.db_origins
bench-regex-dos:  ## the issue-13 regex patterns: worst request on a 512-char Origin / 8 KB path (< 10 ms)
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/python -m pip install -q -e .
	.venv/bin/python -m bench.regex_dos
.PHONY: bench-e2e
bench-e2e:  ## requests/second under gunicorn + wrk: none vs django-cors-headers vs ours
	./scripts/bench.sh e2e
