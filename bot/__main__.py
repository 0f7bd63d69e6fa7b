"""`python -m bot`: the Procfile's worker and the README's run command, through the composition root.

The engine's own commands (classify, codegen, worker, health, scan) need nothing of the Slack app, so they start
without importing it: the container's health check and a classify run over a log file pay for the commands they run
only.
"""

import sys

from bot.cli import ENGINE_COMMANDS
from bot.cli import main as engine

if sys.argv[1:2] and sys.argv[1] in ENGINE_COMMANDS:
    sys.exit(engine())

# Running tfsync itself is the one command that needs the composition root.
from app import main

sys.exit(main())
