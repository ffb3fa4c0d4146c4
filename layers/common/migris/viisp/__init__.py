"""VIISP: the protocol (signed SOAP messages) and its transport."""
