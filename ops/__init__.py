"""Operator's commands of the runbook (docs/deploying.md) that the AWS CLI cannot do in one line: run from the
repository with the project's venv, `.venv/bin/python -m ops.<name>`."""
