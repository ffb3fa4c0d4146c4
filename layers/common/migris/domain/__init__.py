"""The rules: codes, sessions, accounts, profiles, staff changes, the VIISP sign-in and the mails. Nothing here
imports migris.http or boto3."""
