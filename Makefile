# The two commands a newcomer needs; each sets itself up on a fresh machine.
.PHONY: test demo bench
test:  ## run every test (lint, types, Django 4.2 and 5.2, browser, coverage)
	./scripts/test.sh
demo:  ## start the demo: an API and two pages on three loopback origins
	./scripts/demo.sh
bench:  ## compare against django-cors-headers; writes bench/results/
	./scripts/bench.sh
