"""The rules: codes, sessions, accounts, profiles, staff changes, the VIISP sign-in and the mails. Nothing here
imports migris.http, boto3 or botocore (tests/unit/test_layers.py): the repositories of migris.dal come in through
constructors (migris.wiring) and are named here only for type checking; what they read and write is in records."""
