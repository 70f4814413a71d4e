"""`credits-tui serve-ssh`: the app as an SSH service. Each connection signed in by a registered
key (or, if the operator allows it, by the sign-in screen) gets its own credits-tui in its own pty.
"""

import warnings

# asyncssh still names DSA, which cryptography deprecates; DSA host and user keys are refused here.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"asyncssh\.")

from tui.serve_ssh.options import ServeOptions  # noqa: E402 - after the filter
from tui.serve_ssh.run import serve  # noqa: E402

__all__ = ["ServeOptions", "serve"]
