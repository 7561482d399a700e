"""What noxfile.py's sessions run, kept here so the noxfile reads as a list of sessions.

The modules import nox only for type checking: the infra checks' tests import them in a
virtualenv that has no nox.
"""
