"""`python -m bot`: the Procfile's worker and the README's run command, through the composition root."""

import sys

from app import main

sys.exit(main())
