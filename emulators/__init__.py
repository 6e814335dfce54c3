"""Local stand-ins for regulators' public registers, served on 127.0.0.1 for tests and the demo.

Everyone they list is synthetic (`emulators.people`); no real registrant is ever served.
"""
