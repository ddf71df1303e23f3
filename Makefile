# The two commands: `make run` (the demo on http://127.0.0.1:8000) and `make test`.
.PHONY: run test setup lint format lock check-deploy security clean

run: setup
	@scripts/run-demo

test: setup
	@scripts/test

setup:
	@scripts/bootstrap

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

lock:
	scripts/lock

# Deployment checks, bandit and the dependency audit (docs/security.md).
security: setup
	@scripts/security-scan

clean:
	rm -rf .venv var .pytest_cache .ruff_cache
