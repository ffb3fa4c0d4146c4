"""The MIGRIS sign-in layer: http/ (request and answer glue), domain/ (the rules), dal/ (DynamoDB and SES),
viisp/ (the VIISP protocol and transport), and wiring.py that puts them together."""

import sys

# botocore imports urllib3.contrib.pyopenssl only to take urllib3's unpatched SSLContext, and falls back to
# urllib3.util.ssl_.SSLContext, the same class, when that import fails (nothing here injects pyOpenSSL into
# urllib3). pyOpenSSL is in the layer for py_webauthn alone, which imports it directly; through botocore it would
# load pyOpenSSL and most of cryptography.x509 into every function's cold start, about 30 ms (issue 24, item 9).
# Every handler imports migris before boto3: tests/unit/test_cold_imports.py holds both facts.
sys.modules.setdefault("urllib3.contrib.pyopenssl", None)  # type: ignore[arg-type]
