"""The pantheon-oncall policy pack: `pulumi preview --policy-pack policy` runs it.

Pulumi runs this folder with its own virtualenv (policy/venv, from requirements.txt) and this
folder first on the import path; the policies are in guardrails.py.
"""

from guardrails import PACK_NAME, POLICIES
from pulumi_policy import PolicyPack

PolicyPack(name=PACK_NAME, policies=POLICIES)
