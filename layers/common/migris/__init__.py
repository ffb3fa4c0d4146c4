"""MIGRIS sign-in domain: codes, accounts, sessions, mail and their DynamoDB repositories."""
